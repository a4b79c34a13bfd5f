/* migplan.manifest.json: load, save, hash chain (docs/manifest.md). */
#include "migdir/manifest.h"
#include "util/buf.h"
#include "util/duration.h"
#include "util/fsutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *gate_names[] = {"max_pending", "min_age", "no_nulls", "consistency"};

const char *mf_gate_kind_name(mf_gate_kind k)
{
	return gate_names[k];
}

static json_t *timeout_json(long long ms)
{
	if (ms <= 0)
		return json_null();
	char d[32];
	duration_format(ms, d);
	return json_string(d);
}

static json_t *gate_to_json(const mf_gate *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(gate_names[g->kind]));
	switch (g->kind) {
	case GATE_MAX_PENDING:
		json_object_set_new(o, "value", json_integer(g->value));
		break;
	case GATE_MIN_AGE: {
		char d[32];
		duration_format(g->duration_ms, d);
		json_object_set_new(o, "after", json_string(g->after));
		json_object_set_new(o, "duration", json_string(d));
		break;
	}
	case GATE_CONSISTENCY:
	case GATE_NO_NULLS:
		json_object_set_new(o, "schema", g->schema ? json_string(g->schema) : json_null());
		json_object_set_new(o, "table", json_string(g->table));
		json_object_set_new(o, "column", json_string(g->column));
		if (g->kind == GATE_CONSISTENCY) {
			json_object_set_new(o, "expected", json_string(g->expected));
			json_object_set_new(o, "key", json_string(g->key));
		}
		break;
	}
	return o;
}

static json_t *file_to_json(const mf_file *f)
{
	return json_pack("{s:s, s:s}", "path", f->path, "sha256", f->sha256);
}

void mf_relation_text(mp_buf *b, const char *schema, const char *table)
{
	if (schema)
		buf_printf(b, "%s.", schema);
	buf_puts(b, table);
}

bool mf_same_relation(const char *s1, const char *t1, const char *s2, const char *t2)
{
	return strcmp(t1, t2) == 0 && ((!s1 && !s2) || (s1 && s2 && strcmp(s1, s2) == 0));
}

/* Format 2 names the relation as gates and backfills do; format 1 (only
 * rendered to recompute the chains of a format-1 manifest) as one string. */
static json_t *lock_to_json(const mf_lock *l, int format)
{
	if (format == MANIFEST_FORMAT_1) {
		mp_buf rel = MP_BUF_INIT;
		mf_relation_text(&rel, l->schema, l->table);
		json_t *o = json_pack("{s:s, s:s}", "mode", l->mode, "relation", buf_cstr(&rel));
		buf_free(&rel);
		return o;
	}
	return json_pack("{s:s, s:o, s:s}", "mode", l->mode, "schema", l->schema ? json_string(l->schema) : json_null(),
	                 "table", l->table);
}

static json_t *backfill_to_json(const mf_backfill *b)
{
	json_t *o = json_pack("{s:o, s:s, s:s, s:s, s:s, s:I}", "schema", b->schema ? json_string(b->schema) : json_null(),
	                      "table", b->table, "key", b->key, "column", b->column, "value", b->value, "batch",
	                      (json_int_t)b->batch);
	if (b->only_null)
		json_object_set_new(o, "only_null", json_true());
	if (b->batch_time_ms > 0)
		json_object_set_new(o, "batch_time", timeout_json(b->batch_time_ms));
	return o;
}

