/* What both command lines share: the table of subcommands and a command's
 * help, which is its option table (util/opt.h) between two texts. */
#ifndef MIGPLAN_CLI_COMMAND_H
#define MIGPLAN_CLI_COMMAND_H

#include <stdio.h>

#include "util/opt.h"

/* Where Prisma keeps a project's migrations, and so where both command lines
 * look for them unless told otherwise. */
#define CLI_MIGRATIONS_DIR "prisma/migrations"

/* A subcommand: run gets argv with argv[0] its name. A table ends with a NULL name. */
typedef struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} cli_command;

/* A command's command line: --help is head, the option rows, foot. */
typedef struct {
	const char *name;        /* "compile": errors name the command */
	const char *head;        /* usage line and description */
	const mp_opt_spec *opts;
	const char *foot;        /* exit codes, or NULL */
	int style;               /* how argv is read (mp_opt_style) */
} cli_help;

/* The command called name, or NULL. */
const cli_command *cli_command_find(const cli_command *table, const char *name);
/* One "  NAME  summary" line a command, names padded to width. */
void cli_command_list(FILE *out, const cli_command *table, int width);
void cli_help_print(const cli_help *h, FILE *out);

#endif
