/* The planner's driver: the steps of each lifecycle in phase order, each
 * written by the operations (ops/) into a builder and turned into files here. */
#include "compiler/plan.h"
#include "ops/ops.h"
#include "ops/step.h"
#include "util/buf.h"
#include "util/duration.h"
#include "util/sha256.h"
#include "util/vec.h"
#include "sql/sqlparse.h"
#include "sql/locks_file.h"
#include "sql/lint.h"
#include "util/source.h"
#include "util/quote.h"
#include "migdir/stepid.h"
#include "migdir/guard.h"
#include "migdir/mark.h"

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

static void header(mp_buf *b, const plan_step *s, const char *dir, const file_locks *locks, size_t nparts)
{
	mp_buf t = MP_BUF_INIT;
	step_rel_sql(&t, &s->lc->table);
	migdir_mark_write(b, s->lc->spec_path, s->lc->name, buf_cstr(&t), s->id, s->phase, dir);
	size_t tables = 0;
	for (size_t i = 0; i < locks->count; i++)
		tables += !locks->items[i].object;
	if (tables == 0)
		buf_puts(b, "-- locks: no table locks\n");
	/* a lock on a type (ALTER TYPE … VALUE) is said so, after the table locks */
	for (int objects = 0; objects < 2; objects++)
		for (size_t i = 0; i < locks->count; i++) {
			const file_lock *l = &locks->items[i];
			if (!l->object != !objects)
				continue;
			buf_clear(&t);
			sql_quote_qualified(&t, l->schema, l->table);
			buf_printf(b, "-- locks: %s on %s%s%s (%s)\n", lock_mode_name(l->mode), l->object ? l->object : "",
			           l->object ? " " : "", buf_cstr(&t), lock_bite_text(l));
		}
	buf_free(&t);
	if (nparts > 1) {
		size_t after = nparts - 1 - s->ndown_refills;
		buf_printf(b, "-- runs in %zu parts, each committed before the next (at each \"" MIGDIR_COMMIT_MARK "\"):\n"
		              "-- the schema in one transaction, %s in batches%s;\n"
		              "-- `migrun rollback` runs them so, and after an interruption goes on where it stopped\n",
		           nparts, s->ndown_refills > 1 ? "each refill" : "the refill",
		           after ? ", then NOT NULL again in two short transactions" : "");
	} else if (s->transactional)
		buf_puts(b, "-- runs in one transaction: all or nothing\n");
	else if (s->kind == PHASE_BACKFILL)
		buf_puts(b, "-- runs outside a transaction block: one short transaction per batch\n");
	else
		buf_puts(b, "-- runs outside a transaction block, alone in its file\n");
}

/* A transaction's statements as one DO block (issue 20, item 2): one
 * statement, so every runner runs it as one transaction, all or nothing:
 * Prisma 6 (the file as one query), Prisma 7's engine (each statement of a
 * file on its own, in autocommit) and migrun (the file inside its BEGIN).
 * lock_timeout is set inside it (read when a lock is waited for);
 * statement_timeout must be set before it (PostgreSQL arms that timer when a
 * statement starts), by a SET the RESET after it takes back. */
static void tx_block(mp_buf *b, const mdl_lifecycle *lc, const mp_buf *body)
{
	char d[32];
	mp_buf in = MP_BUF_INIT, tag = MP_BUF_INIT;
	duration_format_pg(lc->lock_timeout_ms, d);
	buf_printf(&in, "\n#variable_conflict use_column\nBEGIN\nPERFORM set_config('lock_timeout', '%s', true);\n\n", d);
	buf_put(&in, body->ptr, body->len);
	buf_puts(&in, "END\n");
	sql_dollar_tag(&tag, in.ptr);
	buf_putc(b, '\n');
	if (lc->statement_timeout_ms > 0) {
		duration_format_pg(lc->statement_timeout_ms, d);
		buf_printf(b, "-- For the block below, which it bounds as a whole; RESET after it.\nSET statement_timeout = '%s';\n\n", d);
	}
	buf_puts(b, "-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one\n"
	            "-- transaction: all of it or nothing.\n");
	buf_printf(b, "DO %s%s%s;\n", tag.ptr, in.ptr, tag.ptr);
	if (lc->statement_timeout_ms > 0)
		buf_puts(b, "\nRESET statement_timeout;\n");
	buf_putc(b, '\n');
	buf_free(&in);
	buf_free(&tag);
}

