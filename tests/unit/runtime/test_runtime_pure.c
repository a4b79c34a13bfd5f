/* The runtime's decisions that need no database: URL handling, error lines,
 * what may run inside a transaction, and the ledger-vs-folder states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/conn.h"
#include "runtime/sqltext.h"
#include "runtime/status.h"

static void test_url_strips_prisma_params_and_keeps_schema(void **state)
{
	(void)state;
	conn_url u;
	conn_url_parse("postgresql://me:p%40ss@db:5432/app?schema=my%20s&connection_limit=5&sslmode=require", &u);
	assert_string_equal(u.conninfo, "host='db' port='5432' user='me' password='p@ss' dbname='app' sslmode='require'");
	assert_string_equal(u.schema, "my s");
	assert_string_equal(u.password, "p%40ss");
	conn_url_free(&u);
	conn_url_parse("postgres://db/app?schema=x", &u);
	assert_string_equal(u.conninfo, "host='db' dbname='app'");
	assert_string_equal(u.schema, "x");
	assert_null(u.password);
	conn_url_free(&u);
	/* issue 19 item 7: split as Prisma splits (the user part ends at the
	 * authority's last '@'), and every fragment of a password kept to redact */
	conn_url_parse("postgresql://app:pa@ss99word@host:6543/db", &u);
	assert_string_equal(u.conninfo, "host='host' port='6543' user='app' password='pa@ss99word' dbname='db'");
	conn_url_free(&u);
	conn_url_parse("postgresql://app:secr99/et@host/db", &u);
	bool frag = false;
	for (size_t i = 0; i < u.nsecrets; i++)
		frag = frag || strcmp(u.secrets[i], "secr99") == 0;
	assert_true(frag);
	assert_null(strstr(u.conninfo, "secr99/et")); /* not a password libpq would send */
	conn_url_free(&u);
	conn_url_parse("postgresql://u@[::1]:5433,h2:5434/db?sslmode=verify-full&options=-c%20x%3Dy", &u);
	assert_string_equal(u.conninfo, "host='::1,h2' port='5433,5434' user='u' dbname='db' options='-c x=y' sslmode='verify-full'");
	conn_url_free(&u);
	conn_url_parse(NULL, &u);
	assert_string_equal(u.conninfo, "");
	conn_url_free(&u);
	conn_url_parse("host=/tmp dbname=x", &u);
	assert_string_equal(u.conninfo, "host=/tmp dbname=x");
	conn_url_free(&u);
}

/* issue 19 item 8: Prisma's TLS parameters mean what Prisma means. */
static void test_url_tls_maps_prisma_to_libpq(void **state)
{
	(void)state;
	static const struct {
		const char *url, *conninfo;
	} cases[] = {
		{"postgresql://u@h/d?sslmode=require", "host='h' user='u' dbname='d' sslmode='require'"},
		/* strict: chain and host name checked (libpq's verify-full) against
		 * the CA of sslcert, which is the server's CA, not a client cert */
		{"postgresql://u@h/d?sslmode=require&sslaccept=strict&sslcert=/dev/null",
		 "host='h' user='u' dbname='d' sslmode='verify-full' sslrootcert='/dev/null'"},
		{"postgresql://u@h/d?sslcert=/dev/null&sslaccept=bogus", /* Prisma reads an unknown value as strict */
		 "host='h' user='u' dbname='d' sslmode='verify-full' sslrootcert='/dev/null'"},
		{"postgresql://u@h/d?sslmode=prefer&sslaccept=accept_invalid_certs&sslcert=/dev/null",
		 "host='h' user='u' dbname='d' sslmode='prefer' sslrootcert='/dev/null'"},
		{"postgresql://u@h/d?sslmode=disable&sslaccept=strict", "host='h' user='u' dbname='d' sslmode='disable'"},
	};
	conn_url u;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		conn_url_parse(cases[i].url, &u);
		assert_string_equal(u.conninfo, cases[i].conninfo);
		assert_null(u.refusal);
		conn_url_free(&u);
	}
	/* A PKCS12 identity libpq cannot read is refused, not dropped; its
	 * password is a secret to redact and never reaches libpq. */
	conn_url_parse("postgresql://u@h/d?sslidentity=id.p12&sslpassword=s3cr%40t", &u);
	assert_non_null(u.refusal);
	assert_null(strstr(u.conninfo, "s3cr"));
	bool secret = false;
	for (size_t i = 0; i < u.nsecrets; i++)
		secret = secret || strcmp(u.secrets[i], "s3cr@t") == 0;
	assert_true(secret);
	conn_url_free(&u);
	/* issue 20: Prisma's flag for a URL through PgBouncer is refused, not dropped */
	conn_url_parse("postgresql://u@h/d?pgbouncer=true", &u);
	assert_non_null(strstr(u.refusal, "pgbouncer=true"));
	assert_string_equal(u.conninfo, "host='h' user='u' dbname='d'");
	conn_url_free(&u);
	conn_url_parse("postgresql://u@h/d?pgbouncer=false", &u);
	assert_null(u.refusal);
	conn_url_free(&u);
	conn_url_parse("postgresql://u@h/d?sslmode=require&sslcert=/no/such/ca.pem", &u);
	assert_non_null(strstr(u.refusal, "/no/such/ca.pem"));
	conn_url_free(&u);
	/* both: the identity's refusal, the other no longer leaked (found by
	 * fuzz_url, tests/fuzz/regressions/url/tls-two-refusals-leak.txt) */
	conn_url_parse("postgresql://u@h/d?sslcert=/no/such/ca.pem&sslidentity=id.p12", &u);
	assert_non_null(strstr(u.refusal, "sslidentity"));
	conn_url_free(&u);
}

