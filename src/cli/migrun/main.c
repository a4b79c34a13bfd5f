/* migrun: apply a migplan plan (and any Prisma migrations folder) to
 * PostgreSQL, sharing _prisma_migrations with the Prisma CLI. */
#include "cli/migrun/cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: migrun <command> [options]\n"
	"\n"
	"Applies a Prisma migrations folder and its migplan gate manifest to PostgreSQL,\n"
	"keeping _prisma_migrations exactly as `prisma migrate deploy` does.\n"
	"\n"
	"commands:\n"
	"  verify     check hashes and the chain of the manifest (offline)\n"
	"  status     applied / pending / failed / diverged, per migration\n"
	"  apply      apply pending migrations in order, behind their gates\n"
	"  rollback   run DOWN scripts of the last applied steps\n"
	"  resolve    mark a migration applied or rolled back without running it\n"
	"  rehearse   UP, DOWN, UP of the pending steps on a scratch database, schemas compared\n"
	"\n"
	"`migrun <command> --help` for its options; exit codes in docs/runtime.md.\n"
	"  --version  print the version\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("migrun %s\n", MIGPLAN_VERSION);
		return EXIT_OK;
	}
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
		{"verify", cli_verify},     {"status", cli_status},   {"apply", cli_apply},
		{"rollback", cli_rollback}, {"resolve", cli_resolve},
		{"rehearse", cli_rehearse},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(cmd, cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "migrun: unknown command '%s' (see `migrun --help`)\n", cmd);
	return EXIT_USAGE;
}
