/* `migc explain`: the document of explained files and its three renderers. */
#include "sql/explain.h"
#include "util/duration.h"
#include "sql/locks.h"
#include "sql/locks_do.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The document is kept as the JSON the json format prints, so the three
 * renderers read one model and cannot disagree. */
struct explain_doc {
	json_t *files;
	locks_ctx *ctx;
};

#define STMT_TEXT_MAX 80

explain_doc *explain_doc_new(void)
{
	explain_doc *d = xcalloc(1, sizeof *d);
	d->files = json_array();
	d->ctx = locks_ctx_new();
	return d;
}

void explain_doc_free(explain_doc *d)
{
	if (!d)
		return;
	json_decref(d->files);
	locks_ctx_free(d->ctx);
	free(d);
}

locks_ctx *explain_doc_context(explain_doc *d)
{
	return d->ctx;
}

size_t explain_doc_count(const explain_doc *d)
{
	return json_array_size(d->files);
}

int explain_format_parse(const char *s, explain_format *out)
{
	if (strcmp(s, "human") == 0)
		*out = EXPLAIN_HUMAN;
	else if (strcmp(s, "markdown") == 0)
		*out = EXPLAIN_MARKDOWN;
	else if (strcmp(s, "json") == 0)
		*out = EXPLAIN_JSON;
	else
		return MP_EINVAL;
	return 0;
}

/* One line, whitespace collapsed, cut at STMT_TEXT_MAX characters. */
static char *shorten(const char *text, mp_span span)
{
	mp_buf b = MP_BUF_INIT;
	int chars = 0;
	bool space = false;
	for (int i = span.start; i < span.end; i++) {
		unsigned char c = (unsigned char)text[i];
		if (isspace(c)) {
			space = b.len > 0;
			continue;
		}
		if ((c & 0xC0) != 0x80) {
			if (chars + (space ? 1 : 0) >= STMT_TEXT_MAX) {
				buf_puts(&b, "…");
				break;
			}
			chars += space ? 2 : 1;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, (char)c);
	}
	return buf_detach(&b);
}

static json_t *gate_json(const mf_gate *g)
{
	json_t *o = json_object();
	char dur[32];
	mp_buf desc = MP_BUF_INIT;
	json_object_set_new(o, "kind", json_string(mf_gate_kind_name(g->kind)));
	switch (g->kind) {
	case GATE_MAX_PENDING:
		buf_printf(&desc, "at most %d pending migration%s", g->value, g->value == 1 ? "" : "s");
		break;
	case GATE_MIN_AGE:
		duration_format(g->duration_ms, dur);
		buf_printf(&desc, "%s after %s finished", dur, g->after ? g->after : "?");
		break;
	case GATE_NO_NULLS:
		buf_printf(&desc, "no NULL in %s%s%s.%s", g->schema ? g->schema : "", g->schema ? "." : "", g->table,
		           g->column);
		break;
	case GATE_CONSISTENCY:
		buf_printf(&desc, "%s%s%s.%s = %s on every row", g->schema ? g->schema : "", g->schema ? "." : "",
		           g->table, g->column, g->expected);
		break;
	}
	json_object_set_new(o, "description", json_string(buf_cstr(&desc)));
	buf_free(&desc);
	return o;
}

static json_t *step_json(const mf_step *s)
{
	json_t *o = json_object(), *gates = json_array();
	json_object_set_new(o, "id", json_string(s->id ? s->id : ""));
	json_object_set_new(o, "phase", json_string(s->phase ? s->phase : ""));
	json_object_set_new(o, "transactional", json_boolean(s->transactional));
	if (s->lock_timeout_ms) {
		char dur[32];
		duration_format(s->lock_timeout_ms, dur);
		json_object_set_new(o, "lock_timeout", json_string(dur));
	} else {
		json_object_set_new(o, "lock_timeout", json_null());
	}
	for (size_t i = 0; i < s->ngates; i++)
		json_array_append_new(gates, gate_json(&s->gates[i]));
	json_object_set_new(o, "gates", gates);
	return o;
}

