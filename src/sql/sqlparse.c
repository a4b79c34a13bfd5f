/* SQL files through libpg_query: statements with spans and trees, comments,
 * and small readers over parse-tree nodes. */
#include "sql/sqlparse.h"
#include "util/buf.h"
#include "util/vec.h"
#include "migdir/mark.h"

#include <pg_query.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Token numbers of pg_query.proto (enum Token): stable across 15-x releases. */
enum { TOKEN_SQL_COMMENT = 275, TOKEN_C_COMMENT = 276 };

typedef struct {
	int start, end, token;
} scan_token;

/* libpg_query returns the scanner's tokens as protobuf only. Debian ships no
 * protobuf-c headers, and the message is tiny (repeated {start, end, token,
 * keyword_kind} with field numbers 1, 2, 4, 5 in pg_query.proto), so it is
 * read here straight from the wire format. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

static int skip_field(const uint8_t **p, const uint8_t *end, int wire)
{
	uint64_t v;
	switch (wire) {
	case 0: return read_varint(p, end, &v);
	case 1: if (end - *p < 8) return -1; *p += 8; return 0;
	case 5: if (end - *p < 4) return -1; *p += 4; return 0;
	case 2:
		if (read_varint(p, end, &v) || (uint64_t)(end - *p) < v)
			return -1;
		*p += v;
		return 0;
	default: return -1;
	}
}

static int decode_token(const uint8_t *p, const uint8_t *end, scan_token *t)
{
	memset(t, 0, sizeof *t);
	while (p < end) {
		uint64_t key, v;
		if (read_varint(&p, end, &key))
			return -1;
		int field = (int)(key >> 3), wire = (int)(key & 7);
		if (wire == 0 && (field == 1 || field == 2 || field == 4)) {
			if (read_varint(&p, end, &v))
				return -1;
			if (field == 1) t->start = (int)v;
			else if (field == 2) t->end = (int)v;
			else t->token = (int)v;
		} else if (skip_field(&p, end, wire)) {
			return -1;
		}
	}
	return 0;
}

static int scan_tokens(const char *text, scan_token **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	PgQueryScanResult r = pg_query_scan(text);
	if (r.error) {
		pg_query_free_scan_result(r);
		return -1;
	}
	const uint8_t *p = (const uint8_t *)r.pbuf.data, *end = p + r.pbuf.len;
	scan_token *toks = NULL;
	size_t ntoks = 0;
	int rc = 0;
	while (p < end && rc == 0) {
		uint64_t key, len;
		if (read_varint(&p, end, &key)) { rc = -1; break; }
		if ((key >> 3) != 2 || (key & 7) != 2) {
			rc = skip_field(&p, end, (int)(key & 7));
			continue;
		}
		if (read_varint(&p, end, &len) || (uint64_t)(end - p) < len) { rc = -1; break; }
		rc = decode_token(p, p + len, MP_VEC_PUSH(toks, ntoks));
		p += len;
	}
	pg_query_free_scan_result(r);
	*out = toks; /* also on failure: the caller frees what was read */
	*n = ntoks;
	return rc;
}

static int is_comment(const scan_token *t)
{
	return t->token == TOKEN_SQL_COMMENT || t->token == TOKEN_C_COMMENT;
}

