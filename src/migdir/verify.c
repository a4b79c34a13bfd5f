/* Folder <-> manifest verification (migdir/verify.h), for both binaries. */
#include "migdir/verify.h"
#include "migdir/mark.h"
#include "migdir/order.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/vec.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void problem(verify_report *r, verify_kind kind, const char *step, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void problem(verify_report *r, verify_kind kind, const char *step, const char *path, const char *fmt, ...)
{
	mp_buf b = MP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* problems and where grow in step: the count moves once, with where. */
	size_t n = r->n;
	*MP_VEC_PUSH(r->problems, n) = buf_detach(&b);
	verify_where *w = MP_VEC_PUSH(r->where, r->n);
	*w = (verify_where){kind, xstrdup(step), path ? xstrdup(path) : NULL};
}

static void check_file(const char *dir, const mf_step *s, const mf_file *file, const char *what, verify_report *r)
{
	char *path = fs_join(dir, file->path);
	char got[SHA256_HEX_LEN + 1];
	mp_error e = {0, ""};
	if (!fs_exists(path))
		problem(r, VERIFY_FILE_MISSING, s->id, file->path, "%s: %s file %s is missing", s->id, what, file->path);
	else if (sha256_file_hex(path, got, &e) != MP_OK)
		problem(r, VERIFY_FILE_UNREADABLE, s->id, file->path, "%s: %s", s->id, e.msg);
	else if (strcmp(got, file->sha256) != 0)
		problem(r, VERIFY_HASH, s->id, file->path,
		        "%s: %s changed since it was generated (%s: sha256 %.12s…, manifest says %.12s…)", s->id, file->path,
		        what, got, file->sha256);
	free(path);
}

/* The lifecycle of a folder that carries migc's mark, NULL for any other. */
static char *generated_lifecycle(const char *dir, const char *name)
{
	char *sub = fs_join(dir, name), *path = fs_join(sub, "migration.sql"), *text = NULL;
	char *spec = NULL, *lc = NULL, *phase = NULL, *step = NULL;
	if (fs_read_file(path, &text, NULL, NULL) == MP_OK)
		migdir_mark_parse(text, &spec, &lc, &phase, &step);
	free(spec);
	free(phase);
	free(step);
	free(text);
	free(path);
	free(sub);
	return lc;
}

/* Or, for a folder without the mark (hand-copied, header stripped), the
 * shape migc gives its folders: <14 digits>_<a lifecycle of the manifest>_…
 * with a down.sql beside its migration.sql. */
static char *named_like_generated(const char *dir, const mf_manifest *mf, const char *name)
{
	if (strlen(name) < 16 || name[14] != '_')
		return NULL;
	for (size_t i = 0; i < mf->nsteps; i++) {
		const char *lc = mf->steps[i].lifecycle;
		size_t n = strlen(lc);
		if (strncmp(name + 15, lc, n) != 0 || name[15 + n] != '_')
			continue;
		char *sub = fs_join(dir, name), *down = fs_join(sub, "down.sql");
		bool has = fs_exists(down);
		free(sub);
		free(down);
		return has ? xstrdup(lc) : NULL;
	}
	return NULL;
}

static bool has_name(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static bool is_path(const char *path, const char *id, const char *file)
{
	size_t n = strlen(id);
	return strncmp(path, id, n) == 0 && path[n] == '/' && strcmp(path + n + 1, file) == 0;
}

/* The files of a step are exactly its folder's migration.sql and down.sql
 * (what apply, rollback and rehearse open), and nothing on the way to them
 * is a symbolic link that could lead out of the folder. */
static void check_paths(const char *dir, const mf_step *s, verify_report *out)
{
	if (!is_path(s->up.path, s->id, "migration.sql"))
		problem(out, VERIFY_UP_OUTSIDE, s->id, s->up.path, "%s: up file %s is not %s/migration.sql", s->id,
		        s->up.path, s->id);
	if (!is_path(s->down.path, s->id, "down.sql"))
		problem(out, VERIFY_DOWN_OUTSIDE, s->id, s->down.path, "%s: down file %s is not %s/down.sql", s->id,
		        s->down.path, s->id);
	const char *rel[3] = {s->id, "migration.sql", "down.sql"};
	char *sub = fs_join(dir, s->id);
	for (int i = 0; i < 3; i++) {
		char *p = i ? fs_join(sub, rel[i]) : xstrdup(sub);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
			problem(out, VERIFY_SYMLINK, s->id, i ? rel[i] : NULL, "%s: %s is a symbolic link; migrun reads only "
			        "regular files inside the migrations folder", s->id, i ? rel[i] : "the step's folder");
		free(p);
	}
	free(sub);
}

size_t verify_manifest(const char *dir, const mf_manifest *mf, char *const *names, size_t n, verify_report *out)
{
	size_t before = out->n;
	for (size_t i = 0; i < mf->nsteps; i++) {
		const mf_step *s = &mf->steps[i];
		if (!has_name(names, n, s->id))
			problem(out, VERIFY_MISSING_FOLDER, s->id, NULL,
			        "%s: listed in the manifest but its folder (with migration.sql) is missing", s->id);
		check_paths(dir, s, out);
		/* a path that is not the step's own file is reported, never opened */
		if (is_path(s->up.path, s->id, "migration.sql"))
			check_file(dir, s, &s->up, "up", out);
		if (is_path(s->down.path, s->id, "down.sql"))
			check_file(dir, s, &s->down, "down", out);
		if (i > 0 && strcmp(mf->steps[i - 1].id, s->id) == 0)
			problem(out, VERIFY_ORDER, s->id, NULL, "%s: listed twice in the manifest", s->id);
		else if (i > 0 && migdir_name_compare(mf->steps[i - 1].id, s->id) >= 0)
			problem(out, VERIFY_ORDER, s->id, NULL, "%s: listed after %s but sorts before it; steps run in folder-name order",
			        s->id, mf->steps[i - 1].id);
	}
	long broken = manifest_chain_check(mf);
	if (broken >= 0)
		problem(out, VERIFY_CHAIN, mf->steps[broken].id, NULL,
		        "%s: hash chain does not recompute from here on (a step was edited, removed, "
		        "inserted or reordered in the manifest)",
		        mf->steps[broken].id);
	for (size_t i = 0; i < n; i++) {
		if (manifest_find(mf, names[i]))
			continue;
		char *lc = generated_lifecycle(dir, names[i]);
		if (!lc)
			lc = named_like_generated(dir, mf, names[i]);
		if (lc)
			problem(out, VERIFY_UNLISTED, names[i], NULL,
			        "%s: a generated step of lifecycle %s that the manifest does not list", names[i], lc);
		free(lc);
	}
	return out->n - before;
}

int verify_folder(const mig_folder *f, verify_report *out, mp_error *err)
{
	memset(out, 0, sizeof *out);
	if (!f->manifest)
		return MP_OK;
	char **names = xcalloc(f->n + 1, sizeof *names);
	for (size_t i = 0; i < f->n; i++)
		names[i] = f->migs[i].name;
	verify_manifest(f->dir, f->manifest, names, f->n, out);
	free(names);
	if (out->n)
		return mp_error_set(err, MP_EVERIFY, "%s", out->problems[0]);
	return MP_OK;
}

void verify_report_free(verify_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->problems[i]);
		free(r->where[i].step);
		free(r->where[i].path);
	}
	free(r->problems);
	free(r->where);
	memset(r, 0, sizeof *r);
}
