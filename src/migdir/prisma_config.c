/* prisma.config.ts read without running it: found as Prisma finds it, its exported object scanned for the schema, migrations.path and datasource URL (migdir/prisma_config.h). */
#include "migdir/prisma_config.h"
#include "migdir/prisma_config_lex.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/vec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A static value: a string, an environment variable, or two joined. */
typedef enum { PCN_STRING, PCN_ENV, PCN_PROCESS_ENV, PCN_UNDEFINED, PCN_OR, PCN_NULLISH } pcn_kind;

typedef struct {
	pcn_kind kind;
	char *text; /* STRING: the value; ENV, PROCESS_ENV: the variable's name */
	int offset;
	int left, right; /* OR, NULLISH */
} pc_node;

typedef struct {
	bool given;  /* written in the file (or maybe set through a spread) */
	int root;    /* its value's node, or -1 */
	int offset;  /* where the value starts */
	char *error; /* why it cannot be read statically ("FILE:L:C: ..."), or NULL */
} pc_value;

struct prisma_config {
	mp_source *src;
	char *dir;   /* the file's directory: relative paths start there */
	char *error; /* the file as a whole cannot be read, so no key can */
	pc_node *nodes;
	size_t nnodes;
	pc_value values[PRISMA_CONFIG_NKEYS];
};

/* A top-level const and the tokens of its initializer, [init, end). */
typedef struct {
	const char *name;
	size_t init, end;
} pc_const;

typedef struct {
	prisma_config *c;
	pct_token *t;
	size_t n;
	pc_const *consts;
	size_t nconsts;
	int depth;    /* of parentheses and const references being read */
	mp_buf why;   /* what the first thing not understood is, for the message */
	size_t why_at;
} parser;

/* Where each key is written: under which object of the exported one. */
static const struct {
	const char *parent, *name, *full;
} keys[PRISMA_CONFIG_NKEYS] = {
	[PRISMA_CONFIG_SCHEMA] = {NULL, "schema", "schema"},
	[PRISMA_CONFIG_MIGRATIONS] = {"migrations", "path", "migrations.path"},
	[PRISMA_CONFIG_URL] = {"datasource", "url", "datasource.url"},
	[PRISMA_CONFIG_DIRECT_URL] = {"datasource", "directUrl", "datasource.directUrl"},
};

#define NOT_EVALUATED ", which migplan does not evaluate (it reads the config without running it)"

const char *prisma_config_key_name(prisma_config_key key)
{
	return keys[key].full;
}

const char *prisma_config_file(const prisma_config *c)
{
	return c->src->path;
}

/* "FILE:LINE:COL" of a byte offset. */
static void put_place(const prisma_config *c, int offset, mp_buf *b)
{
	int line = 0, col = 0;
	source_position(c->src, offset, &line, &col);
	buf_printf(b, "%s:%d:%d", c->src->path, line, col);
}

static bool opener(const pct_token *t)
{
	return t->kind == PCT_PUNCT && (!strcmp(t->text, "(") || !strcmp(t->text, "[") || !strcmp(t->text, "{"));
}

/* Records what token i is (the first such record stays); returns -1. */
static int refuse(parser *p, size_t i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int refuse(parser *p, size_t i, const char *fmt, ...)
{
	if (p->why.len)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&p->why, fmt, ap);
	va_end(ap);
	p->why_at = i < p->n ? i : p->n - 1;
	return -1;
}