static json_t *step_to_json(const mf_step *s, bool with_chain, int format)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "lifecycle", json_string(s->lifecycle));
	json_object_set_new(o, "spec", json_string(s->spec));
	json_object_set_new(o, "phase", json_string(s->phase));
	json_object_set_new(o, "up", file_to_json(&s->up));
	json_object_set_new(o, "down", file_to_json(&s->down));
	json_object_set_new(o, "transactional", json_boolean(s->transactional));
	json_object_set_new(o, "lock_timeout", timeout_json(s->lock_timeout_ms));
	json_object_set_new(o, "statement_timeout", timeout_json(s->statement_timeout_ms));
	json_object_set_new(o, "watchdog", timeout_json(s->watchdog_ms));
	if (s->sample_query)
		json_object_set_new(o, "sample_query", json_string(s->sample_query));
	json_t *locks = json_array();
	for (size_t i = 0; i < s->nlocks; i++)
		json_array_append_new(locks, lock_to_json(&s->locks[i], format));
	json_object_set_new(o, "locks", locks);
	json_t *gates = json_array();
	for (size_t i = 0; i < s->ngates; i++)
		json_array_append_new(gates, gate_to_json(&s->gates[i]));
	json_object_set_new(o, "gates", gates);
	if (s->backfill)
		json_object_set_new(o, "backfill", backfill_to_json(s->backfill));
	if (s->ndown_refills) {
		json_t *r = json_array();
		for (size_t i = 0; i < s->ndown_refills; i++)
			json_array_append_new(r, backfill_to_json(&s->down_refills[i]));
		json_object_set_new(o, "down_refills", r);
	}
	if (with_chain)
		json_object_set_new(o, "chain", json_string(s->chain));
	return o;
}

void manifest_chain_step(int format, const char prev[SHA256_HEX_LEN + 1], const mf_step *s,
                         char out[SHA256_HEX_LEN + 1])
{
	json_t *o = step_to_json(s, false, format);
	char *canon = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s\n%s", prev, canon);
	free(canon);
	sha256_hex(b.ptr, b.len, out);
	buf_free(&b);
}

static const char zero_chain[SHA256_HEX_LEN + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

long manifest_chain_check(const mf_manifest *m)
{
	const char *prev = zero_chain;
	for (size_t i = 0; i < m->nsteps; i++) {
		char want[SHA256_HEX_LEN + 1];
		manifest_chain_step(m->format, prev, &m->steps[i], want);
		if (strcmp(want, m->steps[i].chain) != 0)
			return (long)i;
		prev = m->steps[i].chain;
	}
	return -1;
}

void manifest_render(mf_manifest *m, mp_buf *out)
{
	const char *prev = zero_chain;
	json_t *steps = json_array();
	m->format = MANIFEST_FORMAT; /* the chains below are this format's */
	for (size_t i = 0; i < m->nsteps; i++) {
		manifest_chain_step(m->format, prev, &m->steps[i], m->steps[i].chain);
		prev = m->steps[i].chain;
		json_array_append_new(steps, step_to_json(&m->steps[i], true, m->format));
	}
	json_t *root = json_object();
	json_object_set_new(root, "format", json_integer(m->format));
	json_object_set_new(root, "generator", json_string(m->generator));
	json_object_set_new(root, "steps", steps);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
}

int manifest_save(mf_manifest *m, const char *path, mp_error *err)
{
	mp_buf b = MP_BUF_INIT;
	manifest_render(m, &b);
	int rc = fs_write_file_atomic(path, b.ptr, b.len, err);
	buf_free(&b);
	return rc;
}

/* ---- loading ---- */

typedef struct {
	const char *path;
	mp_error *err;
	int rc;
	int format; /* of the file being read */
} load_ctx;

static int bad(load_ctx *c, const char *what, size_t i)
{
	if (c->rc == MP_OK)
		c->rc = mp_error_set(c->err, MP_EVERIFY, "%s: step %zu: %s", c->path, i + 1, what);
	return c->rc;
}

static char *dup_field(load_ctx *c, json_t *o, const char *key, size_t i, bool required)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (required) {
		char what[128];
		snprintf(what, sizeof what, "missing or non-string field \"%s\"", key);
		bad(c, what, i);
	}
	return NULL;
}

static void load_file(load_ctx *c, json_t *o, mf_file *f, const char *key, size_t i)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_object(v)) {
		char what[128];
		snprintf(what, sizeof what, "missing object \"%s\"", key);
		bad(c, what, i);
		return;
	}
	f->path = dup_field(c, v, "path", i, true);
	char *sha = dup_field(c, v, "sha256", i, true);
	if (sha && strlen(sha) == SHA256_HEX_LEN)
		memcpy(f->sha256, sha, SHA256_HEX_LEN + 1);
	else if (sha)
		bad(c, "sha256 is not 64 hex digits", i);
	free(sha);
}

static long long load_timeout(load_ctx *c, json_t *o, const char *key, size_t i)
{
	json_t *v = json_object_get(o, key);
	long long ms = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !duration_parse(json_string_value(v), &ms))
		bad(c, "bad timeout", i);
	return ms;
}

