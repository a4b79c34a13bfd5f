/* The manifest reader and writer (migdir/manifest.h): format 2 round trip, format 1 read and converted, lock relations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "migdir/manifest.h"
#include "util/fsutil.h"

static char tmpdir[] = "/tmp/migplan-manifest-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* Loads text as a manifest file; the error's text in msg. */
static int load_text(const char *text, mf_manifest **m, mp_error *err)
{
	char *path = fs_join(tmpdir, MANIFEST_FILENAME);
	mp_error werr;
	assert_int_equal(fs_write_file_atomic(path, text, strlen(text), &werr), MP_OK);
	int rc = manifest_load(path, m, err);
	free(path);
	return rc;
}

/* One step of format FMT whose locks array is LOCKS (the shape is checked
 * before any hash, so the hashes need not match). */
static int load_step_locks(int format, const char *locks, mf_manifest **m, mp_error *err)
{
	char text[2048];
	snprintf(text, sizeof text,
	         "{\"format\": %d, \"generator\": \"test\", \"steps\": [{\"id\": \"20250101000000_x_expand\", "
	         "\"lifecycle\": \"x\", \"phase\": \"expand\", "
	         "\"up\": {\"path\": \"a/migration.sql\", \"sha256\": \"%064d\"}, "
	         "\"down\": {\"path\": \"a/down.sql\", \"sha256\": \"%064d\"}, "
	         "\"transactional\": true, \"locks\": %s, \"gates\": [], \"chain\": \"%064d\"}]}",
	         format, 0, 0, locks, 0);
	return load_text(text, m, err);
}

static mf_lock lock(const char *mode, const char *schema, const char *table)
{
	return (mf_lock){(char *)mode, (char *)schema, (char *)table};
}

static void assert_lock(const mf_lock *l, const char *mode, const char *schema, const char *table)
{
	assert_string_equal(l->mode, mode);
	if (schema)
		assert_string_equal(l->schema, schema);
	else
		assert_null(l->schema);
	assert_string_equal(l->table, table);
}

/* Written in format 2, read back the same, chain intact, rendered to the same bytes. */
static void test_format2_round_trip(void **state)
{
	(void)state;
	mf_lock locks[] = {lock("ACCESS EXCLUSIVE", NULL, "User"), lock("SHARE ROW EXCLUSIVE", "app", "we\"ird"),
	                   lock("ROW SHARE", "a.b", "c.d")};
	/* the second with a batch_time, which the first leaves out */
	mf_backfill refills[] = {{NULL, "User", "id", "legacy", "(\"status\")", 500, 0, true},
	                         {"app", "User", "id", "old", "upper(\"new\")", 10, 50, true}};
	mf_step step = {.id = "20250101000000_x_expand", .lifecycle = "x", .spec = "prisma/x.mig", .phase = "expand",
	                .up = {.path = "20250101000000_x_expand/migration.sql"},
	                .down = {.path = "20250101000000_x_expand/down.sql"},
	                .transactional = true, .locks = locks, .nlocks = 3, .down_refills = refills, .ndown_refills = 2};
	memset(step.up.sha256, 'a', SHA256_HEX_LEN);
	memset(step.down.sha256, 'b', SHA256_HEX_LEN);
	mf_manifest m = {.format = MANIFEST_FORMAT_1, .generator = "test", .steps = &step, .nsteps = 1};
	mp_buf text = MP_BUF_INIT;
	manifest_render(&m, &text);
	assert_int_equal(m.format, MANIFEST_FORMAT); /* the writer writes format 2 only */
	assert_non_null(strstr(buf_cstr(&text), "\"format\": 2,"));
	assert_non_null(strstr(buf_cstr(&text), "\"schema\": null,\n          \"table\": \"User\""));
	assert_null(strstr(buf_cstr(&text), "\"relation\""));

	mf_manifest *back = NULL;
	mp_error err = {0};
	assert_int_equal(load_text(buf_cstr(&text), &back, &err), MP_OK);
	assert_int_equal(back->format, MANIFEST_FORMAT);
	assert_int_equal(back->steps[0].nlocks, 3);
	assert_lock(&back->steps[0].locks[0], "ACCESS EXCLUSIVE", NULL, "User");
	assert_lock(&back->steps[0].locks[1], "SHARE ROW EXCLUSIVE", "app", "we\"ird");
	assert_lock(&back->steps[0].locks[2], "ROW SHARE", "a.b", "c.d"); /* dots are names here */
	assert_int_equal(back->steps[0].ndown_refills, 2);
	assert_null(back->steps[0].down_refills[0].schema);
	assert_string_equal(back->steps[0].down_refills[1].schema, "app");
	assert_string_equal(back->steps[0].down_refills[1].value, "upper(\"new\")");
	assert_int_equal(back->steps[0].down_refills[0].batch, 500);
	assert_true(back->steps[0].down_refills[1].only_null);
	assert_int_equal(back->steps[0].down_refills[0].batch_time_ms, 0);
	assert_int_equal(back->steps[0].down_refills[1].batch_time_ms, 50);
	assert_int_equal(manifest_chain_check(back), -1);
	mp_buf again = MP_BUF_INIT;
	manifest_render(back, &again);
	assert_string_equal(buf_cstr(&again), buf_cstr(&text));
	buf_free(&again);
	buf_free(&text);
	manifest_free(back);
}

