/* opt.c: the option-table parser and help renderer of util/opt.h. */
#include "util/opt.h"

#include "util/duration.h"
#include "util/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const mp_opt_spec *specs;
	int style;
	int argc;
	char **argv;
	int i;        /* the word being read */
	char *args;   /* the caller's struct */
	mp_opt_result *r;
} parser;

static bool takes_value(const mp_opt_spec *s)
{
	switch (s->kind) {
	case MP_OPT_KIND_STRING:
	case MP_OPT_KIND_LIST:
	case MP_OPT_KIND_INT:
	case MP_OPT_KIND_LONG:
	case MP_OPT_KIND_DURATION:
	case MP_OPT_KIND_CHOICE:
		return true;
	default:
		return false;
	}
}

static bool is_option(const mp_opt_spec *s)
{
	return s->kind != MP_OPT_KIND_TEXT;
}

static bool parse_integer(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool set_choice(const mp_opt_spec *s, const char *v, int *field)
{
	for (const mp_opt_choice *c = s->choices; c && c->word; c++)
		if (strcmp(c->word, v) == 0) {
			*field = c->value;
			return true;
		}
	return false;
}

/* Stores value (NULL for options without one) in the spec's field. */
static int apply(parser *p, const mp_opt_spec *s, const char *v)
{
	void *field = p->args + s->field;
	long n;
	p->r->given |= 1ull << (s - p->specs);
	p->r->spec = s;
	p->r->arg = v;
	switch (s->kind) {
	case MP_OPT_KIND_SWITCH:
		*(bool *)field = true;
		return MP_OPT_DONE;
	case MP_OPT_KIND_STOP:
		*(bool *)field = true;
		return MP_OPT_STOPPED;
	case MP_OPT_KIND_HELP:
		return MP_OPT_STOPPED;
	case MP_OPT_KIND_CONST:
		*(int *)field = (int)s->min;
		return MP_OPT_DONE;
	case MP_OPT_KIND_STRING:
		*(const char **)field = v;
		return MP_OPT_DONE;
	case MP_OPT_KIND_LIST: {
		mp_opt_list *l = field;
		*MP_VEC_PUSH(l->items, l->n) = v;
		return MP_OPT_DONE;
	}
	case MP_OPT_KIND_INT:
	case MP_OPT_KIND_LONG:
		if (!parse_integer(v, s->min, s->max, &n))
			return MP_OPT_EVALUE;
		if (s->kind == MP_OPT_KIND_INT)
			*(int *)field = (int)n;
		else
			*(long *)field = n;
		return MP_OPT_DONE;
	case MP_OPT_KIND_DURATION:
		if (duration_parse(v, field))
			return MP_OPT_DONE;
		if ((s->flags & MP_OPT_ZERO) && strcmp(v, "0") == 0) {
			*(long long *)field = 0;
			return MP_OPT_DONE;
		}
		return MP_OPT_EVALUE;
	case MP_OPT_KIND_CHOICE:
		return set_choice(s, v, field) ? MP_OPT_DONE : MP_OPT_EVALUE;
	default:
		return MP_OPT_EUNKNOWN;
	}
}

/* The value of an option that takes one: inline (after '=' or the letter)
 * or the next word, whatever it looks like. */
static int apply_value(parser *p, const mp_opt_spec *s, const char *inline_value, const char *written)
{
	if (!takes_value(s)) {
		if (inline_value) {
			p->r->spec = s;
			p->r->arg = written;
			return MP_OPT_ENOVALUE;
		}
		return apply(p, s, NULL);
	}
	if (!inline_value) {
		if (p->i + 1 >= p->argc) {
			p->r->spec = s;
			p->r->arg = written;
			return MP_OPT_EMISSING;
		}
		inline_value = p->argv[++p->i];
	}
	return apply(p, s, inline_value);
}

static int unknown(parser *p, const char *word, char letter)
{
	p->r->spec = NULL;
	p->r->arg = word;
	p->r->letter = letter;
	return MP_OPT_EUNKNOWN;
}

/* A long name as getopt_long reads it: exact, else a unique prefix. */
static const mp_opt_spec *find_long(parser *p, const char *name, size_t len, bool *ambiguous)
{
	const mp_opt_spec *found = NULL;
	*ambiguous = false;
	for (const mp_opt_spec *s = p->specs; s->kind; s++)
		if (is_option(s) && s->name && strlen(s->name) == len && strncmp(s->name, name, len) == 0)
			return s;
	if (!(p->style & MP_OPT_GNU))
		return NULL;
	for (const mp_opt_spec *s = p->specs; s->kind; s++) {
		if (!is_option(s) || !s->name || strncmp(s->name, name, len) != 0)
			continue;
		if (found)
			*ambiguous = true;
		found = s;
	}
	return *ambiguous ? NULL : found;
}

static const mp_opt_spec *find_short(const parser *p, char c)
{
	for (const mp_opt_spec *s = p->specs; s->kind; s++)
		if (is_option(s) && s->alias == c)
			return s;
	return NULL;
}

static int read_long(parser *p, const char *word)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	bool ambiguous;
	const mp_opt_spec *s = find_long(p, name, len, &ambiguous);
	if (ambiguous) {
		p->r->spec = NULL;
		p->r->arg = word;
		return MP_OPT_EAMBIGUOUS;
	}
	if (s && eq && !(p->style & MP_OPT_GNU) && !(s->flags & MP_OPT_EQUALS))
		s = NULL; /* plain style: "--name=value" is one word unless the spec allows it */
	if (!s)
		return unknown(p, word, 0);
	return apply_value(p, s, eq ? eq + 1 : NULL, word);
}

