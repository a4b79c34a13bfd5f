/* `migrun rehearse`: UP, DOWN, UP of every pending step on a scratch database. */
#include "runtime/rehearse.h"
#include "runtime/apply.h"
#include "util/buf.h"
#include "util/clock.h"
#include "runtime/catalog.h"
#include "runtime/ledger.h"
#include "util/quote.h"
#include "util/vec.h"
#include "runtime/rollback.h"
#include "migdir/guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void rehearse_opts_init(rehearse_opts *o)
{
	memset(o, 0, sizeof *o);
	o->watchdog = true;
	o->watchdog_retries = WATCHDOG_DEFAULT_RETRIES;
}

void rehearse_result_free(rehearse_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		rehearse_step *s = &res->steps[i];
		free(s->name);
		free(s->phase);
		free(s->locks);
		free(s->down_diff);
		free(s->up_diff);
	}
	free(res->steps);
	free(res->scratch);
	postcheck_report_free(&res->checks);
	watchdog_free(res->wd);
	memset(res, 0, sizeof *res);
}

static int open_scratch(rt_conn *target, const rehearse_opts *o, const rt_report *r, rehearse_result *res,
                        rt_conn **out, mp_error *err)
{
	if (o->scratch_url) {
		int rc = conn_open(out, o->scratch_url, err);
		if (rc != MP_OK)
			return rc;
		res->scratch = xstrdup(PQdb((*out)->pg));
		catalog_snapshot s;
		rc = catalog_snapshot_read(*out, &s, err);
		if (rc == MP_OK && s.n > 0)
			rc = mp_error_set(err, MP_EINVAL,
			                  "scratch database %s is not empty (%s ...): a rehearsal needs an empty database",
			                  res->scratch, s.e[0].key);
		catalog_snapshot_free(&s);
		return rc;
	}
	char name[64];
	snprintf(name, sizeof name, "migrun_rehearse_%ld_%d", (long)time(NULL), (int)getpid());
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "CREATE DATABASE ");
	sql_quote_ident(&sql, name);
	buf_puts(&sql, " TEMPLATE template0");
	int rc = conn_exec(target, sql.ptr, err);
	buf_free(&sql);
	if (rc != MP_OK)
		return rc;
	res->scratch = xstrdup(name);
	report_line(r, "scratch database %s created on the target's server", name);
	char *ci = conn_conninfo(target->pg, name);
	rc = conn_open(out, ci, err);
	free(ci);
	if (rc == MP_OK) /* the target's schema, as apply would */
		rc = conn_use_schema(*out, target->schema, err);
	return rc;
}

static void drop_scratch(rt_conn *target, rehearse_result *res, const rt_report *r)
{
	mp_buf sql = MP_BUF_INIT;
	buf_puts(&sql, "DROP DATABASE IF EXISTS ");
	sql_quote_ident(&sql, res->scratch);
	buf_puts(&sql, " WITH (FORCE)");
	mp_error err;
	if (conn_exec(target, sql.ptr, &err) == MP_OK)
		res->dropped = true;
	else
		report_line(r, "could not drop scratch database %s: %s", res->scratch, err.msg);
	buf_free(&sql);
}

/* The relation locks a transactional UP takes, observed: the file runs in a
 * transaction that is rolled back after pg_locks was read. */
static int probe_locks(rt_conn *c, const mig_folder *f, const folder_mig *m, rehearse_step *st, mp_error *err)
{
	char *sql = NULL;
	(void)f;
	int rc = folder_read_sql(m, &sql, err); /* the loaded, verified text */
	if (rc != MP_OK)
		return rc;
	mp_buf b = MP_BUF_INIT;
	conn_timeouts_sql(&b, true, 0, 0);
	rc = conn_exec(c, "BEGIN", err);
	if (rc == MP_OK)
		rc = conn_exec(c, b.ptr, err);
	if (rc == MP_OK)
		rc = conn_exec(c, sql, err);
	char *locks = NULL;
	if (rc == MP_OK)
		rc = conn_query_value(c,
		                      "SELECT coalesce(string_agg(upper(regexp_replace(regexp_replace(l.mode, 'Lock$', ''), '([a-z])([A-Z])', '\\1 \\2', 'g')) || ' on ' || l.relation::regclass::text, ', ' "
		                      "ORDER BY l.relation::regclass::text, l.mode), '') FROM pg_locks l "
		                      "JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
		                      "WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
		                      "AND c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
		                      0, NULL, &locks, err);
	mp_error ignore;
	conn_exec(c, "ROLLBACK", &ignore);
	st->locks = locks ? locks : xstrdup("");
	st->locks_how = "observed";
	buf_free(&b);
	free(sql);
	return rc;
}