static json_t *lock_json(const lock_item *it)
{
	json_t *o = json_object(), *blocks = json_array();
	/* a type's lock meets only other locks on the type: schema changes of it */
	unsigned b = it->object ? BLOCKS_DDL : lock_blocks(it->mode);
	json_object_set_new(o, "mode", json_string(lock_mode_name(it->mode)));
	json_object_set_new(o, "relation", json_string(it->relation));
	json_object_set_new(o, "object", json_string(it->object ? it->object : "table"));
	if (b & BLOCKS_READS)
		json_array_append_new(blocks, json_string("reads"));
	if (b & BLOCKS_WRITES)
		json_array_append_new(blocks, json_string("writes"));
	if (b & BLOCKS_DDL)
		json_array_append_new(blocks, json_string("ddl"));
	json_object_set_new(o, "blocks", blocks);
	json_object_set_new(o, "duration", json_string(lock_duration_name(it->duration)));
	json_object_set_new(o, "new_relation", json_boolean(it->new_relation));
	json_object_set_new(o, "note", it->note ? json_string(it->note) : json_null());
	return o;
}

static json_t *file_json(const char *name, const mf_step *step)
{
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(name));
	json_object_set_new(o, "step", step ? step_json(step) : json_null());
	json_object_set_new(o, "error", json_null());
	json_object_set_new(o, "statements", json_array());
	return o;
}

/* One statement's entry; block: the line of the DO block it stands in, or 0. */
static json_t *stmt_json(const explain_doc *d, const sql_stmt *st, const char *text, mp_span span, size_t index,
                         int line, int col, lock_tx tx, int block)
{
	lock_list locks = {0};
	locks_analyze(d->ctx, st, &locks);
	char *sql = shorten(text, span);
	json_t *s = json_object(), *larr = json_array();
	json_object_set_new(s, "index", json_integer((json_int_t)index));
	json_object_set_new(s, "line", json_integer(line));
	json_object_set_new(s, "column", json_integer(col));
	json_object_set_new(s, "kind", json_string(st->kind));
	json_object_set_new(s, "sql", json_string(sql));
	json_object_set_new(s, "transaction", json_string(lock_tx_name(tx)));
	json_object_set_new(s, "in_transaction", json_boolean(tx != TX_NONE));
	if (block)
		json_object_set_new(s, "block", json_integer(block));
	for (size_t k = 0; k < locks.count; k++)
		json_array_append_new(larr, lock_json(&locks.items[k]));
	json_object_set_new(s, "locks", larr);
	free(sql);
	lock_list_free(&locks);
	return s;
}

/* A DO block is reviewed statement by statement: its static statements,
 * each in the context of the ones before it; false when it has none that
 * parse (it is then one entry of its own). */
static bool add_block(explain_doc *d, json_t *stmts, const sql_stmt *st, int line, int col)
{
	sql_do_block b;
	sql_do_block_read(st, &b);
	size_t n = 0;
	for (size_t i = 0; i < b.nfiles; i++)
		n += b.files[i]->nstmts;
	if (n == 0) {
		sql_do_block_free(&b);
		return false;
	}
	/* inside the block: one transaction unless it commits */
	lock_tx in = b.commits ? TX_NONE : TX_IMPLICIT;
	for (size_t i = 0; i < b.nfiles; i++) {
		const sql_file *f = b.files[i];
		for (size_t k = 0; k < f->nstmts; k++) {
			json_t *s = stmt_json(d, &f->stmts[k], b.texts[i], f->stmts[k].span,
			                      json_array_size(stmts) + 1, line, col, in, line);
			json_array_append_new(stmts, s);
			locks_ctx_update(d->ctx, &f->stmts[k]);
		}
	}
	sql_do_block_free(&b);
	return true;
}

void explain_doc_add_parsed(explain_doc *d, const mp_source *src, const sql_file *f, const mf_step *step)
{
	json_t *file = file_json(src->path, step), *stmts = json_object_get(file, "statements");
	lock_tx *tx = xcalloc(f->nstmts ? f->nstmts : 1, sizeof *tx);
	locks_tx_states(f, tx);
	locks_ctx_begin_file(d->ctx);
	for (size_t i = 0; i < f->nstmts; i++) {
		const sql_stmt *st = &f->stmts[i];
		int line, col;
		source_position(src, st->span.start, &line, &col);
		if (st->kind_id == SQL_KIND_DO && add_block(d, stmts, st, line, col))
			continue;
		json_array_append_new(stmts, stmt_json(d, st, src->text, st->span, json_array_size(stmts) + 1, line, col,
		                                       tx[i], 0));
		locks_ctx_update(d->ctx, st);
	}
	free(tx);
	json_array_append_new(d->files, file);
}

void explain_doc_add_error(explain_doc *d, const mp_source *src, const char *name, int offset, const char *message)
{
	json_t *file = file_json(name, NULL), *e = json_object();
	int line = 0, col = 0;
	if (src)
		source_position(src, offset, &line, &col);
	json_object_set_new(e, "message", json_string(message));
	json_object_set_new(e, "line", line ? json_integer(line) : json_null());
	json_object_set_new(e, "column", col ? json_integer(col) : json_null());
	json_object_set_new(file, "error", e);
	json_array_append_new(d->files, file);
}

