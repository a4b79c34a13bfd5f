/* migrun status: every migration applied, pending, rolled back, failed or diverged; the CI gate on pending. */
#include "util/buf.h"
#include "cli/migrun/cli.h"
#include "cli/migrun/cli_fleet.h"
#include "runtime/gates.h"
#include "runtime/ledger.h"
#include "runtime/status.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	cli_common co;
	cli_fleet_opts fo;
	long max_pending;
} status_args;

static const mp_opt_spec opts[] = {
	MP_OPT_LONG(status_args, max_pending, "max-pending", 0, "N", 0, LONG_MAX, "a non-negative integer",
	            "the most pending units CI should accept"),
	MP_OPT_TEXT("\nWith --fleet FILE: one row per target (docs/fleet.md); exit 5 when a target is\n"
	            "failed or diverged, else 7 when one is unreachable, else 3 when one has pending\n"
	            "migrations, else 0.\n"),
	CLI_FLEET_OPTS(status_args, fo),
	CLI_COMMON_OPTS(status_args, co),
	MP_OPT_END,
};

static const cli_help help = {
	"status",
	"usage: migrun status [-d DIR] [--max-pending N] [--json]\n"
	"\n"
	"Reads _prisma_migrations (creating nothing) and reports every migration:\n"
	"applied, pending, rolled_back (pending again), failed, or diverged (edited\n"
	"after apply, applied but not in the folder, or pending before an applied one).\n"
	"\n"
	"exit: 0 up to date; 3 pending, within max_pending; 4 more pending units than\n"
	"--max-pending, or apply would stop at a max_pending gate (a plain migration\n"
	"is one unit, a lifecycle's pending steps together are one);\n"
	"5 diverged or failed; 7 cannot connect; 8 unreadable folder or manifest.\n"
	"\n",
	opts,
	NULL,
	MP_OPT_GNU,
};

static bool *pending_flags(const mig_folder *f, const status_report *st)
{
	bool *pending = xcalloc(f->n ? f->n : 1, sizeof *pending);
	for (size_t i = 0; i < st->n; i++)
		if (st->e[i].index >= 0 && status_is_pending(st->e[i].state))
			pending[st->e[i].index] = true;
	return pending;
}

/* The limit a CI gate compares the pending units with: --max-pending, else
 * the max_pending gate apply would stop at (or, when none would, the first
 * pending step's); -1: no limit. *refused: apply would refuse. */
static long pending_limit(const mig_folder *f, const status_report *st, long flag, bool *refused)
{
	bool *pending = pending_flags(f, st);
	size_t units = 0;
	int at_limit = -1;
	long at = gates_max_pending_refusal(f, pending, (long)f->n - 1, 0, -1, &units, &at_limit);
	size_t all = gates_pending_units(f, pending);
	free(pending);
	if (flag >= 0) {
		*refused = (long)all > flag;
		return flag;
	}
	*refused = at >= 0;
	if (at >= 0)
		return at_limit;
	for (size_t i = 0; i < st->n; i++) {
		const mf_step *s = st->e[i].index >= 0 && status_is_pending(st->e[i].state) ? f->migs[st->e[i].index].step : NULL;
		for (size_t g = 0; s && g < s->ngates; g++)
			if (s->gates[g].kind == GATE_MAX_PENDING)
				return s->gates[g].value;
	}
	return -1;
}

/* What max_pending compares: pending units (gates_pending_units). */
static size_t pending_units(const mig_folder *f, const status_report *st)
{
	bool *pending = pending_flags(f, st);
	size_t units = gates_pending_units(f, pending);
	free(pending);
	return units;
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
	json_t *root = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:b}", "applied", (json_int_t)st->applied,
	                         "pending", (json_int_t)st->pending, "pending_units", (json_int_t)pending_units(f, st),
	                         "failed", (json_int_t)st->failed, "diverged", div, "steps", steps, "max_pending",
	                         limit >= 0 ? json_integer(limit) : json_null(), "ledger_exists", l->exists);
	json_object_set_new(root, "out_of_order", json_integer((json_int_t)st->out_of_order));
	cli_put_json(root);
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
	size_t units = st->pending ? pending_units(f, st) : 0;
	if (st->pending)
		printf(" (%zu pending unit%s", units, units == 1 ? "" : "s");
	if (limit >= 0)
		printf("%smax_pending %ld", st->pending ? ", " : " (", limit);
	if (st->pending || limit >= 0)
		putchar(')');
	if (st->out_of_order)
		printf("; %zu applied out of the folder's order", st->out_of_order);
	putchar('\n');
}

/* The exit code of one database's status. */
static int status_exit(const status_report *st, bool refused)
{
	if (st->failed || st->diverged)
		return EXIT_DIVERGED;
	if (st->pending && refused)
		return EXIT_TOO_MANY;
	return st->pending ? EXIT_PENDING : EXIT_OK;
}

static int status_run(const status_args *a)
{
	mig_folder f;
	rt_conn *c = NULL;
	int ex = cli_open(&a->co, false, &f, &c);
	if (ex != EXIT_OK)
		return ex;
	ledger l;
	mp_error err = {0, ""};
	int rc = ledger_read(c, &l, &err);
	if (rc != MP_OK) {
		cli_error("%s", err.msg);
		ex = cli_exit_code(rc);
	} else {
		status_report st;
		status_compute(&f, &l, &st);
		bool refused = false;
		long limit = pending_limit(&f, &st, a->max_pending, &refused);
		if (a->co.json)
			print_json(&f, &l, &st, limit);
		else
			print_human(&f, &l, &st, limit);
		ex = status_exit(&st, refused);
		status_report_free(&st);
		ledger_free(&l);
	}
	conn_close(c);
	folder_free(&f);
	return ex;
}

int cli_status(int argc, char **argv)
{
	status_args a = {.max_pending = -1};
	int ex = cli_fleet_parse(&help, argc, argv, &a, &a.co, &a.fo);
	if (ex >= 0)
		return ex;
	if (a.fo.file && a.max_pending >= 0)
		return cli_usage("status", "--max-pending does not combine with --fleet");
	if (a.fo.file)
		return cli_fleet_status(&a.co, &a.fo);
	return status_run(&a);
}
