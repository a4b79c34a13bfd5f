/* Named lint rules over parsed migration SQL: the lock hazards of
 * docs/lint.md. Findings are diagnostics (diag.h) tagged with the rule name,
 * so they print like compiler errors. A file disables rules for itself with
 * a comment: `-- migplan-disable rule-name[, rule-name…][: reason]`. */
#ifndef MIGPLAN_LINT_H
#define MIGPLAN_LINT_H

#include <stddef.h>
#include "util/diag.h"
#include "sql/locks.h"
#include "sql/sqlparse.h"

/* LINT_ADDING_VOLATILE_DEFAULT, …: one per row of lint_rulelist.h, in its
 * order, so a misspelt rule is a compile error, not a NULL at run time. */
typedef enum {
#define LINT_RULE(id, name, severity, why, instead) LINT_##id,
#include "sql/lint_rulelist.h"
#undef LINT_RULE
	LINT_RULE_COUNT
} lint_rule_id;

typedef struct {
	const char *name;
	diag_severity severity;
	const char *why;     /* one line: what goes wrong in production */
	const char *instead; /* one line: the safe alternative */
} lint_rule;

/* Every rule, indexed by lint_rule_id (*count = LINT_RULE_COUNT). */
const lint_rule *lint_rules(size_t *count);
const lint_rule *lint_rule_get(lint_rule_id id);
/* The rule a migplan-disable comment names, or NULL. */
const lint_rule *lint_rule_find(const char *name);

/* Lints one parsed file, in the context of the files before it (ctx: call
 * in migration order; the same ctx must not also be fed by explain). */
void lint_file(locks_ctx *ctx, const mp_source *src, const sql_file *f, diag_list *out);

/* Parses src and lints it. A parse failure becomes one error diagnostic at
 * libpg_query's position and MP_EINVAL is returned; the caller goes on. */
int lint_source(locks_ctx *ctx, const mp_source *src, diag_list *out);

/* The files `migc lint` and `migc explain` read, in run order. A directory
 * means its * /migration.sql (folders in name order, as Prisma runs them)
 * and the plain .sql files directly inside it. */
typedef struct {
	char *path;
	const char *dir; /* the directory argument it came from (borrowed from paths), or NULL */
	char *folder;    /* its migration folder's name (a manifest step id), or NULL */
} lint_input;

/* No paths: prisma/migrations. MP_EIO when a path does not exist or a
 * directory cannot be listed. Each input's dir is one of the strings of
 * paths, shared by every file of that directory, not a copy: paths must
 * outlive the inputs (argv does). */
int lint_collect_inputs(char *const *paths, int npaths, lint_input **out, size_t *count, mp_error *err);
void lint_free_inputs(lint_input *in, size_t count);

#endif
