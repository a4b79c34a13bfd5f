/* The .mig front end's entry: one spec text through the reentrant scanner and pure parser into an AST. */
#include "grammar/parse.h"
#include "grammar/parser.h"
/* flex's bison bridge names the plain types */
#define YYSTYPE MIG_YYSTYPE
#define YYLTYPE MIG_YYLTYPE
#include "grammar/lexer.h"

#include <stdlib.h>
#include <string.h>

int parse_spec(const mp_source *src, ast_spec **out, diag_list *diags)
{
	ast_spec *spec = xcalloc(1, sizeof *spec);
	spec->src = src;
	mig_parse_ctx ctx = {0};
	ctx.spec = spec;
	ctx.diags = diags;
	ctx.src = src;
	ctx.errors_seen = diags->errors;
	buf_init(&ctx.text);
	int errors_before = diags->errors;

	/* flex takes a NUL for its end-of-buffer mark and rescans the current
	 * token at each one: NULs inside a long comment or string make scanning
	 * quadratic. A spec is text; source_load rejects NULs, and so does this
	 * for texts given in memory. */
	const char *nul = memchr(src->text, '\0', src->len);
	if (nul) {
		int at = (int)(nul - src->text);
		diag_add(diags, DIAG_ERROR, src, (mp_span){at, at + 1}, "not a text file (contains NUL bytes)");
		buf_free(&ctx.text);
		*out = spec;
		return MP_EINVAL;
	}

	yyscan_t scanner;
	mig_yylex_init_extra(&ctx, &scanner);
	YY_BUFFER_STATE b = mig_yy_scan_bytes(src->text, (int)src->len, scanner);
	mig_yyparse(scanner, &ctx);
	mig_yy_delete_buffer(b, scanner);
	mig_yylex_destroy(scanner);
	buf_free(&ctx.text);
	free(ctx.dollar_tag);

	*out = spec;
	return diags->errors > errors_before ? MP_EINVAL : MP_OK;
}

void ast_spec_free(ast_spec *spec)
{
	if (!spec)
		return;
	arena_free(&spec->arena);
	free(spec);
}
