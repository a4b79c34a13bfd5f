/* Folder/manifest consistency after branches merge (`migc verify`). Only
 * files are read: what is applied where is the runtime's business. */
#include "history/history.h"
#include "util/vec.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "migdir/manifest.h"
#include "migdir/mark.h"
#include "migdir/order.h"
#include "migdir/verify.h"
#include "util/sha256.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hist_kind_name(hist_kind k)
{
	static const char *names[] = {"manifest_missing", "manifest_unreadable", "conflict_markers",
	                              "chain",            "order",               "missing_folder",
	                              "unlisted_step",    "hash",                "interleave"};
	return names[k];
}

/* ---- small shared helpers ---- */

static bool marker(const char *line, size_t len, char ch)
{
	if (len < 7)
		return false;
	for (int i = 0; i < 7; i++)
		if (line[i] != ch)
			return false;
	return len == 7 || line[7] == ' ' || line[7] == '\r';
}

bool history_split_conflict(const char *text, char **ours, char **theirs, char **ours_label, char **theirs_label)
{
	mp_buf o = MP_BUF_INIT, t = MP_BUF_INIT;
	enum { BOTH, OURS, BASE, THEIRS } state = BOTH;
	bool found = false;
	char *ol = NULL, *tl = NULL;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), full = e ? len + 1 : len;
		if (marker(p, len, '<') && state == BOTH) {
			state = OURS;
			found = true;
			if (!ol && len > 8)
				ol = xstrndup(p + 8, len - 8);
		} else if (marker(p, len, '|') && state == OURS) {
			state = BASE;
		} else if (marker(p, len, '=') && len == 7 && (state == OURS || state == BASE)) {
			state = THEIRS;
		} else if (marker(p, len, '>') && state == THEIRS) {
			state = BOTH;
			if (!tl && len > 8)
				tl = xstrndup(p + 8, len - 8);
		} else {
			if (state == BOTH || state == OURS)
				buf_put(&o, p, full);
			if (state == BOTH || state == THEIRS)
				buf_put(&t, p, full);
		}
		p += full;
	}
	if (!found) {
		buf_free(&o);
		buf_free(&t);
		return false;
	}
	*ours = buf_detach(&o);
	*theirs = buf_detach(&t);
	if (!*ours)
		*ours = xstrdup("");
	if (!*theirs)
		*theirs = xstrdup("");
	*ours_label = ol ? ol : xstrdup("ours");
	*theirs_label = tl ? tl : xstrdup("theirs");
	return true;
}

/* ---- the report ---- */

