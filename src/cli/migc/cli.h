/* The migc command-line layer: one function per subcommand, each with its
 * options in one table (util/opt.h) that drives parsing and --help alike. A
 * command maps the library's results to the exit codes below (documented in
 * docs/cli.md). */
#ifndef MIGPLAN_CLI_H
#define MIGPLAN_CLI_H

#include <stdio.h>

#include "cli/command.h"

enum {
	MIGC_EXIT_OK = 0,
	MIGC_EXIT_FINDINGS = 1, /* the input has errors (spec diagnostics, error-level lint findings) */
	MIGC_EXIT_USAGE = 2,    /* bad command line */
	MIGC_EXIT_IO = 3,       /* cannot read or write files */
};

/* Rows several commands share: the migrations folder (-d/--dir, or compile's
 * -o/--output, which writes it: NULL when not given, then cli_pick_path's
 * default); --format WORD (also --format=WORD) with --json
 * for its json word, as lint and explain take them. */
#define CLI_MIGRATIONS_OPT(T, m, name, alias) \
	MP_OPT_STRING(T, m, name, alias, "DIR", "a directory", "migrations folder (default: the Prisma config's\n" \
	              "migrations.path, else " CLI_MIGRATIONS_DIR ")")
#define CLI_DIR_OPT(T, m) CLI_MIGRATIONS_OPT(T, m, "dir", 'd')
#define CLI_FORMAT_OPTS(T, m, words, needs, json_value)                      \
	MP_OPT_CHOICE(T, m, "format", NULL, words, needs, NULL, MP_OPT_EQUALS), \
	MP_OPT_CONST(T, m, "json", json_value, MP_OPT_HIDDEN)

int cli_compile(int argc, char **argv);
int cli_lint(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_scaffold(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_rebase(int argc, char **argv);

/* Reads argv[1..] into args by h's table, then calls run with args and the
 * operands; the exit code is run's, or that of --help or of the error
 * printed (usage errors: MIGC_EXIT_USAGE). */
int cli_run(const cli_help *h, int argc, char **argv, void *args, int (*run)(void *args, const mp_opt_list *operands));

/* What cli_pick_path takes from the project (cli/project.h). */
typedef enum { CLI_PICK_SCHEMA, CLI_PICK_MIGRATIONS } cli_pick;
/* The schema or the migrations folder command cmd works on: flag, else the
 * Prisma config's (config: --config, or NULL to find it), else the default
 * (the migrations folder's; for the schema *out NULL: the command's own).
 * MIGC_EXIT_OK with *out newly allocated, else the config's one-line error
 * printed and MIGC_EXIT_USAGE (MIGC_EXIT_IO when the file cannot be read). */
int cli_pick_path(const char *config, cli_pick what, const char *flag, const char *hint, const char *cmd, char **out);

/* lint's and explain's paths: those given, else the project's migrations
 * folder (cli_pick_path; *owned then holds it, freed by the caller).
 * MIGC_EXIT_OK, or cli_pick_path's exit code once its error is printed. */
int cli_default_paths(const char *cmd, const mp_opt_list *given, mp_opt_list *use, char **owned);

/* "" for one, "s" for any other count. */
const char *cli_plural(size_t n);

#endif
