#include "compiler/plan.h"
#include "compiler/plan_internal.h"
#include "util/buf.h"
#include "util/duration.h"
#include "compiler/names.h"
#include "util/quote.h"
#include "util/sha256.h"
#include "sql/sqlparse.h"
#include "migdir/stepid.h"

#include <stdlib.h>
#include <string.h>

/* Folder-name fragment from an identifier: lower-case letters, digits, '_'. */
static void slug(mp_buf *b, const char *name)
{
	for (const char *p = name; *p; p++) {
		char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		buf_putc(b, (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '_');
	}
}

/* Generated object names stay within PostgreSQL's 63 bytes: a long one is cut
 * (on a character boundary) and made unique with a hash of the full name. */
char *object_name(const char *a, const char *b, const char *c)
{
	mp_buf n = MP_BUF_INIT;
	buf_printf(&n, "%s%s%s", a, b, c);
	if (n.len <= NAMES_MAX_IDENT)
		return buf_detach(&n);
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(n.ptr, n.len, hex);
	size_t cut = 54;
	while (cut > 0 && ((unsigned char)n.ptr[cut] & 0xC0) == 0x80)
		cut--;
	mp_buf s = MP_BUF_INIT;
	buf_printf(&s, "%.*s_%.8s", (int)cut, n.ptr, hex);
	buf_free(&n);
	return buf_detach(&s);
}

/* ---- building one step ---- */

void rel_sql(mp_buf *b, const mdl_table *t)
{
	sql_quote_qualified(b, t->schema, t->name);
}

char *rel_plain(const mdl_table *t)
{
	mp_buf b = MP_BUF_INIT;
	if (t->schema)
		buf_printf(&b, "%s.", t->schema);
	buf_puts(&b, t->name);
	return buf_detach(&b);
}

static void note_lock(lock_use **v, size_t *n, size_t *cap, const char *mode, const mdl_table *t, const char *cost)
{
	if (!mode)
		return;
	char *plain = rel_plain(t);
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].mode, mode) == 0 && strcmp((*v)[i].plain, plain) == 0) {
			free(plain);
			return;
		}
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	mp_buf r = MP_BUF_INIT;
	rel_sql(&r, t);
	(*v)[(*n)++] = (lock_use){mode, buf_detach(&r), plain, cost};
}

/* One UP statement: a comment saying why, then the SQL. */
void up(step_builder *sb, const char *mode, const mdl_table *t, const char *cost, const char *why,
               const char *sql)
{
	note_lock(&sb->uplocks, &sb->nup, &sb->capup, mode, t, cost);
	if (why)
		buf_printf(&sb->up, "-- %s\n", why);
	buf_printf(&sb->up, "%s;\n\n", sql);
}

void lock_also(step_builder *sb, const char *mode, const mdl_table *t, const char *cost)
{
	note_lock(&sb->uplocks, &sb->nup, &sb->capup, mode, t, cost);
}

void down(step_builder *sb, const char *mode, const mdl_table *t, const char *cost, const char *why,
                 const char *sql)
{
	note_lock(&sb->downlocks, &sb->ndown, &sb->capdown, mode, t, cost);
	mp_buf b = MP_BUF_INIT;
	if (why)
		buf_printf(&b, "-- %s\n", why);
	buf_printf(&b, "%s;\n\n", sql);
	if (sb->ndowns == sb->capdowns) {
		sb->capdowns = sb->capdowns ? sb->capdowns * 2 : 8;
		sb->downs = xrealloc(sb->downs, sb->capdowns * sizeof *sb->downs);
	}
	sb->downs[sb->ndowns++] = buf_detach(&b);
}

static void free_locks(lock_use *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].relation);
		free(v[i].plain);
	}
	free(v);
}

static void sb_free(step_builder *sb)
{
	buf_free(&sb->up);
	for (size_t i = 0; i < sb->ndowns; i++)
		free(sb->downs[i]);
	free(sb->downs);
	buf_free(&sb->warnings);
	buf_free(&sb->disables);
	buf_free(&sb->updisables);
	free_locks(sb->uplocks, sb->nup);
	free_locks(sb->downlocks, sb->ndown);
}

