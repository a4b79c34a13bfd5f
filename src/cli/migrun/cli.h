/* The command-line layer: the only code of migrun that prints and picks
 * exit codes (documented in docs/runtime.md). Each command declares its
 * options once, in a table (util/opt.h) that drives parsing and --help. */
#ifndef MIGPLAN_CLI_H
#define MIGPLAN_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "cli/command.h"
#include "cli/project.h"
#include "util/opt.h"
#include "runtime/conn.h"
#include "migdir/folder.h"
#include "migdir/verify.h"
#include "runtime/report.h"

enum {
	EXIT_OK = 0,          /* done / up to date / verified */
	EXIT_FAIL = 1,        /* a step or a database statement failed */
	EXIT_USAGE = 2,       /* bad flags or arguments */
	EXIT_PENDING = 3,     /* status: pending migrations, within max_pending */
	EXIT_TOO_MANY = 4,    /* more pending than max_pending allows */
	EXIT_DIVERGED = 5,    /* ledger diverged from the folder, or a failed migration */
	EXIT_GATE = 6,        /* a gate is not met */
	EXIT_CONNECT = 7,     /* bad URL, unreachable server, authentication */
	EXIT_VERIFY = 8,      /* verify failed, manifest missing, folder unreadable */
	EXIT_REHEARSE_DIFF = 9, /* rehearse: a DOWN did not restore the schema, or UP is not reproducible */
	EXIT_WATCHDOG = 10,   /* the lock watchdog cancelled a step more often than --watchdog-retries */
};

/* Options every subcommand takes. dir and url are NULL when not given: the
 * project's Prisma config or Prisma's defaults then say (cli/project.h). */
typedef struct {
	const char *dir;
	const char *manifest;
	const char *url;
	const char *config;
	bool json;
} cli_common;

/* The common flags' rows of an option table (util/opt.h), for a struct T
 * with a cli_common member m; they end the help, so they hold --help. */
#define CLI_COMMON_OPTS(T, m)                                                                                 \
	MP_OPT_STRING(T, m.dir, "dir", 'd', "DIR", "a directory",                                                \
	              "migrations folder (default: the Prisma config's migrations.path,\n"                     \
	              "else " CLI_MIGRATIONS_DIR ")"),                                                          \
	MP_OPT_STRING(T, m.manifest, "manifest", 0, "PATH", "a path", "gate manifest (default DIR/migplan.manifest.json)"), \
	MP_OPT_STRING(T, m.url, "database-url", 0, "URL", "a URL",                                              \
	              "database (default: the Prisma config's datasource.directUrl or url,\n"                 \
	              "else $DIRECT_URL, else $DATABASE_URL, else libpq's PG* variables)"),                     \
	CLI_CONFIG_OPT(T, m.config),                                                                            \
	MP_OPT_SWITCH(T, m.json, "json", 0, "machine-readable output on stdout"), MP_OPT_HELP("this help")

/* Reads argv[1..] into args by h's table (getopt_long's spellings, its
 * messages for unknown flags); -1 to go on (r says which flags were given),
 * else the exit code once --help or the error is printed. No command takes
 * operands: the first one is an error. */
int cli_parse(const cli_help *h, int argc, char **argv, void *args, mp_opt_result *r);
/* Prints j indented on stdout and frees it. */
void cli_put_json(json_t *j);

void cli_common_init(cli_common *c);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message, hint to --help, returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* MP_E* -> exit code (gates and pending are decided by the commands). */
int cli_exit_code(int rc);
/* Lines go to stdout (stderr with --json); progress to stderr. */
rt_report cli_reporter(const cli_common *c);
/* Ends a progress bar line if one is showing. */
void cli_progress_done(void);
int cli_load_folder(const cli_common *c, bool require_manifest, mig_folder *f);
int cli_connect(const cli_common *c, rt_conn **conn);
/* cli_load_folder, then cli_connect; on failure nothing is left open and
 * the exit code says which failed. */
int cli_open(const cli_common *c, bool require_manifest, mig_folder *f, rt_conn **conn);

/* verify's report, shared with verify --fleet (cli_verify.c): the problems
 * as a JSON array; "verified: ..." on stdout, or each problem on stderr. */
json_t *cli_verify_problems_json(const verify_report *vr);
void cli_verify_print(const mig_folder *f, const verify_report *vr);

int cli_verify(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_apply(int argc, char **argv);
int cli_rollback(int argc, char **argv);
int cli_resolve(int argc, char **argv);
int cli_rehearse(int argc, char **argv);

/* The lock watchdog and the post-apply checks around `apply` (cli_rehearse.c):
 * flags, start before the run, report after it. */
struct watchdog;
typedef struct {
	int retries;
	bool off;
	struct watchdog *wd;
	void *before;   /* ledger read before the run, for the post-checks */
	void *checks;   /* postcheck_report */
} cli_guard;
/* The watchdog's pause doubles per retry (0.5 s << attempt): 10 is already minutes. */
#define CLI_GUARD_OPTS(T, m)                                                                                  \
	MP_OPT_INT(T, m.retries, "watchdog-retries", 0, "N", 0, 10, "an integer 0..10",                          \
	           "retries (0..10) of a step the lock watchdog cancelled (default 5)"),                          \
	MP_OPT_SWITCH(T, m.off, "no-watchdog", 0, "no lock watchdog")
void cli_guard_init(cli_guard *g);
/* Reads the ledger and starts the watchdog (not with dry_run); on failure
 * prints and returns an exit code. */
int cli_guard_start(cli_guard *g, rt_conn *c, bool dry_run, struct watchdog **wd);
/* Stops the watchdog, runs the post-checks of what was applied, prints
 * both; ex is the run's exit code, returned as EXIT_WATCHDOG when the
 * watchdog gave up. */
int cli_guard_finish(cli_guard *g, rt_conn *c, const mig_folder *f, const rt_report *r, int ex);
/* Adds "watchdog" (events) and "post_checks" to the json_t object j. */
void cli_guard_json(const cli_guard *g, void *j);
void cli_guard_free(cli_guard *g);

#endif