int explain_doc_add_sql(explain_doc *d, const char *name, const char *sql, const mf_step *step, mp_error *err)
{
	mp_source *src = source_from_string(name, sql, strlen(sql));
	sql_file *f;
	sql_parse_error perr = {.message = "", .offset = 0};
	int rc = sqlparse_file(src->text, src->len, &f, &perr, err);
	if (rc < 0) {
		explain_doc_add_error(d, src, name, perr.offset, perr.message[0] ? perr.message : err ? err->msg : "parse error");
		if (step) /* keep the step's phase and gates visible next to the error */
			json_object_set_new(json_array_get(d->files, json_array_size(d->files) - 1), "step", step_json(step));
	} else {
		explain_doc_add_parsed(d, src, f, step);
		sqlparse_free(f);
	}
	source_free(src);
	return rc;
}

/* ---- renderers -------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void blocks_text(const json_t *lock, mp_buf *out, const char *sep)
{
	json_t *b = json_object_get(lock, "blocks");
	if (!json_array_size(b)) {
		buf_puts(out, "nothing");
		return;
	}
	for (size_t i = 0; i < json_array_size(b); i++) {
		const char *s = json_string_value(json_array_get(b, i));
		buf_printf(out, "%s%s", i ? sep : "", strcmp(s, "ddl") == 0 ? "DDL" : s);
	}
}

static void step_text(const json_t *step, mp_buf *out, const char *gate_sep)
{
	json_t *gates = json_object_get(step, "gates");
	buf_printf(out, "phase %s", jstr(step, "phase"));
	if (json_is_string(json_object_get(step, "lock_timeout")))
		buf_printf(out, ", lock_timeout %s", jstr(step, "lock_timeout"));
	buf_printf(out, "%sgates: ", gate_sep);
	if (!json_array_size(gates))
		buf_puts(out, "none");
	for (size_t i = 0; i < json_array_size(gates); i++)
		buf_printf(out, "%s%s (%s)", i ? "; " : "", jstr(json_array_get(gates, i), "kind"),
		           jstr(json_array_get(gates, i), "description"));
}

static const char *mode_color(const char *mode)
{
	if (strcmp(mode, "ACCESS EXCLUSIVE") == 0)
		return "\033[1;31m";
	if (strcmp(mode, "SHARE") == 0 || strcmp(mode, "SHARE ROW EXCLUSIVE") == 0 || strcmp(mode, "EXCLUSIVE") == 0)
		return "\033[1;33m";
	return "\033[1;32m";
}

static void render_human(const explain_doc *d, bool color, mp_buf *out)
{
	const char *bold = color ? "\033[1m" : "", *dim = color ? "\033[2m" : "", *reset = color ? "\033[0m" : "";
	for (size_t i = 0; i < json_array_size(d->files); i++) {
		json_t *file = json_array_get(d->files, i), *step = json_object_get(file, "step");
		json_t *err = json_object_get(file, "error"), *stmts = json_object_get(file, "statements");
		buf_printf(out, "%s%s%s\n", bold, jstr(file, "file"), reset);
		if (json_is_object(step)) {
			buf_puts(out, "  ");
			step_text(step, out, "\n  ");
			buf_putc(out, '\n');
		}
		if (json_is_object(err)) {
			buf_printf(out, "  %serror%s: line %lld, column %lld: %s\n", color ? "\033[1;31m" : "", reset,
			           json_integer_value(json_object_get(err, "line")),
			           json_integer_value(json_object_get(err, "column")), jstr(err, "message"));
			continue;
		}
		for (size_t k = 0; k < json_array_size(stmts); k++) {
			json_t *s = json_array_get(stmts, k), *locks = json_object_get(s, "locks");
			bool in_block = json_object_get(s, "block") != NULL;
			buf_printf(out, "  %sline %lld%s  %s%s\n", dim, json_integer_value(json_object_get(s, "line")), reset,
			           in_block ? "DO block: " : "", jstr(s, "sql"));
			const char *tx = jstr(s, "transaction");
			const char *txt = strcmp(tx, "none") == 0 ? (in_block ? "committed per batch" : "no transaction block")
			                  : strcmp(tx, "explicit") == 0 ? "in BEGIN … COMMIT"
			                  : in_block ? "in the block's one transaction" : "in the file's implicit transaction";
			if (!json_array_size(locks))
				buf_printf(out, "      no table lock; %s\n", txt);
			for (size_t l = 0; l < json_array_size(locks); l++) {
				json_t *lk = json_array_get(locks, l);
				const char *mode = jstr(lk, "mode");
				bool table = strcmp(jstr(lk, "object"), "table") == 0;
				buf_printf(out, "      %s%s%s on %s%s; blocks ", color ? mode_color(mode) : "", mode, reset,
				           table ? "" : "type ", jstr(lk, "relation"));
				blocks_text(lk, out, ", ");
				buf_printf(out, "; %s; %s%s\n", jstr(lk, "duration"), txt,
				           json_is_true(json_object_get(lk, "new_relation")) ? "; table created in this file" : "");
				if (json_is_string(json_object_get(lk, "note")))
					buf_printf(out, "      %s%s%s\n", dim, jstr(lk, "note"), reset);
			}
		}
		if (i + 1 < json_array_size(d->files))
			buf_putc(out, '\n');
	}
}

/* A table cell: a pipe would end it, a newline would end the row. */
static void md_cell(mp_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			buf_puts(out, "\\|");
		else if (*s == '\n')
			buf_putc(out, ' ');
		else
			buf_putc(out, *s);
	}
}

