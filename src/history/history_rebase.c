/* `migc rebase`: deterministic re-chaining after a merge. The result depends
 * only on the specs and on the set of pinned steps (possibly applied
 * somewhere), never on which side of a manifest conflict was taken or on a
 * previous run: lifecycles are ordered by id, pinned ones keep theirs, the
 * others keep theirs when they already run after every pinned step and are
 * otherwise moved just after the last one, in their id order. The compile
 * pipeline then regenerates everything, so spec, folders and manifest agree. */
#include "history/history.h"
#include "util/vec.h"
#include "util/buf.h"
#include "compiler/check.h"
#include "compiler/compile.h"
#include "compiler/emit.h"
#include "util/fsutil.h"
#include "migdir/manifest.h"
#include "grammar/parse.h"
#include "util/sha256.h"
#include "migdir/stepid.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	ast_lifecycle *al;
	size_t spec;        /* index into the specs */
	char *orig;         /* the id as written */
	char fake[15];      /* stand-in id for counting steps */
	char newid[15];
	char **suffixes;    /* step names without the timestamp and its '_' */
	size_t nsteps;
	bool pinned;
} rb_lc;

typedef struct {
	char **v;
	size_t n;
} strset;

static bool set_has(const strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

static void set_add(strset *s, const char *x)
{
	if (set_has(s, x))
		return;
	*MP_VEC_PUSH(s->v, s->n) = xstrdup(x);
}

static void set_free(strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Applied migration names from `migrun status --json` (rows finished and not
 * rolled back, whatever their state) or from a list, one name a line. */
static int read_applied(const char *path, strset *out, mp_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, &text, &len, err);
	if (rc != MP_OK)
		return rc;
	json_t *root = json_loads(text, 0, NULL);
	if (root) {
		json_t *steps = json_object_get(root, "steps");
		if (!json_is_array(steps)) {
			json_decref(root);
			free(text);
			return mp_error_set(err, MP_EINVAL, "%s: JSON without a \"steps\" array (expected `migrun status --json`)",
			                    path);
		}
		for (size_t i = 0; i < json_array_size(steps); i++) {
			json_t *o = json_array_get(steps, i);
			const char *id = json_string_value(json_object_get(o, "id"));
			if (id && json_is_string(json_object_get(o, "finished_at")) &&
			    !json_is_string(json_object_get(o, "rolled_back_at")))
				set_add(out, id);
		}
		json_decref(root);
	} else {
		for (char *line = strtok(text, "\r\n"); line; line = strtok(NULL, "\r\n")) {
			while (isspace((unsigned char)*line))
				line++;
			size_t n = strlen(line);
			while (n && isspace((unsigned char)line[n - 1]))
				line[--n] = '\0';
			if (n && line[0] != '#')
				set_add(out, line);
		}
	}
	free(text);
	return MP_OK;
}

static int cmp_lc(const void *a, const void *b)
{
	const rb_lc *x = a, *y = b;
	int c = strcmp(x->orig, y->orig);
	if (c)
		return c;
	c = (x->spec > y->spec) - (x->spec < y->spec);
	return c ? c : x->al->span.start - y->al->span.start;
}

static void step_name(mp_buf *b, const char *lcid, size_t k, const char *suffix)
{
	char ts[15];
	stepid_add(lcid, (int)k, ts);
	buf_clear(b);
	buf_printf(b, "%s_%s", ts, suffix);
}

/* Copies the errors of a scratch list (the counting pass ran with stand-in
 * ids, so its warnings would be said twice). */
static void copy_errors(diag_list *to, const diag_list *from)
{
	for (size_t i = 0; i < from->count; i++)
		if (from->items[i].severity == DIAG_ERROR)
			diag_add(to, DIAG_ERROR, from->items[i].src, from->items[i].span, "%s", from->items[i].message);
}

/* How many steps each lifecycle makes: check and plan with stand-in ids one
 * day apart in the same order, so two branches' colliding ids do not stop
 * the count. */
static int count_steps(compile_result *cr, rb_lc *lcs, size_t n, diag_list *diags)
{
	for (size_t i = 0; i < n; i++) {
		stepid_add("20000101000000", (int)(i * 86400), lcs[i].fake);
		lcs[i].al->id = lcs[i].fake;
	}
	diag_list scratch;
	diag_list_init(&scratch);
	int rc = check_specs(cr->specs, cr->count, &scratch, &cr->model);
	if (rc == MP_OK)
		rc = plan_build(cr->model, &scratch, &cr->plan);
	if (rc != MP_OK || scratch.errors)
		rc = MP_EINVAL;
	copy_errors(diags, &scratch);
	diag_list_free(&scratch);
	for (size_t k = 0; rc == MP_OK && k < cr->plan->count; k++) {
		const plan_step *s = &cr->plan->steps[k];
		for (size_t i = 0; i < n; i++) {
			if (s->lc->ast != lcs[i].al)
				continue;
			*MP_VEC_PUSH(lcs[i].suffixes, lcs[i].nsteps) = xstrdup(s->id + 15);
		}
	}
	for (size_t i = 0; i < n; i++)
		lcs[i].al->id = lcs[i].orig;
	plan_free(cr->plan);
	model_free(cr->model);
	cr->plan = NULL;
	cr->model = NULL;
	return rc;
}

static void last_ts(const rb_lc *l, const char *id, char out[15])
{
	stepid_add(id, l->nsteps ? (int)l->nsteps - 1 : 0, out);
}

/* Pinned lifecycles keep their ids; the others follow the last pinned step
 * (and the last plain Prisma migration, which may be applied too). */
static int place(rb_lc *lcs, size_t n, const char *foreign_floor, const char *pinned_by, mp_error *err)
{
	char floor[15] = "";
	const rb_lc *floor_lc = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!lcs[i].pinned)
			continue;
		if (floor_lc && strcmp(lcs[i].orig, floor) <= 0)
			return mp_error_set(err, MP_EINVAL,
			                    "lifecycles '%s' (%s) and '%s' (%s) collide and both are pinned (%s): renaming either "
			                    "would rename an applied step; pass --force, then run `migrun resolve --rebase` on every "
			                    "database that applied the renamed one",
			                    floor_lc->al->name.text, floor_lc->orig, lcs[i].al->name.text, lcs[i].orig, pinned_by);
		memcpy(lcs[i].newid, lcs[i].orig, 15);
		last_ts(&lcs[i], lcs[i].orig, floor);
		floor_lc = &lcs[i];
	}
	if (foreign_floor && strcmp(foreign_floor, floor) > 0)
		memcpy(floor, foreign_floor, 15);
	for (size_t i = 0; i < n; i++) {
		if (lcs[i].pinned)
			continue;
		if (floor[0] && strcmp(lcs[i].orig, floor) <= 0)
			stepid_add(floor, 1, lcs[i].newid);
		else
			memcpy(lcs[i].newid, lcs[i].orig, 15);
		if (lcs[i].nsteps)
			last_ts(&lcs[i], lcs[i].newid, floor);
	}
	return MP_OK;
}

