/* libFuzzer target for the manifest as both binaries read it: load, the folder beside it, verification. */
/*
 * The input is a migplan.manifest.json, written to a scratch file and loaded
 * with folder_load as the manifest of one of the project's real migrations
 * folders (every examples/<name>/prisma/migrations and the format-1
 * fixture), then checked with verify_folder. The folder chosen is the one
 * whose step ids the input names most, so the examples' own manifests (the
 * seeds) verify clean and their mutations reach every kind of problem.
 * Folders are only read. Properties: verify is clean exactly when it
 * reports nothing, every problem names its step, and a manifest that loads
 * renders to a text that loads again and renders the same.
 */
#include "migdir/folder.h"
#include "migdir/manifest.h"
#include "migdir/verify.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIRS 16

typedef struct {
	char *dir;
	char **ids; /* its manifest's step ids */
	size_t nids;
} example;

static example examples[MAX_DIRS];
static size_t nexamples;
static char *input_path, *render_path;

/* Adds dir when it holds a manifest that verifies clean against it: the
 * harness then starts from folders where every check passes. */
static void add_example(const char *dir)
{
	mig_folder f;
	mp_error err = {0};
	if (nexamples == MAX_DIRS || !fs_is_dir(dir) || folder_load(dir, NULL, true, &f, &err) != MP_OK)
		return;
	verify_report rep = {0};
	if (verify_folder(&f, &rep, &err) == MP_OK) {
		example *e = &examples[nexamples++];
		e->dir = xstrdup(dir);
		e->nids = f.manifest->nsteps;
		e->ids = xcalloc(e->nids ? e->nids : 1, sizeof *e->ids);
		for (size_t i = 0; i < e->nids; i++)
			e->ids[i] = xstrdup(f.manifest->steps[i].id);
	} else {
		fprintf(stderr, "fuzz_manifest: %s does not verify (%s), not used\n", dir, err.msg);
	}
	verify_report_free(&rep);
	folder_free(&f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *src = getenv("MIGPLAN_SOURCE_DIR");
	if (!src || !*src)
		src = MIGPLAN_FUZZ_SOURCE_DIR;
	char *ex = fs_join(src, "examples"), **names = NULL;
	size_t n = 0;
	mp_error err = {0};
	if (fs_list_subdirs(ex, &names, &n, &err) == MP_OK)
		for (size_t i = 0; i < n; i++) {
			mp_buf b = MP_BUF_INIT;
			buf_printf(&b, "%s/%s/prisma/migrations", ex, names[i]);
			add_example(buf_cstr(&b));
			buf_free(&b);
		}
	fs_free_list(names, n);
	free(ex);
	char *fixture = fs_join(src, "tests/fixtures/manifest-format1/prisma/migrations");
	add_example(fixture);
	free(fixture);
	const char *scratch = nexamples ? fuzz_scratch_dir("fuzz-manifest") : NULL;
	if (!scratch) {
		fprintf(stderr, "fuzz_manifest: no example migrations folder under %s (set MIGPLAN_SOURCE_DIR), or no scratch directory\n", src);
		return -1;
	}
	input_path = fs_join(scratch, "input.json");
	render_path = fs_join(scratch, "rendered.json");
	return 0;
}

static bool contains(const uint8_t *data, size_t size, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; n && i + n <= size; i++)
		if (data[i] == (uint8_t)s[0] && memcmp(data + i, s, n) == 0)
			return true;
	return false;
}

static const example *pick(const uint8_t *data, size_t size)
{
	size_t best = 0, most = 0;
	for (size_t i = 0; i < nexamples; i++) {
		size_t hits = 0;
		for (size_t j = 0; j < examples[i].nids; j++)
			hits += contains(data, size, examples[i].ids[j]);
		if (hits > most) {
			most = hits;
			best = i;
		}
	}
	return &examples[best];
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	FUZZ_CHECK(f && fwrite(data, 1, size, f) == size && fclose(f) == 0);
}

static void check_verify(const mig_folder *f)
{
	verify_report rep = {0};
	mp_error err = {0};
	int rc = verify_folder(f, &rep, &err);
	FUZZ_CHECK((rc == MP_OK) == (rep.n == 0));
	FUZZ_CHECK(rc == MP_OK || rc == MP_EVERIFY);
	for (size_t i = 0; i < rep.n; i++) {
		FUZZ_CHECK(rep.problems[i] && rep.where[i].step);
		verify_kind k = rep.where[i].kind;
		if (k == VERIFY_FILE_MISSING || k == VERIFY_FILE_UNREADABLE || k == VERIFY_HASH)
			FUZZ_CHECK(rep.where[i].path != NULL);
	}
	/* a clean verify has recomputed the chain */
	if (rc == MP_OK)
		FUZZ_CHECK(manifest_chain_check(f->manifest) == -1);
	verify_report_free(&rep);
}

/* What migc would write of this manifest reads back as the same manifest. */
static void check_round_trip(mf_manifest *m)
{
	mp_buf first = MP_BUF_INIT, second = MP_BUF_INIT;
	manifest_render(m, &first);
	write_file(render_path, first.ptr ? first.ptr : "", first.len);
	mf_manifest *again = NULL;
	mp_error err = {0};
	int rc = manifest_load(render_path, &again, &err);
	if (rc != MP_OK)
		fprintf(stderr, "fuzz_manifest: the rendered manifest does not load: %s\n", err.msg);
	FUZZ_CHECK(rc == MP_OK);
	FUZZ_CHECK(again->format == MANIFEST_FORMAT && again->nsteps == m->nsteps);
	FUZZ_CHECK(manifest_chain_check(again) == -1);
	manifest_render(again, &second);
	FUZZ_CHECK(first.len == second.len && memcmp(buf_cstr(&first), buf_cstr(&second), first.len) == 0);
	manifest_free(again);
	buf_free(&first);
	buf_free(&second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const example *e = pick(data, size);
	write_file(input_path, data, size);
	mig_folder f;
	mp_error err = {0};
	int rc = folder_load(e->dir, input_path, true, &f, &err);
	if (rc == MP_OK) {
		FUZZ_CHECK(f.manifest != NULL);
		check_verify(&f);
		check_round_trip(f.manifest);
		folder_free(&f);
	}
	return 0;
}
