/* The migc command-line layer: one function per subcommand. Each parses its
 * own flags, calls the library and maps results to the exit codes below
 * (documented in docs/cli.md). */
#ifndef MIGPLAN_CLI_H
#define MIGPLAN_CLI_H

enum {
	MIGC_EXIT_OK = 0,
	MIGC_EXIT_FINDINGS = 1, /* the input has errors (spec diagnostics, error-level lint findings) */
	MIGC_EXIT_USAGE = 2,    /* bad command line */
	MIGC_EXIT_IO = 3,       /* cannot read or write files */
};

int cli_compile(int argc, char **argv);
int cli_lint(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_scaffold(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_rebase(int argc, char **argv);

/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);

#endif