typedef struct {
	plan_step *v;
	size_t n;
	locks_ctx *locks; /* what the steps so far established, in plan order */
	size_t *unparsed; /* 2 × step + 0 (UP) or 1 (DOWN): files that do not parse */
	size_t nunparsed;
	diag_list *diags;
} step_vec;

/* The locks a file takes, from the analyzer, parsed from the text just
 * written (c is updated as its statements run). A file that does not parse
 * gets no lock lines and is noted for plan_build to report: every file is
 * parsed once. */
static void body_locks(step_vec *sv, locks_ctx *c, const mp_buf *body, const plan_step *s, int down,
                       file_locks *out)
{
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0};
	if (sqlparse_file(buf_cstr(body), body->len, &f, &perr, &err) != MP_OK) {
		*MP_VEC_PUSH(sv->unparsed, sv->nunparsed) = 2 * (size_t)(s - sv->v) + (size_t)down;
		return;
	}
	locks_file_summarize(c, f, s->transactional, out);
	sqlparse_free(f);
}

/* The header, with the locks the body takes, then the body. */
static char *step_file(step_vec *sv, const plan_step *s, int down, locks_ctx *c, mp_buf *body, file_locks *locks,
                       size_t nparts)
{
	const char *dir = down ? "DOWN" : "UP";
	body_locks(sv, c, body, s, down, locks);
	mp_buf f = MP_BUF_INIT;
	header(&f, s, dir, locks, nparts);
	buf_put(&f, body->ptr, body->len);
	while (f.len >= 2 && f.ptr[f.len - 1] == '\n' && f.ptr[f.len - 2] == '\n')
		f.ptr[--f.len] = '\0';
	buf_free(body);
	return buf_detach(&f);
}

/* The DOWN's body: its statements in one transaction (written out in
 * reverse), then, when it refills columns, each refill and the parts after
 * them, every part after the commit mark (migdir/mark.h). Returns the
 * number of parts. */
static size_t down_body(mp_buf *f, const step_builder *sb, const plan_step *s)
{
	buf_put(f, sb->warnings.ptr, sb->warnings.len);
	buf_put(f, sb->disables.ptr, sb->disables.len);
	mp_buf stmts = MP_BUF_INIT;
	for (size_t i = sb->ndowns; i-- > 0;)
		buf_puts(&stmts, sb->downs[i]);
	if (sb->ndowns == 0)
		buf_puts(f, "-- nothing to undo in the schema\n");
	else if (s->transactional)
		tx_block(f, sb->lc, &stmts);
	else
		buf_printf(f, "\n%s", buf_cstr(&stmts));
	buf_free(&stmts);
	size_t nparts = 1;
	for (size_t i = 0; i < sb->nrefills; i++, nparts++)
		buf_printf(f, MIGDIR_COMMIT_MARK "\n\n%s", sb->refills[i]);
	for (size_t i = 0; i < DOWN_AFTER_PARTS; i++) {
		if (!sb->down_after[i].len)
			continue;
		buf_puts(f, MIGDIR_COMMIT_MARK "\n");
		tx_block(f, sb->lc, &sb->down_after[i]);
		nparts++;
	}
	return nparts;
}

/* An sql item's file through the lint rules, as `migc lint` would see it in
 * the folder (ctx: the steps before it), each finding reported at the
 * item's SQL in the spec: the escape hatch's SQL is held to the rules the
 * generated SQL follows, and an intended finding is silenced in the spec
 * with a migplan-disable comment and its reason. */
static void lint_user_sql(step_vec *sv, const plan_step *s, const mdl_sql *q, const locks_ctx *ctx, int down)
{
	const char *text = down ? s->down_sql : s->up_sql;
	mp_buf path = MP_BUF_INIT;
	buf_printf(&path, "%s/%s", s->id, down ? "down.sql" : "migration.sql");
	mp_source *src = source_from_string(buf_cstr(&path), text, strlen(text));
	locks_ctx *c = locks_ctx_clone(ctx);
	diag_list found;
	diag_list_init(&found);
	/* A file that does not parse is plan_build's to report, once. */
	size_t n = lint_source(c, src, &found) == 0 ? found.count : 0;
	for (size_t i = 0; i < n; i++) {
		const mp_diag *d = &found.items[i];
		mp_span at = down ? q->down_span : q->up_span;
		if (d->rule)
			diag_add_rule(sv->diags, d->severity, s->lc->src, at, d->rule, "sql item '%s', %s (%s): %s",
			              q->name, down ? "DOWN" : "UP", buf_cstr(&path), d->message);
		else
			diag_add(sv->diags, d->severity, s->lc->src, at, "sql item '%s', %s (%s): %s", q->name,
			         down ? "DOWN" : "UP", buf_cstr(&path), d->message);
	}
	diag_list_free(&found);
	locks_ctx_free(c);
	source_free(src);
	buf_free(&path);
}

