/* The planner: a checked model becomes ordered steps, each one Prisma
 * migration folder with an UP (migration.sql) and a DOWN (down.sql), the
 * locks the UP takes, the gates that must pass before it and, for backfills,
 * what the runtime runs natively. The SQL of each item kind is written by its
 * operation (ops/); emitters (emit.c, explain) render steps. */
#ifndef MIGPLAN_PLAN_H
#define MIGPLAN_PLAN_H

#include "util/diag.h"
#include "migdir/manifest.h"
#include "ops/model.h"
#include "ops/ops.h"
#include "sql/locks_ctx.h"

typedef struct {
	char *id; /* folder name: <timestamp>_<lifecycle>_<phase>[_<detail>] */
	const mdl_lifecycle *lc;
	op_phase kind;
	const char *phase; /* ops_phase_name(kind), for the emitters and the CLI's JSON */
	char *up_sql, *down_sql;
	bool transactional;
	mf_lock *locks;
	size_t nlocks;
	mf_gate *gates;
	size_t ngates;
	mf_backfill *backfill;
	mf_backfill *down_refills; /* the DOWN's refills, in its order (contract steps) */
	size_t ndown_refills;
	const char *sample_query; /* index steps */
	step_coltype *coltypes;   /* column types the spec states before the step, for the lock analyzer */
	size_t ncoltypes;
} plan_step;

typedef struct {
	plan_step *steps;
	size_t count;
} mp_plan;

/* Builds every step of every lifecycle in order. Problems that need the whole
 * plan (overlapping step ids) are reported to diags. */
int plan_build(const mdl_model *m, diag_list *diags, mp_plan **out);
void plan_free(mp_plan *p);
/* Tells c the column types the spec states before step s (alter's old side):
 * the lock analyzer decides from them whether a type change is in place, as
 * the step's header did when it was written. */
void plan_step_seed_locks(const plan_step *s, locks_ctx *c);
/* The manifest entry for a step (hashes of up_sql/down_sql, paths relative to
 * the migrations folder). Strings are borrowed from the step. */
void plan_step_to_manifest(const plan_step *s, mf_step *out);

#endif