static void load_gate(load_ctx *c, json_t *o, mf_gate *g, size_t i)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));
	size_t k;
	for (k = 0; k < sizeof gate_names / sizeof gate_names[0]; k++)
		if (kind && strcmp(kind, gate_names[k]) == 0)
			break;
	if (k == sizeof gate_names / sizeof gate_names[0]) {
		bad(c, "unknown gate kind", i);
		return;
	}
	g->kind = (mf_gate_kind)k;
	switch (g->kind) {
	case GATE_MAX_PENDING:
		if (!json_is_integer(json_object_get(o, "value")))
			bad(c, "max_pending gate without integer value", i);
		g->value = (int)json_integer_value(json_object_get(o, "value"));
		break;
	case GATE_MIN_AGE: {
		g->after = dup_field(c, o, "after", i, true);
		char *d = dup_field(c, o, "duration", i, true);
		if (d && !duration_parse(d, &g->duration_ms))
			bad(c, "min_age gate with a bad duration", i);
		free(d);
		break;
	}
	case GATE_CONSISTENCY:
		g->expected = dup_field(c, o, "expected", i, true);
		g->key = dup_field(c, o, "key", i, true);
		/* fall through */
	case GATE_NO_NULLS:
		g->schema = dup_field(c, o, "schema", i, false); /* null: resolved through search_path */
		g->table = dup_field(c, o, "table", i, true);
		g->column = dup_field(c, o, "column", i, true);
		break;
	}
}

/* Format 1 wrote schema.table, or table alone when the spec gave no schema,
 * without quoting: one dot splits it; with more than one the split is
 * ambiguous (a dot inside a name), and guessing would point a post-check or
 * a rehearsal at another table, so the manifest is refused. */
static void split_relation(load_ctx *c, const char *rel, mf_lock *l, size_t i)
{
	const char *dot = strchr(rel, '.');
	char what[256];
	if (!*rel || (dot && (dot == rel || !dot[1]))) {
		snprintf(what, sizeof what, "format-1 lock relation \"%.60s\" has an empty schema or table name", rel);
		bad(c, what, i);
	} else if (dot && strchr(dot + 1, '.')) {
		snprintf(what, sizeof what, "format-1 lock relation \"%.60s\" is ambiguous (more than one dot); recompile "
		         "with `migc compile`, which writes format 2 (schema and table apart)", rel);
		bad(c, what, i);
	} else if (dot) {
		l->schema = xstrndup(rel, (size_t)(dot - rel));
		l->table = xstrdup(dot + 1);
	} else {
		l->table = xstrdup(rel);
	}
}

static void load_lock(load_ctx *c, json_t *o, mf_lock *l, size_t i)
{
	if (!json_is_object(o)) {
		bad(c, "a lock is not an object", i);
		return;
	}
	l->mode = dup_field(c, o, "mode", i, true);
	if (c->format == MANIFEST_FORMAT_1) {
		char *rel = dup_field(c, o, "relation", i, true);
		if (rel)
			split_relation(c, rel, l, i);
		free(rel);
		return;
	}
	/* "schema" must be there, string or null: a lock written without it
	 * may mean either, and a format-1 "relation" is no longer read */
	json_t *schema = json_object_get(o, "schema");
	if (json_object_get(o, "relation"))
		bad(c, "a lock has \"relation\", which is format 1; format 2 names it by \"schema\" and \"table\"", i);
	else if (!json_is_null(schema) && !(json_is_string(schema) && *json_string_value(schema)))
		bad(c, "a lock's \"schema\" must be a non-empty string or null", i);
	else if (!json_is_string(json_object_get(o, "table")) || !*json_string_value(json_object_get(o, "table")))
		bad(c, "a lock's \"table\" must be a non-empty string", i);
	else {
		l->schema = json_is_string(schema) ? xstrdup(json_string_value(schema)) : NULL;
		l->table = xstrdup(json_string_value(json_object_get(o, "table")));
	}
}