static void finding(hist_report *r, hist_kind k, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void finding(hist_report *r, hist_kind k, const char *step, const char *fmt, ...)
{
	hist_finding *f = MP_VEC_PUSH(r->findings, r->nfindings);
	f->kind = k;
	f->step = step ? xstrdup(step) : NULL;
	mp_buf b = MP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	f->message = buf_detach(&b);
}

static hist_step *find_step(hist_report *r, const char *id)
{
	for (size_t i = 0; i < r->nsteps; i++)
		if (strcmp(r->steps[i].id, id) == 0)
			return &r->steps[i];
	return NULL;
}

static hist_step *add_step(hist_report *r, const char *id)
{
	hist_step *s = MP_VEC_PUSH(r->steps, r->nsteps);
	s->id = xstrdup(id);
	return s;
}

static void fill(char **dst, const char *v)
{
	if (!*dst && v)
		*dst = xstrdup(v);
}

/* Steps listed by one manifest text (either side of a conflict). */
static bool note_manifest_steps(hist_report *r, const char *text, int where)
{
	json_t *root = json_loads(text, 0, NULL), *steps = root ? json_object_get(root, "steps") : NULL;
	if (!json_is_array(steps)) {
		json_decref(root);
		return false;
	}
	for (size_t i = 0; i < json_array_size(steps); i++) {
		json_t *o = json_array_get(steps, i);
		const char *id = json_string_value(json_object_get(o, "id"));
		if (!id)
			continue;
		hist_step *s = find_step(r, id);
		if (!s)
			s = add_step(r, id);
		s->where |= where;
		s->generated = true;
		fill(&s->lifecycle, json_string_value(json_object_get(o, "lifecycle")));
		fill(&s->spec, json_string_value(json_object_get(o, "spec")));
		fill(&s->phase, json_string_value(json_object_get(o, "phase")));
	}
	json_decref(root);
	return true;
}

static int scan_folders(hist_report *r, const char *dir, mp_error *err)
{
	char **names = NULL;
	size_t n = 0;
	if (!fs_is_dir(dir))
		return mp_error_set(err, MP_EIO, "%s: no such directory", dir);
	int rc = migdir_list(dir, &names, &n, err);
	for (size_t i = 0; rc == MP_OK && i < n; i++) {
		char *sub = fs_join(dir, names[i]), *path = fs_join(sub, "migration.sql");
		char *text = NULL;
		size_t len = 0;
		if (fs_read_file(path, &text, &len, NULL) == MP_OK) {
			hist_step *s = add_step(r, names[i]);
			s->where = HS_FOLDER;
			char *step = NULL;
			s->generated = migdir_mark_parse(text, &s->spec, &s->lifecycle, &s->phase, &step);
			free(step);
		}
		free(text);
		free(path);
		free(sub);
	}
	fs_free_list(names, n);
	return rc;
}

static long step_index(const mf_manifest *m, const char *id)
{
	for (size_t i = 0; i < m->nsteps; i++)
		if (strcmp(m->steps[i].id, id) == 0)
			return (long)i;
	return -1;
}

static void tell(hist_report *r, const mf_manifest *m, const verify_where *w)
{
	long k = step_index(m, w->step);
	if (w->kind == VERIFY_CHAIN)
		finding(r, HF_CHAIN, w->step,
		        "the manifest's chain breaks at step %ld (%s): the manifest was edited or merged by hand", k + 1, w->step);
	else if (w->kind == VERIFY_ORDER)
		finding(r, HF_ORDER, w->step, "the manifest lists %s after %s, but the folder order (Prisma's) runs it first",
		        w->step, m->steps[k - 1].id);
	else if (w->kind == VERIFY_HASH)
		finding(r, HF_HASH, w->step,
		        "%s does not hash to the manifest's sha256: edited by hand, or compiled on another branch "
		        "without this manifest",
		        w->path);
}

/* migdir's folder <-> manifest verification, told in a merge's terms; the
 * missing and unlisted folders are found over both sides of a conflict in
 * history_analyze. */
static void check_manifest(hist_report *r, const char *dir, const char *mpath)
{
	mf_manifest *m = NULL;
	mp_error e = {0, ""};
	if (manifest_load(mpath, &m, &e) != MP_OK) {
		finding(r, HF_MANIFEST_UNREADABLE, NULL, "%s", e.msg);
		return;
	}
	char **names = xcalloc(r->nsteps + 1, sizeof *names);
	size_t n = 0;
	for (size_t i = 0; i < r->nsteps; i++)
		if (r->steps[i].where & HS_FOLDER)
			names[n++] = r->steps[i].id;
	verify_report vr = {0};
	verify_manifest(dir, m, names, n, &vr);
	/* Chain, then order, then hashes: the order migc verify has always told them in. */
	static const verify_kind told[] = {VERIFY_CHAIN, VERIFY_ORDER, VERIFY_HASH};
	for (size_t t = 0; t < sizeof told / sizeof *told; t++)
		for (size_t i = 0; i < vr.n; i++)
			if (vr.where[i].kind == told[t])
				tell(r, m, &vr.where[i]);
	verify_report_free(&vr);
	free(names);
	manifest_free(m);
}

/* A lifecycle's steps must be contiguous in folder order and must not share
 * a timestamp with another lifecycle's: the compiler guarantees both for the
 * specs of one compile, a merge of two compiles does not. One finding per
 * pair of lifecycles. */
static void check_interleave(hist_report *r)
{
	typedef struct {
		const char *name;
		size_t first, last;
	} span;
	span *v = xcalloc(r->nsteps + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < r->nsteps; i++) {
		const hist_step *s = &r->steps[i];
		if (!(s->where & HS_FOLDER) || !s->generated || !s->lifecycle)
			continue;
		size_t j = 0;
		while (j < n && strcmp(v[j].name, s->lifecycle) != 0)
			j++;
		if (j == n)
			v[n++] = (span){s->lifecycle, i, i};
		v[j].last = i;
	}
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++) {
			if (v[b].first > v[a].last)
				continue;
			const hist_step *a1 = &r->steps[v[a].first], *a2 = &r->steps[v[a].last];
			const hist_step *b1 = &r->steps[v[b].first], *b2 = &r->steps[v[b].last];
			finding(r, HF_INTERLEAVE, b1->id,
			        "lifecycles %s (%s .. %s) and %s (%s .. %s) interleave in folder order%s", v[a].name, a1->id,
			        a2->id, v[b].name, b1->id, b2->id,
			        strncmp(a2->id, b1->id, 14) >= 0 ? ": their ids collide (each lifecycle's steps take id, id+1s, ...)"
			                                         : "");
		}
	free(v);
}