static void md_code(mp_buf *out, const char *s)
{
	bool ticks = strchr(s, '`') != NULL;
	buf_puts(out, ticks ? "`` " : "`");
	md_cell(out, s);
	buf_puts(out, ticks ? " ``" : "`");
}

static void render_markdown(const explain_doc *d, mp_buf *out)
{
	for (size_t i = 0; i < json_array_size(d->files); i++) {
		json_t *file = json_array_get(d->files, i), *step = json_object_get(file, "step");
		json_t *err = json_object_get(file, "error"), *stmts = json_object_get(file, "statements");
		buf_puts(out, "### ");
		md_code(out, jstr(file, "file"));
		buf_puts(out, "\n\n");
		if (json_is_object(step)) {
			step_text(step, out, " · ");
			buf_puts(out, "\n\n");
		}
		if (json_is_object(err)) {
			buf_printf(out, "**Does not parse** (line %lld, column %lld): ",
			           json_integer_value(json_object_get(err, "line")),
			           json_integer_value(json_object_get(err, "column")));
			md_cell(out, jstr(err, "message"));
			buf_puts(out, "\n\n");
			continue;
		}
		buf_puts(out, "| Line | Statement | Lock | Relation | Blocks | Duration | Transaction |\n"
		              "|---:|---|---|---|---|---|---|\n");
		for (size_t k = 0; k < json_array_size(stmts); k++) {
			json_t *s = json_array_get(stmts, k), *locks = json_object_get(s, "locks");
			size_t n = json_array_size(locks);
			for (size_t l = 0; l < (n ? n : 1); l++) {
				json_t *lk = json_array_get(locks, l);
				if (l == 0) {
					buf_printf(out, "| %lld | %s", json_integer_value(json_object_get(s, "line")),
					           json_object_get(s, "block") ? "DO block: " : "");
					md_code(out, jstr(s, "sql"));
				} else {
					buf_puts(out, "| | ↳");
				}
				if (!lk) {
					buf_printf(out, " | none | | | | %s |\n", jstr(s, "transaction"));
					continue;
				}
				buf_printf(out, " | %s | ", jstr(lk, "mode"));
				if (strcmp(jstr(lk, "object"), "table") != 0)
					buf_puts(out, "type ");
				md_cell(out, jstr(lk, "relation"));
				if (json_is_true(json_object_get(lk, "new_relation")))
					buf_puts(out, " (new)");
				buf_puts(out, " | ");
				blocks_text(lk, out, ", ");
				buf_printf(out, " | %s | %s |\n", jstr(lk, "duration"), jstr(s, "transaction"));
			}
		}
		buf_putc(out, '\n');
	}
}

void explain_doc_render(const explain_doc *d, explain_format fmt, bool color, mp_buf *out)
{
	if (fmt == EXPLAIN_HUMAN) {
		render_human(d, color, out);
	} else if (fmt == EXPLAIN_MARKDOWN) {
		render_markdown(d, out);
	} else {
		json_t *doc = json_object();
		json_object_set_new(doc, "format", json_integer(1));
		json_object_set_new(doc, "generator", json_string("migc " MIGPLAN_VERSION));
		json_object_set(doc, "files", d->files);
		char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		buf_puts(out, s);
		buf_putc(out, '\n');
		free(s);
		json_decref(doc);
	}
}