/* The spec texts with every moved lifecycle's `at` id replaced in place. */
static int edit_specs(const compile_result *cr, const rb_lc *lcs, size_t n, char **texts, bool *changed,
                      mp_error *err)
{
	for (size_t s = 0; s < cr->count; s++) {
		const mp_source *src = cr->sources[s];
		texts[s] = xstrdup(src->text);
		changed[s] = false;
		for (size_t i = 0; i < n; i++) {
			if (lcs[i].spec != s || strcmp(lcs[i].orig, lcs[i].newid) == 0)
				continue;
			mp_span sp = lcs[i].al->id_span;
			if (sp.end - sp.start != 14 || memcmp(src->text + sp.start, lcs[i].orig, 14) != 0)
				return mp_error_set(err, MP_EINVAL, "%s: cannot find the id of lifecycle '%s' to edit it", src->path,
				                    lcs[i].al->name.text);
			memcpy(texts[s] + sp.start, lcs[i].newid, 14);
			changed[s] = true;
		}
	}
	return MP_OK;
}

static int compile_texts(const compile_result *old, char **texts, diag_list *diags, compile_result **out)
{
	compile_result *r = xcalloc(1, sizeof *r);
	*out = r;
	r->count = old->count;
	r->sources = xcalloc(r->count ? r->count : 1, sizeof *r->sources);
	r->specs = xcalloc(r->count ? r->count : 1, sizeof *r->specs);
	int rc = MP_OK;
	for (size_t i = 0; i < r->count; i++) {
		r->sources[i] = source_from_string(old->sources[i]->path, texts[i], strlen(texts[i]));
		r->sources[i]->name = xstrdup(source_name(old->sources[i]));
		if (parse_spec(r->sources[i], &r->specs[i], diags) != MP_OK)
			rc = MP_EINVAL;
	}
	if (rc == MP_OK && check_specs(r->specs, r->count, diags, &r->model) != MP_OK)
		rc = MP_EINVAL;
	if (rc == MP_OK && plan_build(r->model, diags, &r->plan) != MP_OK)
		rc = MP_EINVAL;
	return rc;
}

