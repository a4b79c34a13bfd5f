/* migrun: apply a migplan plan (and any Prisma migrations folder) to PostgreSQL, sharing _prisma_migrations. */
#include "cli/migrun/cli.h"

#include <stdio.h>
#include <string.h>

/* In the order `migrun --help` lists them. */
static const cli_command commands[] = {
	{"verify", cli_verify, "check hashes and the chain of the manifest (offline)"},
	{"status", cli_status, "applied / pending / failed / diverged, per migration"},
	{"apply", cli_apply, "apply pending migrations in order, behind their gates"},
	{"rollback", cli_rollback, "run DOWN scripts of the last applied steps"},
	{"resolve", cli_resolve, "mark a migration applied or rolled back without running it"},
	{"rehearse", cli_rehearse, "UP, DOWN, UP of the pending steps on a scratch database, schemas compared"},
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fputs("usage: migrun <command> [options]\n"
	      "\n"
	      "Applies a Prisma migrations folder and its migplan gate manifest to PostgreSQL,\n"
	      "keeping _prisma_migrations exactly as `prisma migrate deploy` does.\n"
	      "\n"
	      "commands:\n",
	      out);
	cli_command_list(out, commands, 10);
	fputs("\n"
	      "`migrun <command> --help` for its options; exit codes in docs/runtime.md.\n"
	      "  --version  print the version\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("migrun %s\n", MIGPLAN_VERSION);
		return EXIT_OK;
	}
	const cli_command *c = cli_command_find(commands, cmd);
	if (c)
		return c->run(argc - 1, argv + 1);
	fprintf(stderr, "migrun: unknown command '%s' (see `migrun --help`)\n", cmd);
	return EXIT_USAGE;
}