static void load_backfill(load_ctx *c, json_t *bf, mf_backfill *b, size_t i)
{
	b->schema = dup_field(c, bf, "schema", i, false);
	b->table = dup_field(c, bf, "table", i, true);
	b->key = dup_field(c, bf, "key", i, true);
	b->column = dup_field(c, bf, "column", i, true);
	b->value = dup_field(c, bf, "value", i, true);
	b->batch = (long)json_integer_value(json_object_get(bf, "batch"));
	if (b->batch <= 0)
		bad(c, "backfill batch must be a positive integer", i);
	json_t *on = json_object_get(bf, "only_null");
	if (on && !json_is_boolean(on))
		bad(c, "backfill only_null must be true or false", i);
	b->only_null = json_is_true(on);
	json_t *bt = json_object_get(bf, "batch_time");
	if (bt && (!json_is_string(bt) || !duration_parse(json_string_value(bt), &b->batch_time_ms) ||
	           b->batch_time_ms <= 0))
		bad(c, "backfill batch_time must be a positive duration such as \"20ms\"", i);
}

static void load_step(load_ctx *c, json_t *o, mf_step *s, size_t i)
{
	if (!json_is_object(o)) {
		bad(c, "not an object", i);
		return;
	}
	s->id = dup_field(c, o, "id", i, true);
	s->lifecycle = dup_field(c, o, "lifecycle", i, true);
	s->spec = dup_field(c, o, "spec", i, false);
	s->phase = dup_field(c, o, "phase", i, true);
	load_file(c, o, &s->up, "up", i);
	load_file(c, o, &s->down, "down", i);
	s->transactional = json_is_true(json_object_get(o, "transactional"));
	s->lock_timeout_ms = load_timeout(c, o, "lock_timeout", i);
	s->statement_timeout_ms = load_timeout(c, o, "statement_timeout", i);
	s->watchdog_ms = load_timeout(c, o, "watchdog", i);
	s->sample_query = dup_field(c, o, "sample_query", i, false);
	json_t *locks = json_object_get(o, "locks");
	if (json_is_array(locks) && json_array_size(locks)) {
		s->nlocks = json_array_size(locks);
		s->locks = xcalloc(s->nlocks, sizeof *s->locks);
		for (size_t j = 0; j < s->nlocks; j++)
			load_lock(c, json_array_get(locks, j), &s->locks[j], i);
	}
	json_t *gates = json_object_get(o, "gates");
	if (json_is_array(gates) && json_array_size(gates)) {
		s->ngates = json_array_size(gates);
		s->gates = xcalloc(s->ngates, sizeof *s->gates);
		for (size_t j = 0; j < s->ngates; j++)
			load_gate(c, json_array_get(gates, j), &s->gates[j], i);
	}
	json_t *bf = json_object_get(o, "backfill");
	if (json_is_object(bf))
		load_backfill(c, bf, s->backfill = xcalloc(1, sizeof *s->backfill), i);
	json_t *refills = json_object_get(o, "down_refills");
	if (refills && !json_is_array(refills))
		bad(c, "down_refills is not an array", i);
	if (json_array_size(refills)) {
		s->ndown_refills = json_array_size(refills);
		s->down_refills = xcalloc(s->ndown_refills, sizeof *s->down_refills);
		for (size_t j = 0; j < s->ndown_refills; j++) {
			json_t *r = json_array_get(refills, j);
			if (json_is_object(r))
				load_backfill(c, r, &s->down_refills[j], i);
			else
				bad(c, "a down_refills entry is not an object", i);
		}
	}
	char *chain = dup_field(c, o, "chain", i, true);
	if (chain && strlen(chain) == SHA256_HEX_LEN)
		memcpy(s->chain, chain, SHA256_HEX_LEN + 1);
	else if (chain)
		bad(c, "chain is not 64 hex digits", i);
	free(chain);
}