/* A pinned step must come out byte for byte as it is on disk: its checksum
 * is in some ledger. */
static int check_pinned_unchanged(const mp_plan *plan, const char *dir, const strset *pinned, mp_error *err)
{
	for (size_t i = 0; i < plan->count; i++) {
		const plan_step *s = &plan->steps[i];
		if (!set_has(pinned, s->id))
			continue;
		char *sub = fs_join(dir, s->id), *path = fs_join(sub, "migration.sql");
		char *text = NULL;
		size_t len = 0;
		int rc = MP_OK;
		if (fs_read_file(path, &text, &len, NULL) == MP_OK && (len != strlen(s->up_sql) || memcmp(text, s->up_sql, len)))
			rc = mp_error_set(err, MP_EINVAL,
			                  "regenerating %s would change its migration.sql, and it may be applied: was its spec "
			                  "edited, or named differently than the manifest's \"spec\"? (--force to accept)",
			                  s->id);
		free(text);
		free(path);
		free(sub);
		if (rc != MP_OK)
			return rc;
	}
	return MP_OK;
}

static int gather(const rebase_opts *o, const hist_report *h, strset *specs, strset *pinned, char foreign[15],
                  rebase_result *out, mp_error *err)
{
	foreign[0] = '\0';
	for (size_t i = 0; i < h->nsteps; i++) {
		const hist_step *s = &h->steps[i];
		if (s->generated && s->spec && !o->nspecs)
			set_add(specs, s->spec);
		if ((s->where & HS_FOLDER) && !s->generated && strlen(s->id) >= 14 && strspn(s->id, "0123456789") >= 14 &&
		    strncmp(s->id, foreign, 14) > 0) {
			memcpy(foreign, s->id, 14);
			foreign[14] = '\0';
		}
	}
	for (size_t i = 0; i < o->nspecs; i++)
		set_add(specs, o->specs[i]);
	if (specs->n == 0)
		return mp_error_set(err, MP_EINVAL, "%s: no generated step names a spec; give the specs on the command line",
		                    o->dir);
	qsort(specs->v, specs->n, sizeof *specs->v, cmp_str);
	if (o->force) {
		out->pinned_by = "nothing (--force)";
	} else if (o->napplied_from) {
		out->pinned_by = "the --applied-from ledgers";
		for (size_t i = 0; i < o->napplied_from; i++) {
			int rc = read_applied(o->applied_from[i], pinned, err);
			if (rc != MP_OK)
				return rc;
		}
	} else {
		out->pinned_by = h->conflicted ? "the steps on the first (HEAD) side of the manifest conflict"
		                               : "the steps the manifest lists";
		for (size_t i = 0; i < h->nsteps; i++)
			if (h->steps[i].where & (HS_MANIFEST | HS_OURS))
				set_add(pinned, h->steps[i].id);
	}
	return MP_OK;
}

static void record(rebase_result *out, const rb_lc *lcs, size_t n, const compile_result *cr)
{
	mp_buf a = MP_BUF_INIT, b = MP_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(lcs[i].orig, lcs[i].newid) == 0)
			continue;
		rebase_rename *r = MP_VEC_PUSH(out->renames, out->nrenames);
		r->lifecycle = xstrdup(lcs[i].al->name.text);
		r->spec = xstrdup(cr->sources[lcs[i].spec]->path);
		r->from = xstrdup(lcs[i].orig);
		r->to = xstrdup(lcs[i].newid);
		for (size_t k = 0; k < lcs[i].nsteps; k++) {
			step_name(&a, lcs[i].orig, k, lcs[i].suffixes[k]);
			step_name(&b, lcs[i].newid, k, lcs[i].suffixes[k]);
			rebase_step_rename *sr = MP_VEC_PUSH(out->steps, out->nsteps_renamed);
			sr->from = xstrdup(buf_cstr(&a));
			sr->to = xstrdup(buf_cstr(&b));
		}
	}
	buf_free(&a);
	buf_free(&b);
}

