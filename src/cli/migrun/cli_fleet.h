/* `--fleet FILE` for apply, status and verify (docs/fleet.md): the flags,
 * and the commands' fleet forms. Only the CLI layer prints. */
#ifndef MIGPLAN_CLI_FLEET_H
#define MIGPLAN_CLI_FLEET_H

#include <getopt.h>
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

/* Far above every command's local option ids. */
enum { OPT_FLEET = 1100, OPT_FLEET_CONTINUE, OPT_FLEET_WAIT_GATES, OPT_FLEET_CANARY };

#define CLI_FLEET_LONGOPTS                                                                                    \
	{"fleet", required_argument, NULL, OPT_FLEET}, {"parallel", required_argument, NULL, 'j'}
#define CLI_FLEET_APPLY_LONGOPTS                                                                              \
	{"continue-on-error", no_argument, NULL, OPT_FLEET_CONTINUE},                                             \
	{"wait-gates", required_argument, NULL, OPT_FLEET_WAIT_GATES},                                          \
	{"canary", required_argument, NULL, OPT_FLEET_CANARY}

#define CLI_FLEET_HELP                                                                                        \
	"      --fleet FILE        every target of a fleet file (docs/fleet.md) instead of one database\n"         \
	"  -j, --parallel N        with --fleet: targets in flight at once (default: the file's, else 4)\n"
#define CLI_FLEET_APPLY_HELP                                                                                  \
	"      --canary N          with --fleet: targets in the first wave (default: the file's, else 1)\n"          \
	"      --continue-on-error with --fleet: record a failed target and go on with the rollout\n"             \
	"      --wait-gates DUR    with --fleet: wait for a min_age gate that passes within DUR\n"

void cli_fleet_init(cli_fleet_opts *fo);
/* A fleet flag: EXIT_OK when handled, EXIT_USAGE on a bad value, -1 when
 * opt is not one. */
int cli_fleet_opt(int opt, const char *arg, const char *cmd, cli_fleet_opts *fo);
/* Flags that need --fleet, or that --fleet excludes: EXIT_USAGE, else OK. */
int cli_fleet_check(const char *cmd, const cli_common *co, const cli_fleet_opts *fo);

/* Loads the file, lists the queried targets, plans the waves; prints the
 * error and returns its exit code. */
int cli_fleet_load(const cli_fleet_opts *fo, fleet_spec *f);
int cli_fleet_apply(const cli_common *co, const apply_opts *o, const cli_fleet_opts *fo);
int cli_fleet_status(const cli_common *co, const cli_fleet_opts *fo);
int cli_fleet_verify(const cli_common *co, const cli_fleet_opts *fo);

#endif
