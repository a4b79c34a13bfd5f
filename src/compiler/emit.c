/* The Prisma folder emitter: step folders, migration_lock.toml and the
 * manifest, written only when every check passes. */
#include "compiler/emit.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/vec.h"
#include "migdir/manifest.h"
#include "migdir/mark.h"
#include "migdir/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void emit_manifest_build(const mp_plan *plan, mf_manifest *m)
{
	memset(m, 0, sizeof *m);
	m->format = MANIFEST_FORMAT;
	m->generator = "migc " MIGPLAN_VERSION;
	m->nsteps = plan->count;
	m->steps = xcalloc(plan->count ? plan->count : 1, sizeof *m->steps);
	for (size_t i = 0; i < plan->count; i++) {
		plan_step_to_manifest(&plan->steps[i], &m->steps[i]);
		mp_buf p = MP_BUF_INIT;
		buf_printf(&p, "%s/migration.sql", plan->steps[i].id);
		m->steps[i].up.path = buf_detach(&p);
		buf_printf(&p, "%s/down.sql", plan->steps[i].id);
		m->steps[i].down.path = buf_detach(&p);
	}
}

static void manifest_built_free(mf_manifest *m)
{
	for (size_t i = 0; i < m->nsteps; i++) {
		free(m->steps[i].up.path);
		free(m->steps[i].down.path);
	}
	free(m->steps);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted ids for bsearch: folders, plan steps and manifest steps are looked
 * up in each other, which is quadratic with linear scans (10,000 specs make
 * 35,000 steps). */
typedef struct {
	const char **v;
	size_t n;
} id_index;

static void id_index_add(id_index *x, const char *id)
{
	*MP_VEC_PUSH(x->v, x->n) = id;
}

static void id_index_sort(id_index *x)
{
	if (x->n > 1)
		qsort(x->v, x->n, sizeof *x->v, cmp_id);
}

static bool id_index_has(const id_index *x, const char *id)
{
	return x->n && bsearch(&id, x->v, x->n, sizeof *x->v, cmp_id) != NULL;
}

/* A folder is ours when the previous manifest lists it or its migration.sql
 * carries our mark; anything else belongs to the team or to Prisma. */
static bool folder_is_ours(const char *dir, const char *name, const id_index *old)
{
	if (old && id_index_has(old, name))
		return true;
	char *sub = fs_join(dir, name), *path = fs_join(sub, "migration.sql");
	char *text = NULL;
	size_t len = 0;
	bool ours = fs_read_file(path, &text, &len, NULL) == MP_OK && migdir_mark_present(text);
	free(text);
	free(path);
	free(sub);
	return ours;
}

/* Step files are written without a per-file fsync; emit_prisma_folder
 * flushes them all at once before the manifest, which records their hashes,
 * is written (and fsync'd). */
static int write_if_changed(const char *path, const char *text, bool *changed, mp_error *err)
{
	char *old = NULL;
	size_t len = 0;
	if (fs_read_file(path, &old, &len, NULL) == MP_OK && len == strlen(text) && memcmp(old, text, len) == 0) {
		free(old);
		return MP_OK;
	}
	free(old);
	*changed = true;
	return fs_write_file_replace(path, text, strlen(text), false, err);
}

/* Nothing is written unless these pass: no step overwrites a folder migc did
 * not write, and no new step sorts before a migration of the team's. */
static void check_folder(const mp_plan *plan, const char *dir, char **names, size_t nnames, const id_index *folders,
                         const id_index *oldx, diag_list *diags)
{
	const char *last_foreign = NULL;
	for (size_t i = 0; i < nnames; i++)
		if (!folder_is_ours(dir, names[i], oldx))
			last_foreign = names[i];
	for (size_t i = 0; i < plan->count; i++) {
		const plan_step *s = &plan->steps[i];
		bool exists = id_index_has(folders, s->id);
		if (exists && !folder_is_ours(dir, s->id, oldx))
			diag_add(diags, DIAG_ERROR, s->lc->src, s->lc->ast->id_span,
			         "step %s would overwrite %s/%s, which migc did not generate", s->id, dir, s->id);
		if (!exists && last_foreign && migdir_name_compare(s->id, last_foreign) < 0) {
			diag_add(diags, DIAG_ERROR, s->lc->src, s->lc->ast->id_span,
			         "step %s would sort before the existing migration %s, so Prisma would apply it out of order; "
			         "give lifecycle '%s' an id after %.14s",
			         s->id, last_foreign, s->lc->name, last_foreign);
			break;
		}
	}
}

static int write_steps(const mp_plan *plan, const char *dir, emit_report *rep, mp_error *err)
{
	int rc = MP_OK;
	for (size_t i = 0; rc == MP_OK && i < plan->count; i++) {
		const plan_step *s = &plan->steps[i];
		char *sub = fs_join(dir, s->id);
		char *up = fs_join(sub, "migration.sql"), *down = fs_join(sub, "down.sql");
		bool changed = false;
		rc = fs_mkdir_p(sub, err);
		if (rc == MP_OK)
			rc = write_if_changed(up, s->up_sql, &changed, err);
		if (rc == MP_OK)
			rc = write_if_changed(down, s->down_sql, &changed, err);
		if (changed)
			rep->written++;
		else
			rep->unchanged++;
		free(up);
		free(down);
		free(sub);
	}
	return rc;
}

/* Folders of steps the previous manifest had and the plan no longer has. */
static int remove_stale(const mf_manifest *old, const id_index *plan_ids, const char *dir, emit_report *rep,
                        mp_error *err)
{
	int rc = MP_OK;
	for (size_t i = 0; rc == MP_OK && old && i < old->nsteps; i++) {
		const char *id = old->steps[i].id;
		if (id_index_has(plan_ids, id) || strchr(id, '/') || strcmp(id, "..") == 0 || !folder_is_ours(dir, id, NULL))
			continue;
		char *sub = fs_join(dir, id);
		if (fs_is_dir(sub)) {
			rc = fs_remove_tree(sub, err);
			*MP_VEC_PUSH(rep->removed_ids, rep->removed) = xstrdup(id);
		}
		free(sub);
	}
	return rc;
}

/* migration_lock.toml once, the flush of every step file, then the manifest. */
static int write_rest(const mp_plan *plan, const char *dir, const char *mpath, emit_report *rep, mp_error *err)
{
	int rc = MP_OK;
	char *lock = fs_join(dir, "migration_lock.toml");
	if (!fs_exists(lock)) {
		rc = fs_write_file_atomic(lock, MIGRATION_LOCK_TOML, strlen(MIGRATION_LOCK_TOML), err);
		rep->lock_created = true;
	}
	free(lock);
	if (rc == MP_OK && (rep->written || rep->removed))
		rc = fs_sync_dir_fs(dir, err);
	if (rc == MP_OK) {
		mf_manifest m;
		emit_manifest_build(plan, &m);
		rc = manifest_save(&m, mpath, err);
		manifest_built_free(&m);
	}
	return rc;
}

static int load_old(const char *dir, const char *mpath, mf_manifest **old, char ***names, size_t *nnames,
                    mp_error *err)
{
	*old = NULL;
	if (fs_exists(dir) && !fs_is_dir(dir))
		return mp_error_set(err, MP_EIO, "%s exists and is not a directory", dir);
	if (fs_exists(mpath) && manifest_load(mpath, old, err) != MP_OK) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return mp_error_set(err, MP_EIO, "cannot regenerate over an unreadable manifest: %s (move it away first)",
		                    why);
	}
	if (fs_is_dir(dir) && migdir_list(dir, names, nnames, err) != MP_OK) {
		manifest_free(*old);
		*old = NULL;
		return err->code;
	}
	return MP_OK;
}

