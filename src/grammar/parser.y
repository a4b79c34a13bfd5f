/* Grammar of .mig specs. A pure (reentrant) parser with locations as byte
 * spans, following jq's and PostgreSQL's gram.y: state travels in
 * mig_parse_ctx, never in globals, and `error` productions at ';' and '}'
 * let one run report several mistakes. docs/language.md summarises it. */
%code requires {
#include "grammar/ast.h"
#include "grammar/parse_ctx.h"
typedef void *yyscan_t;
typedef struct name_vec {
	ast_name *v;
	size_t n, cap;
} name_vec;
typedef struct map_vec {
	ast_map_entry *v;
	size_t n, cap;
} map_vec;
}

%code provides {
int mig_yylex(MIG_YYSTYPE *lvalp, MIG_YYLTYPE *llocp, yyscan_t scanner);
}

%code {
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/keywords.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                              \
	do {                                                         \
		if (N) {                                                 \
			(Cur).start = YYRHSLOC(Rhs, 1).start;                \
			(Cur).end = YYRHSLOC(Rhs, N).end;                    \
		} else {                                                 \
			(Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;      \
		}                                                        \
	} while (0)

#define A (&ctx->spec->arena)

static ast_name mkname(char *text, mp_span span)
{
	ast_name n = {text, span};
	return n;
}

static ast_item *mkitem(mig_parse_ctx *ctx, ast_item_kind kind, mp_span kw)
{
	ast_item *it = arena_alloc(A, sizeof *it);
	it->kind = kind;
	it->keyword_span = kw;
	return it;
}

static ast_literal mklit(ast_lit_kind kind, char *text, mp_span span)
{
	ast_literal l = {kind, text, span};
	return l;
}

/* Name lists grow by doubling inside the arena; the old arrays are simply
 * left behind (lists are short and the arena is freed as a whole). */

static name_vec *names_push(mig_parse_ctx *ctx, name_vec *vec, ast_name n)
{
	if (!vec)
		vec = arena_alloc(A, sizeof *vec);
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 4;
		ast_name *v = arena_alloc(A, cap * sizeof *v);
		if (vec->n)
			memcpy(v, vec->v, vec->n * sizeof *v);
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = n;
	return vec;
}


static map_vec *map_push(mig_parse_ctx *ctx, map_vec *vec, ast_map_entry e)
{
	if (!vec)
		vec = arena_alloc(A, sizeof *vec);
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 4;
		ast_map_entry *v = arena_alloc(A, cap * sizeof *v);
		if (vec->n)
			memcpy(v, vec->v, vec->n * sizeof *v);
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = e;
	return vec;
}

static void opt_dup(ast_repeats *r, bool already, mp_span at)
{
	if (already && r->count++ == 0)
		r->first = at;
}

static char *type_join(mig_parse_ctx *ctx, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = arena_alloc(A, la + lb + 2);
	memcpy(s, a, la);
	s[la] = ' ';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

static char *negate(mig_parse_ctx *ctx, const char *digits)
{
	size_t n = strlen(digits);
	char *s = arena_alloc(A, n + 2);
	s[0] = '-';
	memcpy(s + 1, digits, n + 1);
	return s;
}

static void yyerror(MIG_YYLTYPE *loc, yyscan_t scanner, mig_parse_ctx *ctx, const char *msg)
{
	diag_add(ctx->diags, DIAG_ERROR, ctx->src, *loc, "%s", msg);
}
}

%define api.pure full
%define api.prefix {mig_yy}
%define api.location.type {mp_span}
%define parse.error custom
%locations
%param {yyscan_t scanner}
%parse-param {mig_parse_ctx *ctx}

%union {
	char *str;
	ast_name name;
	ast_qname qname;
	ast_literal lit;
	ast_type type;
	ast_source source;
	ast_colopts *opts;
	ast_index_opts *index_opts;
	ast_fk_opts *fk_opts;
	ast_enum_opts enum_opts;
	ast_item *item;
	ast_lifecycle *lifecycle;
	struct name_vec *names;
	struct map_vec *map;
	ast_map_entry entry;
	struct { ast_item *head, *tail; } items;
	struct { ast_lifecycle *head, *tail; } lifecycles;
}

%token <str> IDENT "identifier" QIDENT "quoted identifier" STRING "string"
%token <str> INTEGER "integer" DECIMAL "number" DURATION "duration" SQLTEXT "$$SQL$$"
%token ARROW "->"
%token <str> ACTION "action" ADD "add" AFTER "after" ALTER "alter" AS "as" AT "at" BACKFILL "backfill"
%token <str> BATCH "batch" BEFORE "before" CASCADE "cascade" CHECK "check" COMMENT "comment" CONSTRAINT "constraint"
%token <str> DEFAULT "default" DELETE "delete" DOWN "down" ELSE "else" ENFORCE "enforce" ENUM "enum" EXPLAIN "explain"
%token <str> FALSE "false" FOREIGN "foreign" FROM "from" INDEX "index" KEY "key"
%token <str> LIFECYCLE "lifecycle" MAP "map" NO "no" NOT "not" NULL_P "null" ON "on"
%token <str> REFERENCES "references" RENAME "rename" RESTRICT "restrict" RETIRE "retire"
%token <str> RETYPE "retype" REVERSE "reverse" SET "set" SQL "sql" TO "to"
%token <str> TRANSACTION "transaction" TRUE "true" UNIQUE "unique" UP "up" UPDATE "update"
%token <str> USING "using" VALUE "value" WHERE "where" WITH "with" WITHOUT "without" ZONE "zone"

%type <name> name
%type <str> unreserved type_words setting_value fk_action
%type <qname> qname
%type <lit> literal signed_number
%type <type> type
%type <source> backfill_source reverse_source
%type <opts> colopts
%type <index_opts> index_opts
%type <fk_opts> fk_actions
%type <enum_opts> enum_position
%type <item> item
%type <items> items
%type <lifecycle> lifecycle
%type <lifecycles> lifecycles
%type <names> name_list
%type <map> map_entries opt_map
%type <entry> map_entry

%%

spec:
	  lifecycles            { ctx->spec->lifecycles = $1.head; }
	;

lifecycles:
	  %empty                { $$.head = $$.tail = NULL; }
	| lifecycles lifecycle  {
		$$ = $1;
		if ($2) {
			if ($$.tail) $$.tail->next = $2; else $$.head = $2;
			$$.tail = $2;
		}
	  }
	| lifecycles error '}'  { $$ = $1; ctx->errors_seen = ctx->diags->errors; yyerrok; }
	;

lifecycle:
	  LIFECYCLE name AT INTEGER ON qname '{' items '}' {
		ast_lifecycle *l = arena_alloc(A, sizeof *l);
		l->name = $2;
		l->id = $4;
		l->id_span = @4;
		l->table = $6;
		l->items = $8.head;
		l->span = @$;
		l->had_errors = ctx->diags->errors != ctx->errors_seen;
		ctx->errors_seen = ctx->diags->errors;
		$$ = l;
	  }
	| LIFECYCLE name AT INTEGER ON qname '{' items error '}' {
		$$ = NULL;
		ctx->errors_seen = ctx->diags->errors;
		yyerrok;
	  }
	;

items:
	  %empty                { $$.head = $$.tail = NULL; }
	| items item            {
		$$ = $1;
		if ($2) {
			$2->span = @2;
			if ($$.tail) $$.tail->next = $2; else $$.head = $2;
			$$.tail = $2;
		}
	  }
	;

item:
	  SET name setting_value ';' {
		$$ = mkitem(ctx, ITEM_SET, @1); $$->name = $2; $$->value = $3; $$->value_span = @3;
	  }
	| SET name '=' setting_value ';' {
		$$ = mkitem(ctx, ITEM_SET, @1); $$->name = $2; $$->value = $4; $$->value_span = @4;
	  }
	| ADD name type colopts ';' {
		$$ = mkitem(ctx, ITEM_ADD, @1); $$->name = $2; $$->type = $3; $$->has_type = true; $$->opts = *$4;
	  }
	| ENFORCE NOT NULL_P name colopts ';' {
		$$ = mkitem(ctx, ITEM_ENFORCE, @1); $$->name = $4; $$->opts = *$5;
	  }
	| RETIRE name colopts ';' {
		$$ = mkitem(ctx, ITEM_RETIRE, @1); $$->name = $2; $$->opts = *$3;
	  }
	| RETIRE name type colopts ';' {
		$$ = mkitem(ctx, ITEM_RETIRE, @1); $$->name = $2; $$->type = $3; $$->has_type = true; $$->opts = *$4;
	  }
	| RENAME name TO name AS type colopts ';' {
		$$ = mkitem(ctx, ITEM_RENAME, @1); $$->name = $2; $$->target = $4; $$->type = $6; $$->has_type = true; $$->opts = *$7;
	  }
	| RENAME name TO name ';' {
		/* `rename table to NEW`: `table` is a word here, not a keyword (as
		 * `time` in `with time zone`), so a column named table still renames
		 * with `rename table to x as TYPE`. */
		if (strcasecmp($2.text, "table") != 0 || ctx->src->text[@2.start] == '"') {
			diag_add(ctx->diags, DIAG_ERROR, ctx->src, @5, "%s",
			         "unexpected ';'; expected 'as' (a column's rename), or write `rename table to NAME;`");
			$$ = NULL;
		} else {
			$$ = mkitem(ctx, ITEM_RENAME_TABLE, @1); $$->name = $2; $$->target = $4;
		}
	  }
	| RETYPE name AS type colopts TO name AS type colopts ';' {
		$$ = mkitem(ctx, ITEM_RETYPE, @1); $$->name = $2; $$->old_type = $4; $$->old_opts = *$5;
		$$->target = $7; $$->type = $9; $$->has_type = true; $$->opts = *$10;
	  }
	| ALTER name AS type colopts TO type colopts ';' {
		$$ = mkitem(ctx, ITEM_ALTER, @1); $$->name = $2; $$->old_type = $4; $$->old_opts = *$5;
		$$->type = $7; $$->has_type = true; $$->opts = *$8;
	  }
	| INDEX name ON '(' name_list ')' index_opts ';' {
		$$ = mkitem(ctx, ITEM_INDEX, @1); $$->name = $2;
		$$->index = *$7; $$->index.columns = $5->v; $$->index.ncolumns = $5->n;
	  }
	| UNIQUE name ON '(' name_list ')' index_opts ';' {
		$$ = mkitem(ctx, ITEM_UNIQUE, @1); $$->name = $2;
		$$->index = *$7; $$->index.columns = $5->v; $$->index.ncolumns = $5->n;
	  }
	| FOREIGN KEY name '(' name_list ')' REFERENCES qname '(' name_list ')' fk_actions ';' {
		$$ = mkitem(ctx, ITEM_FOREIGN_KEY, @1); $$->name = $3;
		$$->fk = *$12; $$->fk.columns = $5->v; $$->fk.ncolumns = $5->n;
		$$->fk.ref_table = $8; $$->fk.ref_columns = $10->v; $$->fk.nref_columns = $10->n;
	  }
	| CHECK name SQLTEXT ';' {
		$$ = mkitem(ctx, ITEM_CHECK, @1); $$->name = $2; $$->check.expr = $3; $$->check.expr_span = @3;
	  }
	| SQL name UP SQLTEXT DOWN SQLTEXT ';' {
		$$ = mkitem(ctx, ITEM_SQL, @1); $$->name = $2; $$->up_sql = $4; $$->down_sql = $6; $$->up_span = @4; $$->down_span = @6;
	  }
	| SQL name UP SQLTEXT DOWN SQLTEXT NO TRANSACTION ';' {
		$$ = mkitem(ctx, ITEM_SQL, @1); $$->name = $2; $$->up_sql = $4; $$->down_sql = $6; $$->up_span = @4; $$->down_span = @6;
		$$->no_transaction = true;
	  }
	| ENUM qname ADD VALUE STRING enum_position ';' {
		$$ = mkitem(ctx, ITEM_ENUM_ADD, @1); $$->name = $2.name; $$->enumv = $6;
		$$->enumv.type = $2; $$->enumv.value = mklit(LIT_STRING, $5, @5);
	  }
	| ENUM qname RENAME VALUE STRING TO STRING ';' {
		$$ = mkitem(ctx, ITEM_ENUM_RENAME, @1); $$->name = $2.name;
		memset(&$$->enumv, 0, sizeof $$->enumv);
		$$->enumv.type = $2; $$->enumv.value = mklit(LIT_STRING, $5, @5);
		$$->enumv.new_value = mklit(LIT_STRING, $7, @7);
	  }
	| error ';'             { $$ = NULL; yyerrok; }
	;

/* Where an added enum value goes: last by default, as in PostgreSQL. */
enum_position:
	  %empty                { memset(&$$, 0, sizeof $$); $$.neighbor.kind = LIT_NULL; }
	| BEFORE STRING         { memset(&$$, 0, sizeof $$); $$.neighbor = mklit(LIT_STRING, $2, @2); }
	| AFTER STRING          { memset(&$$, 0, sizeof $$); $$.neighbor = mklit(LIT_STRING, $2, @2); $$.after = true; }
	;

setting_value:
	  DURATION | INTEGER | STRING | IDENT | QIDENT | unreserved
	;

/* Column options, in any order; repeats are recorded for the checker. */
colopts:
	  %empty                { $$ = arena_alloc(A, sizeof *$$); }
	| colopts DEFAULT literal {
		$$ = $1; opt_dup(&$$->repeats, $$->has_default || $$->drop_default, @2); $$->has_default = true; $$->deflt = $3;
	  }
	| colopts NOT NULL_P    {
		$$ = $1; opt_dup(&$$->repeats, $$->has_nullability, @2); $$->has_nullability = true; $$->not_null = true;
		$$->nullability_span = @$;
	  }
	| colopts NULL_P        {
		$$ = $1; opt_dup(&$$->repeats, $$->has_nullability, @2); $$->has_nullability = true; $$->not_null = false;
		$$->nullability_span = @2;
	  }
	| colopts NO DEFAULT    {
		$$ = $1; opt_dup(&$$->repeats, $$->has_default || $$->drop_default, @2); $$->drop_default = true;
		$$->drop_default_span = @$;
	  }
	| colopts COMMENT STRING {
		$$ = $1; opt_dup(&$$->repeats, $$->comment != NULL, @2); $$->comment = $3; $$->comment_span = @3;
	  }
	| colopts BACKFILL backfill_source {
		$$ = $1; opt_dup(&$$->repeats, $$->backfill.kind != SRC_NONE, @2); $$->backfill = $3;
	  }
	| colopts REVERSE reverse_source {
		$$ = $1; opt_dup(&$$->repeats, $$->reverse.kind != SRC_NONE, @2); $$->reverse = $3;
	  }
	| colopts USING SQLTEXT {
		$$ = $1; opt_dup(&$$->repeats, $$->using_expr != NULL, @2); $$->using_expr = $3; $$->using_span = @3;
	  }
	| colopts BATCH INTEGER {
		$$ = $1; opt_dup(&$$->repeats, $$->has_batch, @2); $$->has_batch = true; $$->batch_span = @3;
		errno = 0;
		char *end;
		long long v = strtoll($3, &end, 10);
		$$->batch = (errno || v > 100000000) ? -1 : (long)v;
	  }
	| colopts AFTER DURATION {
		$$ = $1; opt_dup(&$$->repeats, $$->after != NULL, @2); $$->after = $3; $$->after_span = @3;
	  }
	| colopts AFTER INTEGER {
		$$ = $1; opt_dup(&$$->repeats, $$->after != NULL, @2); $$->after = $3; $$->after_span = @3;
	  }
	;

backfill_source:
	  literal               { memset(&$$, 0, sizeof $$); $$.kind = SRC_CONST; $$.constant = $1; $$.span = @$; }
	| FROM name opt_map     {
		memset(&$$, 0, sizeof $$); $$.kind = SRC_COLUMN; $$.column = $2; $$.span = @$;
		if ($3) { $$.map = $3->v; $$.nmap = $3->n; }
	  }
	| SQLTEXT               { memset(&$$, 0, sizeof $$); $$.kind = SRC_EXPR; $$.expr = $1; $$.span = @$; }
	;

reverse_source:
	  MAP '(' map_entries ')' {
		memset(&$$, 0, sizeof $$); $$.kind = SRC_COLUMN; $$.map = $3->v; $$.nmap = $3->n; $$.span = @$;
	  }
	| SQLTEXT               { memset(&$$, 0, sizeof $$); $$.kind = SRC_EXPR; $$.expr = $1; $$.span = @$; }
	;

opt_map:
	  %empty                { $$ = NULL; }
	| MAP '(' map_entries ')' { $$ = $3; }
	;

map_entries:
	  map_entry             { $$ = map_push(ctx, NULL, $1); }
	| map_entries ',' map_entry { $$ = map_push(ctx, $1, $3); }
	;

map_entry:
	  literal ARROW literal { memset(&$$, 0, sizeof $$); $$.key = $1; $$.value = $3; $$.span = @$; }
	| ELSE ARROW literal    { memset(&$$, 0, sizeof $$); $$.is_else = true; $$.value = $3; $$.span = @$; }
	;

/* Index options, in any order; repeats are recorded for the checker. */
index_opts:
	  %empty                { $$ = arena_alloc(A, sizeof *$$); }
	| index_opts WHERE SQLTEXT {
		$$ = $1; opt_dup(&$$->repeats, $$->where_expr != NULL, @2); $$->where_expr = $3; $$->where_span = @3;
	  }
	| index_opts USING IDENT {
		$$ = $1; opt_dup(&$$->repeats, $$->method != NULL, @2); $$->method = $3; $$->method_span = @3;
	  }
	| index_opts EXPLAIN SQLTEXT {
		$$ = $1; opt_dup(&$$->repeats, $$->sample_query != NULL, @2); $$->sample_query = $3; $$->sample_span = @3;
	  }
	| index_opts AS CONSTRAINT {
		$$ = $1; opt_dup(&$$->repeats, $$->as_constraint, @2); $$->as_constraint = true;
		$$->as_constraint_span = @$;
	  }
	;

/* Foreign key actions, in either order; repeats are recorded for the checker. */
fk_actions:
	  %empty                { $$ = arena_alloc(A, sizeof *$$); }
	| fk_actions ON DELETE fk_action {
		$$ = $1; opt_dup(&$$->repeats, $$->on_delete != NULL, @2); $$->on_delete = $4; $$->on_delete_span = @4;
	  }
	| fk_actions ON UPDATE fk_action {
		$$ = $1; opt_dup(&$$->repeats, $$->on_update != NULL, @2); $$->on_update = $4; $$->on_update_span = @4;
	  }
	;

fk_action:
	  CASCADE               { $$ = "CASCADE"; }
	| RESTRICT              { $$ = "RESTRICT"; }
	| NO ACTION             { $$ = "NO ACTION"; }
	| SET NULL_P            { $$ = "SET NULL"; }
	| SET DEFAULT           { $$ = "SET DEFAULT"; }
	;

name_list:
	  name                  { $$ = names_push(ctx, NULL, $1); }
	| name_list ',' name    { $$ = names_push(ctx, $1, $3); }
	;

qname:
	  name                  { memset(&$$, 0, sizeof $$); $$.name = $1; $$.span = @$; }
	| name '.' name         { memset(&$$, 0, sizeof $$); $$.schema = $1; $$.name = $3; $$.span = @$; }
	;

/* Types: SQL spellings, including the multi-word ones (double precision,
 * character varying, timestamp(3) with time zone) and arrays. Quoted or
 * schema-qualified names are user types (enums, domains). */
type:
	  type_words            { memset(&$$, 0, sizeof $$); $$.base = $1; $$.span = @$; }
	| type_words '(' INTEGER ')' {
		memset(&$$, 0, sizeof $$); $$.base = $1; $$.nargs = 1; $$.args[0] = strtol($3, NULL, 10); $$.span = @$;
	  }
	| type_words '(' INTEGER ',' INTEGER ')' {
		memset(&$$, 0, sizeof $$); $$.base = $1; $$.nargs = 2;
		$$.args[0] = strtol($3, NULL, 10); $$.args[1] = strtol($5, NULL, 10); $$.span = @$;
	  }
	| type WITH IDENT ZONE  { $$ = $1; $$.tz = "with time zone"; $$.tz_bad = strcasecmp($3, "time") != 0; $$.span = @$; }
	| type WITHOUT IDENT ZONE { $$ = $1; $$.tz = "without time zone"; $$.tz_bad = strcasecmp($3, "time") != 0; $$.span = @$; }
	| QIDENT                { memset(&$$, 0, sizeof $$); $$.base = $1; $$.user_defined = true; $$.span = @$; }
	| QIDENT '.' QIDENT     { memset(&$$, 0, sizeof $$); $$.schema = $1; $$.base = $3; $$.user_defined = true; $$.span = @$; }
	| type '[' ']'          { $$ = $1; $$.array = true; $$.span = @$; }
	;

type_words:
	  IDENT                 { $$ = $1; }
	| type_words IDENT      { $$ = type_join(ctx, $1, $2); }
	;

literal:
	  STRING                { $$ = mklit(LIT_STRING, $1, @1); }
	| signed_number         { $$ = $1; }
	| TRUE                  { $$ = mklit(LIT_BOOL, "true", @1); }
	| FALSE                 { $$ = mklit(LIT_BOOL, "false", @1); }
	| NULL_P                { $$ = mklit(LIT_NULL, "null", @1); }
	;

signed_number:
	  INTEGER               { $$ = mklit(LIT_NUMBER, $1, @1); }
	| DECIMAL               { $$ = mklit(LIT_NUMBER, $1, @1); }
	| '-' INTEGER           { $$ = mklit(LIT_NUMBER, negate(ctx, $2), @$); }
	| '-' DECIMAL           { $$ = mklit(LIT_NUMBER, negate(ctx, $2), @$); }
	;

name:
	  IDENT                 { $$ = mkname($1, @1); }
	| QIDENT                { $$ = mkname($1, @1); }
	| unreserved            { $$ = mkname($1, @1); }
	;

/* Keywords that may still name a column or an object. */
unreserved:
	  ACTION | ADD | AFTER | ALTER | AT | BACKFILL | BATCH | BEFORE | CASCADE | CHECK | COMMENT | CONSTRAINT | DELETE
	| DOWN | ENFORCE | ENUM | EXPLAIN | FOREIGN | INDEX | KEY | LIFECYCLE | MAP | NO | REFERENCES | RENAME | RESTRICT
	| RETIRE | RETYPE | REVERSE | SQL | TRANSACTION | UP | UPDATE | VALUE | WHERE | WITH | WITHOUT | ZONE
	;

%%

/* Messages name what was found, with its text, and what would have fit. */
static int yyreport_syntax_error(const yypcontext_t *yctx, yyscan_t scanner, mig_parse_ctx *ctx)
{
	mp_buf msg = MP_BUF_INIT;
	yysymbol_kind_t tok = yypcontext_token(yctx);
	const MIG_YYLTYPE *loc = yypcontext_location(yctx);
	if (tok == YYSYMBOL_YYEOF) {
		buf_puts(&msg, "unexpected end of file");
	} else {
		int len = loc->end - loc->start;
		const char *text = ctx->src->text + loc->start;
		if (len > 40)
			len = 40;
		const char *kind = yysymbol_name(tok);
		if (kind[0] == '"' || kind[0] == '\'' || tok == YYSYMBOL_YYUNDEF)
			buf_printf(&msg, "unexpected '%.*s'", len, text);
		else
			buf_printf(&msg, "unexpected %s '%.*s'", kind, len, text);
	}
	yysymbol_kind_t expected[64];
	int n = yypcontext_expected_tokens(yctx, expected, 64);
	bool semi = false;
	for (int i = 0; i < n; i++)
		semi = semi || strcmp(yysymbol_name(expected[i]), "';'") == 0;
	if (n > 6 && semi) {
		buf_puts(&msg, "; expected ';'");
	} else if (n > 0 && n <= 6) {
		buf_puts(&msg, "; expected ");
		for (int i = 0; i < n; i++) {
			const char *name = yysymbol_name(expected[i]);
			if (i)
				buf_puts(&msg, i == n - 1 ? " or " : ", ");
			if (name[0] == '"')
				buf_printf(&msg, "'%.*s'", (int)strlen(name) - 2, name + 1);
			else if (strlen(name) == 3 && name[0] == '\'')
				buf_puts(&msg, name);
			else
				buf_puts(&msg, name);
		}
	}
	diag_add(ctx->diags, DIAG_ERROR, ctx->src, *loc, "%s", buf_cstr(&msg));
	buf_free(&msg);
	return 0;
}

const char *mig_parser_token_name(int tok)
{
	if (tok < 0 || tok > YYMAXUTOK)
		return NULL;
	yysymbol_kind_t sym = YYTRANSLATE(tok);
	return sym == YYSYMBOL_YYUNDEF && tok != MIG_YYUNDEF ? NULL : yysymbol_name(sym);
}
