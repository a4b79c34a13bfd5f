/* The lifecycle settings a spec may `set`, in one table: name, kind of value,
 * default, and where the value applies. The checker parses them through here;
 * the planner and the manifest read the resulting mdl_lifecycle fields. */
#ifndef MIGPLAN_SETTINGS_H
#define MIGPLAN_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"
#include "ops/model.h"
#include "ops/check_ctx.h"

typedef enum {
	SETTING_DURATION, /* 500ms, 10m, 72h: a long long of milliseconds */
	SETTING_COUNT,    /* a whole number in [min, max]: an int */
	SETTING_IDENT,    /* a column name: a const char * */
} setting_kind;

typedef struct {
	const char *name;
	setting_kind kind;
	size_t offset;      /* of the field in mdl_lifecycle */
	long long deflt;    /* durations and counts; idents: deflt_text */
	const char *deflt_text;
	long min, max;      /* counts */
	const char *applies; /* where the value ends up */
} setting_def;

/* The setting called name, or NULL. */
const setting_def *settings_find(const char *name);
/* Every setting's default into lc. */
void settings_defaults(mdl_lifecycle *lc);
/* Parses value into lc's field; false with the reason in msg. An identifier
 * that is too long is still set (the error is reported, the check goes on). */
bool settings_apply(const setting_def *s, const char *value, mdl_lifecycle *lc, mp_buf *msg);
/* The names, in table order, for suggestions and the "settings are" list. */
size_t settings_names(const char **names, size_t max);
/* Checks a `set` item and applies it to st's lifecycle. */
void settings_check_item(lc_state *st, const ast_item *it);

#endif
