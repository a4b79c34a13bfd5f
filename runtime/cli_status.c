#include "cli.h"
#include "ledger.h"
#include "status.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char help[] =
	"usage: migrun status [-d DIR] [--max-pending N] [--json]\n"
	"\n"
	"Reads _prisma_migrations (creating nothing) and reports every migration:\n"
	"applied, pending, rolled_back (pending again), failed, or diverged (edited\n"
	"after apply, applied but not in the folder, or pending before an applied one).\n"
	"\n"
	"exit: 0 up to date; 3 pending, within max_pending; 4 more pending than\n"
	"max_pending (from --max-pending, else the first pending step's gate);\n"
	"5 diverged or failed; 7 cannot connect; 8 unreadable folder or manifest.\n"
	"\n"
	"      --max-pending N     the most pending migrations CI should accept\n" CLI_COMMON_HELP;

enum { OPT_MAX_PENDING = OPT_FIRST_LOCAL };

/* The limit a CI gate compares the pending count with: --max-pending, else
 * the first pending generated step's max_pending gate; -1: no limit. */
static long pending_limit(const mig_folder *f, const status_report *st, long flag)
{
	if (flag >= 0)
		return flag;
	if (st->first_pending < 0 || st->e[st->first_pending].index < 0)
		return -1;
	const mf_step *s = f->migs[st->e[st->first_pending].index].step;
	for (size_t i = 0; s && i < s->ngates; i++)
		if (s->gates[i].kind == GATE_MAX_PENDING)
			return s->gates[i].value;
	return -1;
}

static void print_json(const mig_folder *f, const ledger *l, const status_report *st, long limit)
{
	json_t *div = json_array(), *steps = json_array();
	for (size_t i = 0; i < st->n; i++) {
		const status_entry *e = &st->e[i];
		const folder_mig *m = e->index >= 0 ? &f->migs[e->index] : NULL;
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(e->name));
		json_object_set_new(o, "state", json_string(status_state_name(e->state)));
		json_object_set_new(o, "kind", json_string(!m ? "unknown" : m->step ? "generated" : "plain"));
		if (m && m->step)
			json_object_set_new(o, "phase", json_string(m->step->phase));
		if (m)
			json_object_set_new(o, "checksum", json_string(m->checksum));
		if (e->row) {
			json_object_set_new(o, "started_at", json_string(e->row->started_at));
			json_object_set_new(o, "finished_at", e->row->finished_at ? json_string(e->row->finished_at) : json_null());
			json_object_set_new(o, "rolled_back_at",
			                    e->row->rolled_back_at ? json_string(e->row->rolled_back_at) : json_null());
		}
		if (e->reason)
			json_object_set_new(o, "reason", json_string(e->reason));
		if (e->state == MS_DIVERGED)
			json_array_append_new(div, json_pack("{s:s, s:s}", "id", e->name, "reason", e->reason));
		json_array_append_new(steps, o);
	}
	json_t *root = json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:b}", "applied", (json_int_t)st->applied, "pending",
	                         (json_int_t)st->pending, "failed", (json_int_t)st->failed, "diverged", div, "steps", steps,
	                         "max_pending", limit >= 0 ? json_integer(limit) : json_null(), "ledger_exists",
	                         l->exists);
	char *text = json_dumps(root, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(root);
}

static void print_human(const mig_folder *f, const ledger *l, const status_report *st, long limit)
{
	if (!l->exists)
		printf("no _prisma_migrations table yet: every migration is pending\n");
	for (size_t i = 0; i < st->n; i++) {
		const status_entry *e = &st->e[i];
		const folder_mig *m = e->index >= 0 ? &f->migs[e->index] : NULL;
		printf("%-12s %s", status_state_name(e->state), e->name);
		if (m && m->step)
			printf(" [%s]", m->step->phase);
		if (e->state == MS_APPLIED && e->row->finished_at)
			printf("  (finished %s)", e->row->finished_at);
		if (e->reason)
			printf("  -- %s", e->reason);
		putchar('\n');
	}
	printf("%zu applied, %zu pending, %zu failed, %zu diverged", st->applied, st->pending, st->failed, st->diverged);
	if (limit >= 0)
		printf(" (max_pending %ld)", limit);
	putchar('\n');
}

int cli_status(int argc, char **argv)
{
	cli_common co;
	cli_common_init(&co);
	long max_pending = -1;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS, {"max-pending", required_argument, NULL, OPT_MAX_PENDING}, {NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		if (opt == OPT_MAX_PENDING) {
			if (!cli_parse_long(optarg, &max_pending))
				return cli_usage("status", "--max-pending needs a non-negative integer, not '%s'", optarg);
		} else if (!cli_common_opt(opt, optarg, &co)) {
			return cli_usage("status", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage("status", "unexpected argument '%s'", argv[optind]);
	mig_folder f;
	int ex = cli_load_folder(&co, false, &f);
	if (ex != EXIT_OK)
		return ex;
	rt_conn *c = NULL;
	ex = cli_connect(&co, &c);
	if (ex != EXIT_OK) {
		folder_free(&f);
		return ex;
	}
	ledger l;
	mp_error err = {0, ""};
	int rc = ledger_read(c, &l, &err);
	if (rc != MP_OK) {
		cli_error("%s", err.msg);
		ex = cli_exit_code(rc);
	} else {
		status_report st;
		status_compute(&f, &l, &st);
		long limit = pending_limit(&f, &st, max_pending);
		if (co.json)
			print_json(&f, &l, &st, limit);
		else
			print_human(&f, &l, &st, limit);
		if (st.failed || st.diverged)
			ex = EXIT_DIVERGED;
		else if (st.pending && limit >= 0 && (long)st.pending > limit)
			ex = EXIT_TOO_MANY;
		else if (st.pending)
			ex = EXIT_PENDING;
		status_report_free(&st);
		ledger_free(&l);
	}
	conn_close(c);
	folder_free(&f);
	return ex;
}
