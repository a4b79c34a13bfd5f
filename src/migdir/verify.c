#include "migdir/verify.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void problem(verify_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(verify_report *r, const char *fmt, ...)
{
	mp_buf b = MP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->problems = xrealloc(r->problems, (r->n + 1) * sizeof *r->problems);
	r->problems[r->n++] = buf_detach(&b);
}

static void check_file(const mig_folder *f, const mf_step *s, const mf_file *file, const char *what,
                       verify_report *r)
{
	char *path = fs_join(f->dir, file->path);
	char got[SHA256_HEX_LEN + 1];
	mp_error e = {0, ""};
	if (!fs_exists(path))
		problem(r, "%s: %s file %s is missing", s->id, what, file->path);
	else if (sha256_file_hex(path, got, &e) != MP_OK)
		problem(r, "%s: %s", s->id, e.msg);
	else if (strcmp(got, file->sha256) != 0)
		problem(r, "%s: %s changed since it was generated (%s: sha256 %.12s…, manifest says %.12s…)", s->id,
		        file->path, what, got, file->sha256);
	free(path);
}

/* A folder migc would have generated for one of the manifest's lifecycles:
 * <14 digits>_<lifecycle>_… with a down.sql beside its migration.sql. */
static const char *looks_generated(const mig_folder *f, const folder_mig *m)
{
	const char *name = m->name;
	if (strlen(name) < 16 || name[14] != '_')
		return NULL;
	for (size_t i = 0; i < f->manifest->nsteps; i++) {
		const char *lc = f->manifest->steps[i].lifecycle;
		size_t n = strlen(lc);
		if (strncmp(name + 15, lc, n) == 0 && name[15 + n] == '_') {
			char *sub = fs_join(f->dir, name);
			char *down = fs_join(sub, "down.sql");
			bool has = fs_exists(down);
			free(sub);
			free(down);
			return has ? lc : NULL;
		}
	}
	return NULL;
}

int verify_folder(const mig_folder *f, verify_report *out, mp_error *err)
{
	memset(out, 0, sizeof *out);
	const mf_manifest *mf = f->manifest;
	if (!mf)
		return MP_OK;
	for (size_t i = 0; i < mf->nsteps; i++) {
		const mf_step *s = &mf->steps[i];
		if (folder_index(f, s->id) < 0)
			problem(out, "%s: listed in the manifest but its folder (with migration.sql) is missing", s->id);
		size_t idlen = strlen(s->id);
		if (strncmp(s->up.path, s->id, idlen) != 0 || s->up.path[idlen] != '/')
			problem(out, "%s: up file %s is not in the step's folder", s->id, s->up.path);
		check_file(f, s, &s->up, "up", out);
		check_file(f, s, &s->down, "down", out);
		if (i > 0 && folder_name_compare(mf->steps[i - 1].id, s->id) >= 0)
			problem(out, "%s: listed after %s but sorts before it; steps run in folder-name order", s->id,
			        mf->steps[i - 1].id);
	}
	long broken = manifest_chain_check(mf);
	if (broken >= 0)
		problem(out, "%s: hash chain does not recompute from here on (a step was edited, removed, "
		        "inserted or reordered in the manifest)", mf->steps[broken].id);
	for (size_t i = 0; i < f->n; i++) {
		const folder_mig *m = &f->migs[i];
		const char *lc = m->step ? NULL : looks_generated(f, m);
		if (lc)
			problem(out, "%s: a generated step of lifecycle %s that the manifest does not list", m->name, lc);
	}
	if (out->n)
		return mp_error_set(err, MP_EVERIFY, "%s", out->problems[0]);
	return MP_OK;
}

void verify_report_free(verify_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->problems[i]);
	free(r->problems);
	memset(r, 0, sizeof *r);
}
