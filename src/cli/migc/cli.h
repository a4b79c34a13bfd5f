/* The migc command-line layer: one function per subcommand, each with its
 * options in one table (util/opt.h) that drives parsing and --help alike. A
 * command maps the library's results to the exit codes below (documented in
 * docs/cli.md). */
#ifndef MIGPLAN_CLI_H
#define MIGPLAN_CLI_H

#include <stdio.h>

#include "util/opt.h"

enum {
	MIGC_EXIT_OK = 0,
	MIGC_EXIT_FINDINGS = 1, /* the input has errors (spec diagnostics, error-level lint findings) */
	MIGC_EXIT_USAGE = 2,    /* bad command line */
	MIGC_EXIT_IO = 3,       /* cannot read or write files */
};

/* A command's command line: its --help is head, the option rows, foot. */
typedef struct {
	const char *name;        /* "compile": errors say "migc compile: ..." */
	const char *head;        /* usage line and description */
	const mp_opt_spec *opts;
	const char *foot;        /* exit codes */
	int style;               /* MP_OPT_PLAIN, with MP_OPT_SKIP_DASHDASH or MP_OPT_NO_OPERANDS */
} cli_usage;

/* A subcommand: argv[0] is its name. */
typedef struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} cli_command;

/* The subcommands, in the order `migc --help` lists them (main.c). */
extern const cli_command cli_commands[];

int cli_compile(int argc, char **argv);
int cli_lint(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_scaffold(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_rebase(int argc, char **argv);

void cli_usage_print(const cli_usage *u, FILE *out);
/* Reads argv[1..] into args by u's table: -1 to go on (operands in r, free
 * with mp_opt_result_free), else the exit code once --help or the error is
 * printed. */
int cli_parse(const cli_usage *u, int argc, char **argv, void *args, mp_opt_result *r);

/* "" for one, "s" for any other count. */
const char *cli_plural(size_t n);

#endif
