/* `migrun apply`: pre-flight, then the pending migrations in folder order
 * under Prisma's advisory lock, each behind its gates.
 * Pre-flight (before any SQL that changes something): the manifest verifies;
 * no migration is diverged or failed; the first pending step's max_pending
 * gate holds. All of it is re-checked after the lock is taken, because
 * another deployer may have moved the ledger meanwhile. */
#ifndef MIGPLAN_APPLY_H
#define MIGPLAN_APPLY_H

#include <stdbool.h>
#include "runtime/backfill.h"
#include "runtime/conn.h"
#include "migdir/folder.h"
#include "migdir/manifest.h"
#include "runtime/report.h"
#include "runtime/status.h"

typedef struct {
	const char *to;          /* stop after this migration (inclusive); NULL: all */
	long steps;              /* at most this many; 0: all */
	bool dry_run;
	int allow_pending;       /* max_pending override; -1: none */
	long long lock_wait_ms;  /* advisory lock wait; 0: forever */
	int lock_retries;
	long long retry_pause_ms;
	backfill_opts backfill;
	struct watchdog *wd;     /* lock watchdog for the steps (not backfill batches), or NULL */
	bool skip_time_gates;    /* rehearse: min_age gates pass (said in a line) */
	bool retry_failed;       /* failed transactional generated steps: mark rolled back, retry */
} apply_opts;

typedef struct {
	int applied;             /* migrations applied (or rehearsed) */
	int pending_left;        /* still pending afterwards */
	bool gate_failed;
	mf_gate_kind gate;       /* which, when gate_failed */
	char *stopped_at;        /* the migration not started, when stopped */
} apply_result;

void apply_opts_init(apply_opts *o);
/* MP_OK, or MP_EVERIFY (manifest), MP_ESTATE (diverged / failed ledger,
 * unknown --to), MP_EGATE (res->gate says which), MP_EDB (a step failed). */
int apply_run(rt_conn *c, const mig_folder *f, const apply_opts *o, const rt_report *r, apply_result *res,
              mp_error *err);
void apply_result_free(apply_result *res);
/* MP_ESTATE naming the first failed or diverged migration, or one whose
 * rollback in parts stopped part way (which only a rollback may go on
 * with: rollback true), else MP_OK. */
int apply_check_state(const status_report *st, mp_error *err);
int apply_check_state_for(const status_report *st, bool rollback, mp_error *err);
/* The same for the ledger l read against folder f. */
int apply_check_ledger(const mig_folder *f, const ledger *l, bool rollback, mp_error *err);
/* The pre-flight's first check: the folder matches its manifest
 * (MP_EVERIFY otherwise). */
int apply_verify(const mig_folder *f, mp_error *err);

#endif