/* Says what the expression at token i is, for a refusal. */
static int refuse_expression(parser *p, size_t i)
{
	if (i >= p->n)
		return refuse(p, p->n - 1, "an incomplete expression");
	const pct_token *t = &p->t[i];
	if (t->kind == PCT_TEMPLATE || t->kind == PCT_STRING)
		return refuse(p, i, "%s%s", t->kind == PCT_STRING ? "a string" : "a template literal",
		              t->subst ? " with ${...}" : !t->text ? " holding a NUL character" : " after a value");
	if (t->kind == PCT_NUMBER || t->kind == PCT_REGEX)
		return refuse(p, i, t->kind == PCT_NUMBER ? "the number %s" : "a regular expression", t->text);
	if (t->kind == PCT_PUNCT)
		return refuse(p, i, pct_is(t, "[") ? "an array" : pct_is(t, "{") ? "an object" :
		                    pct_is(t, "(") ? "an expression in parentheses" : "an expression with '%s'", t->text);
	static const char *const words[] = {"function", "async", "class", "new", "await", "import", "require"};
	for (size_t w = 0; w < sizeof words / sizeof *words; w++)
		if (!strcmp(t->text, words[w]))
			return refuse(p, i, "%s %s expression", w == 1 || w == 4 || w == 5 ? "an" : "a", t->text);
	mp_buf name = MP_BUF_INIT;
	size_t k = i;
	buf_puts(&name, t->text);
	while (k + 2 < p->n && (pct_is(&p->t[k + 1], ".") || pct_is(&p->t[k + 1], "?.")) && p->t[k + 2].kind == PCT_IDENT) {
		buf_printf(&name, ".%s", p->t[k + 2].text);
		k += 2;
	}
	bool call = k + 1 < p->n && pct_is(&p->t[k + 1], "(");
	refuse(p, i, call ? "a call of %s()" : k > i ? "the expression %s" : "the name %s (not a top-level const of the file)",
	       buf_cstr(&name));
	buf_free(&name);
	return -1;
}

/* The index after TypeScript type arguments <...> at i (i when there are none). */
static size_t skip_type_args(const parser *p, size_t i, size_t end)
{
	if (i >= end || !pct_is(&p->t[i], "<"))
		return i;
	int depth = 0;
	for (size_t k = i; k < end; k++) {
		const pct_token *t = &p->t[k];
		if (opener(t))
			k = (size_t)t->match;
		else if (t->kind == PCT_PUNCT && t->text[0] == '<')
			depth++;
		else if (t->kind == PCT_PUNCT && t->text[0] == '>' && strspn(t->text, ">") == strlen(t->text))
			depth -= (int)strlen(t->text);
		if (depth <= 0)
			return k + 1;
	}
	return end;
}

/* A type after `as` or `satisfies`: Name(.Name)*<...>?([])*, or const. */
static size_t skip_type(const parser *p, size_t k, size_t end)
{
	if (k >= end || p->t[k].kind != PCT_IDENT)
		return k;
	k++;
	while (k + 1 < end && pct_is(&p->t[k], ".") && p->t[k + 1].kind == PCT_IDENT)
		k += 2;
	k = skip_type_args(p, k, end);
	while (k + 1 < end && pct_is(&p->t[k], "[") && p->t[k].match == (int)k + 1)
		k += 2;
	return k;
}

/* One level deeper into parentheses or consts; false past 32. */
static bool nest(parser *p)
{
	if (p->depth >= 32)
		return false;
	p->depth++;
	return true;
}

static int add_node(parser *p, pcn_kind kind, const char *text, size_t tok, int left, int right)
{
	pc_node *n = MP_VEC_PUSH(p->c->nodes, p->c->nnodes);
	n->kind = kind;
	n->text = text ? xstrdup(text) : NULL;
	n->offset = p->t[tok].start;
	n->left = left;
	n->right = right;
	return (int)p->c->nnodes - 1;
}

/* The top-level const called name declared before token before, or NULL. */
static const pc_const *find_const(const parser *p, const char *name, size_t before)
{
	const pc_const *found = NULL;
	for (size_t i = 0; i < p->nconsts; i++)
		if (!strcmp(p->consts[i].name, name) && p->consts[i].init < before)
			found = &p->consts[i];
	return found;
}

static int value_range(parser *p, size_t i, size_t end);

/* env('NAME') (env<T>("NAME") too) at *k. */
static int env_call(parser *p, size_t *k, size_t end)
{
	size_t at = *k, open = skip_type_args(p, at + 1, end);
	if (open >= end || !pct_is(&p->t[open], "("))
		return refuse_expression(p, at);
	size_t close = (size_t)p->t[open].match, arg = open + 1;
	bool one = arg < close && p->t[arg].kind == PCT_STRING && p->t[arg].text &&
	           (arg + 1 == close || (arg + 2 == close && pct_is(&p->t[arg + 1], ",")));
	if (!one)
		return refuse(p, at, "env() of something other than one string literal");
	*k = close + 1;
	return add_node(p, PCN_ENV, p->t[arg].text, at, -1, -1);
}