static bool plan_has(const mp_plan *p, const char *id)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->steps[i].id, id) == 0)
			return true;
	return false;
}

static bool plan_has_lifecycle(const mp_plan *p, const char *name)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->steps[i].lc->name, name) == 0)
			return true;
	return false;
}

static int write_all(const rebase_opts *o, const hist_report *h, const compile_result *cr, const compile_result *nr,
                     char **texts, const bool *changed, diag_list *diags, rebase_result *out, mp_error *err)
{
	int rc = MP_OK;
	for (size_t s = 0; rc == MP_OK && s < cr->count; s++)
		if (changed[s])
			rc = fs_write_file_atomic(cr->sources[s]->path, texts[s], strlen(texts[s]), err);
	char *mpath = fs_join(o->dir, MANIFEST_FILENAME);
	/* emit refuses to regenerate over a manifest it cannot read; the merged
	 * one is replaced as a whole anyway. */
	if (rc == MP_OK && h->conflicted && remove(mpath) != 0)
		rc = mp_error_set(err, MP_EIO, "%s: cannot remove the conflicted manifest", mpath);
	free(mpath);
	emit_report rep = {0};
	if (rc == MP_OK)
		rc = emit_prisma_folder(nr->plan, o->dir, diags, &rep, err);
	for (size_t i = 0; rc == MP_OK && i < rep.removed; i++) {
		*MP_VEC_PUSH(out->removed, out->nremoved) = xstrdup(rep.removed_ids[i]);
	}
	emit_report_free(&rep);
	/* Folders of our lifecycles under ids that no longer exist: the other
	 * branch's old names, which the manifest emit read did not list. */
	for (size_t i = 0; rc == MP_OK && i < h->nsteps; i++) {
		const hist_step *s = &h->steps[i];
		if (!(s->where & HS_FOLDER) || !s->generated || !s->lifecycle || plan_has(nr->plan, s->id) ||
		    !plan_has_lifecycle(nr->plan, s->lifecycle) || strchr(s->id, '/') || s->id[0] == '.')
			continue;
		char *sub = fs_join(o->dir, s->id);
		if (fs_is_dir(sub)) {
			rc = fs_remove_tree(sub, err);
			*MP_VEC_PUSH(out->removed, out->nremoved) = xstrdup(s->id);
		}
		free(sub);
	}
	return rc;
}

/* Unless rc is already an error: parses every spec and lists its lifecycles in id order, with their step
 * counts; on an invalid id, runs the checker so the diagnostics say why. */
/* A spec named by a generated folder: its name is relative to the project of
 * dir (compile_spec_name), which need not be the working directory. */
static char *spec_location(const char *name, const char *dir)
{
	char *project = name[0] != '/' && !fs_exists(name) ? compile_project_dir(dir) : NULL;
	char *path = project ? fs_join(project, name) : NULL;
	free(project);
	if (path && fs_exists(path))
		return path;
	free(path);
	return xstrdup(name);
}

static int load_lifecycles(int rc, const strset *specs, const rebase_opts *o, compile_result *cr, diag_list *diags,
                           rb_lc **out, size_t *nout, mp_error *err)
{
	cr->sources = xcalloc(specs->n ? specs->n : 1, sizeof *cr->sources);
	cr->specs = xcalloc(specs->n ? specs->n : 1, sizeof *cr->specs);
	for (size_t i = 0; rc == MP_OK && i < specs->n; i++) {
		char *path = spec_location(specs->v[i], o->dir);
		rc = source_load(path, &cr->sources[i], err);
		free(path);
		/* Recompiled under the name its folders record (compile_spec_name
		 * for a spec named on the command line), so pinned steps keep
		 * their bytes. */
		if (rc == MP_OK)
			cr->sources[i]->name = o->nspecs ? compile_spec_name(specs->v[i], o->dir) : xstrdup(specs->v[i]);
		if (rc == MP_OK) {
			cr->count++;
			if (parse_spec(cr->sources[i], &cr->specs[i], diags) != MP_OK)
				rc = MP_EINVAL;
		}
	}
	size_t n = 0;
	rb_lc *lcs = NULL;
	for (size_t i = 0; rc == MP_OK && i < cr->count; i++)
		for (ast_lifecycle *l = cr->specs[i]->lifecycles; l; l = l->next) {
			rb_lc *lc = MP_VEC_PUSH(lcs, n);
			lc->al = l;
			lc->spec = i;
			lc->orig = l->id;
			if (!stepid_valid(l->id))
				rc = MP_EINVAL; /* the checker says why, below */
		}
	if (rc == MP_OK) {
		qsort(lcs, n, sizeof *lcs, cmp_lc);
		rc = count_steps(cr, lcs, n, diags);
	} else if (rc == MP_EINVAL && cr->count == specs->n && !diags->errors) {
		check_specs(cr->specs, cr->count, diags, &cr->model);
	}
	*out = lcs;
	*nout = n;
	return rc;
}

