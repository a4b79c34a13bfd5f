/* Branched histories: header and conflict parsing, every inconsistency
 * `migc verify` reports, the rebase rules (what is pinned, what moves, that a
 * second run changes nothing), the old text `migrun resolve --rebase` checks
 * a ledger checksum against, and out-of-order application in status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/buf.h"
#include "compiler/compile.h"
#include "compiler/emit.h"
#include "util/fsutil.h"
#include "history/history.h"
#include "runtime/resolve.h"
#include "util/sha256.h"
#include "runtime/status.h"

static const char NICK[] = "lifecycle nick at 20250301100000 on \"User\" {\n"
                           "  add nickname varchar(40) default 'anon' backfill from email batch 100;\n"
                           "  enforce not null nickname;\n"
                           "}\n";
static const char BIO[] = "# bio\nlifecycle bio at 20250301100001 on \"User\" {\n"
                          "  add bio text;\n"
                          "  index \"User_bio_idx\" on (bio);\n"
                          "}\n";

static void test_split_conflict(void **state)
{
	(void)state;
	char *o, *t, *ol, *tl;
	const char *text = "{\n<<<<<<< HEAD\n  \"x\": 1\n||||||| base\n  \"x\": 0\n=======\n"
	                   "  \"x\": 2\n>>>>>>> feature/b\n}\n";
	assert_true(history_split_conflict(text, &o, &t, &ol, &tl));
	assert_string_equal(o, "{\n  \"x\": 1\n}\n");
	assert_string_equal(t, "{\n  \"x\": 2\n}\n");
	assert_string_equal(ol, "HEAD");
	assert_string_equal(tl, "feature/b");
	free(o), free(t), free(ol), free(tl);
	/* a line of seven '=' inside a value is not a marker outside a conflict */
	assert_false(history_split_conflict("{\"a\": \"=======\"}\n=======\n", &o, &t, &ol, &tl));
}

static void test_resolve_old_text(void **state)
{
	(void)state;
	const char *now = "-- migplan: generated from p.mig; edit the spec and run `migc compile`, not this file.\n"
	                  "-- lifecycle nick on \"User\", step 20250301100003_nick_expand: expand (UP)\n"
	                  "-- 20250301100003_nick_expand stays in the body\n";
	char *old = resolve_old_text(now, "20250301100003_nick_expand", "20250301100000_nick_expand");
	assert_non_null(old);
	assert_non_null(strstr(old, ", step 20250301100000_nick_expand: expand"));
	assert_non_null(strstr(old, "-- 20250301100003_nick_expand stays in the body"));
	assert_int_equal(strlen(old), strlen(now));
	free(old);
	assert_null(resolve_old_text(now, "20250301100009_nick_expand", "20250301100000_nick_expand"));
	assert_null(resolve_old_text("SELECT 1;\n", "20250301100003_nick_expand", "20250301100000_nick_expand"));
}

static ledger_row row(const char *name, const char *started)
{
	ledger_row r = {(char *)"id", (char *)"s", (char *)name, NULL, (char *)started, (char *)"f", NULL, 1};
	return r;
}

static void test_status_out_of_order(void **state)
{
	(void)state;
	folder_mig migs[3] = {
		{.name = (char *)"1_a", .checksum = "s"}, {.name = (char *)"2_b", .checksum = "s"}, {.name = (char *)"3_c", .checksum = "s"}};
	mig_folder f = {(char *)"dir", migs, 3, NULL, NULL};
	/* ledger order = started_at order: 3_c ran first */
	ledger_row rows[3] = {row("3_c", "t1"), row("1_a", "t2"), row("2_b", "t3")};
	ledger l = {true, rows, 3};
	status_report st;
	status_compute(&f, &l, &st);
	assert_int_equal(st.applied, 3);
	assert_int_equal(st.diverged, 0);
	assert_int_equal(st.out_of_order, 2);
	assert_int_equal(st.e[0].state, MS_APPLIED);
	assert_string_equal(st.e[0].reason, "applied out of the folder's order: after 3_c, which follows it in the folder");
	assert_non_null(st.e[1].reason);
	assert_null(st.e[2].reason);
	status_report_free(&st);
	/* the same start (one transaction, or resolve --applied) says nothing */
	ledger_row same[3] = {row("3_c", "t1"), row("1_a", "t1"), row("2_b", "t1")};
	ledger l2 = {true, same, 3};
	status_compute(&f, &l2, &st);
	assert_int_equal(st.out_of_order, 0);
	status_report_free(&st);
}

