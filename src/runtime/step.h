/* Running one pending migration (not a backfill) and writing its ledger row
 * the way Prisma would:
 *   - generated transactional step, or a plain Prisma file that can run in a
 *     transaction block: BEGIN; SET LOCAL timeouts; the file as one query;
 *     the finished ledger row; COMMIT. The step and its row commit together.
 *   - anything else (CONCURRENTLY, a file with its own COMMIT, VACUUM ...):
 *     exactly Prisma's sequence: a started row, the file as one query
 *     outside any transaction, then finished_at, or logs on failure. An
 *     INVALID index left by an earlier failed CONCURRENTLY build is dropped
 *     first.
 * lock_timeout, deadlock and serialization failures are retried a bounded
 * number of times; a final failure leaves Prisma's failed row (finished_at
 * NULL, logs = the error). */
#ifndef MIGPLAN_STEP_H
#define MIGPLAN_STEP_H

#include <stdbool.h>
#include "runtime/conn.h"
#include "migdir/folder.h"
#include "runtime/report.h"
#include "runtime/retry.h"

typedef struct {
	retry_policy retry;        /* after a lock_timeout; a watchdog cancel is
	                            * retried until the watchdog gives up */
	bool dry_run;  /* inside the caller's transaction: a savepoint, rolled back later */
	struct watchdog *wd;       /* lock watchdog armed for this step, or NULL */
} step_opts;

/* *rehearsed is false when dry_run and the step cannot run in a transaction
 * (nothing was run then). */
int step_apply(rt_conn *c, const folder_mig *m, const step_opts *o, const rt_report *r,
               bool *rehearsed, mp_error *err);

#endif
