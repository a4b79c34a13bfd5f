/* libFuzzer target for lint's SQL input: bytes -> one migration.sql through
 * lint_source (libpg_query parse, lock analysis, every rule, disable
 * comments) and through explain (the same parse shared, all three
 * renderers) -> everything freed. Crashes, leaks and UB are findings. */
#include "util/buf.h"
#include "util/diag.h"
#include "sql/explain.h"
#include "sql/lint.h"
#include "sql/locks.h"
#include "util/source.h"
#include "sql/sqlparse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Where rendered output goes: /dev/null, or stderr with MIGPLAN_FUZZ_PRINT=1
 * (to see what an input from the corpus or a crash file produces). */
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *print = getenv("MIGPLAN_FUZZ_PRINT");
	sink = print && *print && *print != '0' ? stderr : fopen("/dev/null", "w");
	return sink ? 0 : -1;
}

/* The first diagnostics only: each one prints its whole source line, so an
 * input of many errors on one long line would spend the run printing. The
 * printer clamps every offset; the ones after the cap take the same path. */
static void print_diags(const diag_list *d)
{
	for (size_t i = 0; i < d->count && i < 32; i++)
		diag_print(sink, &d->items[i], true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mp_source *src = source_from_string("fuzz/migration.sql", (const char *)data, size);

	diag_list diags;
	diag_list_init(&diags);
	locks_ctx *ctx = locks_ctx_new();
	lint_source(ctx, src, &diags);
	locks_ctx_free(ctx);
	diag_sort(&diags);
	print_diags(&diags);
	diag_list_free(&diags);

	explain_doc *doc = explain_doc_new();
	sql_file *f;
	sql_parse_error perr = {.message = "", .offset = 0};
	mp_error err = {0};
	if (sqlparse_file(src->text, src->len, &f, &perr, &err) < 0) {
		explain_doc_add_error(doc, src, src->path, perr.offset, perr.message[0] ? perr.message : err.msg);
	} else {
		explain_doc_add_parsed(doc, src, f, NULL);
		sqlparse_free(f);
	}
	static const explain_format fmts[] = {EXPLAIN_HUMAN, EXPLAIN_MARKDOWN, EXPLAIN_JSON};
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		mp_buf out = MP_BUF_INIT;
		explain_doc_render(doc, fmts[i], i == 0, &out);
		fwrite(out.ptr ? out.ptr : "", 1, out.len, sink);
		buf_free(&out);
	}
	explain_doc_free(doc);
	source_free(src);
	return 0;
}
