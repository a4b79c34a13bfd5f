/* migc: compile .mig lifecycle specs, explain and lint migration SQL. */
#include "cli/migc/cli.h"
#include "cli/project.h"

#include <stdio.h>
#include <string.h>

/* In the order `migc --help` lists them. */
static const cli_command commands[] = {
	{"check", cli_check, "check that .mig specs and schema.prisma agree"},
	{"compile", cli_compile, "compile .mig specs into Prisma migration folders and a gate manifest"},
	{"explain", cli_explain, "show what every statement locks and blocks (human, markdown, json)"},
	{"lint", cli_lint, "check migration SQL for lock hazards"},
	{"rebase", cli_rebase, "re-chain the folder and manifest after a merge of branches' lifecycles"},
	{"scaffold", cli_scaffold, "write a .mig skeleton for the changes between two schema.prisma"},
	{"verify", cli_verify, "check that the folder and its manifest agree (after a merge)"},
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: migc <command> [options] [args]\n\ncommands:\n");
	cli_command_list(out, commands, 9);
	fprintf(out, "\n'migc <command> --help' describes a command. Exit codes: 0 ok, 1 errors in the input,\n"
	             "2 bad usage, 3 file system errors (docs/cli.md).\n");
}

const char *cli_plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* The errors say what a hand-written loop said: a missing value names the
 * flag as written, a bad --format lists its words. */
static int parse_error(const cli_help *u, int rc, const mp_opt_result *r)
{
	const mp_opt_spec *s = r->spec;
	if (s && s->kind == MP_OPT_KIND_CHOICE) {
		fprintf(stderr, "migc %s: --%s takes %s\n", u->name, s->name, s->needs);
	} else if (rc == MP_OPT_EMISSING) {
		fprintf(stderr, "migc %s: %s needs %s\n", u->name, r->arg, s->needs);
	} else {
		fprintf(stderr, "migc %s: %s '%s'\n", u->name,
		        (u->style & MP_OPT_NO_OPERANDS) ? "unexpected argument" : "unknown option", r->arg);
		cli_help_print(u, stderr);
	}
	return MIGC_EXIT_USAGE;
}

int cli_run(const cli_help *h, int argc, char **argv, void *args, int (*run)(void *args, const mp_opt_list *operands))
{
	mp_opt_result r;
	int rc = mp_opt_parse(h->opts, h->style, argc - 1, argv + 1, args, &r);
	int ex;
	if (rc == MP_OPT_STOPPED && r.spec->kind == MP_OPT_KIND_HELP) {
		cli_help_print(h, stdout);
		ex = MIGC_EXIT_OK;
	} else if (rc < 0) {
		ex = parse_error(h, rc, &r);
	} else {
		ex = run(args, &r.operands);
	}
	mp_opt_result_free(&r);
	return ex;
}

int cli_pick_path(const char *config, cli_pick what, const char *flag, const char *hint, const char *cmd, char **out)
{
	*out = NULL;
	cli_project p;
	mp_error err = {0};
	int rc = cli_project_open(&p, config, &err);
	if (rc == MP_OK && what == CLI_PICK_SCHEMA)
		rc = cli_project_schema(&p, flag, hint, out, &err);
	else if (rc == MP_OK)
		rc = cli_project_migrations(&p, flag, hint, out, &err);
	cli_project_close(&p);
	if (rc == MP_OK)
		return MIGC_EXIT_OK;
	fprintf(stderr, "migc %s: %s\n", cmd, err.msg);
	return rc == MP_EIO ? MIGC_EXIT_IO : MIGC_EXIT_USAGE;
}

int cli_default_paths(const char *cmd, const mp_opt_list *given, mp_opt_list *use, char **owned)
{
	*use = *given;
	*owned = NULL;
	if (given->n)
		return MIGC_EXIT_OK;
	int ex = cli_pick_path(NULL, CLI_PICK_MIGRATIONS, NULL, "the folder as an argument", cmd, owned);
	use->items = (const char **)owned;
	use->n = ex == MIGC_EXIT_OK ? 1 : 0;
	return ex;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MIGC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return MIGC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("migc %s\n", MIGPLAN_VERSION);
		return MIGC_EXIT_OK;
	}
	const cli_command *c = cli_command_find(commands, argv[1]);
	if (c)
		return c->run(argc - 1, argv + 1);
	fprintf(stderr, "migc: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return MIGC_EXIT_USAGE;
}
