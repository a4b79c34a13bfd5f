/* `migrun rollback`: the DOWN scripts of the last applied generated steps,
 * newest first, each with its lock prelude; every rolled back ledger row
 * gets rolled_back_at, so status shows the migration pending again and
 * apply (or prisma migrate deploy) re-applies it. Plain Prisma migrations
 * have no DOWN in the manifest and stop the rollback. */
#ifndef MIGPLAN_ROLLBACK_H
#define MIGPLAN_ROLLBACK_H

#include <stddef.h>
#include "runtime/conn.h"
#include "migdir/folder.h"
#include "runtime/ledger.h"
#include "runtime/report.h"
#include "runtime/backfill.h"

typedef struct {
	const folder_mig *m;
	const char *row_id;  /* the applied ledger row */
	char *down;          /* DOWN text, hash already checked */
	char **warnings;     /* its -- WARNING: lines */
	size_t nwarnings;
	size_t *parts;       /* where each part of the DOWN starts (runtime/sqltext.h) */
	size_t nparts;
	size_t done;         /* parts an interrupted rollback already committed (ledger logs) */
} rollback_item;

typedef struct {
	rollback_item *items;  /* in the order they run: newest first */
	size_t n;
} rollback_plan;

/* What `--steps N` (N > 0) or `--to ID` (keeps ID and everything before it)
 * would roll back. MP_ESTATE when the ledger is failed or diverged, a step
 * is plain Prisma, or ID is unknown / not applied; MP_EVERIFY when a DOWN
 * file differs from its manifest hash. Nothing runs here. */
int rollback_prepare(const mig_folder *f, const ledger *l, long steps, const char *to, rollback_plan *out,
                     mp_error *err);
void rollback_plan_free(rollback_plan *p);
typedef struct {
	int lock_retries;        /* attempts of a part after a lock_timeout */
	long long retry_pause_ms;
	struct watchdog *wd;     /* armed for every part that runs SQL; NULL: none */
	backfill_opts refill;    /* the refill parts' batches */
} rollback_opts;

void rollback_opts_init(rollback_opts *o);
/* Runs the plan; *done counts migrations rolled back. A DOWN in parts
 * (migdir/mark.h) commits part by part: its first part in one transaction,
 * each refill in batches (the manifest's down_refills), the parts after
 * them each in one transaction; the ledger row records each part done
 * (ledger.h) and the next rollback goes on from there. */
int rollback_execute(rt_conn *c, const rollback_plan *p, const rollback_opts *o, const rt_report *r, int *done,
                     mp_error *err);

#endif
