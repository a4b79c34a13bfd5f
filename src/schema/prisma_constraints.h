/* The indexes, unique constraints and foreign keys Prisma Migrate creates for
 * a model, under the names it gives them: what migc check compares a spec's
 * items with and what migc scaffold drafts items from (one reader, so both
 * name them as Prisma does). */
#ifndef MIGPLAN_SCHEMA_PRISMA_CONSTRAINTS_H
#define MIGPLAN_SCHEMA_PRISMA_CONSTRAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include "schema/prisma_schema.h"

#define PSL_CON_MAX_COLS 32

typedef struct {
	const char *kind; /* "index", "unique", "foreign key": the .mig words */
	char name[256];   /* map:, else Prisma's default Table_columns_idx/_key/_fkey within 63 bytes */
	const char *cols[PSL_CON_MAX_COLS]; /* the columns (@map names), in order */
	size_t ncols;
	const psl_value *fields; /* the fields as written (an item may be a call: a(sort: Desc)) */
	size_t nfields;
	const psl_field *unique_field; /* a field's own @unique, else NULL */
	const psl_attr *attr;          /* the attribute it comes from */
	const char *attr_name;         /* "@unique", "@relation", "@@unique", "@@index": for notes */
	mp_span span;
	/* foreign keys: the referenced model (NULL when the schema has none of
	 * that name), its fields, and whether the relation field is optional */
	const psl_model *ref;
	const psl_value *refs;
	size_t nrefs;
	bool optional;
} psl_constraint;

/* The field of m named name (a Prisma field name, not its column), or NULL. */
const psl_field *psl_field_named(const psl_model *m, const char *name);
/* The most psl_model_constraints can return for m: size out by it. */
size_t psl_constraints_max(const psl_model *m);
/* m's constraints into out (at most max), fields' first, then the block
 * attributes', in schema order; returns how many. */
size_t psl_model_constraints(const psl_schema *s, const psl_model *m, psl_constraint *out, size_t max);

#endif
