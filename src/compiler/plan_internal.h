/* Shared by plan.c (steps, ids, gates) and plan_sql.c (the SQL of each
 * phase): a step is built as UP statements in order and DOWN statements
 * that are written out in reverse, each noting the lock it takes. */
#ifndef MIGPLAN_PLAN_INTERNAL_H
#define MIGPLAN_PLAN_INTERNAL_H

#include "util/buf.h"
#include "compiler/plan.h"

typedef struct {
	const char *mode;
	char *relation; /* as SQL: "schema"."table" */
	char *plain;    /* schema.table, for the manifest */
	const char *cost;
} lock_use;

typedef struct {
	const mdl_lifecycle *lc;
	mp_buf up;
	char **downs; /* DOWN statements, written out in reverse */
	size_t ndowns, capdowns;
	mp_buf warnings; /* "-- WARNING: …" lines for the DOWN */
	mp_buf disables; /* "-- migplan-disable …" lines for the DOWN */
	mp_buf updisables; /* the same for the UP */
	lock_use *uplocks, *downlocks;
	size_t nup, ndown, capup, capdown;
} step_builder;

/* Lock modes as PostgreSQL names them, and how long they bite. */
#define LOCK_AE "ACCESS EXCLUSIVE"
#define LOCK_SRE "SHARE ROW EXCLUSIVE"
#define LOCK_SUE "SHARE UPDATE EXCLUSIVE"
#define LOCK_SHARE "SHARE"
#define LOCK_RE "ROW EXCLUSIVE"
#define LOCK_RS "ROW SHARE"
#define COST_BRIEF "brief: catalog only"
#define COST_SCAN "held during a full scan; reads and writes go on"
#define COST_BATCH "per batch: row locks only, committed every batch"
#define COST_BUILD "held while the index builds; reads and writes go on"
#define COST_REWRITE_ALL "held while every row is rewritten: blocks reads and writes"
#define COST_BUILD_BLOCKING "held while the index builds: blocks writes"

void rel_sql(mp_buf *b, const mdl_table *t);
char *rel_plain(const mdl_table *t);
char *object_name(const char *a, const char *b, const char *c);
void up(step_builder *sb, const char *mode, const mdl_table *t, const char *cost, const char *why, const char *sql);
void down(step_builder *sb, const char *mode, const mdl_table *t, const char *cost, const char *why, const char *sql);
/* A further lock the last UP statement takes (a foreign key's referenced table). */
void lock_also(step_builder *sb, const char *mode, const mdl_table *t, const char *cost);
void finish_step(step_builder *sb, plan_step *s);
mf_gate *add_gate(plan_step *s, mf_gate_kind kind);

/* plan_sync.c */
bool has_sync(const mdl_lifecycle *lc);
void sync_create(mp_buf *fn, mp_buf *trg, const mdl_lifecycle *lc);
void sync_drop(mp_buf *fn, mp_buf *trg, const mdl_lifecycle *lc);

bool contract_needed(const mdl_lifecycle *lc);
void build_expand(plan_step *s);
bool late_not_null_checks(const mdl_lifecycle *lc);
void build_enforce(plan_step *s);
void build_backfill(plan_step *s, const mdl_add *a);
void build_index(plan_step *s, const mdl_index *x);
void build_contract(plan_step *s, const char *expand_id);
void build_sql(plan_step *s, const mdl_sql *q);

#endif