/* process.env.NAME or process.env['NAME'] at *k. */
static int process_env(parser *p, size_t *k, size_t end)
{
	size_t at = *k;
	const pct_token *t = p->t;
	if (at + 3 < end && pct_is(&t[at + 1], ".") && pct_is_name(&t[at + 2], "env")) {
		if (pct_is(&t[at + 3], ".") && at + 4 < end && t[at + 4].kind == PCT_IDENT) {
			*k = at + 5;
			return add_node(p, PCN_PROCESS_ENV, t[at + 4].text, at, -1, -1);
		}
		if (pct_is(&t[at + 3], "[") && t[at + 3].match == (int)at + 5 && t[at + 4].kind == PCT_STRING && t[at + 4].text) {
			*k = at + 6;
			return add_node(p, PCN_PROCESS_ENV, t[at + 4].text, at, -1, -1);
		}
	}
	return refuse_expression(p, at);
}

/* A name: undefined, env(...), process.env..., or a top-level const. */
static int name_value(parser *p, size_t *k, size_t end)
{
	size_t at = *k;
	const pct_token *t = &p->t[at];
	if (!strcmp(t->text, "undefined")) {
		*k = at + 1;
		return add_node(p, PCN_UNDEFINED, NULL, at, -1, -1);
	}
	if (!strcmp(t->text, "env") && at + 1 < end && (pct_is(&t[1], "(") || pct_is(&t[1], "<")))
		return env_call(p, k, end);
	if (!strcmp(t->text, "process"))
		return process_env(p, k, end);
	bool more = at + 1 < end && (pct_is(&t[1], "(") || pct_is(&t[1], ".") || pct_is(&t[1], "?.") ||
	                             pct_is(&t[1], "[") || t[1].kind == PCT_TEMPLATE);
	const pc_const *d = more ? NULL : find_const(p, t->text, at);
	if (!d)
		return refuse_expression(p, at);
	if (!nest(p))
		return refuse(p, at, "a value through more than 32 consts or parentheses");
	int node = value_range(p, d->init, d->end);
	p->depth--;
	*k = at + 1;
	return node;
}

static int chain(parser *p, size_t *k, size_t end);

/* A string, a template without ${}, a name, or a value in parentheses. */
static int primary(parser *p, size_t *k, size_t end)
{
	size_t at = *k;
	if (at >= end)
		return refuse_expression(p, at);
	const pct_token *t = &p->t[at];
	if ((t->kind == PCT_STRING || t->kind == PCT_TEMPLATE) && t->text) {
		*k = at + 1;
		return add_node(p, PCN_STRING, t->text, at, -1, -1);
	}
	if (t->kind == PCT_IDENT)
		return name_value(p, k, end);
	if (pct_is(t, "(") && (size_t)t->match < end) {
		if (!nest(p))
			return refuse(p, at, "a value through more than 32 consts or parentheses");
		size_t in = at + 1, close = (size_t)t->match;
		int node = chain(p, &in, close);
		if (node >= 0 && in != close)
			node = refuse_expression(p, in);
		p->depth--;
		*k = close + 1;
		return node;
	}
	return refuse_expression(p, at);
}

/* A primary with TypeScript's postfix !, `as T` and `satisfies T`. */
static int term(parser *p, size_t *k, size_t end)
{
	int node = primary(p, k, end);
	while (node >= 0 && *k < end) {
		const pct_token *t = &p->t[*k];
		if (pct_is(t, "!"))
			(*k)++;
		else if (pct_is_name(t, "as") || pct_is_name(t, "satisfies"))
			*k = skip_type(p, *k + 1, end);
		else
			break;
	}
	return node;
}

/* term (('??' | '||') term)*, left to right as JavaScript groups them. */
static int chain(parser *p, size_t *k, size_t end)
{
	int left = term(p, k, end);
	for (int ops = 0; left >= 0 && *k < end && (pct_is(&p->t[*k], "??") || pct_is(&p->t[*k], "||")); ops++) {
		if (ops == 64) /* evaluated recursively: bounded */
			return refuse(p, *k, "more than 64 ?? or || in a row");
		size_t op = (*k)++;
		int right = term(p, k, end);
		if (right < 0)
			return -1;
		left = add_node(p, pct_is(&p->t[op], "??") ? PCN_NULLISH : PCN_OR, NULL, op, left, right);
	}
	return left;
}

/* The value written in tokens [i, end), all of them. */
static int value_range(parser *p, size_t i, size_t end)
{
	size_t k = i;
	int node = chain(p, &k, end);
	return node >= 0 && k < end ? refuse_expression(p, k) : node;
}