int history_rebase(const rebase_opts *o, diag_list *diags, rebase_result *out, mp_error *err)
{
	memset(out, 0, sizeof *out);
	hist_report h;
	int rc = history_analyze(o->dir, &h, err);
	strset specs = {0}, pinned = {0};
	char foreign[15];
	if (rc == MP_OK)
		rc = gather(o, &h, &specs, &pinned, foreign, out, err);
	compile_result *cr = xcalloc(1, sizeof *cr), *nr = NULL;
	size_t n = 0;
	rb_lc *lcs = NULL;
	rc = load_lifecycles(rc, &specs, o, cr, diags, &lcs, &n, err);
	mp_buf name = MP_BUF_INIT;
	for (size_t i = 0; rc == MP_OK && i < n; i++)
		for (size_t k = 0; k < lcs[i].nsteps && !lcs[i].pinned; k++) {
			step_name(&name, lcs[i].orig, k, lcs[i].suffixes[k]);
			lcs[i].pinned = set_has(&pinned, buf_cstr(&name));
		}
	buf_free(&name);
	for (size_t i = 0; rc == MP_OK && i < n; i++)
		out->npinned += lcs[i].pinned;
	if (rc == MP_OK)
		rc = place(lcs, n, foreign[0] ? foreign : NULL, out->pinned_by, err);
	char **texts = xcalloc(cr->count ? cr->count : 1, sizeof *texts);
	bool *changed = xcalloc(cr->count ? cr->count : 1, sizeof *changed);
	if (rc == MP_OK)
		rc = edit_specs(cr, lcs, n, texts, changed, err);
	if (rc == MP_OK)
		rc = compile_texts(cr, texts, diags, &nr);
	if (rc == MP_OK && !o->force)
		rc = check_pinned_unchanged(nr->plan, o->dir, &pinned, err);
	if (rc == MP_OK) {
		record(out, lcs, n, cr);
		out->nplan = nr->plan->count;
		out->specs = xcalloc(specs.n ? specs.n : 1, sizeof *out->specs);
		for (size_t i = 0; i < specs.n; i++)
			out->specs[out->nspecs++] = xstrdup(specs.v[i]);
	}
	if (rc == MP_OK && !o->dry_run)
		rc = write_all(o, &h, cr, nr, texts, changed, diags, out, err);
	for (size_t i = 0; i < cr->count; i++)
		free(texts[i]);
	free(texts);
	free(changed);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < lcs[i].nsteps; k++)
			free(lcs[i].suffixes[k]);
		free(lcs[i].suffixes);
	}
	free(lcs);
	out->keep[0] = cr;
	out->keep[1] = nr;
	set_free(&specs);
	set_free(&pinned);
	hist_report_free(&h);
	return rc;
}

void rebase_result_free(rebase_result *r)
{
	for (size_t i = 0; i < r->nrenames; i++) {
		free(r->renames[i].lifecycle);
		free(r->renames[i].spec);
		free(r->renames[i].from);
		free(r->renames[i].to);
	}
	for (size_t i = 0; i < r->nsteps_renamed; i++) {
		free(r->steps[i].from);
		free(r->steps[i].to);
	}
	for (size_t i = 0; i < r->nremoved; i++)
		free(r->removed[i]);
	for (size_t i = 0; i < r->nspecs; i++)
		free(r->specs[i]);
	free(r->renames);
	free(r->steps);
	free(r->removed);
	free(r->specs);
	compile_result_free(r->keep[0]);
	compile_result_free(r->keep[1]);
	memset(r, 0, sizeof *r);
}
