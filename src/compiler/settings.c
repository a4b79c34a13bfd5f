/* The lifecycle settings table and its parsing. */
#include "compiler/settings.h"
#include "ops/check_ctx.h"
#include "ops/names.h"
#include "util/duration.h"

#include <stdlib.h>
#include <string.h>

#define FIELD(f) offsetof(mdl_lifecycle, f)

static const setting_def table[] = {
	{"lock_timeout", SETTING_DURATION, FIELD(lock_timeout_ms), 500, NULL, 0, 0,
	 "SET LOCAL in every transactional step, per batch in backfills; the manifest's lock_timeout_ms"},
	{"statement_timeout", SETTING_DURATION, FIELD(statement_timeout_ms), 0, NULL, 0, 0,
	 "like lock_timeout, only when set; the manifest's statement_timeout_ms"},
	{"window", SETTING_DURATION, FIELD(window_ms), 72LL * 3600 * 1000, NULL, 0, 0,
	 "the contract's min_age gate after expand (a retire's 'after' may lengthen it)"},
	{"watchdog", SETTING_DURATION, FIELD(watchdog_ms), 500, NULL, 0, 0,
	 "the manifest's watchdog_ms: how often migrun checks for blocked sessions"},
	{"batch_time", SETTING_DURATION, FIELD(batch_time_ms), 0, NULL, 0, 0,
	 "what each backfill batch may hold its row locks (migrun sizes batches to it; `batch N` is the cap); "
	 "the manifest's backfill batch_time, default migrun's 20ms"},
	{"max_pending", SETTING_COUNT, FIELD(max_pending), 1, NULL, 1, 10000,
	 "every step's max_pending gate"},
	{"key", SETTING_IDENT, FIELD(key), 0, "id", 0, 0,
	 "the backfill's batching key and the consistency gates' key"},
};

#define NSETTINGS (sizeof table / sizeof table[0])

const setting_def *settings_find(const char *name)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

static void *field(mdl_lifecycle *lc, const setting_def *s)
{
	return (char *)lc + s->offset;
}

void settings_defaults(mdl_lifecycle *lc)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const setting_def *s = &table[i];
		switch (s->kind) {
		case SETTING_DURATION: *(long long *)field(lc, s) = s->deflt; break;
		case SETTING_COUNT: *(int *)field(lc, s) = (int)s->deflt; break;
		case SETTING_IDENT: *(const char **)field(lc, s) = s->deflt_text; break;
		}
	}
}

bool settings_apply(const setting_def *s, const char *value, mdl_lifecycle *lc, mp_buf *msg)
{
	long long ms;
	char *end;
	long k;
	switch (s->kind) {
	case SETTING_DURATION:
		if (!duration_parse(value, &ms) || ms <= 0) {
			buf_printf(msg, "bad duration '%s': write a number and a unit: ms, s, m, h or d (e.g. 500ms)", value);
			return false;
		}
		*(long long *)field(lc, s) = ms;
		return true;
	case SETTING_COUNT:
		k = strtol(value, &end, 10);
		if (*end || k < s->min || k > s->max) {
			buf_printf(msg, "%s must be a whole number from %ld to %ld", s->name, s->min, s->max);
			return false;
		}
		*(int *)field(lc, s) = (int)k;
		return true;
	case SETTING_IDENT:
		*(const char **)field(lc, s) = value;
		if (strlen(value) > NAMES_MAX_IDENT) {
			buf_printf(msg, "%s column name is longer than %d bytes", s->name, NAMES_MAX_IDENT);
			return false;
		}
		return true;
	}
	return false;
}

size_t settings_names(const char **names, size_t max)
{
	size_t n = 0;
	for (; n < NSETTINGS && n < max; n++)
		names[n] = table[n].name;
	return n;
}

void settings_check_item(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	const setting_def *s = settings_find(it->name.text);
	if (!s) {
		const char *names[16];
		size_t n = settings_names(names, 16);
		check_error(c, it->name.span, "unknown setting '%s'", it->name.text);
		const char *near = names_suggest(it->name.text, names, n);
		if (near) {
			check_note(c, it->name.span, "did you mean '%s'?", near);
			return;
		}
		mp_buf all = MP_BUF_INIT;
		for (size_t i = 0; i < n; i++)
			buf_printf(&all, "%s%s", i ? ", " : "", names[i]);
		check_note(c, it->name.span, "settings are: %s", buf_cstr(&all));
		buf_free(&all);
		return;
	}
	mp_buf msg = MP_BUF_INIT;
	if (!settings_apply(s, it->value, st->lc, &msg))
		check_error(c, it->value_span, "%s", buf_cstr(&msg));
	buf_free(&msg);
}