static bool starts_statement(const pct_token *t)
{
	static const char *const words[] = {"export", "import", "const", "let", "var", "function", "class",
	                                    "module", "if", "for", "while", "return", "type", "interface"};
	for (size_t i = 0; t->kind == PCT_IDENT && i < sizeof words / sizeof *words; i++)
		if (!strcmp(t->text, words[i]))
			return true;
	return false;
}

/* Where the expression from token i ends: a ';' (or a ',' when comma), the
 * end of the enclosing brackets, or a statement keyword on a new line (the
 * end JavaScript's semicolon insertion gives a config's declarations). */
static size_t statement_end(const parser *p, size_t i, bool comma)
{
	for (size_t j = i; j < p->n; j++) {
		const pct_token *t = &p->t[j];
		if (pct_is(t, ";") || (comma && pct_is(t, ",")) || (t->match >= 0 && (size_t)t->match < j) ||
		    (j > i && t->newline && starts_statement(t)))
			return j;
		if (opener(t))
			j = (size_t)t->match;
	}
	return p->n;
}

/* The ',' ending the property that starts at i, or close. */
static size_t property_end(const parser *p, size_t i, size_t close)
{
	for (size_t j = i; j < close; j++) {
		if (pct_is(&p->t[j], ","))
			return j;
		if (opener(&p->t[j]))
			j = (size_t)p->t[j].match;
	}
	return close;
}

/* The '{' of the object literal that tokens [i, end) denote, through
 * parentheses, defineConfig(...), `satisfies T`/`as T` and consts; -1 with
 * a refusal otherwise. */
static int object_at(parser *p, size_t i, size_t end)
{
	for (size_t k = i; k < end; k++) {
		if (pct_is_name(&p->t[k], "as") || pct_is_name(&p->t[k], "satisfies")) {
			end = k;
			break;
		}
		if (opener(&p->t[k]))
			k = (size_t)p->t[k].match;
	}
	if (i >= end)
		return refuse_expression(p, i);
	const pct_token *t = &p->t[i];
	if (pct_is(t, "{") && (size_t)t->match == end - 1)
		return (int)i;
	if (!nest(p))
		return refuse(p, i, "an object through more than 32 consts or parentheses");
	int r = -1;
	size_t open = pct_is_name(t, "defineConfig") ? skip_type_args(p, i + 1, end) : i;
	const pc_const *d;
	if ((open > i || pct_is(t, "(")) && open < end && pct_is(&p->t[open], "(") && (size_t)p->t[open].match == end - 1) {
		size_t last = end - 1;
		if (last > open + 1 && pct_is(&p->t[last - 1], ","))
			last--; /* defineConfig({...},) */
		r = object_at(p, open + 1, last);
	} else if (t->kind == PCT_IDENT && end == i + 1 && (d = find_const(p, t->text, i))) {
		r = object_at(p, d->init, d->end);
	} else {
		r = refuse_expression(p, i);
	}
	p->depth--;
	return r;
}