/* The committed format-1 fixture, as the format-1 writer left it: read,
 * its dotted relations split, its chains (computed over the format-1 text)
 * still recomputing; rewritten, it is format 2 with the same locks. */
static void test_format1_fixture_read_and_converted(void **state)
{
	(void)state;
	const char *path = MIGPLAN_SOURCE_DIR "/tests/fixtures/manifest-format1/prisma/migrations/" MANIFEST_FILENAME;
	mf_manifest *m = NULL;
	mp_error err = {0};
	assert_int_equal(manifest_load(path, &m, &err), MP_OK);
	assert_int_equal(m->format, MANIFEST_FORMAT_1);
	assert_int_equal(manifest_chain_check(m), -1);
	const mf_step *fk = manifest_find(m, "20250401090000_post_constraints_expand");
	assert_non_null(fk);
	assert_true(fk->nlocks >= 2);
	bool post = false, user = false;
	for (size_t i = 0; i < fk->nlocks; i++) {
		assert_null(fk->locks[i].schema); /* "Post": no schema in the spec */
		post |= strcmp(fk->locks[i].table, "Post") == 0;
		user |= strcmp(fk->locks[i].table, "User") == 0;
	}
	assert_true(post && user);
	const mf_step *h = manifest_find(m, "20250501090000_hostile_expand");
	assert_non_null(h);
	assert_lock(&h->locks[0], "ACCESS EXCLUSIVE", "app", "we\"ird"); /* "app.we\"ird" */

	mp_buf text = MP_BUF_INIT;
	manifest_render(m, &text);
	mf_manifest *m2 = NULL;
	assert_int_equal(load_text(buf_cstr(&text), &m2, &err), MP_OK);
	assert_int_equal(m2->format, MANIFEST_FORMAT);
	assert_int_equal(manifest_chain_check(m2), -1);
	assert_int_equal(m2->nsteps, m->nsteps);
	for (size_t i = 0; i < m->nsteps; i++) {
		assert_int_equal(m2->steps[i].nlocks, m->steps[i].nlocks);
		for (size_t j = 0; j < m->steps[i].nlocks; j++)
			assert_lock(&m2->steps[i].locks[j], m->steps[i].locks[j].mode, m->steps[i].locks[j].schema,
			            m->steps[i].locks[j].table);
	}
	buf_free(&text);
	manifest_free(m2);
	manifest_free(m);
}

