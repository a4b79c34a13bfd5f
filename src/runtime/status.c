/* Where each migration stands, judged from the folder and the ledger alone. */
#include "runtime/status.h"
#include "util/buf.h"
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

const char *status_state_name(mig_state s)
{
	static const char *names[] = {"applied", "pending", "rolled_back", "failed", "diverged"};
	return names[s];
}

int status_is_pending(mig_state s)
{
	return s == MS_PENDING || s == MS_ROLLED_BACK;
}

/* The ledger rows of each migration name, in ledger order: names maps a
 * name to its first row, next[i] is 1 + the index of the following row of
 * the same name (0: none). Matching every folder migration against every
 * row was quadratic (10,000 migrations: most of a second in strcmp). */
typedef struct {
	strmap names;
	size_t *next;
} row_index;

static void row_index_build(const ledger *l, row_index *x)
{
	x->names = (strmap)STRMAP_INIT;
	x->next = xcalloc(l->n + 1, sizeof *x->next);
	size_t *tail = xcalloc(l->n + 1, sizeof *tail);
	for (size_t i = 0; i < l->n; i++) {
		size_t first;
		if (strmap_get(&x->names, l->rows[i].migration_name, &first)) {
			x->next[tail[first]] = i + 1;
			tail[first] = i;
		} else {
			strmap_put(&x->names, l->rows[i].migration_name, i);
			tail[i] = i;
		}
	}
	free(tail);
}

static void classify(const ledger *l, const row_index *x, const folder_mig *m, status_entry *e)
{
	const ledger_row *applied = NULL, *failed = NULL, *rolled = NULL;
	size_t i;
	bool any = strmap_get(&x->names, m->name, &i);
	for (; any; any = x->next[i] != 0, i = x->next[i] - 1) {
		const ledger_row *r = &l->rows[i];
		if (r->rolled_back_at)
			rolled = r;
		else if (r->finished_at)
			applied = r;
		else
			failed = r;
	}
	if (failed) {
		e->state = MS_FAILED;
		e->row = failed;
		e->reason = "started but never finished (failed, or interrupted); resolve it first";
	} else if (applied && strcmp(applied->checksum, m->checksum) != 0) {
		e->state = MS_DIVERGED;
		e->row = applied;
		e->reason = "migration.sql was edited after it was applied (checksum differs)";
	} else if (applied) {
		e->state = MS_APPLIED;
		e->row = applied;
		e->rollback_unfinished = ledger_rollback_parts_done(applied) > 0;
		if (e->rollback_unfinished)
			e->reason = "its rollback stopped part way (the ledger row's logs say how far): run `migrun rollback` "
			            "again to finish it";
	} else if (rolled) {
		e->state = MS_ROLLED_BACK;
		e->row = rolled;
	} else {
		e->state = MS_PENDING;
	}
}

/* Ledger rows are in started_at order (ties by id, which says nothing), so
 * a row earlier in the ledger with a strictly earlier start ran first. */
static void mark_out_of_order(status_report *out)
{
	/* later_min[i]: the earliest ledger row of an applied entry after i. The
	 * scan below only runs where one ran before e (normally never), instead
	 * of for every entry. */
	const ledger_row **later_min = xcalloc(out->n + 1, sizeof *later_min);
	for (size_t i = out->n; i-- > 0;) {
		const status_entry *x = &out->e[i];
		const ledger_row *m = later_min[i + 1];
		if (x->state == MS_APPLIED && x->row && (!m || x->row < m))
			m = x->row;
		later_min[i] = m;
	}
	for (size_t i = 0; i < out->n; i++) {
		status_entry *e = &out->e[i];
		if (e->state != MS_APPLIED || !e->row || !later_min[i + 1] || later_min[i + 1] >= e->row)
			continue;
		for (size_t j = i + 1; j < out->n; j++) {
			const status_entry *later = &out->e[j];
			if (later->state != MS_APPLIED || !later->row || later->row >= e->row ||
			    strcmp(later->row->started_at, e->row->started_at) == 0)
				continue;
			mp_buf b = MP_BUF_INIT;
			buf_printf(&b, "applied out of the folder's order: after %s, which follows it in the folder", later->name);
			e->reason_buf = buf_detach(&b);
			e->reason = e->reason_buf;
			out->out_of_order++;
			break;
		}
	}
	free(later_min);
}

void status_compute(const mig_folder *f, const ledger *l, status_report *out)
{
	memset(out, 0, sizeof *out);
	out->first_pending = -1;
	out->e = xcalloc(f->n + l->n + 1, sizeof *out->e);
	row_index rows;
	row_index_build(l, &rows);
	strmap in_folder = STRMAP_INIT;
	for (size_t i = 0; i < f->n; i++) {
		status_entry *e = &out->e[out->n++];
		e->name = f->migs[i].name;
		e->index = (long)i;
		classify(l, &rows, &f->migs[i], e);
		strmap_put(&in_folder, f->migs[i].name, i);
	}
	strmap_free(&rows.names);
	free(rows.next);
	/* A pending generated step must still be what migc wrote: apply would
	 * refuse it, and status says so before anyone tries. */
	for (size_t i = 0; i < f->n; i++) {
		const folder_mig *m = &f->migs[i];
		if (status_is_pending(out->e[i].state) && folder_mig_changed(m)) {
			out->e[i].state = MS_DIVERGED;
			out->e[i].reason = "pending, but its migration.sql differs from the manifest's hash (edited after migc "
			                   "compile)";
		}
	}
	/* A pending migration with an applied one after it would be applied out
	 * of order; Prisma would run it silently, we call it divergence. */
	long last_applied = -1;
	for (size_t i = 0; i < out->n; i++)
		if (out->e[i].state == MS_APPLIED || out->e[i].state == MS_DIVERGED)
			last_applied = (long)i;
	for (long i = 0; i < last_applied; i++)
		if (status_is_pending(out->e[i].state)) {
			out->e[i].state = MS_DIVERGED;
			out->e[i].reason = "not applied, but a later migration is (out of order)";
		}
	mark_out_of_order(out);
	for (size_t i = 0; i < l->n; i++) {
		const ledger_row *r = &l->rows[i];
		if (r->rolled_back_at || strmap_get(&in_folder, r->migration_name, NULL))
			continue;
		/* in_folder also collects these, so each unknown name is listed once. */
		if (!strmap_put(&in_folder, r->migration_name, out->n))
			continue;
		status_entry *e = &out->e[out->n++];
		e->name = r->migration_name;
		e->index = -1;
		e->state = MS_DIVERGED;
		e->row = r;
		e->reason = "in the database's ledger but not in the migrations folder";
	}
	strmap_free(&in_folder);
	for (size_t i = 0; i < out->n; i++) {
		switch (out->e[i].state) {
		case MS_APPLIED:
			out->applied++;
			break;
		case MS_PENDING:
		case MS_ROLLED_BACK:
			out->pending++;
			if (out->first_pending < 0)
				out->first_pending = (long)i;
			break;
		case MS_FAILED:
			out->failed++;
			break;
		case MS_DIVERGED:
			out->diverged++;
			break;
		}
	}
}

void status_report_free(status_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].reason_buf);
	free(r->e);
	memset(r, 0, sizeof *r);
}
