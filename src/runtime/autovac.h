/* Autovacuum workers in a step's way: cancelled before each attempt, as
 * PostgreSQL itself would cancel one after deadlock_timeout, which the
 * step's lock_timeout (shorter) never reaches. */
#ifndef MIGPLAN_RUNTIME_AUTOVAC_H
#define MIGPLAN_RUNTIME_AUTOVAC_H

#include "migdir/manifest.h"
#include "runtime/conn.h"
#include "runtime/report.h"

/* Cancels every autovacuum worker that holds a lock on a table the step s
 * locks, except one preventing transaction-ID wraparound (PostgreSQL never
 * cancels those either), saying so on r. A plain migration (s NULL) has no
 * declared tables: nothing is done. */
int autovac_yield(rt_conn *c, const mf_step *s, const rt_report *r, const char *name, mp_error *err);

#endif