static int group_class(const hist_report *r, int where)
{
	if (!r->conflicted)
		return where & HS_MANIFEST;
	return where & (HS_OURS | HS_THEIRS);
}

const char *hist_where_label(const hist_report *r, int where)
{
	switch (group_class(r, where)) {
	case HS_MANIFEST:
		return "in the manifest";
	case HS_OURS | HS_THEIRS:
		return "on both sides";
	case HS_OURS:
		return r->ours_label;
	case HS_THEIRS:
		return r->theirs_label;
	default:
		return "not in the manifest";
	}
}

static void build_groups(hist_report *r)
{
	for (size_t i = 0; i < r->nsteps; i++) {
		const hist_step *s = &r->steps[i];
		if (!s->generated || !s->lifecycle)
			continue;
		int cls = group_class(r, s->where);
		hist_group *g = NULL;
		for (size_t j = 0; j < r->ngroups && !g; j++)
			if (r->groups[j].where == cls && strcmp(r->groups[j].lifecycle, s->lifecycle) == 0 &&
			    strcmp(r->groups[j].spec ? r->groups[j].spec : "", s->spec ? s->spec : "") == 0)
				g = &r->groups[j];
		if (!g) {
			g = MP_VEC_PUSH(r->groups, r->ngroups);
			g->lifecycle = xstrdup(s->lifecycle);
			g->spec = s->spec ? xstrdup(s->spec) : NULL;
			g->where = cls;
		}
		*MP_VEC_PUSH(g->steps, g->nsteps) = xstrdup(s->id);
	}
	/* From the first step the (clean) manifest does not list in place, every
	 * later lifecycle's chain was computed over another history. */
	const char *first = NULL;
	for (size_t i = 0; i < r->nsteps && !first; i++) {
		const hist_step *s = &r->steps[i];
		if (s->generated && (s->where & HS_FOLDER) &&
		    (r->conflicted ? (s->where & (HS_OURS | HS_THEIRS)) != (HS_OURS | HS_THEIRS) : !(s->where & HS_MANIFEST)))
			first = s->id;
	}
	for (size_t i = 0; i < r->nfindings && !first; i++)
		first = r->findings[i].step;
	for (size_t j = 0; j < r->ngroups; j++) {
		hist_group *g = &r->groups[j];
		int cls = g->where;
		g->involved = r->conflicted ? cls != (HS_OURS | HS_THEIRS) : cls != HS_MANIFEST;
		for (size_t k = 0; k < g->nsteps && !g->involved; k++) {
			g->involved = first && strcmp(g->steps[k], first) >= 0;
			for (size_t f = 0; f < r->nfindings && !g->involved; f++)
				g->involved = r->findings[f].step && strcmp(r->findings[f].step, g->steps[k]) == 0;
		}
	}
}