/* A key's value cannot be read: why, at token i, in the one-line message. */
static void key_refused(parser *p, prisma_config_key key, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void key_refused(parser *p, prisma_config_key key, size_t i, const char *fmt, ...)
{
	pc_value *v = &p->c->values[key];
	mp_buf b = MP_BUF_INIT;
	put_place(p->c, p->t[i].start, &b);
	buf_printf(&b, ": %s ", keys[key].full);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_puts(&b, NOT_EVALUATED);
	free(v->error);
	v->error = buf_detach(&b);
	v->given = true;
	v->root = -1;
	v->offset = p->t[i].start;
}

/* The keys under parent (NULL: every key) are no longer known: a spread, a
 * computed name, or the parent object itself is not static. */
static void keys_refused(parser *p, const char *parent, size_t i, const char *what, const char *why)
{
	for (int k = 0; k < PRISMA_CONFIG_NKEYS; k++)
		if (!parent || (keys[k].parent && !strcmp(keys[k].parent, parent)))
			key_refused(p, (prisma_config_key)k, i, "%s %s", what, why);
}

static void keys_clear(prisma_config *c, const char *parent)
{
	for (int k = 0; k < PRISMA_CONFIG_NKEYS; k++)
		if (keys[k].parent && !strcmp(keys[k].parent, parent)) {
			free(c->values[k].error);
			c->values[k] = (pc_value){false, -1, 0, NULL};
		}
}

static void walk_object(parser *p, size_t open, const char *parent);

/* The value [i, end) of the property called name in parent's object. */
static void property_value(parser *p, const char *parent, const char *name, size_t i, size_t end, bool method)
{
	bool container = !parent && (!strcmp(name, "migrations") || !strcmp(name, "datasource"));
	for (int k = 0; !container && k < PRISMA_CONFIG_NKEYS; k++) {
		if ((parent == NULL) != (keys[k].parent == NULL) || (parent && strcmp(parent, keys[k].parent)) ||
		    strcmp(name, keys[k].name))
			continue;
		pc_value *v = &p->c->values[k];
		buf_clear(&p->why);
		int root = method ? refuse(p, i, "a method") : value_range(p, i, end);
		if (root < 0) {
			key_refused(p, (prisma_config_key)k, p->why_at, "is %s", buf_cstr(&p->why));
			continue;
		}
		free(v->error);
		*v = (pc_value){true, root, p->t[i].start, NULL};
	}
	if (!container)
		return;
	keys_clear(p->c, name);
	if (end == i + 1 && pct_is_name(&p->t[i], "undefined"))
		return;
	buf_clear(&p->why);
	int obj = method ? refuse(p, i, "a method") : object_at(p, i, end);
	if (obj >= 0) {
		walk_object(p, (size_t)obj, name);
	} else {
		mp_buf what = MP_BUF_INIT;
		buf_printf(&what, "is in %s, and %s is", name, name);
		keys_refused(p, name, p->why_at, buf_cstr(&what), buf_cstr(&p->why));
		buf_free(&what);
	}
}

/* One property [i, end) of an object: name: value, a shorthand name, a
 * method, a spread, a computed [name]. */
static void property(parser *p, const char *parent, size_t i, size_t end)
{
	const pct_token *t = p->t;
	if (i >= end)
		return;
	if (pct_is(&t[i], "...")) {
		keys_refused(p, parent, i, "may be set by", "a spread (...)");
		return;
	}
	size_t k = i;
	bool method = false;
	if ((pct_is_name(&t[k], "get") || pct_is_name(&t[k], "set") || pct_is_name(&t[k], "async")) && k + 1 < end &&
	    !pct_is(&t[k + 1], ":") && !pct_is(&t[k + 1], "(")) {
		method = true;
		k++;
	}
	if (k < end && pct_is(&t[k], "*")) {
		method = true;
		k++;
	}
	if (k >= end)
		return;
	const char *name = NULL;
	if (pct_is(&t[k], "[")) {
		if (t[k].match == (int)k + 2 && t[k + 1].kind == PCT_STRING && t[k + 1].text)
			name = t[k + 1].text;
		if (!name) {
			keys_refused(p, parent, k, "may be set by", "a computed name [...]");
			return;
		}
		k = (size_t)t[k].match;
	} else if (t[k].kind == PCT_IDENT || t[k].kind == PCT_NUMBER || (t[k].kind == PCT_STRING && t[k].text)) {
		name = t[k].text;
	} else {
		return; /* not a property JavaScript reads */
	}
	size_t v = k + 1;
	if (v < end && pct_is(&t[v], "("))
		property_value(p, parent, name, k, end, true);
	else if (v < end && pct_is(&t[v], ":"))
		property_value(p, parent, name, v + 1, end, method);
	else if (v == end && t[k].kind == PCT_IDENT && !method)
		property_value(p, parent, name, k, v, false); /* { schema }: the const schema */
}

static void walk_object(parser *p, size_t open, const char *parent)
{
	size_t close = (size_t)p->t[open].match;
	for (size_t i = open + 1; i < close;) {
		size_t end = property_end(p, i, close);
		property(p, parent, i, end);
		i = end + 1;
	}
}

/* A top-level `const NAME [: Type] = init` at token i (the const), and any
 * declarators after it; returns the token to go on from. */
static size_t record_const(parser *p, size_t i)
{
	size_t k = i + 1;
	while (k < p->n && p->t[k].kind == PCT_IDENT) {
		size_t name = k++;
		if (k < p->n && pct_is(&p->t[k], ":"))
			for (k++; k < p->n && !pct_is(&p->t[k], "=") && !pct_is(&p->t[k], ";") && !pct_is(&p->t[k], ","); k++)
				if (opener(&p->t[k]))
					k = (size_t)p->t[k].match;
		if (k >= p->n || !pct_is(&p->t[k], "="))
			return k;
		size_t end = statement_end(p, k + 1, true);
		*MP_VEC_PUSH(p->consts, p->nconsts) = (pc_const){p->t[name].text, k + 1, end};
		if (end >= p->n || !pct_is(&p->t[end], ","))
			return end;
		k = end + 1;
	}
	return k;
}

/* The first token of what the file exports by default (export default X,
 * module.exports = X), after recording the top-level consts before it;
 * p->n when there is none. */
static size_t find_default(parser *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const pct_token *t = &p->t[i];
		bool member = i > 0 && (pct_is(&t[-1], ".") || pct_is(&t[-1], "?."));
		if (opener(t))
			i = (size_t)t->match;
		else if (member)
			continue;
		else if (pct_is_name(t, "export") && i + 1 < p->n && pct_is_name(&t[1], "default"))
			return i + 2;
		else if (pct_is_name(t, "module") && i + 3 < p->n && pct_is(&t[1], ".") && pct_is_name(&t[2], "exports") &&
		         pct_is(&t[3], "="))
			return i + 4;
		else if (pct_is_name(t, "const"))
			i = record_const(p, i) - 1;
	}
	return p->n;
}