static void test_connection_errors_become_one_line(void **state)
{
	(void)state;
	char *m = conn_clean_error("connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n"
	                           "\tIs the server running on that host and accepting TCP/IP connections?\n",
	                           "127.0.0.1", "1");
	assert_string_equal(m, "cannot connect to 127.0.0.1:1: Connection refused");
	free(m);
	m = conn_clean_error("connection to server at \"h\" (10.0.0.1), port 5432 failed: FATAL:  password "
	                     "authentication failed for user \"u\"\n",
	                     "h", "5432");
	assert_string_equal(m, "cannot connect to h:5432: password authentication failed for user \"u\"");
	free(m);
	char msg[128] = "invalid percent-encoded token: \"pw%zz\"";
	conn_redact(msg, sizeof msg, "pw%zz");
	assert_null(strstr(msg, "pw%zz"));
	assert_non_null(strstr(msg, "****"));
	/* issue 19 item 7: a password of one to four '*' looped forever */
	const char *pws[] = {"*", "**", "***", "****"};
	const char *want[] = {"pw \"****\" or \"********\"", "pw \"*\" or \"****\"", "pw \"*\" or \"**\"",
	                      "pw \"*\" or \"**\""};
	for (int i = 0; i < 4; i++) {
		char m2[64] = "pw \"*\" or \"**\"";
		conn_redact(m2, sizeof m2, pws[i]);
		assert_string_equal(m2, want[i]);
	}
	char small[12] = "ab secret z";
	conn_redact(small, sizeof small, "secret");
	assert_string_equal(small, "ab **** z");
}

static void test_wrappable_files(void **state)
{
	(void)state;
	assert_true(sqltext_wrappable("CREATE TABLE a (x int DEFAULT 'COMMIT');\n-- VACUUM later\n"));
	assert_true(sqltext_wrappable("DO $$ BEGIN PERFORM 1; END $$;"));
	assert_false(sqltext_wrappable("CREATE INDEX CONCURRENTLY i ON t (x);"));
	assert_false(sqltext_wrappable("BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;"));
	assert_false(sqltext_wrappable("DO $$ BEGIN LOOP COMMIT; END LOOP; END $$;"));
	assert_false(sqltext_wrappable("CALL p();"));
	assert_false(sqltext_wrappable("VACUUM ANALYZE t;"));
	assert_true(sqltext_concurrently("DROP INDEX CONCURRENTLY \"i\";"));
	assert_false(sqltext_concurrently("-- CONCURRENTLY\nSELECT 'CONCURRENTLY';"));
}

static void test_created_index_name(void **state)
{
	(void)state;
	char *name, *schema;
	assert_true(sqltext_created_index("-- x\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"User_Email\" ON "
	                                  "\"public\".\"User\" (\"email\");",
	                                  &name, &schema));
	assert_string_equal(name, "User_Email");
	assert_string_equal(schema, "public");
	free(name);
	free(schema);
	assert_true(sqltext_created_index("create index concurrently Idx on ONLY t(x)", &name, &schema));
	assert_string_equal(name, "idx");
	assert_null(schema);
	free(name);
	assert_false(sqltext_created_index("DROP INDEX CONCURRENTLY i;", &name, &schema));
}

static void test_warnings(void **state)
{
	(void)state;
	char **w;
	size_t n;
	sqltext_warnings("-- WARNING: drops data\nALTER TABLE t DROP c;\n  -- warning: second \r\n", &w, &n);
	assert_int_equal(n, 2);
	assert_string_equal(w[0], "drops data");
	assert_string_equal(w[1], "second");
	free(w[0]);
	free(w[1]);
	free(w);
	/* a warning over several lines is one warning, whole (issue 14: all
	 * lines, not the first); a disable line or a blank line ends it */
	sqltext_warnings("-- WARNING: re-creates \"x\" from the new column, but not every value comes back:\n"
	                 "-- NULLs that became 'a' come back as 'a'.\n"
	                 "-- WARNING: a re-created column goes to the end\n"
	                 "-- of the table.\n"
	                 "-- migplan-disable drop-column: why\n"
	                 "-- not part of it\n\nSELECT 1;\n",
	                 &w, &n);
	assert_int_equal(n, 2);
	assert_string_equal(w[0], "re-creates \"x\" from the new column, but not every value comes back: NULLs that became "
	                          "'a' come back as 'a'.");
	assert_string_equal(w[1], "a re-created column goes to the end of the table.");
	free(w[0]);
	free(w[1]);
	free(w);
	/* found by fuzz_sqltext (tests/fuzz/regressions/sqltext/warning-trailing-space.sql):
	 * trailing spaces after "WARNING:" made the length wrap and read past the text */
	sqltext_warnings("-- WARNING:   \n-- WARNING: \t\n", &w, &n);
	assert_int_equal(n, 2);
	assert_string_equal(w[0], "");
	assert_string_equal(w[1], "\t");
	free(w[0]);
	free(w[1]);
	free(w);
}