/* GNU style: a cluster of letters, the last of which may take the rest of
 * the word (or the next one) as its value. */
static int read_cluster(parser *p, const char *word)
{
	for (const char *c = word + 1; *c; c++) {
		const mp_opt_spec *s = find_short(p, *c);
		if (!s)
			return unknown(p, word, *c);
		if (takes_value(s)) {
			int rc = apply_value(p, s, c[1] ? c + 1 : NULL, word);
			if (rc == MP_OPT_EMISSING)
				p->r->letter = *c;
			return rc;
		}
		int rc = apply(p, s, NULL);
		if (rc != MP_OPT_DONE)
			return rc;
	}
	return MP_OPT_DONE;
}

static int read_word(parser *p)
{
	const char *w = p->argv[p->i];
	if (strcmp(w, "--") == 0) {
		if (p->style & MP_OPT_GNU) {
			while (++p->i < p->argc)
				*MP_VEC_PUSH(p->r->operands.items, p->r->operands.n) = p->argv[p->i];
			return MP_OPT_DONE;
		}
		return (p->style & MP_OPT_SKIP_DASHDASH) ? MP_OPT_DONE : unknown(p, w, 0);
	}
	if ((w[0] != '-' || w[1] == '\0') && (p->style & MP_OPT_NO_OPERANDS))
		return unknown(p, w, 0);
	if (w[0] != '-' || w[1] == '\0') {
		*MP_VEC_PUSH(p->r->operands.items, p->r->operands.n) = w;
		return MP_OPT_DONE;
	}
	if (w[1] == '-')
		return read_long(p, w);
	if (p->style & MP_OPT_GNU)
		return read_cluster(p, w);
	const mp_opt_spec *s = w[2] == '\0' ? find_short(p, w[1]) : NULL;
	return s ? apply_value(p, s, NULL, w) : unknown(p, w, 0);
}

int mp_opt_parse(const mp_opt_spec *specs, int style, int argc, char **argv, void *args, mp_opt_result *result)
{
	memset(result, 0, sizeof *result);
	parser p = {specs, style, argc, argv, 0, args, result};
	for (; p.i < argc; p.i++) {
		int rc = read_word(&p);
		if (rc != MP_OPT_DONE)
			return rc;
	}
	result->spec = NULL;
	result->arg = NULL;
	return MP_OPT_DONE;
}