int manifest_load(const char *path, mf_manifest **out, mp_error *err)
{
	*out = NULL;
	if (!fs_exists(path))
		return mp_error_set(err, MP_EIO, "%s: no such file", path);
	/* through fs_read_file: a regular file of bounded size, never a FIFO or device */
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, &text, &len, err);
	if (rc != MP_OK)
		return rc;
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr);
	free(text);
	if (!root)
		return mp_error_set(err, MP_EVERIFY, "%s:%d:%d: invalid JSON: %s", path, jerr.line,
		                    jerr.column, jerr.text);
	load_ctx c = {path, err, MP_OK, -1};
	mf_manifest *m = xcalloc(1, sizeof *m);
	json_t *fmt = json_object_get(root, "format");
	/* compared as read: a cast would make 4294967297 a 1 */
	if (json_is_integer(fmt) && (json_integer_value(fmt) == MANIFEST_FORMAT || json_integer_value(fmt) == MANIFEST_FORMAT_1))
		c.format = (int)json_integer_value(fmt);
	m->format = c.format;
	if (m->format < 0) {
		c.rc = mp_error_set(err, MP_EVERIFY, "%s: unsupported manifest format (expected %d, or %d as written before)",
		                    path, MANIFEST_FORMAT, MANIFEST_FORMAT_1);
	}
	json_t *gen = json_object_get(root, "generator");
	m->generator = xstrdup(json_is_string(gen) ? json_string_value(gen) : "");
	json_t *steps = json_object_get(root, "steps");
	if (c.rc == MP_OK && !json_is_array(steps))
		c.rc = mp_error_set(err, MP_EVERIFY, "%s: no \"steps\" array", path);
	if (c.rc == MP_OK) {
		m->nsteps = json_array_size(steps);
		m->steps = xcalloc(m->nsteps ? m->nsteps : 1, sizeof *m->steps);
		for (size_t i = 0; i < m->nsteps && c.rc == MP_OK; i++)
			load_step(&c, json_array_get(steps, i), &m->steps[i], i);
	}
	json_decref(root);
	for (size_t i = 0; c.rc == MP_OK && i < m->nsteps; i++)
		for (size_t j = 0; c.rc == MP_OK && j < m->steps[i].ngates; j++) {
			const mf_gate *g = &m->steps[i].gates[j];
			bool found = false;
			for (size_t k = 0; g->kind == GATE_MIN_AGE && k < i && !found; k++)
				found = strcmp(m->steps[k].id, g->after) == 0;
			/* else it would verify and then wait forever */
			if (g->kind == GATE_MIN_AGE && !found)
				c.rc = mp_error_set(err, MP_EVERIFY, "%s: step %s: min_age gate counts from %s, which is not an earlier "
				                    "step of the manifest", path, m->steps[i].id, g->after);
		}
	if (c.rc != MP_OK) {
		manifest_free(m);
		return c.rc;
	}
	*out = m;
	return MP_OK;
}

static void gate_free(mf_gate *g)
{
	free(g->after);
	free(g->schema);
	free(g->table);
	free(g->column);
	free(g->expected);
	free(g->key);
}

static void backfill_clear(mf_backfill *b)
{
	free(b->schema);
	free(b->table);
	free(b->key);
	free(b->column);
	free(b->value);
}

void manifest_parts_free(mf_lock *locks, size_t nlocks, mf_gate *gates, size_t ngates, mf_backfill *backfill)
{
	for (size_t j = 0; j < nlocks; j++) {
		free(locks[j].mode);
		free(locks[j].schema);
		free(locks[j].table);
	}
	free(locks);
	for (size_t j = 0; j < ngates; j++)
		gate_free(&gates[j]);
	free(gates);
	if (backfill) {
		backfill_clear(backfill);
		free(backfill);
	}
}

void manifest_refills_free(mf_backfill *refills, size_t n)
{
	for (size_t i = 0; i < n; i++)
		backfill_clear(&refills[i]);
	free(refills);
}

void manifest_free(mf_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nsteps; i++) {
		mf_step *s = &m->steps[i];
		free(s->id);
		free(s->lifecycle);
		free(s->spec);
		free(s->phase);
		free(s->sample_query);
		free(s->up.path);
		free(s->down.path);
		manifest_parts_free(s->locks, s->nlocks, s->gates, s->ngates, s->backfill);
		manifest_refills_free(s->down_refills, s->ndown_refills);
	}
	free(m->steps);
	free(m->generator);
	free(m);
}

const mf_step *manifest_find(const mf_manifest *m, const char *id)
{
	for (size_t i = 0; i < m->nsteps; i++)
		if (strcmp(m->steps[i].id, id) == 0)
			return &m->steps[i];
	return NULL;
}
