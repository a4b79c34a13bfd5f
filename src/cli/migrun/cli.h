/* The command-line layer: the only code of migrun that prints and picks
 * exit codes (documented in docs/runtime.md). */
#ifndef MIGPLAN_CLI_H
#define MIGPLAN_CLI_H

#include <stdbool.h>
#include "runtime/conn.h"
#include "migdir/folder.h"
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

#define DEFAULT_MIGRATIONS_DIR "prisma/migrations"

/* Options every subcommand takes. */
typedef struct {
	const char *dir;
	const char *manifest;
	const char *url;
	bool json;
} cli_common;

/* Long option ids for the common flags (short -d is 'd'). */
enum { OPT_MANIFEST = 1000, OPT_URL, OPT_JSON, OPT_HELP, OPT_FIRST_LOCAL };

#define CLI_COMMON_LONGOPTS                                                                                   \
	{"dir", required_argument, NULL, 'd'}, {"manifest", required_argument, NULL, OPT_MANIFEST},               \
	{"database-url", required_argument, NULL, OPT_URL}, {"json", no_argument, NULL, OPT_JSON},              \
	{"help", no_argument, NULL, 'h'}

#define CLI_COMMON_HELP                                                                                       \
	"  -d, --dir DIR           migrations folder (default " DEFAULT_MIGRATIONS_DIR ")\n"                        \
	"      --manifest PATH     gate manifest (default DIR/migplan.manifest.json)\n"                           \
	"      --database-url URL  database (default: $DATABASE_URL, else libpq's PG* variables)\n"                 \
	"      --json              machine-readable output on stdout\n"                                         \
	"  -h, --help              this help\n"

void cli_common_init(cli_common *c);
/* Handles a common option; false when opt is not one. */
bool cli_common_opt(int opt, const char *arg, cli_common *c);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message, hint to --help, returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* MP_E* -> exit code (gates and pending are decided by the commands). */
int cli_exit_code(int rc);
/* Parses a non-negative integer / a duration; false on junk. */
bool cli_parse_long(const char *s, long *out);
bool cli_parse_duration(const char *s, long long *ms);
/* Lines go to stdout (stderr with --json); progress to stderr. */
rt_report cli_reporter(const cli_common *c);
/* Ends a progress bar line if one is showing. */
void cli_progress_done(void);
int cli_load_folder(const cli_common *c, bool require_manifest, mig_folder *f);
int cli_connect(const cli_common *c, rt_conn **conn);
/* cli_load_folder, then cli_connect; on failure nothing is left open and
 * the exit code says which failed. */
int cli_open(const cli_common *c, bool require_manifest, mig_folder *f, rt_conn **conn);

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
enum { OPT_WD_RETRIES = 1200, OPT_NO_WD };
#define CLI_GUARD_LONGOPTS                                                                                    \
	{"watchdog-retries", required_argument, NULL, OPT_WD_RETRIES}, {"no-watchdog", no_argument, NULL, OPT_NO_WD}
#define CLI_GUARD_HELP                                                                                        \
	"      --watchdog-retries N    retries (0..10) of a step the lock watchdog cancelled (default 5)\n"                 \
	"      --no-watchdog           no lock watchdog\n"
void cli_guard_init(cli_guard *g);
/* -1: not a guard flag; else EXIT_OK or EXIT_USAGE. */
int cli_guard_opt(int opt, const char *arg, const char *cmd, cli_guard *g);
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