static void declared_locks(const folder_mig *m, rehearse_step *st)
{
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; m->step && i < m->step->nlocks; i++) {
		buf_printf(&b, "%s%s on ", b.len ? ", " : "", m->step->locks[i].mode);
		mf_relation_text(&b, m->step->locks[i].schema, m->step->locks[i].table);
	}
	st->locks = buf_detach(&b);
	st->locks_how = "declared";
}

static int apply_to(rt_conn *c, const mig_folder *f, const char *to, const rehearse_result *res, const rt_report *r,
                    mp_error *err)
{
	apply_opts ao;
	apply_opts_init(&ao);
	ao.to = to;
	ao.allow_pending = 1000000; /* a rehearsal has everything pending at once */
	ao.skip_time_gates = true;
	ao.backfill.max_replica_lag_ms = 0;
	ao.wd = res->wd;
	apply_result ar;
	/* the steps' SQL guards skip their min_age on this (scratch) session only */
	int rc = conn_exec(c, "SET " MIGDIR_GUARD_SKIP_TIME " = 'on'", err);
	if (rc != MP_OK)
		return rc;
	rc = apply_run(c, f, &ao, r, &ar, err);
	apply_result_free(&ar);
	return rc;
}

static int rollback_last(rt_conn *c, const mig_folder *f, struct watchdog *wd, const rt_report *r, mp_error *err)
{
	ledger l;
	int rc = ledger_read(c, &l, err);
	if (rc != MP_OK)
		return rc;
	rollback_plan p;
	rc = rollback_prepare(f, &l, 1, NULL, &p, err);
	int done = 0;
	rollback_opts o;
	rollback_opts_init(&o);
	o.retry_pause_ms = 200;
	o.wd = wd;
	if (rc == MP_OK)
		rc = rollback_execute(c, &p, &o, r, &done, err);
	rollback_plan_free(&p);
	ledger_free(&l);
	return rc;
}

static int snap_diff(rt_conn *c, const catalog_snapshot *want, catalog_snapshot *got, char **diff, size_t *n,
                     mp_error *err)
{
	int rc = catalog_snapshot_read(c, got, err);
	if (rc != MP_OK)
		return rc;
	mp_buf b = MP_BUF_INIT;
	*n = catalog_diff(want, got, &b);
	*diff = buf_detach(&b);
	return MP_OK;
}

/* UP, DOWN, UP of one pending migration, snapshots between. */
static int rehearse_one(rt_conn *c, const mig_folder *f, const folder_mig *m, const rt_report *r,
                        rehearse_result *res, bool *stop, mp_error *err)
{
	rehearse_step *st = &res->steps[res->n++];
	st->name = xstrdup(m->name);
	st->phase = m->step ? xstrdup(m->step->phase) : NULL;
	st->up_ms = st->down_ms = st->up2_ms = -1;
	st->down_diff = xstrdup("");
	st->up_diff = xstrdup("");
	catalog_snapshot before = {0}, up = {0}, down = {0}, up2 = {0};
	size_t nd = 0;
	int rc = catalog_snapshot_read(c, &before, err);
	bool tx = m->step && m->step->transactional && !m->step->backfill;
	if (rc == MP_OK && tx)
		rc = probe_locks(c, f, m, st, err);
	else if (rc == MP_OK)
		declared_locks(m, st);
	long long t0 = mp_clock_ms();
	if (rc == MP_OK && (rc = apply_to(c, f, m->name, res, r, err)) == MP_OK)
		st->up_ms = mp_clock_ms() - t0;
	if (rc == MP_OK)
		rc = postcheck_step(c, f, m, &res->checks, err);
	if (rc == MP_OK)
		rc = catalog_snapshot_read(c, &up, err);
	if (rc == MP_OK && !m->step) {
		report_line(r, "%s: plain Prisma migration, no DOWN: applied once (%lld ms)", m->name, st->up_ms);
		goto out;
	}
	t0 = mp_clock_ms();
	if (rc == MP_OK && (rc = rollback_last(c, f, res->wd, r, err)) == MP_OK)
		st->down_ms = mp_clock_ms() - t0;
	size_t nu = 0;
	if (rc == MP_OK) {
		free(st->down_diff);
		rc = snap_diff(c, &before, &down, &st->down_diff, &nd, err);
	}
	if (rc == MP_OK && nd > 0) {
		/* The schema is not what the step expects under it: a second UP
		 * would fail on leftovers and hide the real finding. */
		report_line(r, "%s: DOWN did not restore the schema; the rehearsal stops here", m->name);
		st->differences = nd;
		res->differences += nd;
		*stop = true;
		goto out;
	}
	t0 = mp_clock_ms();
	if (rc == MP_OK && (rc = apply_to(c, f, m->name, res, r, err)) == MP_OK)
		st->up2_ms = mp_clock_ms() - t0;
	if (rc == MP_OK) {
		free(st->up_diff);
		rc = snap_diff(c, &up, &up2, &st->up_diff, &nu, err);
	}
	st->differences = nd + nu;
	res->differences += nd + nu;
	if (rc == MP_OK)
		report_line(r, "%s: UP %lld ms, DOWN %lld ms, UP again %lld ms; locks (%s): %s; %s", m->name, st->up_ms,
		            st->down_ms, st->up2_ms, st->locks_how, *st->locks ? st->locks : "none",
		            nd + nu ? "DIFFERENCES" : "schema restored by DOWN, UP reproducible");
out:
	catalog_snapshot_free(&before);
	catalog_snapshot_free(&up);
	catalog_snapshot_free(&down);
	catalog_snapshot_free(&up2);
	return rc;
}