/* PostgreSQL's cursor position counts characters from 1; spans are bytes. */
static int char_pos_to_offset(const char *text, size_t len, int cursorpos)
{
	size_t i = 0;
	int chars = 0;
	while (i < len && chars < cursorpos - 1) {
		i++;
		while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return (int)i;
}

static int fail_parse(PgQueryParseResult *r, const char *text, size_t len, sql_parse_error *perr, mp_error *err)
{
	int off = r->error->cursorpos > 0 ? char_pos_to_offset(text, len, r->error->cursorpos) : 0;
	if (perr) {
		snprintf(perr->message, sizeof perr->message, "%s", r->error->message);
		perr->offset = off;
	}
	mp_error_set(err, MP_EINVAL, "%s (at byte %d)", r->error->message, off);
	pg_query_free_parse_result(*r);
	return MP_EINVAL;
}

/* Narrows [from, to) to its first and last non-comment tokens, so that a
 * statement's span starts at its keyword, not at the comments before it. */
static mp_span trim_to_tokens(const scan_token *toks, size_t ntoks, size_t *cursor, int from, int to)
{
	mp_span s = {from, from};
	size_t i = *cursor;
	while (i < ntoks && toks[i].start < from)
		i++;
	int first = -1, last = from;
	for (; i < ntoks && toks[i].start < to; i++) {
		if (is_comment(&toks[i]))
			continue;
		if (toks[i].end > to && toks[i].start >= to)
			break;
		if (first < 0)
			first = toks[i].start;
		last = toks[i].end;
	}
	*cursor = i;
	if (first >= 0) {
		s.start = first;
		s.end = last;
	}
	return s;
}

static void file_parts(sql_file *f, const char *text);

int sqlparse_file(const char *text, size_t len, sql_file **out, sql_parse_error *perr, mp_error *err)
{
	*out = NULL;
	PgQueryParseResult r = pg_query_parse(text);
	if (r.error)
		return fail_parse(&r, text, len, perr, err);
	json_error_t jerr;
	json_t *tree = json_loads(r.parse_tree, 0, &jerr);
	pg_query_free_parse_result(r);
	if (!tree)
		return mp_error_set(err, MP_EINVAL, "cannot read libpg_query's parse tree: %s", jerr.text);

	scan_token *toks;
	size_t ntoks;
	if (scan_tokens(text, &toks, &ntoks)) {
		json_decref(tree);
		free(toks);
		return mp_error_set(err, MP_EINVAL, "cannot read libpg_query's token stream");
	}

	sql_file *f = xcalloc(1, sizeof *f);
	f->tree = tree;
	json_t *stmts = json_object_get(tree, "stmts");
	size_t n = json_array_size(stmts);
	f->stmts = xcalloc(n ? n : 1, sizeof *f->stmts);
	size_t cursor = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *raw = json_array_get(stmts, i);
		int loc = (int)json_integer_value(json_object_get(raw, "stmt_location"));
		int slen = (int)json_integer_value(json_object_get(raw, "stmt_len"));
		int to = slen > 0 ? loc + slen : (int)len; /* 0: "to the end of the text" */
		sql_stmt *st = &f->stmts[f->nstmts++];
		st->span = trim_to_tokens(toks, ntoks, &cursor, loc, to);
		st->kind = sqlnode_kind(json_object_get(raw, "stmt"), &st->node);
		if (!st->kind)
			st->kind = "";
		st->kind_id = sql_kind_of(st->kind);
	}
	for (size_t i = 0; i < ntoks; i++)
		if (is_comment(&toks[i]))
			f->ncomments++;
	f->comments = xcalloc(f->ncomments ? f->ncomments : 1, sizeof *f->comments);
	for (size_t i = 0, k = 0; i < ntoks; i++)
		if (is_comment(&toks[i]))
			f->comments[k++] = (mp_span){toks[i].start, toks[i].end};
	free(toks);
	file_parts(f, text);
	*out = f;
	return 0;
}

/* Where each part starts (migdir/mark.h): after every separator line that
 * a statement follows. The comments are the scanner's, so a separator inside
 * a literal or a dollar-quoted body is none. */
static void file_parts(sql_file *f, const char *text)
{
	*MP_VEC_PUSH(f->parts, f->nparts) = 0;
	size_t next = 0;
	for (size_t i = 0; i < f->ncomments; i++) {
		mp_span c = f->comments[i];
		bool line_start = c.start == 0 || text[c.start - 1] == '\n';
		if (!line_start || !migdir_commit_mark_is(text + c.start, text + c.end))
			continue;
		while (next < f->nstmts && f->stmts[next].span.start < c.start)
			next++;
		if (next > f->parts[f->nparts - 1] && next < f->nstmts)
			*MP_VEC_PUSH(f->parts, f->nparts) = next;
	}
}

size_t sqlparse_part_end(const sql_file *f, size_t part)
{
	return part + 1 < f->nparts ? f->parts[part + 1] : f->nstmts;
}

sql_kind sql_kind_of(const char *node)
{
	static const char *const names[SQL_KIND_COUNT] = {
#define SQL_KIND_NAME(id, name, locks_fn, lint_fn) [SQL_KIND_##id] = name,
		SQL_KINDS(SQL_KIND_NAME)
#undef SQL_KIND_NAME
	};
	for (int k = SQL_KIND_OTHER + 1; node && k < SQL_KIND_COUNT; k++)
		if (strcmp(names[k], node) == 0)
			return (sql_kind)k;
	return SQL_KIND_OTHER;
}

void sqlparse_free(sql_file *f)
{
	if (!f)
		return;
	json_decref(f->tree);
	free(f->stmts);
	free(f->comments);
	free(f->parts);
	free(f);
}