static void header(mp_buf *b, const plan_step *s, const char *dir, const lock_use *locks, size_t n)
{
	buf_printf(b, "-- migplan: generated from %s; edit the spec and run `migc compile`, not this file.\n",
	           s->lc->spec_path);
	mp_buf t = MP_BUF_INIT;
	rel_sql(&t, &s->lc->table);
	buf_printf(b, "-- lifecycle %s on %s, step %s: %s (%s)\n", s->lc->name, buf_cstr(&t), s->id, s->phase, dir);
	buf_free(&t);
	if (n == 0)
		buf_puts(b, "-- locks: no table locks\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "-- locks: %s on %s (%s)\n", locks[i].mode, locks[i].relation, locks[i].cost);
	if (s->transactional)
		buf_puts(b, "-- runs in one transaction: all or nothing\n");
	else if (!strcmp(s->phase, "backfill"))
		buf_puts(b, "-- runs outside a transaction block: one short transaction per batch\n");
	else
		buf_puts(b, "-- runs outside a transaction block, alone in its file\n");
}

static void prelude(mp_buf *b, const mdl_lifecycle *lc)
{
	char d[32];
	duration_format_pg(lc->lock_timeout_ms, d);
	buf_printf(b, "\nSET LOCAL lock_timeout = '%s';\n", d);
	if (lc->statement_timeout_ms > 0) {
		duration_format_pg(lc->statement_timeout_ms, d);
		buf_printf(b, "SET LOCAL statement_timeout = '%s';\n", d);
	}
	buf_putc(b, '\n');
}

/* Turns a builder into the step's files, locks and manifest fields. */
void finish_step(step_builder *sb, plan_step *s)
{
	mp_buf f = MP_BUF_INIT;
	header(&f, s, "UP", sb->uplocks, sb->nup);
	buf_put(&f, sb->updisables.ptr, sb->updisables.len);
	if (s->transactional)
		prelude(&f, sb->lc);
	else
		buf_putc(&f, '\n');
	buf_put(&f, sb->up.ptr, sb->up.len);
	while (f.len >= 2 && f.ptr[f.len - 1] == '\n' && f.ptr[f.len - 2] == '\n')
		f.ptr[--f.len] = '\0';
	s->up_sql = buf_detach(&f);

	bool down_tx = s->transactional;
	header(&f, s, "DOWN", sb->downlocks, sb->ndown);
	buf_put(&f, sb->warnings.ptr, sb->warnings.len);
	buf_put(&f, sb->disables.ptr, sb->disables.len);
	if (sb->ndowns == 0)
		buf_puts(&f, "-- nothing to undo in the schema\n");
	else if (down_tx)
		prelude(&f, sb->lc);
	else
		buf_putc(&f, '\n');
	for (size_t i = sb->ndowns; i-- > 0;)
		buf_puts(&f, sb->downs[i]);
	while (f.len >= 2 && f.ptr[f.len - 1] == '\n' && f.ptr[f.len - 2] == '\n')
		f.ptr[--f.len] = '\0';
	s->down_sql = buf_detach(&f);

	s->nlocks = sb->nup;
	s->locks = xcalloc(sb->nup ? sb->nup : 1, sizeof *s->locks);
	for (size_t i = 0; i < sb->nup; i++) {
		s->locks[i].mode = xstrdup(sb->uplocks[i].mode);
		s->locks[i].relation = xstrdup(sb->uplocks[i].plain);
	}
	sb_free(sb);
}

mf_gate *add_gate(plan_step *s, mf_gate_kind kind)
{
	s->gates = xrealloc(s->gates, (s->ngates + 1) * sizeof *s->gates);
	mf_gate *g = &s->gates[s->ngates++];
	memset(g, 0, sizeof *g);
	g->kind = kind;
	return g;
}


/* ---- the plan ---- */

typedef struct {
	plan_step *v;
	size_t n, cap;
} step_vec;

static plan_step *new_step(step_vec *sv, const mdl_lifecycle *lc, int *seq, const char *phase, const char *detail,
                           bool transactional)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	plan_step *s = &sv->v[sv->n++];
	memset(s, 0, sizeof *s);
	char ts[15];
	stepid_add(lc->id, (*seq)++, ts);
	mp_buf id = MP_BUF_INIT;
	buf_printf(&id, "%s_%s_%s", ts, lc->name, phase);
	if (detail) {
		buf_putc(&id, '_');
		slug(&id, detail);
	}
	s->id = buf_detach(&id);
	s->lc = lc;
	s->phase = phase;
	s->transactional = transactional;
	mf_gate *g = add_gate(s, GATE_MAX_PENDING);
	g->value = lc->max_pending;
	return s;
}