/* The tables the pending steps touch, as they exist before those steps:
 * each a lock of the manifest, once per relation. */
static void touched_tables(const mig_folder *f, size_t first, const mf_lock ***out, size_t *n)
{
	const mf_lock **v = NULL;
	size_t nv = 0;
	for (size_t i = first; i < f->n; i++) {
		const mf_step *s = f->migs[i].step;
		for (size_t k = 0; s && k < s->nlocks; k++) {
			const mf_lock *l = &s->locks[k];
			bool seen = false;
			for (size_t j = 0; j < nv; j++)
				seen |= mf_same_relation(v[j]->schema, v[j]->table, l->schema, l->table);
			if (!seen)
				*MP_VEC_PUSH(v, nv) = l;
		}
	}
	*out = v;
	*n = nv;
}

static int rehearse_on(rt_conn *c, const mig_folder *f, size_t first, const rehearse_opts *o, const rt_report *r,
                       rehearse_result *res, mp_error *err)
{
	int rc = MP_OK;
	if (first > 0) {
		report_line(r, "replaying the %zu applied migrations (up to %s)", first, f->migs[first - 1].name);
		rc = apply_to(c, f, f->migs[first - 1].name, res, r, err);
		res->replayed = first;
	}
	res->steps = xcalloc(f->n - first + 1, sizeof *res->steps);
	bool filled = o->with_data <= 0;
	bool stop = false;
	for (size_t i = first; rc == MP_OK && !stop && i < f->n; i++) {
		/* Filled right before the first generated step: plain Prisma
		 * migrations before it (a baseline) may create the tables. */
		if (!filled && f->migs[i].step) {
			const mf_lock **tables;
			size_t nt;
			touched_tables(f, i, &tables, &nt);
			rc = rehearse_fill(c, tables, nt, o->with_data, r, &res->rows_filled, err);
			free(tables);
			filled = true;
		}
		if (rc == MP_OK)
			rc = rehearse_one(c, f, &f->migs[i], r, res, &stop, err);
	}
	return rc;
}

int rehearse_run(rt_conn *target, const mig_folder *f, const rehearse_opts *o, const rt_report *r,
                 rehearse_result *res, mp_error *err)
{
	memset(res, 0, sizeof *res);
	int rc = apply_verify(f, err);
	if (rc != MP_OK)
		return rc;
	ledger l;
	if ((rc = ledger_read(target, &l, err)) != MP_OK)
		return rc;
	rc = apply_check_ledger(f, &l, false, err);
	size_t first = 0;
	while (first < f->n && ledger_find_applied(&l, f->migs[first].name))
		first++;
	ledger_free(&l);
	if (rc != MP_OK)
		return rc;
	if (first == f->n)
		report_line(r, "nothing pending on the target: rehearsing nothing but the replay");
	rt_conn *c = NULL;
	rc = open_scratch(target, o, r, res, &c, err);
	if (rc == MP_OK && o->watchdog)
		rc = watchdog_start(c, o->watchdog_retries, &res->wd, err);
	if (rc == MP_OK)
		rc = rehearse_on(c, f, first, o, r, res, err);
	watchdog_stop(res->wd);
	conn_close(c);
	if (res->scratch && !o->scratch_url) {
		if (o->keep)
			report_line(r, "scratch database %s kept (--keep)", res->scratch);
		else
			drop_scratch(target, res, r);
	}
	return rc;
}