int sqlparse_check(const char *sql, mp_buf *msg, int *cursorpos)
{
	PgQueryParseResult r = pg_query_parse(sql);
	int rc = 0;
	if (r.error) {
		rc = -1;
		if (cursorpos)
			*cursorpos = r.error->cursorpos;
		if (msg) {
			/* the message and the text around the cursor: a generated file
			 * is not at hand to point a caret into */
			int len = (int)strlen(sql);
			int pos = r.error->cursorpos > 0 ? r.error->cursorpos - 1 : 0;
			if (pos > len)
				pos = len;
			int from = pos > 30 ? pos - 30 : 0;
			buf_printf(msg, "%s, at: ", r.error->message);
			for (int i = from; i < pos + 30 && i < len; i++)
				buf_putc(msg, sql[i] == '\n' ? ' ' : sql[i]);
		}
	}
	pg_query_free_parse_result(r);
	return rc;
}

int sqlparse_count_statements(const char *sql)
{
	PgQuerySplitResult r = pg_query_split_with_parser(sql);
	int n = r.error ? -1 : r.n_stmts;
	pg_query_free_split_result(r);
	return n;
}

json_t *sqlnode_get(const json_t *node, const char *field)
{
	return node ? json_object_get(node, field) : NULL;
}

const char *sqlnode_str(const json_t *node, const char *field)
{
	return json_string_value(sqlnode_get(node, field));
}

int sqlnode_bool(const json_t *node, const char *field)
{
	return json_is_true(sqlnode_get(node, field));
}

int sqlnode_location(const json_t *node)
{
	json_t *l = sqlnode_get(node, "location");
	return json_is_integer(l) ? (int)json_integer_value(l) : -1;
}

void sqlnode_walk(const json_t *tree, sqlnode_visit visit, void *ctx)
{
	if (json_is_array(tree)) {
		for (size_t i = 0; i < json_array_size(tree); i++)
			sqlnode_walk(json_array_get(tree, i), visit, ctx);
		return;
	}
	if (!json_is_object(tree))
		return;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)tree, key, v) {
		if (visit(key, v, ctx))
			sqlnode_walk(v, visit, ctx);
	}
}

const char *sqlnode_kind(const json_t *wrapped, json_t **inner)
{
	if (inner)
		*inner = NULL;
	if (!json_is_object(wrapped) || json_object_size(wrapped) != 1)
		return NULL;
	const char *k = json_object_iter_key(json_object_iter((json_t *)wrapped));
	if (inner)
		*inner = json_object_iter_value(json_object_iter((json_t *)wrapped));
	return k;
}

const char *sqlnode_string(const json_t *wrapped)
{
	json_t *s = json_object_get(wrapped, "String");
	return s ? json_string_value(json_object_get(s, "sval")) : NULL;
}

json_t *sqlnode_next_constraint(const json_t *coldef, size_t *it, const char **type)
{
	json_t *cons = sqlnode_get(coldef, "constraints");
	while (*it < json_array_size(cons)) {
		json_t *con = sqlnode_get(json_array_get(cons, (*it)++), "Constraint");
		*type = sqlnode_str(con, "contype");
		if (*type)
			return con;
	}
	return NULL;
}

bool sqlnode_option_on(const json_t *list, const char *name)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *de = sqlnode_get(json_array_get(list, i), "DefElem");
		const char *d = sqlnode_str(de, "defname");
		if (!d || strcmp(d, name) != 0)
			continue;
		const json_t *arg = sqlnode_get(de, "arg");
		if (!arg)
			return true;
		const json_t *in = sqlnode_get(arg, "Integer");
		if (in)
			return json_integer_value(sqlnode_get(in, "ival")) != 0;
		const char *sv = sqlnode_str(sqlnode_get(arg, "String"), "sval");
		return !sv || !(strcasecmp(sv, "false") == 0 || strcasecmp(sv, "off") == 0 || strcmp(sv, "0") == 0);
	}
	return false;
}

char *sql_relation_key(const char *schema, const char *name)
{
	mp_buf key = MP_BUF_INIT;
	buf_printf(&key, "%s.%s", schema ? schema : "public", name);
	return buf_detach(&key);
}

size_t sqlnode_dropped_tables(const json_t *drop)
{
	const char *type = sqlnode_str(drop, "removeType");
	return type && strcmp(type, "OBJECT_TABLE") == 0 ? json_array_size(sqlnode_get(drop, "objects")) : 0;
}

char *sqlnode_dropped_table_key(const json_t *drop, size_t i)
{
	json_t *obj = json_array_get(sqlnode_get(drop, "objects"), i);
	json_t *items = sqlnode_get(sqlnode_get(obj, "List"), "items");
	size_t k = json_array_size(items);
	const char *table = k ? sqlnode_string(json_array_get(items, k - 1)) : NULL;
	const char *schema = k >= 2 ? sqlnode_string(json_array_get(items, k - 2)) : NULL;
	return table ? sql_relation_key(schema, table) : NULL;
}
