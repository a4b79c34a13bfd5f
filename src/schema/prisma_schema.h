/* A schema.prisma, read into what migplan needs to compare it with specs:
 * the datasource, models with their fields and attributes (names resolved
 * through @map/@@map/@@schema), enums. Unknown attributes and blocks are kept
 * or skipped, never fatal: the checks only read what they understand. */
#ifndef MIGPLAN_PRISMA_SCHEMA_H
#define MIGPLAN_PRISMA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"

typedef enum { PSL_V_STRING, PSL_V_NUMBER, PSL_V_IDENT, PSL_V_CALL, PSL_V_ARRAY } psl_value_kind;

/* An attribute argument or a datasource value: "x", 12, Cascade, now(), [a, b].
 * Call arguments and array items are values too; argname is set for `name: value`. */
typedef struct psl_value {
	psl_value_kind kind;
	const char *text; /* string contents, number, identifier or function name */
	const char *argname;
	struct psl_value *items;
	size_t nitems;
	mp_span span;
} psl_value;

typedef struct {
	const char *name; /* without '@': "id", "map", "db.VarChar", "relation" */
	psl_value *args;
	size_t nargs;
	mp_span span;
} psl_attr;

typedef struct {
	const char *name;
	mp_span name_span;
	const char *type; /* scalar, enum or model name; "Unsupported" */
	mp_span type_span;
	psl_value *type_args; /* Unsupported("...") */
	size_t ntype_args;
	bool optional, list;
	psl_attr *attrs;
	size_t nattrs;
	const char *column; /* @map or the field name */
	mp_span span;
} psl_field;

typedef enum { PSL_MODEL, PSL_VIEW } psl_model_kind;

typedef struct {
	psl_model_kind kind;
	const char *name;
	mp_span name_span;
	psl_field *fields;
	size_t nfields;
	psl_attr *attrs; /* block attributes, name without "@@" */
	size_t nattrs;
	const char *table;  /* @@map or the model name */
	const char *schema; /* @@schema, or NULL */
	const mp_source *src; /* the file it is written in: its spans point there */
	mp_span span;
} psl_model;

typedef struct {
	const char *name;
	const char *db_name; /* @map */
	mp_span span;
} psl_enum_value;

typedef struct {
	const char *name;
	mp_span name_span;
	psl_enum_value *values;
	size_t nvalues;
	const char *db_name; /* @@map or the name */
	const char *schema;  /* @@schema, or NULL */
	const mp_source *src; /* the file it is written in */
	mp_span span;
} psl_enum;

typedef struct {
	mp_arena arena;
	mp_source **srcs; /* owned, one per file read: diagnostics point into them */
	size_t nsrcs;
	const char *provider; /* datasource provider, or NULL */
	const char **schemas; /* datasource schemas = [...] */
	size_t nschemas;
	psl_model *models;
	size_t nmodels;
	psl_enum *enums;
	size_t nenums;
} psl_schema;

/* Reads src (taking ownership) into *out, which is set even when there were
 * errors. Returns MP_OK, or MP_EINVAL with the errors in diags. */
int psl_schema_parse(mp_source *src, diag_list *diags, psl_schema **out);
/* The same for a schema written in several files (taking ownership of the
 * array and its sources): one schema of every file's blocks, as Prisma
 * reads a schema folder, each block's diagnostics in its own file. */
int psl_schema_parse_files(mp_source **srcs, size_t n, diag_list *diags, psl_schema **out);
/* Loads and parses a schema: a file, or a folder of .prisma files (every one
 * below it, in its subfolders too: util/fsutil.h's fs_list_files_r, Prisma's
 * rules). MP_EIO (err says why) when it cannot be read or a folder holds no
 * .prisma file. */
int psl_schema_load(const char *path, diag_list *diags, psl_schema **out, mp_error *err);
void psl_schema_free(psl_schema *s);

/* The model stored as schema.table (schema NULL: unqualified, which matches a
 * model without @@schema or one in "public"). */
const psl_model *psl_model_find(const psl_schema *s, const char *schema, const char *table);
/* The field stored as column, or NULL; relation fields have no column. */
const psl_field *psl_field_find(const psl_schema *s, const psl_model *m, const char *column);
const psl_attr *psl_attr_find(const psl_attr *attrs, size_t n, const char *name);
const psl_enum *psl_enum_find(const psl_schema *s, const char *name);
/* A relation field (its type is a model) or a field of a composite type: no column. */
bool psl_field_is_column(const psl_schema *s, const psl_field *f);

/* The canonical SQL type PostgreSQL stores for f, spelled as migc renders
 * types (src/compiler/types.c): varchar(20), numeric(12,2), timestamp(3), "Role".
 * Returns false when it has no SQL spelling migplan knows (Unsupported). */
bool psl_field_sql_type(const psl_schema *s, const psl_field *f, mp_buf *out);
/* The database default of f as SQL ('active', 0, TRUE, CURRENT_TIMESTAMP);
 * false when f has none in the database (no @default, or a client-side one
 * such as cuid() or uuid()). */
bool psl_field_sql_default(const psl_schema *s, const psl_field *f, mp_buf *out);
/* A type spelling reduced to one form: "timestamp(3) with time zone" and
 * "timestamptz(3)" compare equal, so do "integer" and "int4". */
void psl_normalize_type(const char *type, mp_buf *out);

#endif
