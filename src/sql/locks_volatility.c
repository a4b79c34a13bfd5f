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
	"abs", "round", "floor", "ceil", "trim", "btrim", "replace", "substring", "left", "right", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static void walk_volatility(const json_t *j, locks_volatility *vol, const char **func)
{
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			walk_volatility(json_array_get(j, i), vol, func);
		return;
	}
	if (!json_is_object(j))
		return;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v) {
		if (strcmp(key, "FuncCall") == 0) {
			json_t *names = sqlnode_get(v, "funcname");
			const char *name = sqlnode_string(json_array_get(names, json_array_size(names) - 1));
			if (name && in_list(volatile_funcs, name)) {
				if (*vol != VOL_VOLATILE)
					*func = name;
				*vol = VOL_VOLATILE;
			} else if (name && !in_list(stable_funcs, name) && *vol == VOL_STABLE) {
				*vol = VOL_UNKNOWN;
				*func = name;
			}
		}
		walk_volatility(v, vol, func);
	}
}

locks_volatility locks_expr_volatility(const json_t *expr, const char **func)
{
	locks_volatility vol = VOL_STABLE;
	const char *f = NULL;
	walk_volatility(expr, &vol, &f);
	if (func)
		*func = f;
	return vol;
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