int history_analyze(const char *dir, hist_report *r, mp_error *err)
{
	memset(r, 0, sizeof *r);
	r->dir = xstrdup(dir);
	int rc = scan_folders(r, dir, err);
	if (rc != MP_OK)
		return rc;
	char *mpath = fs_join(dir, MANIFEST_FILENAME), *text = NULL;
	size_t len = 0;
	r->has_manifest = fs_exists(mpath);
	if (r->has_manifest && (rc = fs_read_file(mpath, &text, &len, err)) != MP_OK) {
		free(mpath);
		return rc;
	}
	char *ours = NULL, *theirs = NULL;
	if (text && history_split_conflict(text, &ours, &theirs, &r->ours_label, &r->theirs_label)) {
		r->conflicted = true;
		finding(r, HF_CONFLICT_MARKERS, NULL,
		        "%s has git conflict markers (%s vs %s): both branches compiled lifecycles; run `migc rebase`",
		        MANIFEST_FILENAME, r->ours_label, r->theirs_label);
		if (!note_manifest_steps(r, ours, HS_OURS))
			finding(r, HF_MANIFEST_UNREADABLE, NULL, "the %s side of the conflict is not a manifest", r->ours_label);
		if (!note_manifest_steps(r, theirs, HS_THEIRS))
			finding(r, HF_MANIFEST_UNREADABLE, NULL, "the %s side of the conflict is not a manifest",
			        r->theirs_label);
	} else if (text) {
		note_manifest_steps(r, text, HS_MANIFEST);
		check_manifest(r, dir, mpath);
	}
	bool any_generated = false;
	for (size_t i = 0; i < r->nsteps; i++) {
		hist_step *s = &r->steps[i];
		any_generated = any_generated || s->generated;
		bool listed = s->where & (HS_MANIFEST | HS_OURS | HS_THEIRS);
		if (listed && !(s->where & HS_FOLDER))
			finding(r, HF_MISSING_FOLDER, s->id, "the manifest lists %s but its folder is missing", s->id);
		else if (r->has_manifest && !listed && s->generated)
			finding(r, HF_UNLISTED_STEP, s->id,
			        "%s was generated (lifecycle %s, %s) but the manifest does not list it: compiled on another "
			        "branch?",
			        s->id, s->lifecycle ? s->lifecycle : "?", s->spec ? s->spec : "unknown spec");
	}
	if (!r->has_manifest && any_generated)
		finding(r, HF_MANIFEST_MISSING, NULL, "generated step folders but no %s", MANIFEST_FILENAME);
	check_interleave(r);
	build_groups(r);
	free(ours);
	free(theirs);
	free(text);
	free(mpath);
	return MP_OK;
}

void hist_report_free(hist_report *r)
{
	for (size_t i = 0; i < r->nsteps; i++) {
		free(r->steps[i].id);
		free(r->steps[i].lifecycle);
		free(r->steps[i].spec);
		free(r->steps[i].phase);
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].step);
		free(r->findings[i].message);
	}
	for (size_t i = 0; i < r->ngroups; i++) {
		for (size_t j = 0; j < r->groups[i].nsteps; j++)
			free(r->groups[i].steps[j]);
		free(r->groups[i].steps);
		free(r->groups[i].lifecycle);
		free(r->groups[i].spec);
	}
	free(r->steps);
	free(r->findings);
	free(r->groups);
	free(r->dir);
	free(r->ours_label);
	free(r->theirs_label);
	memset(r, 0, sizeof *r);
}