void mp_opt_result_free(mp_opt_result *result)
{
	free(result->operands.items);
	result->operands.items = NULL;
	result->operands.n = 0;
}

bool mp_opt_given(const mp_opt_spec *specs, const mp_opt_result *result, const char *name)
{
	for (const mp_opt_spec *s = specs; s->kind; s++)
		if (s->name && is_option(s) && strcmp(s->name, name) == 0)
			return (result->given >> (s - specs)) & 1;
	return false;
}

void mp_opt_prefixes(const mp_opt_spec *specs, const char *prefix, mp_buf *out)
{
	const char *eq = strchr(prefix, '=');
	size_t len = eq ? (size_t)(eq - prefix) : strlen(prefix);
	for (const mp_opt_spec *s = specs; s->kind; s++)
		if (is_option(s) && s->name && strncmp(s->name, prefix, len) == 0)
			buf_printf(out, " '--%s'", s->name);
}

/* ---- help ---- */

static bool shown(const mp_opt_spec *s)
{
	return is_option(s) && !(s->flags & MP_OPT_HIDDEN);
}

/* The left side of a row: "  -d, --dir DIR"; word: a CHOICE's word. */
static void row_left(const mp_opt_spec *s, bool letters, const char *word, mp_buf *out)
{
	buf_puts(out, "  ");
	if (letters && s->alias && !word)
		buf_printf(out, "-%c, ", s->alias);
	else if (letters)
		buf_puts(out, "    ");
	if (s->name)
		buf_printf(out, "--%s", s->name);
	if (word || s->value_name)
		buf_printf(out, " %s", word ? word : s->value_name);
}

static void row(const mp_opt_spec *s, bool letters, const char *word, const char *help, size_t col, mp_buf *out)
{
	size_t start = out->len;
	row_left(s, letters, word, out);
	while (out->len - start < col)
		buf_putc(out, ' ');
	for (const char *h = help ? help : ""; *h; h++) {
		buf_putc(out, *h);
		if (*h == '\n' && h[1])
			for (size_t k = 0; k < col; k++)
				buf_putc(out, ' ');
	}
	buf_putc(out, '\n');
}

static bool per_word(const mp_opt_spec *s)
{
	return s->kind == MP_OPT_KIND_CHOICE && s->choices && s->choices[0].help;
}

static size_t left_width(const mp_opt_spec *specs, bool letters)
{
	size_t w = 0;
	mp_buf b = MP_BUF_INIT;
	for (const mp_opt_spec *s = specs; s->kind; s++) {
		if (!shown(s))
			continue;
		for (const mp_opt_choice *c = per_word(s) ? s->choices : NULL; c && c->word; c++) {
			if (!c->help)
				continue;
			buf_clear(&b);
			row_left(s, letters, c->word, &b);
			w = b.len > w ? b.len : w;
		}
		if (per_word(s))
			continue;
		buf_clear(&b);
		row_left(s, letters, NULL, &b);
		w = b.len > w ? b.len : w;
	}
	buf_free(&b);
	return w;
}

void mp_opt_help(const mp_opt_spec *specs, mp_buf *out)
{
	bool letters = false;
	for (const mp_opt_spec *s = specs; s->kind; s++)
		letters |= shown(s) && s->alias;
	size_t col = left_width(specs, letters) + 2;
	for (const mp_opt_spec *s = specs; s->kind; s++) {
		if (s->kind == MP_OPT_KIND_TEXT)
			buf_puts(out, s->help);
		else if (!shown(s))
			continue;
		else if (per_word(s))
			for (const mp_opt_choice *c = s->choices; c->word; c++) {
				if (c->help)
					row(s, letters, c->word, c->help, col, out);
			}
		else
			row(s, letters, NULL, s->help, col, out);
	}
}
