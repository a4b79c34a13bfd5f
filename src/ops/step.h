/* What an operation writes into a step: UP statements in order, DOWN
 * statements written out in reverse, plus the warnings, lint waivers, gates and native backfill of the step. The planner
 * (compiler/plan.c) opens a builder per step, lets each operation add its
 * part, and turns it into files; operations never see the files. */
#ifndef MIGPLAN_OPS_STEP_H
#define MIGPLAN_OPS_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"
#include "migdir/manifest.h"
#include "ops/model.h"

/* PostgreSQL limits identifiers to 63 bytes (NAMEDATALEN - 1). */
#define STEP_MAX_IDENT 63

/* The parts of a DOWN after its refills: NOT VALID checks added (each a
 * brief ACCESS EXCLUSIVE, committed before they are validated), then
 * validated and turned into NOT NULL. */
enum { DOWN_AFTER_CHECK, DOWN_AFTER_ENFORCE, DOWN_AFTER_PARTS };

/* A column's type before the step, as the spec states it (alter's old side). */
typedef struct {
	const char *column;
	const char *type_sql; /* canonical SQL: varchar(20) */
} step_coltype;

typedef struct {
	const mdl_lifecycle *lc;
	mp_buf up;
	char **downs; /* DOWN statements, written out in reverse */
	size_t ndowns;
	mp_buf warnings;   /* "-- WARNING: …" lines for the DOWN */
	mp_buf disables;   /* "-- migplan-disable …" lines for the DOWN */
	mp_buf updisables; /* the same for the UP */
	mf_gate *gates; /* after the max_pending gate every step has */
	size_t ngates;
	mf_backfill *backfill;    /* backfill steps: what migrun runs natively */
	/* A DOWN that refills a column in batches runs in parts (migdir/mark.h):
	 * the step_down statements in one transaction, then each refill alone,
	 * then the step_down_after statements of each DOWN_AFTER_* part. */
	char **refills;                /* "-- why\nDO …;\n\n", one per refill part */
	mf_backfill *down_refills;     /* the same batches, for migrun to run natively */
	size_t nrefills;
	mp_buf down_after[DOWN_AFTER_PARTS];
	const char *sample_query; /* index steps */
	const mdl_sql *user_sql;  /* sql steps: the team's SQL, which compile lints (compiler/plan.c) */
	step_coltype *coltypes;   /* the types the spec states for columns of lc's table before this step */
	size_t ncoltypes;
} step_builder;

/* One UP statement: a comment saying why (or NULL), then the SQL. What it
 * locks is not declared here: the planner analyses the files it writes. */
void step_up(step_builder *sb, const char *why, const char *sql);
void step_down(step_builder *sb, const char *why, const char *sql);
/* One refill part of the DOWN: its DO block and the same batches for migrun. */
void step_down_refill(step_builder *sb, const char *why, const char *do_sql, mf_backfill *native);
void step_down_after(step_builder *sb, int part, const char *why, const char *sql);
mf_gate *step_add_gate(step_builder *sb, mf_gate_kind kind);
/* A gate on one column of the lifecycle's table. */
mf_gate *step_add_column_gate(step_builder *sb, mf_gate_kind kind, const mdl_lifecycle *lc, const char *column);
/* Tells the planner a column's type before the step: the lock analyzer reads
 * it (no statement of the step says it) to decide whether an ALTER COLUMN …
 * TYPE rewrites the table. */
void step_column_type(step_builder *sb, const char *column, const char *type_sql);
void step_builder_free(step_builder *sb);

/* "schema"."table" as SQL. */
void step_rel_sql(mp_buf *b, const mdl_table *t);
/* a||b||c as a generated object name within PostgreSQL's 63 bytes: a long one
 * is cut on a character boundary and made unique with a hash of the whole. */
char *step_object_name(const char *a, const char *b, const char *c);

#endif
