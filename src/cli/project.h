/* A project's settings as both command lines take them, the way the Prisma
 * CLI does: the flag when one is given, else the project's Prisma config
 * (migdir/prisma_config.h: prisma.config.ts found in the working directory,
 * or the file --config names), else Prisma's default. A value of the config
 * that cannot be read statically is an error only when it is needed, and the
 * error names the flag that stands in for it. */
#ifndef MIGPLAN_CLI_PROJECT_H
#define MIGPLAN_CLI_PROJECT_H

#include "migdir/prisma_config.h"
#include "util/error.h"
#include "util/opt.h"

/* --config FILE, the same row for every command that reads the config. */
#define CLI_CONFIG_OPT(T, m)                                             \
	MP_OPT_STRING(T, m, "config", 0, "FILE", "a file",                   \
	              "the Prisma config (default: prisma.config.ts or another\n" \
	              "name Prisma looks for, in the working directory)")

typedef struct {
	prisma_config *cfg; /* NULL: the project has none (a Prisma 6 project) */
} cli_project;

/* Reads the file config_flag names (it must exist), else the one Prisma
 * would find in the working directory, if any. MP_EIO or MP_EINVAL with
 * err's one line when that file cannot be read. */
int cli_project_open(cli_project *p, const char *config_flag, mp_error *err);
void cli_project_close(cli_project *p);

/* Each newly allocated in *out. hint names the flag to give instead of a
 * config value that cannot be read ("-d/--dir DIR"); the error is then
 * MP_EINVAL with "FILE:LINE:COL: why; give HINT instead".
 *
 * The migrations folder: flag, else the config's migrations.path, else
 * "migrations" in the folder of the config's schema (its own folder when the
 * schema is a folder: Prisma's default), else prisma/migrations. */
int cli_project_migrations(const cli_project *p, const char *flag, const char *hint, char **out, mp_error *err);
/* The schema (a file or a folder): flag, else the config's schema, else NULL
 * (the command's own default). */
int cli_project_schema(const cli_project *p, const char *flag, const char *hint, char **out, mp_error *err);
/* The database URL: flag, else the config's datasource.directUrl, else its
 * datasource.url, else NULL (then conn_open's DIRECT_URL, DATABASE_URL and
 * PG* rules, as for a Prisma 6 project). */
int cli_project_url(const cli_project *p, const char *flag, const char *hint, char **out, mp_error *err);

#endif