int emit_prisma_folder(const mp_plan *plan, const char *dir, diag_list *diags, emit_report *rep, mp_error *err)
{
	memset(rep, 0, sizeof *rep);
	mf_manifest *old = NULL;
	char *mpath = fs_join(dir, MANIFEST_FILENAME);
	char **names = NULL;
	size_t nnames = 0;
	int rc = load_old(dir, mpath, &old, &names, &nnames, err);
	if (rc != MP_OK) {
		free(mpath);
		return rc;
	}
	if (old && old->format != MANIFEST_FORMAT)
		rep->old_format = old->format;
	int errors_before = diags->errors;
	id_index old_ids = {0}, plan_ids = {0}, folders = {0};
	for (size_t i = 0; old && i < old->nsteps; i++)
		id_index_add(&old_ids, old->steps[i].id);
	id_index_sort(&old_ids);
	for (size_t i = 0; i < plan->count; i++)
		id_index_add(&plan_ids, plan->steps[i].id);
	id_index_sort(&plan_ids);
	for (size_t i = 0; i < nnames; i++)
		id_index_add(&folders, names[i]);
	id_index_sort(&folders);
	check_folder(plan, dir, names, nnames, &folders, old ? &old_ids : NULL, diags);
	rc = diags->errors > errors_before ? MP_EINVAL : MP_OK;
	if (rc == MP_OK)
		rc = fs_mkdir_p(dir, err);
	if (rc == MP_OK)
		rc = write_steps(plan, dir, rep, err);
	if (rc == MP_OK)
		rc = remove_stale(old, &plan_ids, dir, rep, err);
	if (rc == MP_OK)
		rc = write_rest(plan, dir, mpath, rep, err);
	free(old_ids.v);
	free(plan_ids.v);
	free(folders.v);
	fs_free_list(names, nnames);
	manifest_free(old);
	free(mpath);
	return rc;
}

