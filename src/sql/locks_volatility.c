/* Volatility of column defaults: which ADD COLUMN rewrites its table. */
#include "sql/locks_volatility.h"

#include <stdbool.h>
#include <string.h>

/* Functions pg_proc marks VOLATILE that appear in column defaults. */
static const char *const volatile_funcs[] = {
	"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp",
	"timeofday", "nextval", "setval", "txid_current", "pg_current_xact_id", "gen_random_bytes", "gen_salt", NULL,
};
/* STABLE or IMMUTABLE: evaluated once for ADD COLUMN, no rewrite (PG 11+). */
static const char *const stable_funcs[] = {
	"now", "statement_timestamp", "transaction_timestamp", "current_setting", "lower", "upper", "length",
	"coalesce", "concat", "to_char", "to_timestamp", "to_date", "date_trunc", "jsonb_build_object",
	"json_build_object", "jsonb_build_array", "json_build_array", "array_fill", "make_interval", "md5",
	"abs", "round", "floor", "ceil", "trim", "btrim", "replace", "substring", "left", "right", "split_part",
	"concat_ws", "initcap", "lpad", "rpad", "ltrim", "rtrim", "regexp_replace", "to_number", "nullif", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

typedef struct {
	locks_volatility vol;
	const char *func;
} vol_walk;

static bool visit_volatility(const char *key, json_t *v, void *ctx)
{
	vol_walk *w = ctx;
	if (strcmp(key, "FuncCall") == 0) {
		json_t *names = sqlnode_get(v, "funcname");
		const char *name = sqlnode_string(json_array_get(names, json_array_size(names) - 1));
		if (name && in_list(volatile_funcs, name)) {
			if (w->vol != VOL_VOLATILE)
				w->func = name;
			w->vol = VOL_VOLATILE;
		} else if (name && !in_list(stable_funcs, name) && w->vol == VOL_STABLE) {
			w->vol = VOL_UNKNOWN;
			w->func = name;
		}
	}
	return true;
}

locks_volatility locks_expr_volatility(const json_t *expr, const char **func)
{
	vol_walk w = {VOL_STABLE, NULL};
	sqlnode_walk(expr, visit_volatility, &w);
	if (func)
		*func = w.func;
	return w.vol;
}

const char *locks_add_column_rewrite(const json_t *coldef, locks_volatility *vol, const char **func)
{
	*vol = VOL_STABLE;
	*func = NULL;
	json_t *names = sqlnode_get(sqlnode_get(coldef, "typeName"), "names");
	const char *type = sqlnode_string(json_array_get(names, json_array_size(names) - 1));
	if (type && (strcmp(type, "serial") == 0 || strcmp(type, "bigserial") == 0 || strcmp(type, "smallserial") == 0 ||
	             strcmp(type, "serial4") == 0 || strcmp(type, "serial8") == 0 || strcmp(type, "serial2") == 0)) {
		*vol = VOL_VOLATILE;
		*func = "nextval";
		return "a serial column's default is nextval(), volatile: every row is rewritten";
	}
	json_t *con;
	const char *t;
	for (size_t it = 0; (con = sqlnode_next_constraint(coldef, &it, &t));) {
		if (strcmp(t, "CONSTR_IDENTITY") == 0) {
			*vol = VOL_VOLATILE;
			*func = "nextval";
			return "an identity column is filled from a sequence: every row is rewritten";
		}
		if (strcmp(t, "CONSTR_GENERATED") == 0) {
			*vol = VOL_VOLATILE;
			return "a stored generated column is computed for every row: the table is rewritten";
		}
		if (strcmp(t, "CONSTR_DEFAULT") == 0) {
			*vol = locks_expr_volatility(sqlnode_get(con, "raw_expr"), func);
			if (*vol == VOL_VOLATILE)
				return "a volatile default is evaluated for every row: the table is rewritten";
			if (*vol == VOL_UNKNOWN)
				return "a default calling a function of unknown volatility rewrites the table if it is volatile";
		}
	}
	return NULL;
}
