/* schema.prisma reader: recursive descent over src/schema/prisma_lexer.l tokens; a schema folder's files read into one schema.
 * One error per broken block: the parser skips to the block's closing brace
 * and goes on, so a typo in one model does not hide the others. */
#include "schema/prisma_schema.h"
#include "schema/prisma_lex.h"
#include "schema/prisma_lexer.h"
#include "util/fsutil.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	psl_lex_ctx lx;
	yyscan_t scanner;
	int tok;
	mp_span span;
	int prev_end; /* end of the last token consumed */
	psl_schema *s;
	mp_source *src; /* the file being read */
	size_t cap_models, cap_enums;
	bool failed; /* the current block had a syntax error */
	int block_errors; /* error count when the current block began */
	int depth;        /* nesting of ( and [: bounded, the parser recurses */
} parser;

#define PUSH(arr, n, cap)                                                          \
	((n) == (cap) ? ((cap) = (cap) ? (cap) * 2 : 4, (arr) = xrealloc((arr), (cap) * sizeof *(arr))) : 0, \
	 memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

/* Moves a malloc'ed vector into the schema's arena. */
static void *to_arena(parser *p, void *v, size_t n, size_t elem)
{
	void *d = arena_alloc(&p->s->arena, n ? n * elem : 1);
	if (n)
		memcpy(d, v, n * elem);
	free(v);
	return d;
}

static void next(parser *p)
{
	p->prev_end = p->span.end;
	p->tok = psl_yylex(p->scanner);
	if (p->tok == PSL_TOK_EOF) {
		p->span.start = p->span.end = (int)p->src->len;
	} else {
		p->span.start = p->lx.start;
		p->span.end = p->lx.end;
	}
}

static const char *tok_text(parser *p)
{
	return arena_strndup(&p->s->arena, buf_cstr(&p->lx.text), p->lx.text.len);
}

static const char *describe(parser *p, char *tmp, size_t n)
{
	switch (p->tok) {
	case PSL_TOK_EOF:
		return "end of file";
	case PSL_TOK_ATAT:
		return "'@@'";
	case PSL_TOK_STRING:
		return "a string";
	case PSL_TOK_NUMBER:
	case PSL_TOK_IDENT:
		snprintf(tmp, n, "'%.40s'", buf_cstr(&p->lx.text));
		return tmp;
	default:
		snprintf(tmp, n, "'%c'", p->tok);
		return tmp;
	}
}

static void syntax_error(parser *p, const char *expected)
{
	/* one message per block; none after the scanner's own (unterminated string) */
	bool quiet = p->failed || p->lx.diags->errors > p->block_errors;
	p->failed = true;
	if (quiet)
		return;
	char tmp[64];
	diag_add(p->lx.diags, DIAG_ERROR, p->src, p->span, "expected %s, found %s", expected,
	         describe(p, tmp, sizeof tmp));
}

static bool accept(parser *p, int tok)
{
	if (p->tok != tok)
		return false;
	next(p);
	return true;
}

static bool expect(parser *p, int tok, const char *what)
{
	if (accept(p, tok))
		return true;
	syntax_error(p, what);
	return false;
}

/* After an error: skip to the '}' that closes the current block. */
static void skip_block(parser *p, int depth)
{
	while (p->tok != PSL_TOK_EOF) {
		if (p->tok == '{')
			depth++;
		else if (p->tok == '}' && --depth <= 0) {
			next(p);
			return;
		}
		next(p);
	}
}

static bool parse_value(parser *p, psl_value *v);

/* An identifier just consumed, with any '.name' parts that follow (a.b.c). */
static const char *dotted(parser *p, const char *first)
{
	if (p->tok != '.')
		return first;
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, first);
	while (p->tok == '.') {
		next(p);
		if (p->tok != PSL_TOK_IDENT) {
			syntax_error(p, "a name after '.'");
			break;
		}
		buf_printf(&b, ".%s", buf_cstr(&p->lx.text));
		next(p);
	}
	const char *r = arena_strdup(&p->s->arena, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* '(' [name ':'] value, ... ')' into items; the '(' is the current token. */
/* One level deeper into a value; false (with one diagnostic per file) past
 * 64 levels, so that a hostile file cannot exhaust the stack. */
static bool nest(parser *p)
{
	if (p->depth >= 64) {
		if (!p->failed)
			diag_add(p->lx.diags, DIAG_ERROR, p->src, p->span, "values nested more than 64 deep");
		p->failed = true;
		return false;
	}
	p->depth++;
	return true;
}

static bool parse_args(parser *p, psl_value **items, size_t *nitems)
{
	psl_value *v = NULL;
	size_t n = 0, cap = 0;
	*items = NULL;
	*nitems = 0;
	if (!nest(p))
		return false;
	next(p);
	bool ok = true;
	while (ok && p->tok != ')' && p->tok != PSL_TOK_EOF) {
		psl_value *it = PUSH(v, n, cap);
		if (p->tok == PSL_TOK_IDENT) {
			const char *name = tok_text(p);
			mp_span at = p->span;
			next(p);
			if (accept(p, ':')) {
				it->argname = name;
				ok = parse_value(p, it);
			} else {
				it->kind = PSL_V_IDENT;
				it->text = dotted(p, name);
				it->span = at;
				if (p->tok == '(') {
					it->kind = PSL_V_CALL;
					ok = parse_args(p, &it->items, &it->nitems);
					it->span.end = p->prev_end;
				}
			}
		} else {
			ok = parse_value(p, it);
		}
		if (ok && !accept(p, ',') && p->tok != ')') {
			syntax_error(p, "',' or ')'");
			ok = false;
		}
	}
	*items = to_arena(p, v, n, sizeof *v);
	*nitems = n;
	p->depth--;
	return ok && expect(p, ')', "')'");
}

static bool parse_value_nested(parser *p, psl_value *v);

/* Values nest through calls and arrays; a hostile file must not exhaust the stack. */
static bool parse_value(parser *p, psl_value *v)
{
	if (!nest(p))
		return false;
	bool ok = parse_value_nested(p, v);
	p->depth--;
	return ok;
}

static bool parse_value_nested(parser *p, psl_value *v)
{
	v->span = p->span;
	switch (p->tok) {
	case PSL_TOK_STRING:
		v->kind = PSL_V_STRING;
		v->text = tok_text(p);
		next(p);
		return true;
	case PSL_TOK_NUMBER:
		v->kind = PSL_V_NUMBER;
		v->text = tok_text(p);
		next(p);
		return true;
	case PSL_TOK_IDENT:
		v->kind = PSL_V_IDENT;
		v->text = tok_text(p);
		next(p);
		v->text = dotted(p, v->text);
		if (p->tok == '(') {
			v->kind = PSL_V_CALL;
			if (!parse_args(p, &v->items, &v->nitems))
				return false;
			v->span.end = p->prev_end;
		}
		return true;
	case '[': {
		v->kind = PSL_V_ARRAY;
		psl_value *items = NULL;
		size_t n = 0, cap = 0;
		next(p);
		bool ok = true;
		while (ok && p->tok != ']' && p->tok != PSL_TOK_EOF) {
			ok = parse_value(p, PUSH(items, n, cap));
			if (ok && !accept(p, ',') && p->tok != ']') {
				syntax_error(p, "',' or ']'");
				ok = false;
			}
		}
		v->items = to_arena(p, items, n, sizeof *items);
		v->nitems = n;
		ok = ok && expect(p, ']', "']'");
		v->span.end = p->prev_end;
		return ok;
	}
	default:
		syntax_error(p, "a value");
		return false;
	}
}

/* An attribute after '@' or '@@': name('.' name)* [args]. */
static bool parse_attr(parser *p, psl_attr *a, int start)
{
	a->span.start = start;
	a->name = ""; /* a broken attribute stays in the list, matching nothing */
	if (p->tok != PSL_TOK_IDENT) {
		syntax_error(p, "an attribute name");
		return false;
	}
	mp_buf name = MP_BUF_INIT;
	buf_puts(&name, buf_cstr(&p->lx.text));
	next(p);
	while (p->tok == '.') {
		next(p);
		if (p->tok != PSL_TOK_IDENT) {
			buf_free(&name);
			syntax_error(p, "an attribute name after '.'");
			return false;
		}
		buf_printf(&name, ".%s", buf_cstr(&p->lx.text));
		next(p);
	}
	a->name = arena_strdup(&p->s->arena, buf_cstr(&name));
	buf_free(&name);
	if (p->tok == '(' && !parse_args(p, &a->args, &a->nargs))
		return false;
	a->span.end = p->prev_end;
	return true;
}

/* Attributes after a field or enum value: ('@' attr)*. */
static bool parse_field_attrs(parser *p, psl_attr **out, size_t *nout)
{
	psl_attr *v = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;
	while (ok && p->tok == '@') {
		int start = p->span.start;
		next(p);
		ok = parse_attr(p, PUSH(v, n, cap), start);
	}
	*out = to_arena(p, v, n, sizeof *v);
	*nout = n;
	return ok;
}

static bool parse_field(parser *p, psl_field *f)
{
	f->name = f->column = tok_text(p);
	f->type = "";
	f->name_span = f->span = p->span;
	next(p);
	if (p->tok != PSL_TOK_IDENT) {
		syntax_error(p, "a field type");
		return false;
	}
	f->type = tok_text(p);
	f->type_span = p->span;
	next(p);
	if (p->tok == '(' && !parse_args(p, &f->type_args, &f->ntype_args))
		return false;
	if (accept(p, '[')) {
		if (!expect(p, ']', "']'"))
			return false;
		f->list = true;
	}
	if (accept(p, '?'))
		f->optional = true;
	else
		accept(p, '!'); /* Prisma 1's required marker: the default anyway */
	f->type_span.end = p->prev_end;
	bool ok = parse_field_attrs(p, &f->attrs, &f->nattrs);
	f->span.end = p->prev_end;
	return ok;
}

static const char *map_name(const psl_attr *attrs, size_t n, const char *dflt)
{
	const psl_attr *a = psl_attr_find(attrs, n, "map");
	if (a)
		for (size_t i = 0; i < a->nargs; i++)
			if (a->args[i].kind == PSL_V_STRING && (!a->args[i].argname || !strcmp(a->args[i].argname, "name")))
				return a->args[i].text;
	return dflt;
}

static const char *schema_name(const psl_attr *attrs, size_t n)
{
	const psl_attr *a = psl_attr_find(attrs, n, "schema");
	return a && a->nargs && a->args[0].kind == PSL_V_STRING ? a->args[0].text : NULL;
}

/* The members parsed so far of a model (psl_field) or an enum
 * (psl_enum_value): one list for both, its element size set by the block. */
typedef struct {
	void *v;
	size_t n, elem;
} member_list;

/* A zeroed slot at the end of the list. */
static void *member_push(member_list *l)
{
	l->v = mp_vec_grow(l->v, l->n, l->elem);
	return (char *)l->v + l->n++ * l->elem;
}

static bool model_member(parser *p, member_list *l)
{
	return parse_field(p, member_push(l));
}

static bool enum_member(parser *p, member_list *l)
{
	psl_enum_value *v = member_push(l);
	v->name = tok_text(p);
	v->span = p->span;
	next(p);
	psl_attr *va;
	size_t nva;
	bool ok = parse_field_attrs(p, &va, &nva);
	v->db_name = map_name(va, nva, v->name);
	return ok;
}

/* A model's or enum's name; after a syntax error the block is skipped. */
static bool parse_block_name(parser *p, const char *what, const char **name, mp_span *span)
{
	if (p->tok != PSL_TOK_IDENT) {
		syntax_error(p, what);
		skip_block(p, 0);
		return false;
	}
	*name = tok_text(p);
	*span = p->span;
	next(p);
	return true;
}

/* What a model's or enum's body holds, in the schema's arena: its members,
 * its block attributes and the database name and schema they give. */
typedef struct {
	void *members;
	size_t nmembers;
	psl_attr *attrs;
	size_t nattrs;
	const char *db_name; /* @@map or the block's name */
	const char *schema;  /* @@schema, or NULL */
	bool ok;             /* false after a syntax error */
} block_body;

/* A model's or enum's body: '{' ('@@' attr | member)* '}', where member
 * parses one member (of elem bytes) that starts with a name. */
static block_body parse_body(parser *p, const char *name, bool (*member)(parser *, member_list *), size_t elem,
                             const char *expected)
{
	member_list ml = {NULL, 0, elem};
	psl_attr *attrs = NULL;
	size_t na = 0, capa = 0;
	bool ok = expect(p, '{', "'{'");
	while (ok && p->tok != '}' && p->tok != PSL_TOK_EOF) {
		if (p->tok == PSL_TOK_ATAT) {
			int at = p->span.start;
			next(p);
			ok = parse_attr(p, PUSH(attrs, na, capa), at);
		} else if (p->tok == PSL_TOK_IDENT) {
			ok = member(p, &ml);
		} else {
			syntax_error(p, expected);
			ok = false;
		}
	}
	if (ok)
		ok = expect(p, '}', "'}'");
	block_body b = {NULL, ml.n, NULL, na, NULL, NULL, ok};
	b.members = to_arena(p, ml.v, ml.n, elem);
	b.attrs = to_arena(p, attrs, na, sizeof *attrs);
	b.db_name = map_name(b.attrs, b.nattrs, name);
	b.schema = schema_name(b.attrs, b.nattrs);
	return b;
}

/* model or view: NAME '{' (field | '@@' attr)* '}' */
static void parse_model(parser *p, psl_model_kind kind, int start)
{
	psl_schema *s = p->s;
	psl_model *m = PUSH(s->models, s->nmodels, p->cap_models);
	m->kind = kind;
	m->src = p->src;
	m->name = m->table = "";
	m->span.start = start;
	if (!parse_block_name(p, kind == PSL_VIEW ? "a view name" : "a model name", &m->name, &m->name_span))
		return;
	block_body b = parse_body(p, m->name, model_member, sizeof(psl_field), "a field or a block attribute ('@@')");
	m = &s->models[s->nmodels - 1]; /* parse_* may not grow models, but stay safe */
	m->fields = b.members;
	m->nfields = b.nmembers;
	m->attrs = b.attrs;
	m->nattrs = b.nattrs;
	m->table = b.db_name;
	m->schema = b.schema;
	for (size_t i = 0; i < m->nfields; i++)
		m->fields[i].column = map_name(m->fields[i].attrs, m->fields[i].nattrs, m->fields[i].name);
	m->span.end = p->prev_end;
	if (!b.ok)
		skip_block(p, 1);
}

/* enum NAME '{' (VALUE attr* | '@@' attr)* '}' */
static void parse_enum(parser *p, int start)
{
	psl_schema *s = p->s;
	psl_enum *e = PUSH(s->enums, s->nenums, p->cap_enums);
	e->span.start = start;
	e->src = p->src;
	e->name = e->db_name = "";
	if (!parse_block_name(p, "an enum name", &e->name, &e->name_span))
		return;
	block_body b = parse_body(p, e->name, enum_member, sizeof(psl_enum_value), "an enum value");
	e->values = b.members;
	e->nvalues = b.nmembers;
	e->db_name = b.db_name;
	e->schema = b.schema;
	e->span.end = p->prev_end;
	if (!b.ok)
		skip_block(p, 1);
}

/* datasource/generator NAME '{' (KEY '=' value)* '}' */
static void parse_config(parser *p, bool datasource)
{
	if (!expect(p, PSL_TOK_IDENT, "a block name") || !expect(p, '{', "'{'")) {
		skip_block(p, 0);
		return;
	}
	while (p->tok == PSL_TOK_IDENT) {
		const char *key = tok_text(p);
		next(p);
		psl_value v = {0};
		if (!expect(p, '=', "'='") || !parse_value(p, &v)) {
			skip_block(p, 1);
			return;
		}
		if (!datasource)
			continue;
		if (!strcmp(key, "provider") && v.kind == PSL_V_STRING)
			p->s->provider = v.text;
		if (!strcmp(key, "schemas") && v.kind == PSL_V_ARRAY) {
			p->s->schemas = arena_alloc(&p->s->arena, (v.nitems + 1) * sizeof *p->s->schemas);
			for (size_t i = 0; i < v.nitems; i++)
				if (v.items[i].kind == PSL_V_STRING)
					p->s->schemas[p->s->nschemas++] = v.items[i].text;
		}
	}
	if (!expect(p, '}', "a setting or '}'"))
		skip_block(p, 1);
}

/* One file's blocks into p's schema. */
static void parse_source(parser *p, mp_source *src, diag_list *diags)
{
	p->src = src;
	p->lx.diags = diags;
	p->lx.src = src;
	p->lx.offset = p->lx.start = p->lx.end = 0;
	p->span = (mp_span){0, 0};
	p->prev_end = 0;
	p->depth = 0;
	psl_yylex_init_extra(&p->lx, &p->scanner);
	YY_BUFFER_STATE bs = psl_yy_scan_bytes(src->text, (int)src->len, p->scanner);
	next(p);
	while (p->tok != PSL_TOK_EOF) {
		p->failed = false;
		p->block_errors = diags->errors;
		int start = p->span.start;
		if (p->tok != PSL_TOK_IDENT) {
			syntax_error(p, "model, enum, view, type, datasource or generator");
			next(p);
			continue;
		}
		char kw[41];
		snprintf(kw, sizeof kw, "%s", buf_cstr(&p->lx.text));
		next(p);
		if (!strcmp(kw, "model"))
			parse_model(p, PSL_MODEL, start);
		else if (!strcmp(kw, "view"))
			parse_model(p, PSL_VIEW, start);
		else if (!strcmp(kw, "enum"))
			parse_enum(p, start);
		else if (!strcmp(kw, "datasource") || !strcmp(kw, "generator"))
			parse_config(p, kw[0] == 'd');
		else if (!strcmp(kw, "type")) {
			/* composite types (MongoDB) have no table: skipped whole */
			skip_block(p, 0);
		} else {
			mp_span at = {start, p->prev_end};
			diag_add(diags, DIAG_ERROR, src, at,
			         "expected model, enum, view, type, datasource or generator, found '%s'", kw);
			skip_block(p, 0);
		}
	}
	psl_yy_delete_buffer(bs, p->scanner);
	psl_yylex_destroy(p->scanner);
}

int psl_schema_parse_files(mp_source **srcs, size_t n, diag_list *diags, psl_schema **out)
{
	psl_schema *s = xcalloc(1, sizeof *s);
	*out = s;
	s->srcs = srcs;
	s->nsrcs = n;
	parser p = {0};
	p.s = s;
	int errors = diags->errors;
	for (size_t i = 0; i < n; i++)
		parse_source(&p, srcs[i], diags);
	buf_free(&p.lx.text);
	s->models = to_arena(&p, s->models, s->nmodels, sizeof *s->models);
	s->enums = to_arena(&p, s->enums, s->nenums, sizeof *s->enums);
	return diags->errors > errors ? MP_EINVAL : MP_OK;
}

int psl_schema_parse(mp_source *src, diag_list *diags, psl_schema **out)
{
	mp_source **one = xmalloc(sizeof *one);
	one[0] = src;
	return psl_schema_parse_files(one, 1, diags, out);
}

/* Every .prisma file of a schema folder, read. */
static int load_folder(const char *dir, mp_source ***srcs, size_t *n, mp_error *err)
{
	char **paths;
	size_t np;
	int rc = fs_list_files_r(dir, ".prisma", &paths, &np, err);
	if (rc != MP_OK)
		return rc;
	if (np == 0)
		rc = mp_error_set(err, MP_EIO, "%s: a schema folder without a .prisma file (Prisma reads every .prisma "
		                  "file below it)", dir);
	*srcs = xcalloc(np ? np : 1, sizeof **srcs);
	for (*n = 0; rc == MP_OK && *n < np; (*n)++)
		rc = source_load(paths[*n], &(*srcs)[*n], err);
	fs_free_list(paths, np);
	return rc;
}

int psl_schema_load(const char *path, diag_list *diags, psl_schema **out, mp_error *err)
{
	*out = NULL;
	if (!fs_is_dir(path)) {
		mp_source *src = NULL;
		int rc = source_load(path, &src, err);
		if (rc != MP_OK)
			return rc;
		return psl_schema_parse(src, diags, out);
	}
	mp_source **srcs = NULL;
	size_t n = 0;
	int rc = load_folder(path, &srcs, &n, err);
	if (rc != MP_OK) {
		for (size_t i = 0; i < n; i++)
			source_free(srcs[i]);
		free(srcs);
		return rc;
	}
	return psl_schema_parse_files(srcs, n, diags, out);
}

void psl_schema_free(psl_schema *s)
{
	if (!s)
		return;
	arena_free(&s->arena);
	for (size_t i = 0; i < s->nsrcs; i++)
		source_free(s->srcs[i]);
	free(s->srcs);
	free(s);
}

const psl_attr *psl_attr_find(const psl_attr *attrs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(attrs[i].name, name))
			return &attrs[i];
	return NULL;
}

const psl_model *psl_model_find(const psl_schema *s, const char *schema, const char *table)
{
	for (size_t i = 0; i < s->nmodels; i++) {
		const psl_model *m = &s->models[i];
		if (m->kind != PSL_MODEL || strcmp(m->table, table) != 0)
			continue;
		const char *ms = m->schema ? m->schema : "public";
		if (!schema || !strcmp(schema, ms))
			return m;
	}
	return NULL;
}

const psl_enum *psl_enum_find(const psl_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nenums; i++)
		if (!strcmp(s->enums[i].name, name))
			return &s->enums[i];
	return NULL;
}

bool psl_field_is_column(const psl_schema *s, const psl_field *f)
{
	for (size_t i = 0; i < s->nmodels; i++)
		if (!strcmp(s->models[i].name, f->type))
			return false;
	return true;
}

const psl_field *psl_field_find(const psl_schema *s, const psl_model *m, const char *column)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (!strcmp(m->fields[i].column, column) && psl_field_is_column(s, &m->fields[i]))
			return &m->fields[i];
	return NULL;
}