/* ---- on a folder: two "branches" compiled separately, then merged ---- */

static char *tmp;

static void write_text(const char *path, const char *text)
{
	assert_int_equal(fs_write_file_atomic(path, text, strlen(text), NULL), MP_OK);
}

static void compile_into(const char *dir, const char *const *specs, size_t n)
{
	diag_list d;
	diag_list_init(&d);
	compile_result *r = NULL;
	mp_error err = {0, ""};
	assert_int_equal(compile_specs(specs, n, &d, &r, &err), MP_OK);
	emit_report rep;
	assert_int_equal(emit_prisma_folder(r->plan, dir, &d, &rep, &err), MP_OK);
	emit_report_free(&rep);
	compile_result_free(r);
	diag_list_free(&d);
}

static void shell(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

/* mig = b's manifest with a's folders: what taking b's side of the merge leaves. */
static void setup_merged(void)
{
	shell("rm -rf a b m && mkdir a b");
	write_text("nick.mig", NICK);
	write_text("bio.mig", BIO);
	const char *na[] = {"nick.mig"}, *nb[] = {"bio.mig"};
	compile_into("a", na, 1);
	compile_into("b", nb, 1);
	shell("cp -r b m && cp -r a/2025* m/");
}

static size_t count_kind(const hist_report *r, hist_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		n += r->findings[i].kind == k;
	return n;
}

static void test_verify_findings(void **state)
{
	(void)state;
	setup_merged();
	hist_report r;
	mp_error err = {0, ""};
	assert_int_equal(history_analyze("a", &r, &err), MP_OK);
	assert_int_equal(r.nfindings, 0);
	hist_report_free(&r);

	assert_int_equal(history_analyze("m", &r, &err), MP_OK);
	assert_int_equal(count_kind(&r, HF_UNLISTED_STEP), 3);
	assert_int_equal(count_kind(&r, HF_INTERLEAVE), 1);
	assert_int_equal(r.nfindings, 4);
	assert_int_equal(r.ngroups, 2);
	assert_string_equal(r.groups[0].lifecycle, "nick");
	assert_string_equal(r.groups[0].spec, "nick.mig");
	assert_string_equal(hist_where_label(&r, r.groups[0].where), "not in the manifest");
	assert_true(r.groups[0].involved);
	assert_string_equal(r.groups[1].lifecycle, "bio");
	assert_string_equal(hist_where_label(&r, r.groups[1].where), "in the manifest");
	assert_true(r.groups[1].involved);
	hist_report_free(&r);

	/* edited file, missing folder, broken chain, manifest order, no manifest */
	shell("echo '-- edit' >> b/20250301100001_bio_expand/migration.sql && rm -r b/20250301100002_bio_index_user_bio_idx");
	char *m = NULL;
	size_t mlen;
	assert_int_equal(fs_read_file("b/migplan.manifest.json", &m, &mlen, NULL), MP_OK);
	char *c = strstr(m, "\"chain\": \"") + 10;
	*c = *c == '0' ? '1' : '0';
	write_text("b/migplan.manifest.json", m);
	free(m);
	assert_int_equal(history_analyze("b", &r, &err), MP_OK);
	assert_int_equal(count_kind(&r, HF_HASH), 1);
	assert_int_equal(count_kind(&r, HF_MISSING_FOLDER), 1);
	assert_int_equal(count_kind(&r, HF_CHAIN), 1);
	assert_string_equal(r.findings[0].step, "20250301100001_bio_expand");
	hist_report_free(&r);
	shell("rm a/migplan.manifest.json");
	assert_int_equal(history_analyze("a", &r, &err), MP_OK);
	assert_int_equal(count_kind(&r, HF_MANIFEST_MISSING), 1);
	hist_report_free(&r);
	assert_int_equal(history_analyze("nope", &r, &err), MP_EIO);
	hist_report_free(&r);
}

static int rebase(const char *dir, bool force, const char *applied, bool dry, rebase_result *res, mp_error *err)
{
	rebase_opts o = {0};
	o.dir = dir;
	o.force = force;
	o.dry_run = dry;
	const char *af[1] = {applied};
	o.applied_from = af;
	o.napplied_from = applied ? 1 : 0;
	diag_list d;
	diag_list_init(&d);
	int rc = history_rebase(&o, &d, res, err);
	diag_list_free(&d);
	return rc;
}

static void test_rebase_rules(void **state)
{
	(void)state;
	rebase_result res;
	mp_error err = {0, ""};
	hist_report r;

	/* b's manifest pins bio: nick moves after it, once */
	setup_merged();
	assert_int_equal(rebase("m", false, NULL, true, &res, &err), MP_OK);
	assert_int_equal(res.nrenames, 1);
	assert_string_equal(res.renames[0].to, "20250301100003");
	rebase_result_free(&res);
	assert_int_equal(history_analyze("m", &r, &err), MP_OK);
	assert_int_equal(r.nfindings, 4); /* dry run: unchanged */
	hist_report_free(&r);
	assert_int_equal(rebase("m", false, NULL, false, &res, &err), MP_OK);
	assert_string_equal(res.renames[0].lifecycle, "nick");
	assert_int_equal(res.nsteps_renamed, 3);
	assert_string_equal(res.steps[2].from, "20250301100002_nick_contract");
	assert_string_equal(res.steps[2].to, "20250301100005_nick_contract");
	assert_int_equal(res.nremoved, 3);
	assert_int_equal(res.nplan, 5);
	rebase_result_free(&res);
	char *text = NULL;
	size_t len;
	assert_int_equal(fs_read_file("nick.mig", &text, &len, NULL), MP_OK);
	assert_non_null(strstr(text, "lifecycle nick at 20250301100003 on"));
	assert_int_equal(len, strlen(NICK));
	free(text);
	assert_int_equal(history_analyze("m", &r, &err), MP_OK);
	assert_int_equal(r.nfindings, 0);
	hist_report_free(&r);
	assert_int_equal(rebase("m", false, NULL, false, &res, &err), MP_OK);
	assert_int_equal(res.nrenames + res.nremoved, 0);
	rebase_result_free(&res);

	/* a ledger (status --json) that applied nick: nick stays, bio moves */
	setup_merged();
	write_text("staging.json", "{\"steps\": [{\"id\": \"20250301100000_nick_expand\", \"finished_at\": \"t\", "
	                      "\"rolled_back_at\": null}, {\"id\": \"20250301100001_bio_expand\", \"finished_at\": null}]}");
	assert_int_equal(rebase("m", false, "staging.json", false, &res, &err), MP_OK);
	assert_int_equal(res.nrenames, 1);
	assert_string_equal(res.renames[0].lifecycle, "bio");
	assert_string_equal(res.renames[0].to, "20250301100003");
	rebase_result_free(&res);

	/* both applied somewhere and colliding: refused, nothing written; --force moves the later one */
	setup_merged();
	write_text("both.txt", "# one name a line\n20250301100000_nick_expand\n20250301100001_bio_expand\n");
	assert_int_equal(rebase("m", false, "both.txt", false, &res, &err), MP_EINVAL);
	assert_non_null(strstr(err.msg, "both are pinned"));
	rebase_result_free(&res);
	assert_int_equal(fs_read_file("bio.mig", &text, &len, NULL), MP_OK);
	assert_string_equal(text, BIO);
	free(text);
	assert_int_equal(rebase("m", true, NULL, false, &res, &err), MP_OK);
	assert_int_equal(res.nrenames, 1);
	assert_string_equal(res.renames[0].lifecycle, "bio");
	assert_string_equal(res.pinned_by, "nothing (--force)");
	rebase_result_free(&res);
}

static int setup(void **state)
{
	(void)state;
	char tpl[] = "/tmp/migplan-history.XXXXXX";
	tmp = xstrdup(mkdtemp(tpl));
	return chdir(tmp);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	int rc = chdir("/") || system(cmd);
	free(tmp);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_conflict),
		cmocka_unit_test(test_resolve_old_text),
		cmocka_unit_test(test_status_out_of_order),
		cmocka_unit_test(test_verify_findings),
		cmocka_unit_test(test_rebase_rules),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