/* The whole file cannot be read: at offset, why. */
static void file_refused(prisma_config *c, int offset, const char *why)
{
	mp_buf b = MP_BUF_INIT;
	put_place(c, offset, &b);
	buf_printf(&b, ": %s", why);
	c->error = buf_detach(&b);
}

static void read_tokens(prisma_config *c, pct_token *t, size_t n)
{
	parser p = {c, t, n, NULL, 0, 0, MP_BUF_INIT, 0};
	size_t start = find_default(&p);
	if (n == 0) {
		/* an empty file exports nothing: Prisma's defaults */
	} else if (start >= n) {
		file_refused(c, 0, "found no `export default` (nor `module.exports =`) of the config object");
	} else {
		int obj = object_at(&p, start, statement_end(&p, start, false));
		if (obj >= 0) {
			walk_object(&p, (size_t)obj, NULL);
		} else {
			mp_buf why = MP_BUF_INIT;
			buf_printf(&why, "the default export is %s, not an object literal, defineConfig({...}) or a const naming one"
			           NOT_EVALUATED, buf_cstr(&p.why));
			file_refused(c, t[p.why_at].start, buf_cstr(&why));
			buf_free(&why);
		}
	}
	free(p.consts);
	buf_free(&p.why);
}

prisma_config *prisma_config_parse(mp_source *src)
{
	prisma_config *c = xcalloc(1, sizeof *c);
	c->src = src;
	c->dir = fs_path_dirname(src->path);
	for (int k = 0; k < PRISMA_CONFIG_NKEYS; k++)
		c->values[k].root = -1;
	pct_list l;
	pct_tokenize(src, &l);
	if (l.error)
		c->error = xstrdup(l.error);
	else
		read_tokens(c, l.toks, l.n);
	pct_list_free(&l);
	return c;
}