/* A format-1 step read from hand-written text: no dot, one dot; a changed
 * relation no longer matches the chain of the format-1 text. */
static void test_format1_split_rule(void **state)
{
	(void)state;
	mf_manifest *m = NULL;
	mp_error err = {0};
	assert_int_equal(load_step_locks(1,
	                                 "[{\"mode\": \"ACCESS EXCLUSIVE\", \"relation\": \"User\"}, "
	                                 "{\"mode\": \"ROW SHARE\", \"relation\": \"public.Post\"}]",
	                                 &m, &err),
	                 MP_OK);
	assert_int_equal(m->format, MANIFEST_FORMAT_1);
	assert_lock(&m->steps[0].locks[0], "ACCESS EXCLUSIVE", NULL, "User");
	assert_lock(&m->steps[0].locks[1], "ROW SHARE", "public", "Post");
	/* the chain covers the text of the format the file was read in */
	char zeros[SHA256_HEX_LEN + 1];
	memset(zeros, '0', SHA256_HEX_LEN);
	zeros[SHA256_HEX_LEN] = '\0';
	manifest_chain_step(MANIFEST_FORMAT_1, zeros, &m->steps[0], m->steps[0].chain);
	assert_int_equal(manifest_chain_check(m), -1);
	m->format = MANIFEST_FORMAT;
	assert_int_equal(manifest_chain_check(m), 0);
	manifest_free(m);
}

static void assert_refused(int format, const char *locks, const char *says)
{
	mf_manifest *m = NULL;
	mp_error err = {0};
	assert_int_equal(load_step_locks(format, locks, &m, &err), MP_EVERIFY);
	assert_null(m);
	if (!strstr(err.msg, says))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, says);
	assert_non_null(strstr(err.msg, "step 1"));
}

/* Format 1 names containing more than one dot cannot be split safely. */
static void test_format1_ambiguous_refused(void **state)
{
	(void)state;
	assert_refused(1, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"relation\": \"a.b.c.d\"}]",
	               "format-1 lock relation \"a.b.c.d\" is ambiguous (more than one dot); recompile");
	assert_refused(1, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"relation\": \"public.\"}]",
	               "format-1 lock relation \"public.\" has an empty schema or table name");
	assert_refused(1, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"relation\": \".User\"}]", "empty schema or table");
	assert_refused(1, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"relation\": \"\"}]", "empty schema or table");
	assert_refused(1, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"schema\": null, \"table\": \"User\"}]",
	               "missing or non-string field \"relation\"");
}

/* A malformed relation object in format 2 is refused, saying what is wrong. */
static void test_format2_malformed_lock_refused(void **state)
{
	(void)state;
	assert_refused(2, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"relation\": \"public.User\"}]",
	               "a lock has \"relation\", which is format 1; format 2 names it by \"schema\" and \"table\"");
	assert_refused(2, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"table\": \"User\"}]",
	               "a lock's \"schema\" must be a non-empty string or null");
	assert_refused(2, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"schema\": 5, \"table\": \"User\"}]",
	               "a lock's \"schema\" must be a non-empty string or null");
	assert_refused(2, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"schema\": \"\", \"table\": \"User\"}]",
	               "a lock's \"schema\" must be a non-empty string or null");
	assert_refused(2, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"schema\": null}]",
	               "a lock's \"table\" must be a non-empty string");
	assert_refused(2, "[{\"mode\": \"ACCESS EXCLUSIVE\", \"schema\": \"app\", \"table\": [\"x\"]}]",
	               "a lock's \"table\" must be a non-empty string");
	assert_refused(2, "[{\"schema\": null, \"table\": \"User\"}]", "missing or non-string field \"mode\"");
	assert_refused(2, "[\"ACCESS EXCLUSIVE on User\"]", "a lock is not an object");
}

