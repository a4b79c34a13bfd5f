/* `migrun apply --fleet`: the pending plan rolled out to every target of a
 * fleet in waves. Each target gets exactly what `migrun apply` does (its own
 * connection, Prisma's advisory lock, gates, ledger); nothing is kept
 * outside the targets' ledgers, so a new run after an interruption resumes
 * from them.
 *
 * A wave starts only when every target of the previous one is applied, up
 * to date, or waiting on a min_age gate (a time gate that passes later:
 * "apply what is allowed now"). A failed target stops the rollout: no
 * further target starts, the ones in flight finish. With continue_on_error
 * the failure is recorded and the rollout goes on. */
#ifndef MIGPLAN_FLEET_APPLY_H
#define MIGPLAN_FLEET_APPLY_H

#include <stdbool.h>
#include "runtime/apply.h"
#include "fleet/fleet.h"
#include "migdir/folder.h"

typedef enum {
	FT_UNTOUCHED,   /* not started by this run */
	FT_RUNNING,
	FT_APPLIED,     /* this run applied migrations, none pending left */
	FT_UP_TO_DATE,  /* nothing to do */
	FT_WAITING,     /* stopped at a min_age gate that passes later */
	FT_FAILED,
} fleet_state;

typedef struct {
	char *id;
	long long ms;
} fleet_step_time;

typedef struct {
	fleet_state state;
	int applied;           /* migrations this run applied */
	int pending_left;
	int rc;                /* MP_* of the target */
	bool gate_failed;
	mf_gate_kind gate;
	char *stopped_at;      /* the migration a gate held back */
	char *error;           /* one line; no secret */
	long long wait_s;      /* FT_WAITING: about how long until the gate passes; -1 unknown */
	double seconds;        /* working time, summed over passes */
	int passes;            /* runs of apply: 2 after waiting for a time gate */
	bool watchdog_gave_up; /* the lock watchdog cancelled a step too often */
	int postcheck_problems;
	fleet_step_time *steps;  /* what this run applied, from the ledger */
	size_t nsteps;
	char *current;         /* the latest line (for a live view) */
} fleet_result;

/* Called with the run's lock held, so a sink needs none of its own. */
typedef struct {
	void (*wave)(void *ctx, int wave, int nwaves, size_t ntargets);
	void (*target)(void *ctx, size_t i);  /* state or current line changed */
	void (*line)(void *ctx, size_t i, const char *text);
	void (*progress)(void *ctx, size_t i, const char *step, long long done, long long total);
	void *ctx;
} fleet_sink;

typedef struct {
	apply_opts apply;        /* as for `migrun apply` */
	long parallel;           /* targets in flight; <= 0: the fleet file's */
	bool continue_on_error;
	long long wait_gates_ms; /* wait for a min_age gate passing within this; 0: never */
	int watchdog_retries;    /* per target, as `migrun apply`; -1: no lock watchdog */
} fleet_apply_opts;

typedef struct {
	int waves_run;
	int stopped_after;       /* wave after which a failure stopped the rollout; 0: none */
	size_t applied, up_to_date, waiting, failed, untouched;
} fleet_summary;

/* results: f->n entries, filled in. MP_OK when every target is applied or
 * up to date; MP_EGATE when some wait on a time gate and none failed; else
 * the rc of the first failed target (fleet order). Each target also gets
 * apply's lock watchdog (its own connection and thread) and, afterwards,
 * its post-checks (ANALYZE, index validity), reported as lines. */
int fleet_apply(const fleet_spec *f, const mig_folder *mf, const fleet_apply_opts *o, const fleet_sink *s,
                fleet_result *results, fleet_summary *sum);
void fleet_result_free(fleet_result *r);
const char *fleet_state_name(fleet_state s);
/* How long until the min_age gate of step `stopped_at` may pass, in whole
 * seconds (>= 0), or -1 when that step has none or it cannot be told. */
long long fleet_gate_wait_s(rt_conn *c, const mig_folder *mf, const char *stopped_at);

#endif