static const char *const extensions[] = {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts"};

int prisma_config_load(const char *path, prisma_config **out, mp_error *err)
{
	*out = NULL;
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	bool known = false;
	for (size_t i = 0; dot && (!slash || dot > slash) && i < sizeof extensions / sizeof *extensions; i++)
		known = known || strcmp(dot, extensions[i]) == 0;
	if (!known)
		return mp_error_set(err, MP_EINVAL, "%s: Prisma reads a config file only as .js, .ts, .mjs, .cjs, .mts or .cts",
		                    path);
	mp_source *src = NULL;
	int rc = source_load(path, &src, err);
	if (rc != MP_OK)
		return rc;
	*out = prisma_config_parse(src);
	return MP_OK;
}

void prisma_config_free(prisma_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nnodes; i++)
		free(c->nodes[i].text);
	free(c->nodes);
	for (int k = 0; k < PRISMA_CONFIG_NKEYS; k++)
		free(c->values[k].error);
	free(c->error);
	free(c->dir);
	source_free(c->src);
	free(c);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *prisma_config_find(const char *root)
{
	static const struct {
		const char *base;
		bool index; /* base/index.* as well */
	} bases[] = {{"prisma7.config", false}, {".config/prisma7", false}, {"prisma.config", true},
	             {".config/prisma", true},  {".config/prisma.config", true}};
	for (size_t b = 0; b < sizeof bases / sizeof *bases; b++)
		for (int index = 0; index <= (int)bases[b].index; index++)
			for (size_t e = 0; e < sizeof extensions / sizeof *extensions; e++) {
				mp_buf path = MP_BUF_INIT;
				if (strcmp(root, ".") != 0)
					buf_printf(&path, "%s/", root);
				buf_printf(&path, "%s%s%s", bases[b].base, index ? "/index" : "", extensions[e]);
				if (is_file(buf_cstr(&path)))
					return buf_detach(&path);
				buf_free(&path);
			}
	return NULL;
}

bool prisma_config_has(const prisma_config *c, prisma_config_key key)
{
	return c->error || c->values[key].given;
}

/* A value evaluated: undefined, or a string (borrowed). */
typedef struct {
	bool defined;
	const char *s;
	const char *unset; /* the last process.env variable found unset, for a message */
} pc_eval;

/* A variable's name as a message shows it: control characters escaped,
 * so that the message stays one line whatever the config spells. */
static const char *shown(const char *name, mp_buf *b)
{
	buf_clear(b);
	for (const unsigned char *q = (const unsigned char *)name; *q; q++)
		if (*q < 0x20 || *q == 0x7F)
			buf_printf(b, "\\x%02x", *q);
		else
			buf_putc(b, (char)*q);
	return buf_cstr(b);
}

static int eval_node(const prisma_config *c, prisma_config_key key, int node, pc_eval *e, mp_error *err)
{
	const pc_node *n = &c->nodes[node];
	const char *v;
	mp_buf place = MP_BUF_INIT;
	int rc = MP_OK;
	switch (n->kind) {
	case PCN_STRING:
		e->defined = true, e->s = n->text;
		break;
	case PCN_UNDEFINED:
		e->defined = false;
		break;
	case PCN_PROCESS_ENV:
		v = getenv(n->text);
		e->defined = v != NULL, e->s = v;
		if (!v)
			e->unset = n->text;
		break;
	case PCN_ENV:
		v = getenv(n->text);
		e->defined = v && *v, e->s = v;
		if (!e->defined) {
			mp_buf name = MP_BUF_INIT;
			put_place(c, n->offset, &place);
			shown(n->text, &name);
			rc = mp_error_set(err, MP_EINVAL, "%s: %s is env('%s'), and %s is %s (Prisma's env() refuses it)",
			                  buf_cstr(&place), keys[key].full, buf_cstr(&name), buf_cstr(&name),
			                  v ? "empty" : "not set");
			buf_free(&name);
		}
		break;
	case PCN_OR:
	case PCN_NULLISH:
		rc = eval_node(c, key, n->left, e, err);
		if (rc == MP_OK && !(e->defined && (n->kind == PCN_NULLISH || *e->s)))
			rc = eval_node(c, key, n->right, e, err);
		break;
	}
	buf_free(&place);
	return rc;
}

int prisma_config_string(const prisma_config *c, prisma_config_key key, char **out, mp_error *err)
{
	*out = NULL;
	if (c->error)
		return mp_error_set(err, MP_EINVAL, "%s", c->error);
	const pc_value *v = &c->values[key];
	if (!v->given)
		return MP_OK;
	if (v->error)
		return mp_error_set(err, MP_EINVAL, "%s", v->error);
	pc_eval e = {false, NULL, NULL};
	int rc = eval_node(c, key, v->root, &e, err);
	if (rc != MP_OK)
		return rc;
	bool url = key == PRISMA_CONFIG_URL || key == PRISMA_CONFIG_DIRECT_URL;
	if (e.defined && *e.s) {
		*out = xstrdup(e.s);
	} else if (url) {
		mp_buf place = MP_BUF_INIT, name = MP_BUF_INIT;
		put_place(c, v->offset, &place);
		mp_error_set(err, MP_EINVAL, "%s: %s is %s%s%s%s", buf_cstr(&place), keys[key].full,
		             e.defined ? "empty" : "undefined", e.unset ? " (" : "", e.unset ? shown(e.unset, &name) : "",
		             e.unset ? " is not set)" : "");
		buf_free(&place);
		buf_free(&name);
		return MP_EINVAL;
	}
	return MP_OK;
}

int prisma_config_path(const prisma_config *c, prisma_config_key key, char **out, mp_error *err)
{
	char *s = NULL;
	int rc = prisma_config_string(c, key, &s, err);
	*out = s ? fs_path_resolve(c->dir, s) : NULL;
	free(s);
	return rc;
}