/* A type that does not parse is left unknown: judged a rewrite. */
void plan_step_seed_locks(const plan_step *s, locks_ctx *c)
{
	char *key = sql_relation_key(s->lc->table.schema, s->lc->table.name);
	for (size_t i = 0; i < s->ncoltypes; i++) {
		sql_coltype t;
		if (sql_coltype_parse(s->coltypes[i].type_sql, &t))
			locks_ctx_set_column_type(c, key, s->coltypes[i].column, &t);
	}
	free(key);
}

/* Turns a builder into the step's files, locks and manifest fields. The
 * UP's analysis moves c on to the next step; the DOWN is analysed on a copy
 * (it runs after this UP, and later steps never see it). */
static void finish_step(step_vec *sv, step_builder *sb, plan_step *s)
{
	locks_ctx *c = sv->locks;
	mp_buf f = MP_BUF_INIT;
	buf_put(&f, sb->updisables.ptr, sb->updisables.len);
	if (s->transactional) {
		mp_buf body = MP_BUF_INIT;
		migdir_guard_write_block(&body, s->id, sb->gates, sb->ngates);
		buf_put(&body, sb->up.ptr, sb->up.len);
		tx_block(&f, sb->lc, &body);
		buf_free(&body);
	} else {
		buf_putc(&f, '\n');
		buf_put(&f, sb->up.ptr, sb->up.len);
	}
	file_locks up = {0}, down = {0};
	locks_ctx *before = sb->user_sql ? locks_ctx_clone(c) : NULL;
	locks_ctx_begin_file(c);
	s->coltypes = sb->coltypes;
	s->ncoltypes = sb->ncoltypes;
	sb->coltypes = NULL;
	plan_step_seed_locks(s, c);
	s->up_sql = step_file(sv, s, 0, c, &f, &up, 1);
	if (before)
		lint_user_sql(sv, s, sb->user_sql, before, 0);

	s->down_refills = sb->down_refills;
	s->ndown_refills = sb->nrefills;
	size_t nparts = down_body(&f, sb, s);
	locks_ctx *after = locks_ctx_clone(c);
	locks_ctx_begin_file(after);
	s->down_sql = step_file(sv, s, 1, after, &f, &down, nparts);
	locks_ctx_free(after);
	if (before)
		lint_user_sql(sv, s, sb->user_sql, c, 1);
	locks_ctx_free(before);
	file_locks_free(&down);

	/* the manifest's locks are table locks (migrun's watchdog looks for
	 * sessions queued on those tables); a type's lock is in the header only */
	s->locks = xcalloc(up.count ? up.count : 1, sizeof *s->locks);
	s->nlocks = 0;
	for (size_t i = 0; i < up.count; i++) {
		if (up.items[i].object)
			continue;
		mf_lock *ml = &s->locks[s->nlocks++];
		ml->mode = xstrdup(lock_mode_name(up.items[i].mode));
		ml->schema = up.items[i].schema ? xstrdup(up.items[i].schema) : NULL;
		ml->table = xstrdup(up.items[i].table);
	}
	file_locks_free(&up);
	for (size_t i = 0; i < sb->ngates; i++)
		*MP_VEC_PUSH(s->gates, s->ngates) = sb->gates[i];
	s->backfill = sb->backfill;
	s->sample_query = sb->sample_query;
	step_builder_free(sb);
}


/* ---- the plan ---- */

