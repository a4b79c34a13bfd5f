/* `--fleet FILE` for apply, status and verify (docs/fleet.md): the flags,
 * and the commands' fleet forms. Only the CLI layer prints. */
#ifndef MIGPLAN_CLI_FLEET_H
#define MIGPLAN_CLI_FLEET_H

#include <stdbool.h>
#include "runtime/apply.h"
#include "cli/migrun/cli.h"
#include "fleet/fleet.h"

typedef struct {
	const char *file;        /* --fleet */
	long parallel;           /* -j; -1: the fleet file's */
	long canary;             /* --canary; -1: the fleet file's */
	bool continue_on_error;
	long long wait_gates_ms; /* --wait-gates */
	bool apply_only_flag;    /* one of the apply-only fleet flags was given */
	int watchdog_retries;    /* apply's --watchdog-retries; -1: --no-watchdog */
} cli_fleet_opts;

#define CLI_FLEET_OPTS(T, m)                                                                                  \
	MP_OPT_STRING(T, m.file, "fleet", 0, "FILE", "a file",                                                   \
	              "every target of a fleet file (docs/fleet.md) instead of one database"),                   \
	MP_OPT_LONG(T, m.parallel, "parallel", 'j', "N", 1, 1024, "an integer 1..1024",                         \
	            "with --fleet: targets in flight at once (default: the file's, else 4)")
#define CLI_FLEET_APPLY_OPTS(T, m)                                                                            \
	MP_OPT_LONG(T, m.canary, "canary", 0, "N", 0, 1000000, "a non-negative integer",                        \
	            "with --fleet: targets in the first wave (default: the file's, else 1)"),                    \
	MP_OPT_SWITCH(T, m.continue_on_error, "continue-on-error", 0,                                           \
	              "with --fleet: record a failed target and go on with the rollout"),                        \
	MP_OPT_DURATION(T, m.wait_gates_ms, "wait-gates", "DUR", "a duration such as 30s or 5m",                \
	                "with --fleet: wait for a min_age gate that passes within DUR", 0)

void cli_fleet_init(cli_fleet_opts *fo);
/* Notes whether one of the apply-only fleet flags of table opts was given. */
void cli_fleet_given(cli_fleet_opts *fo, const mp_opt_spec *opts, const mp_opt_result *r);
/* cli_parse for a command whose table has the common and the fleet flags:
 * co and fo (members of args) get their defaults first, the fleet flags are
 * checked after (cli_fleet_check). -1 to go on, else the exit code. */
int cli_fleet_parse(const cli_help *h, int argc, char **argv, void *args, cli_common *co, cli_fleet_opts *fo);
/* Flags that need --fleet, or that --fleet excludes: EXIT_USAGE, else OK. */
int cli_fleet_check(const char *cmd, const cli_common *co, const cli_fleet_opts *fo);

/* Loads the file, lists the queried targets, plans the waves; prints the
 * error and returns its exit code. */
int cli_fleet_load(const cli_fleet_opts *fo, fleet_spec *f);
int cli_fleet_apply(const cli_common *co, const apply_opts *o, const cli_fleet_opts *fo);
int cli_fleet_status(const cli_common *co, const cli_fleet_opts *fo);
int cli_fleet_verify(const cli_common *co, const cli_fleet_opts *fo);

#endif
