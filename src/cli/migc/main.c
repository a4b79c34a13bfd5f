/* migc: compile .mig lifecycle specs, explain and lint migration SQL. */
#include "cli/migc/cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"check", cli_check, "check that .mig specs and schema.prisma agree"},
	{"compile", cli_compile, "compile .mig specs into Prisma migration folders and a gate manifest"},
	{"explain", cli_explain, "show what every statement locks and blocks (human, markdown, json)"},
	{"lint", cli_lint, "check migration SQL for lock hazards"},
	{"rebase", cli_rebase, "re-chain the folder and manifest after a merge of branches' lifecycles"},
	{"scaffold", cli_scaffold, "write a .mig skeleton for the changes between two schema.prisma"},
	{"verify", cli_verify, "check that the folder and its manifest agree (after a merge)"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
	fprintf(out, "usage: migc <command> [options] [args]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'migc <command> --help' describes a command. Exit codes: 0 ok, 1 errors in the input,\n"
	             "2 bad usage, 3 file system errors (docs/cli.md).\n");
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MIGC_EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return MIGC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("migc %s\n", MIGPLAN_VERSION);
		return MIGC_EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "migc: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return MIGC_EXIT_USAGE;
}