static void plan_lifecycle(step_vec *sv, const mdl_lifecycle *lc)
{
	int seq = 0;
	for (size_t i = 0; i < lc->nsqls; i++)
		if (lc->sqls[i].before_expand)
			build_sql(new_step(sv, lc, &seq, "sql", lc->sqls[i].name, !lc->sqls[i].no_transaction), &lc->sqls[i]);
	const char *expand_id = NULL;
	if (lc->nadds || lc->nfks || lc->nchecks) {
		plan_step *s = new_step(sv, lc, &seq, "expand", NULL, true);
		build_expand(s);
		expand_id = s->id;
	}
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].value_sql)
			build_backfill(new_step(sv, lc, &seq, "backfill", lc->adds[i].column, false), &lc->adds[i]);
	for (size_t i = 0; i < lc->nindexes; i++)
		build_index(new_step(sv, lc, &seq, "index", lc->indexes[i].name, false), &lc->indexes[i]);
	if (late_not_null_checks(lc))
		build_enforce(new_step(sv, lc, &seq, "enforce", NULL, true));
	if (contract_needed(lc))
		build_contract(new_step(sv, lc, &seq, "contract", NULL, true), expand_id);
	for (size_t i = 0; i < lc->nsqls; i++)
		if (!lc->sqls[i].before_expand)
			build_sql(new_step(sv, lc, &seq, "sql", lc->sqls[i].name, !lc->sqls[i].no_transaction), &lc->sqls[i]);
}

int plan_build(const mdl_model *m, diag_list *diags, mp_plan **out)
{
	step_vec sv = {0};
	int errors_before = diags->errors;
	size_t prev_end = 0;
	for (size_t i = 0; i < m->count; i++) {
		size_t first = sv.n;
		plan_lifecycle(&sv, &m->lifecycles[i]);
		const mdl_lifecycle *lc = &m->lifecycles[i];
		if (first < sv.n && prev_end > 0 && strncmp(sv.v[first].id, sv.v[prev_end - 1].id, 14) <= 0)
			diag_add(diags, DIAG_ERROR, lc->src, lc->ast->id_span,
			         "lifecycle '%s' overlaps lifecycle '%s', whose steps use ids up to %.14s; use a later id",
			         lc->name, m->lifecycles[i - 1].name, sv.v[prev_end - 1].id);
		prev_end = sv.n;
	}
	/* Every file we emit must parse as PostgreSQL: a failure here is either a
	 * user SQL fragment the checker could not see in context, or our bug. */
	for (size_t i = 0; i < sv.n; i++) {
		const char *files[2] = {sv.v[i].up_sql, sv.v[i].down_sql};
		for (int k = 0; k < 2; k++) {
			mp_buf msg = MP_BUF_INIT;
			if (sqlparse_check(files[k], &msg, NULL) != 0)
				diag_add(diags, DIAG_ERROR, NULL, (mp_span){0, 0},
				         "%s: the %s SQL of step %s does not parse: %s (check the SQL fragments of lifecycle '%s')",
				         sv.v[i].lc->spec_path, k ? "DOWN" : "UP", sv.v[i].id, buf_cstr(&msg), sv.v[i].lc->name);
			buf_free(&msg);
		}
	}
	mp_plan *p = xcalloc(1, sizeof *p);
	p->steps = sv.v;
	p->count = sv.n;
	*out = p;
	return diags->errors > errors_before ? MP_EINVAL : MP_OK;
}

void plan_free(mp_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++) {
		plan_step *s = &p->steps[i];
		free(s->id);
		free(s->up_sql);
		free(s->down_sql);
		for (size_t j = 0; j < s->nlocks; j++) {
			free(s->locks[j].mode);
			free(s->locks[j].relation);
		}
		free(s->locks);
		for (size_t j = 0; j < s->ngates; j++) {
			free(s->gates[j].after);
			free(s->gates[j].schema);
			free(s->gates[j].table);
			free(s->gates[j].column);
			free(s->gates[j].expected);
			free(s->gates[j].key);
		}
		free(s->gates);
		if (s->backfill) {
			free(s->backfill->schema);
			free(s->backfill->table);
			free(s->backfill->key);
			free(s->backfill->column);
			free(s->backfill->value);
			free(s->backfill);
		}
	}
	free(p->steps);
	free(p);
}

void plan_step_to_manifest(const plan_step *s, mf_step *out)
{
	memset(out, 0, sizeof *out);
	out->id = s->id;
	out->lifecycle = (char *)s->lc->name;
	out->spec = (char *)s->lc->spec_path;
	out->phase = (char *)s->phase;
	out->transactional = s->transactional;
	out->lock_timeout_ms = s->lc->lock_timeout_ms;
	out->statement_timeout_ms = s->lc->statement_timeout_ms;
	out->watchdog_ms = s->lc->watchdog_ms;
	out->sample_query = (char *)s->sample_query;
	out->locks = s->locks;
	out->nlocks = s->nlocks;
	out->gates = s->gates;
	out->ngates = s->ngates;
	out->backfill = s->backfill;
	sha256_hex(s->up_sql, strlen(s->up_sql), out->up.sha256);
	sha256_hex(s->down_sql, strlen(s->down_sql), out->down.sha256);
}
