/* What an operation writes into a step: UP statements in order, DOWN
 * statements written out in reverse, each noting the lock it takes, plus the
 * warnings, lint waivers, gates and native backfill of the step. The planner
 * (compiler/plan.c) opens a builder per step, lets each operation add its
 * part, and turns it into files; operations never see the files. */
#ifndef MIGPLAN_OPS_STEP_H
#define MIGPLAN_OPS_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"
#include "migdir/manifest.h"
#include "sql/locks.h"
#include "ops/model.h"

/* PostgreSQL limits identifiers to 63 bytes (NAMEDATALEN - 1). */
#define STEP_MAX_IDENT 63

/* How long a lock the planner declares bites, as the step's header says. */
typedef enum {
	COST_NONE,
	COST_BRIEF,          /* catalog only */
	COST_SCAN,           /* a full scan that lets reads and writes go on */
	COST_BATCH,          /* a backfill: row locks per batch */
	COST_BUILD,          /* CREATE INDEX CONCURRENTLY */
	COST_REWRITE_ALL,    /* every row rewritten under the lock */
	COST_BUILD_BLOCKING, /* a plain CREATE INDEX */
	COST_INDEX_UNUSED,   /* DROP INDEX CONCURRENTLY */
} step_cost;

typedef struct {
	lock_mode mode;
	char *relation; /* as SQL: "schema"."table" */
	char *plain;    /* schema.table, unquoted */
	step_cost cost;
	char *schema, *table; /* for the manifest; schema NULL when the spec gave none */
} step_lock_use;

typedef struct {
	const mdl_lifecycle *lc;
	mp_buf up;
	char **downs; /* DOWN statements, written out in reverse */
	size_t ndowns;
	mp_buf warnings;   /* "-- WARNING: …" lines for the DOWN */
	mp_buf disables;   /* "-- migplan-disable …" lines for the DOWN */
	mp_buf updisables; /* the same for the UP */
	step_lock_use *uplocks, *downlocks;
	size_t nup, ndown;
	mf_gate *gates; /* after the max_pending gate every step has */
	size_t ngates;
	mf_backfill *backfill;    /* backfill steps: what migrun runs natively */
	const char *sample_query; /* index steps */
} step_builder;

const char *step_cost_text(step_cost cost);
/* The one place a lock is declared: every UP and DOWN statement of every
 * operation comes through here, so the manifest's lock list has one source. */
void step_lock(step_lock_use **v, size_t *n, lock_mode mode, const mdl_table *t, step_cost cost);
/* One UP statement: a comment saying why (or NULL), then the SQL. */
void step_up(step_builder *sb, lock_mode mode, const mdl_table *t, step_cost cost, const char *why, const char *sql);
void step_down(step_builder *sb, lock_mode mode, const mdl_table *t, step_cost cost, const char *why,
               const char *sql);
/* A further lock the last UP statement takes (a foreign key's referenced table). */
void step_lock_also(step_builder *sb, lock_mode mode, const mdl_table *t, step_cost cost);
mf_gate *step_add_gate(step_builder *sb, mf_gate_kind kind);
/* A gate on one column of the lifecycle's table. */
mf_gate *step_add_column_gate(step_builder *sb, mf_gate_kind kind, const mdl_lifecycle *lc, const char *column);
void step_builder_free(step_builder *sb);

/* "schema"."table" as SQL, and schema.table for the manifest. */
void step_rel_sql(mp_buf *b, const mdl_table *t);
char *step_rel_plain(const mdl_table *t);
/* a||b||c as a generated object name within PostgreSQL's 63 bytes: a long one
 * is cut on a character boundary and made unique with a hash of the whole. */
char *step_object_name(const char *a, const char *b, const char *c);

#endif
