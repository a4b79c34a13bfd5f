/* libFuzzer target for the .mig front end: bytes -> compile_text (scanner,
 * parser, checks, planner, and the libpg_query parse of every SQL fragment
 * and emitted file) -> diagnostics rendered -> everything freed. A crash, a
 * leak (LeakSanitizer) or undefined behavior (UBSan, non-recoverable) is a
 * finding; error diagnostics are the expected answer to most inputs. */
#include "compiler/compile.h"
#include "util/diag.h"
#include "compiler/emit.h"
#include "migdir/manifest.h"

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
	diag_list diags;
	diag_list_init(&diags);
	compile_result *r = NULL;
	int rc = compile_text("fuzz.mig", (const char *)data, size, &diags, &r);
	/* Printing computes line/column and the caret line from every span,
	 * which is where a bad span would read out of bounds. */
	diag_sort(&diags);
	print_diags(&diags);
	if (rc == MP_OK && r->plan) {
		/* The manifest entries hash every emitted file. */
		mf_manifest m;
		emit_manifest_build(r->plan, &m);
		for (size_t i = 0; i < m.nsteps; i++) {
			free(m.steps[i].up.path);
			free(m.steps[i].down.path);
		}
		free(m.steps);
	}
	diag_list_free(&diags);
	compile_result_free(r);
	return 0;
}
