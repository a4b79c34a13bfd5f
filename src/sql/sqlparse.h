/* SQL files through PostgreSQL's own parser (libpg_query, PostgreSQL 15):
 * a file becomes a list of statements with byte spans and their parse trees,
 * plus the spans of its comments (for migplan-disable). Parsed once, shared
 * by lint and explain. Nothing here looks at SQL text with patterns: the
 * statement boundaries, the trees and the comments all come from the
 * PostgreSQL grammar and scanner. */
#ifndef MIGPLAN_SQLPARSE_H
#define MIGPLAN_SQLPARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"
#include "util/error.h"
#include "util/source.h"
#include "sql/stmtkind.h"

typedef struct {
	mp_span span;     /* first token to last token, without the ';' */
	const char *kind; /* node name: "AlterTableStmt", "IndexStmt", … */
	sql_kind kind_id; /* kind as stmtkind.h classifies it: SQL_KIND_ALTER_TABLE, … */
	json_t *node;     /* borrowed from the file's tree: the node's fields */
} sql_stmt;

typedef struct {
	json_t *tree; /* owned: pg_query_parse's JSON document */
	sql_stmt *stmts;
	size_t nstmts;
	mp_span *comments; /* "-- …" and C-style comments, in file order */
	size_t ncomments;
	size_t *parts; /* the first statement of each part (migdir/mark.h, MIGDIR_COMMIT_MARK):
	                * parts[0] is 0; a file without separators is one part */
	size_t nparts;
} sql_file;

/* One past the last statement of part i. */
size_t sqlparse_part_end(const sql_file *f, size_t part);

/* Why a text did not parse: libpg_query's message and the byte offset of
 * its cursor in the text (PostgreSQL counts characters; this is converted). */
typedef struct {
	char message[512];
	int offset;
} sql_parse_error;

/* Parses text (NUL-terminated, len bytes). On a syntax error returns
 * MP_EINVAL and fills perr (and err); *out is then NULL. */
int sqlparse_file(const char *text, size_t len, sql_file **out, sql_parse_error *perr, mp_error *err);
void sqlparse_free(sql_file *f);

/* For the compiler's checks of user SQL and of everything it emits: 0 when
 * sql parses, else -1 with the parser's message and the text around the
 * error appended to msg and *cursorpos (1-based character position, as
 * PostgreSQL reports it); either out pointer may be NULL. */
int sqlparse_check(const char *sql, mp_buf *msg, int *cursorpos);
/* Number of top-level statements, or -1 when sql does not parse. */
int sqlparse_count_statements(const char *sql);

/* Small readers over parse-tree nodes, NULL/0 when absent (the JSON form
 * leaves out fields that hold their default value). */
json_t *sqlnode_get(const json_t *node, const char *field);
const char *sqlnode_str(const json_t *node, const char *field);
int sqlnode_bool(const json_t *node, const char *field);
int sqlnode_location(const json_t *node); /* -1 when unknown */
/* {"Kind": {...}} -> "Kind" and the inner object. */
const char *sqlnode_kind(const json_t *wrapped, json_t **inner);
/* The "sval" of a String node, e.g. list items of names. */
const char *sqlnode_string(const json_t *wrapped);
/* The Constraint nodes of a ColumnDef one by one, for
 *   size_t it = 0; while ((con = sqlnode_next_constraint(coldef, &it, &type))) …
 * skipping any without a contype; *type is its contype ("CONSTR_CHECK").
 * NULL after the last. */
json_t *sqlnode_next_constraint(const json_t *coldef, size_t *it, const char **type);
/* The key relations are known by: "schema.name", public when schema is
 * NULL (as Prisma's unqualified DDL lands there); malloc'ed. */
char *sql_relation_key(const char *schema, const char *name);
/* The tables a DROP TABLE statement (a DropStmt's fields) names: how many
 * (0 for any other DROP), and the i-th one's key, schema-qualified with
 * public when unqualified (malloc'ed; NULL when its name is unreadable). */
size_t sqlnode_dropped_tables(const json_t *drop);
char *sqlnode_dropped_table_key(const json_t *drop, size_t i);
/* Every field of every object in a parse tree, depth first: visit gets the
 * field name and its value and returns true to walk into the value. */
typedef bool (*sqlnode_visit)(const char *key, json_t *value, void *ctx);
void sqlnode_walk(const json_t *tree, sqlnode_visit visit, void *ctx);
/* Whether a boolean option of a DefElem list (VACUUM (FULL), REINDEX
 * (CONCURRENTLY)) is on: present with no value, or with a value PostgreSQL's
 * defGetBoolean reads as true; "(CONCURRENTLY false)" or "(FULL 0)" is off. */
bool sqlnode_option_on(const json_t *list, const char *name);

#endif