/* Parts of a DOWN (migdir/mark.h): split at separator lines only, never
 * inside a literal, a quoted name or a dollar-quoted body. */
static void test_sqltext_parts(void **state)
{
	(void)state;
	size_t *p, n;
	const char *one = "ALTER TABLE t ADD c int;\n";
	sqltext_parts(one, &p, &n);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 0);
	free(p);
	const char *three = "ALTER TABLE t ADD c int;\n-- migplan: commit\nDO $x$\n-- migplan: commit\n$x$;\n"
	                    "SELECT '\n-- migplan: commit\n';\n  -- migplan: commit\n-- migplan: commit \r\nSELECT 1;\n";
	sqltext_parts(three, &p, &n);
	assert_int_equal(n, 3);
	assert_int_equal(p[1], strlen("ALTER TABLE t ADD c int;\n"));
	assert_true(strncmp(three + p[2], "-- migplan: commit \r\nSELECT 1;", 30) == 0);
	free(p);
}

static void test_ledger_rollback_progress(void **state)
{
	(void)state;
	ledger_row r = {0};
	assert_int_equal(ledger_rollback_parts_done(&r), -1);
	r.logs = (char *)"migplan rollback: 2 of 4 parts done";
	assert_int_equal(ledger_rollback_parts_done(&r), 2);
	r.logs = (char *)"migplan rollback: x of 4 parts done";
	assert_int_equal(ledger_rollback_parts_done(&r), -1);
	r.logs = (char *)"ERROR: relation does not exist";
	assert_int_equal(ledger_rollback_parts_done(&r), -1);
}

static ledger_row row(const char *name, const char *sum, const char *fin, const char *rb)
{
	ledger_row r = {(char *)"id", (char *)sum, (char *)name, NULL, (char *)"t0", (char *)fin, (char *)rb, 1};
	return r;
}

static void test_status_states(void **state)
{
	(void)state;
	folder_mig migs[4] = {
		{.name = (char *)"1_a", .checksum = "aaaa"},
		{.name = (char *)"2_b", .checksum = "bbbb"},
		{.name = (char *)"3_c", .checksum = "cccc"},
		{.name = (char *)"4_d", .checksum = "dddd"},
	};
	mig_folder f = {(char *)"dir", migs, 4, NULL, NULL};
	ledger_row rows[4] = {
		row("1_a", "aaaa", "t1", NULL),
		row("2_b", "bbbb", "t2", "t3"),  /* rolled back: pending again */
		row("3_c", "cccc", NULL, NULL),  /* failed */
		row("9_z", "zzzz", "t4", NULL),  /* unknown to the folder */
	};
	ledger l = {true, rows, 4};
	status_report st;
	status_compute(&f, &l, &st);
	assert_int_equal(st.n, 5);
	assert_int_equal(st.e[0].state, MS_APPLIED);
	assert_int_equal(st.e[1].state, MS_ROLLED_BACK);
	assert_int_equal(st.e[2].state, MS_FAILED);
	assert_int_equal(st.e[3].state, MS_PENDING);
	assert_int_equal(st.e[4].state, MS_DIVERGED);
	assert_int_equal(st.pending, 2);
	assert_int_equal(st.first_pending, 1);
	status_report_free(&st);

	/* edited after apply, and a pending one before an applied one */
	ledger_row rows2[2] = {row("1_a", "changed", "t1", NULL), row("3_c", "cccc", "t2", NULL)};
	ledger l2 = {true, rows2, 2};
	status_compute(&f, &l2, &st);
	assert_int_equal(st.e[0].state, MS_DIVERGED);
	assert_int_equal(st.e[1].state, MS_DIVERGED);
	assert_non_null(strstr(st.e[1].reason, "out of order"));
	assert_int_equal(st.e[2].state, MS_APPLIED);
	assert_int_equal(st.e[3].state, MS_PENDING);
	assert_int_equal(st.diverged, 2);
	status_report_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_strips_prisma_params_and_keeps_schema),
		cmocka_unit_test(test_sqltext_parts),
		cmocka_unit_test(test_ledger_rollback_progress),
		cmocka_unit_test(test_url_tls_maps_prisma_to_libpq),
		cmocka_unit_test(test_connection_errors_become_one_line),
		cmocka_unit_test(test_wrappable_files),
		cmocka_unit_test(test_created_index_name),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_status_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