static bool same_file(const char *path, const char *text, size_t n)
{
	char *old = NULL;
	size_t len = 0;
	bool same = fs_read_file(path, &old, &len, NULL) == MP_OK && len == n && memcmp(old, text, n) == 0;
	free(old);
	return same;
}

static void differs(emit_report *rep, char *path)
{
	*MP_VEC_PUSH(rep->differing, rep->ndiffering) = path;
}

/* What `migc compile` would change, byte for byte, writing nothing: every
 * step file, stale generated folders and the manifest itself (so a
 * consistently rewritten manifest, gates removed and chain recomputed, is
 * found as surely as a hand-edited migration.sql). */
int emit_check_folder(const mp_plan *plan, const char *dir, emit_report *rep, mp_error *err)
{
	memset(rep, 0, sizeof *rep);
	char *mpath = fs_join(dir, MANIFEST_FILENAME);
	mf_manifest *old = NULL;
	if (fs_exists(mpath) && manifest_load(mpath, &old, err) != MP_OK)
		old = NULL; /* unreadable: it differs, below */
	if (old && old->format != MANIFEST_FORMAT)
		rep->old_format = old->format;
	for (size_t i = 0; i < plan->count; i++) {
		const plan_step *s = &plan->steps[i];
		char *sub = fs_join(dir, s->id);
		char *up = fs_join(sub, "migration.sql"), *down = fs_join(sub, "down.sql");
		if (same_file(up, s->up_sql, strlen(s->up_sql)))
			free(up);
		else
			differs(rep, up);
		if (same_file(down, s->down_sql, strlen(s->down_sql)))
			free(down);
		else
			differs(rep, down);
		free(sub);
	}
	for (size_t i = 0; old && i < old->nsteps; i++) {
		bool planned = false;
		for (size_t j = 0; j < plan->count && !planned; j++)
			planned = strcmp(plan->steps[j].id, old->steps[i].id) == 0;
		char *sub = fs_join(dir, old->steps[i].id);
		if (!planned && fs_is_dir(sub))
			differs(rep, sub);
		else
			free(sub);
	}
	mf_manifest m;
	emit_manifest_build(plan, &m);
	mp_buf text = MP_BUF_INIT;
	manifest_render(&m, &text);
	manifest_built_free(&m);
	if (same_file(mpath, text.ptr, text.len))
		free(mpath);
	else
		differs(rep, mpath);
	buf_free(&text);
	manifest_free(old);
	return MP_OK;
}

void emit_report_free(emit_report *rep)
{
	for (size_t i = 0; i < rep->removed; i++)
		free(rep->removed_ids[i]);
	free(rep->removed_ids);
	for (size_t i = 0; i < rep->ndiffering; i++)
		free(rep->differing[i]);
	free(rep->differing);
}