/* Formats 1 and 2 exactly: 3, 0 and values a cast would wrap to 2 are refused. */
/* A down_refills entry is checked like a backfill. */
static void test_down_refills_shape_checked(void **state)
{
	(void)state;
	const char *bad[] = {"\"down_refills\": 3", "\"down_refills\": [1]",
	                     "\"down_refills\": [{\"table\": \"t\", \"key\": \"id\", \"column\": \"c\", \"value\": \"1\", \"batch\": 0}]",
	                     "\"down_refills\": [{\"table\": \"t\", \"key\": \"id\", \"column\": \"c\", \"value\": \"1\", \"batch\": 5, "
	                     "\"batch_time\": \"0ms\"}]",
	                     "\"down_refills\": [{\"table\": \"t\", \"key\": \"id\", \"column\": \"c\", \"value\": \"1\", \"batch\": 5, "
	                     "\"batch_time\": 20}]"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[2048];
		snprintf(text, sizeof text,
		         "{\"format\": 2, \"generator\": \"test\", \"steps\": [{\"id\": \"20250101000000_x_contract\", "
		         "\"lifecycle\": \"x\", \"phase\": \"contract\", "
		         "\"up\": {\"path\": \"a/migration.sql\", \"sha256\": \"%064d\"}, "
		         "\"down\": {\"path\": \"a/down.sql\", \"sha256\": \"%064d\"}, "
		         "\"transactional\": true, \"locks\": [], \"gates\": [], %s, \"chain\": \"%064d\"}]}",
		         0, 0, bad[i], 0);
		mf_manifest *m = NULL;
		mp_error err = {0};
		assert_int_equal(load_text(text, &m, &err), MP_EVERIFY);
		assert_null(m);
		if (strstr(bad[i], "batch_time")) /* refused for its batch_time, not for the chain */
			assert_non_null(strstr(err.msg, "batch_time must be a positive duration"));
	}
}

static void test_other_formats_refused(void **state)
{
	(void)state;
	const char *bad[] = {"3", "0", "-1", "2.0", "\"2\"", "4294967298", "null"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[128];
		snprintf(text, sizeof text, "{\"format\": %s, \"generator\": \"t\", \"steps\": []}", bad[i]);
		mf_manifest *m = NULL;
		mp_error err = {0};
		assert_int_equal(load_text(text, &m, &err), MP_EVERIFY);
		assert_null(m);
		assert_non_null(strstr(err.msg, "unsupported manifest format (expected 2, or 1 as written before)"));
	}
	mf_manifest *m = NULL;
	mp_error err = {0};
	assert_int_equal(load_text("{\"format\": 1, \"generator\": \"t\", \"steps\": []}", &m, &err), MP_OK);
	manifest_free(m);
	assert_int_equal(load_text("{\"format\": 2, \"generator\": \"t\", \"steps\": []}", &m, &err), MP_OK);
	manifest_free(m);
}

static void test_relation_text_and_same(void **state)
{
	(void)state;
	mp_buf b = MP_BUF_INIT;
	mf_relation_text(&b, NULL, "User");
	buf_puts(&b, " ");
	mf_relation_text(&b, "app", "we\"ird");
	assert_string_equal(buf_cstr(&b), "User app.we\"ird");
	buf_free(&b);
	assert_true(mf_same_relation(NULL, "User", NULL, "User"));
	assert_true(mf_same_relation("app", "User", "app", "User"));
	assert_false(mf_same_relation(NULL, "User", "public", "User"));
	assert_false(mf_same_relation("a.b", "c", "a", "b.c")); /* the same text, two relations */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format2_round_trip),
		cmocka_unit_test(test_format1_fixture_read_and_converted),
		cmocka_unit_test(test_format1_split_rule),
		cmocka_unit_test(test_format1_ambiguous_refused),
		cmocka_unit_test(test_format2_malformed_lock_refused),
		cmocka_unit_test(test_other_formats_refused),
		cmocka_unit_test(test_down_refills_shape_checked),
		cmocka_unit_test(test_relation_text_and_same),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