static plan_step *new_step(step_vec *sv, const mdl_lifecycle *lc, int *seq, op_phase phase, const char *detail,
                           bool transactional)
{
	plan_step *s = MP_VEC_PUSH(sv->v, sv->n);
	char ts[15];
	stepid_add(lc->id, (*seq)++, ts);
	mp_buf id = MP_BUF_INIT;
	buf_printf(&id, "%s_%s_%s", ts, lc->name, ops_phase_name(phase));
	if (detail) {
		buf_putc(&id, '_');
		slug(&id, detail);
	}
	s->id = buf_detach(&id);
	s->lc = lc;
	s->kind = phase;
	s->phase = ops_phase_name(phase);
	s->transactional = transactional;
	mf_gate *g = MP_VEC_PUSH(s->gates, s->ngates);
	g->kind = GATE_MAX_PENDING;
	g->value = lc->max_pending;
	return s;
}

/* The steps items have of their own in one stage (sql, backfill, index). */
static void plan_own_steps(step_vec *sv, const mdl_lifecycle *lc, int *seq, op_stage stage)
{
	op_cursor cur = {0};
	const op_def *op;
	size_t item;
	op_own_step own;
	while (ops_own_next(lc, stage, &cur, &op, &item, &own)) {
		plan_step *s = new_step(sv, lc, seq, own.phase, own.detail, own.transactional);
		step_builder sb = {.lc = lc};
		op->build_own(&sb, lc, item);
		finish_step(sv, &sb, s);
	}
}

/* A step every operation of the phase writes its part of. */
static plan_step *plan_shared_step(step_vec *sv, const mdl_lifecycle *lc, int *seq, op_phase phase,
                                   const char *expand_id)
{
	plan_step *s = new_step(sv, lc, seq, phase, NULL, true);
	step_builder sb = {.lc = lc};
	if (phase == PHASE_CONTRACT)
		ops_contract_gates(&sb, lc, expand_id);
	ops_build(&sb, lc, phase);
	finish_step(sv, &sb, s);
	return s;
}

static void plan_lifecycle(step_vec *sv, const mdl_lifecycle *lc)
{
	int seq = 0;
	plan_own_steps(sv, lc, &seq, STAGE_BEFORE_EXPAND);
	const char *expand_id = NULL;
	if (ops_need(lc, PHASE_EXPAND))
		expand_id = plan_shared_step(sv, lc, &seq, PHASE_EXPAND, NULL)->id;
	plan_own_steps(sv, lc, &seq, STAGE_AFTER_EXPAND);
	if (ops_need(lc, PHASE_ENFORCE))
		plan_shared_step(sv, lc, &seq, PHASE_ENFORCE, NULL);
	if (ops_need(lc, PHASE_CONTRACT))
		plan_shared_step(sv, lc, &seq, PHASE_CONTRACT, expand_id);
	plan_own_steps(sv, lc, &seq, STAGE_AFTER_CONTRACT);
}

int plan_build(const mdl_model *m, diag_list *diags, mp_plan **out)
{
	step_vec sv = {.locks = locks_ctx_new(), .diags = diags};
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
	 * user SQL fragment the checker could not see in context, or our bug.
	 * body_locks noted them; the message (with the text around the error)
	 * is the only second parse. */
	for (size_t i = 0; i < sv.nunparsed; i++) {
		const plan_step *s = &sv.v[sv.unparsed[i] / 2];
		int down = (int)(sv.unparsed[i] % 2);
		mp_buf msg = MP_BUF_INIT;
		sqlparse_check(down ? s->down_sql : s->up_sql, &msg, NULL);
		diag_add(diags, DIAG_ERROR, NULL, (mp_span){0, 0},
		         "%s: the %s SQL of step %s does not parse: %s (check the SQL fragments of lifecycle '%s')",
		         s->lc->spec_path, down ? "DOWN" : "UP", s->id, buf_cstr(&msg), s->lc->name);
		buf_free(&msg);
	}
	free(sv.unparsed);
	mp_plan *p = xcalloc(1, sizeof *p);
	p->steps = sv.v;
	locks_ctx_free(sv.locks);
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
		manifest_parts_free(s->locks, s->nlocks, s->gates, s->ngates, s->backfill);
		manifest_refills_free(s->down_refills, s->ndown_refills);
		free(s->coltypes);
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
	out->down_refills = s->down_refills;
	out->ndown_refills = s->ndown_refills;
	sha256_hex(s->up_sql, strlen(s->up_sql), out->up.sha256);
	sha256_hex(s->down_sql, strlen(s->down_sql), out->down.sha256);
}
