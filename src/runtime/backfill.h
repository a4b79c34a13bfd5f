/* A backfill step run natively instead of its migration.sql's DO block:
 * batches in key order up to the largest key present when it starts (rows
 * added later are kept right by the expand step's sync trigger), each batch
 * its own short transaction under the step's lock_timeout. Only rows where
 * the column is still NULL are touched (older manifests: where it IS
 * DISTINCT FROM the value), so an interrupted
 * backfill resumes from the data itself: there is no side file. The ledger
 * row is written once, when the whole backfill is done. */
#ifndef MIGPLAN_BACKFILL_H
#define MIGPLAN_BACKFILL_H

#include "util/buf.h"
#include "runtime/conn.h"
#include "migdir/folder.h"
#include "runtime/report.h"

typedef struct {
	double max_rate;              /* rows per second; 0: unthrottled */
	long long max_replica_lag_ms; /* pause while a replica lags more; 0: never */
	int lock_retries;             /* attempts per batch after a lock_timeout */
	long long retry_pause_ms;
	long long batch_time_ms;      /* what a batch may hold its locks (runtime/batchsize.h);
	                               * 0: fixed batches of the manifest's size; -1: the
	                               * manifest's batch_time, else BATCH_TIME_DEFAULT_MS */
} backfill_opts;

/* The batches alone, named name in progress lines, under the given
 * timeouts: a backfill's, and a rollback's refill (rollback.c). No ledger
 * row. *updated gets the number of rows changed. */
int backfill_batches(rt_conn *c, const char *name, const mf_backfill *bf, long long lock_timeout_ms,
                     long long statement_timeout_ms, const backfill_opts *o, const rt_report *r,
                     long long *updated, mp_error *err);
/* The step's backfill, then its ledger row. *updated gets the number of
 * rows this run changed. */
int backfill_run(rt_conn *c, const folder_mig *m, const backfill_opts *o, const rt_report *r,
                 long long *updated, mp_error *err);
/* What a batch may hold its locks: the flag's (o), else the manifest's, else
 * BATCH_TIME_DEFAULT_MS; 0: fixed batches of bf->batch rows. */
long long backfill_budget_ms(const mf_backfill *bf, const backfill_opts *o);
/* "batches of up to N rows, each sized to hold its row locks under M ms", for
 * progress and --dry-run lines. */
void backfill_describe_batches(mp_buf *b, const mf_backfill *bf, const backfill_opts *o);
/* Rows that still need the value (for --dry-run and status lines). */
int backfill_count_remaining(rt_conn *c, const mf_backfill *b, long long *n, mp_error *err);
/* The batch statement: $1 the largest key, $2 the batch's rows, $3 the last
 * batch's largest key (first: without that bound). Exposed for the unit tests. */
void backfill_batch_sql(mp_buf *b, const mf_backfill *bf, const char *key_type, bool first);

#endif
