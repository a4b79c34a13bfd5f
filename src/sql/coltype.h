/* Column types as the lock analyzer reads them from parse trees (a TypeName's
 * name and integer modifiers), and PostgreSQL's rule for which ALTER COLUMN …
 * TYPE changes only the catalog: the one rule both the analyzer and the
 * compiler's alter (ops/types.c) decide by. */
#ifndef MIGPLAN_SQL_COLTYPE_H
#define MIGPLAN_SQL_COLTYPE_H

#include <stdbool.h>
#include <jansson.h>

typedef struct {
	char name[64]; /* the type's own name, as pg_catalog spells it: varchar, text, numeric, int4 */
	int nargs;     /* 0 to 2 integer modifiers */
	long args[2];
	bool array;
} sql_coltype;

/* A rule that makes a type change in place: its reason in a few words
 * ("the length limit only grows") and the analyzer's note for the lock. */
typedef struct {
	const char *rule;
	const char *note;
} sql_inplace_rule;

/* A TypeName node (not wrapped: a ColumnDef's typeName) into out; false
 * when its modifiers are not plain integers or it has a %TYPE reference. */
bool sql_coltype_of(const json_t *type_name, sql_coltype *out);

/* A type as SQL writes it ("varchar(20)", "numeric(10,2)"), through
 * PostgreSQL's parser; false when it does not parse as one type. */
bool sql_coltype_parse(const char *type_sql, sql_coltype *out);

/* PostgreSQL's rules (ALTER TABLE, "SET DATA TYPE"): varchar to text and
 * text to varchar are binary-coercible; varchar(n) to varchar(m > n) or to
 * varchar, numeric(p,s) to numeric(q > p,s) or to numeric skip the length
 * coercion, so neither the table nor its indexes are rewritten. NULL when
 * the change is not one of these. */
const sql_inplace_rule *sql_coltype_in_place(const sql_coltype *old, const sql_coltype *new);

#endif
