/* The session-level advisory lock `prisma migrate deploy` holds while it
 * migrates. Holding the same key makes migrun and Prisma (and two migruns)
 * take turns instead of interleaving. */
#ifndef MIGPLAN_LOCK_H
#define MIGPLAN_LOCK_H

#include "runtime/conn.h"
#include "runtime/report.h"

#define PRISMA_ADVISORY_LOCK_KEY 72707369

/* Waits for the lock (wait_ms 0: as long as it takes), saying once who holds
 * it; MP_ESTATE when wait_ms passes first. */
int lock_acquire(rt_conn *c, long long wait_ms, const rt_report *r, mp_error *err);
int lock_release(rt_conn *c, mp_error *err);

#endif
