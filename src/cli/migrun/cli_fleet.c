/* migrun's --fleet: status and verify over a fleet, and the flags and fleet file apply shares with them. */
#include "cli/migrun/cli_fleet.h"
#include "util/duration.h"
#include "fleet/fleet_status.h"
#include "migdir/verify.h"
#include "runtime/watchdog.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_fleet_init(cli_fleet_opts *fo)
{
	memset(fo, 0, sizeof *fo);
	fo->parallel = -1;
	fo->canary = -1;
	fo->watchdog_retries = WATCHDOG_DEFAULT_RETRIES;
}

void cli_fleet_given(cli_fleet_opts *fo, const mp_opt_spec *opts, const mp_opt_result *r)
{
	fo->apply_only_flag = fo->continue_on_error || mp_opt_given(opts, r, "canary") ||
	                      mp_opt_given(opts, r, "wait-gates");
}

int cli_fleet_parse(const cli_help *h, int argc, char **argv, void *args, cli_common *co, cli_fleet_opts *fo)
{
	cli_common_init(co);
	cli_fleet_init(fo);
	mp_opt_result r;
	int ex = cli_parse(h, argc, argv, args, &r);
	if (ex >= 0)
		return ex;
	cli_fleet_given(fo, h->opts, &r);
	ex = cli_fleet_check(h->name, co, fo);
	return ex == EXIT_OK ? -1 : ex;
}

int cli_fleet_check(const char *cmd, const cli_common *co, const cli_fleet_opts *fo)
{
	if (!fo->file && (fo->parallel >= 0 || fo->apply_only_flag))
		return cli_usage(cmd, "--parallel, --canary, --continue-on-error and --wait-gates need --fleet FILE");
	if (fo->file && co->url)
		return cli_usage(cmd, "--fleet and --database-url exclude each other (the fleet file names the databases)");
	return EXIT_OK;
}

int cli_fleet_load(const cli_fleet_opts *fo, fleet_spec *f)
{
	mp_error err = {0, ""};
	int rc = fleet_load(fo->file, f, &err);
	if (rc == MP_OK) {
		if (fo->canary >= 0)
			f->canary = fo->canary;
		if (fo->parallel > 0)
			f->parallel = fo->parallel;
		rc = fleet_resolve_queries(f, &err);
	}
	if (rc != MP_OK) {
		cli_error("%s", err.msg);
		if (f->path)
			fleet_free(f);
		return rc == MP_ECONNECT ? EXIT_CONNECT : rc == MP_EDB ? EXIT_FAIL : EXIT_USAGE;
	}
	fleet_plan_waves(f);
	return EXIT_OK;
}

/* ---- status --fleet ---- */

static const char *row_state(const fleet_status_row *r)
{
	if (r->rc != MP_OK)
		return "unreachable";
	if (r->failed)
		return "failed";
	if (r->diverged)
		return "diverged";
	if (r->pending)
		return "pending";
	return "up to date";
}

static json_t *labels_json(const fleet_target *t)
{
	json_t *o = json_object();
	for (size_t i = 0; i < t->nlabels; i++)
		json_object_set_new(o, t->labels[i].key, json_string(t->labels[i].value));
	return o;
}

static void labels_text(const fleet_target *t, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < t->nlabels && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s=%s", i ? "," : "", t->labels[i].key, t->labels[i].value);
}

typedef struct {
	size_t up_to_date, pending, failed, diverged, unreachable;
} status_totals;

static status_totals count_rows(const fleet_spec *f, const fleet_status_row *rows)
{
	status_totals t = {0, 0, 0, 0, 0};
	for (size_t i = 0; i < f->n; i++) {
		const fleet_status_row *r = &rows[i];
		if (r->rc != MP_OK)
			t.unreachable++;
		else if (r->failed)
			t.failed++;
		else if (r->diverged)
			t.diverged++;
		else if (r->pending)
			t.pending++;
		else
			t.up_to_date++;
	}
	return t;
}

static void print_status_human(const fleet_spec *f, const fleet_status_row *rows, const status_totals *t)
{
	size_t w = 6;
	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->targets[i].name) > w)
			w = strlen(f->targets[i].name);
	printf("%-*s  %4s  %-11s  %7s  %7s  %6s  %8s  %-44s  %-8s  %s\n", (int)w, "TARGET", "WAVE", "STATE", "APPLIED",
	       "PENDING", "FAILED", "DIVERGED", "LAST STEP", "WINDOW", "LABELS");
	for (size_t i = 0; i < f->n; i++) {
		const fleet_status_row *r = &rows[i];
		char win[32] = "-", labels[256];
		if (r->window_lifecycle)
			duration_format(r->window_age_s * 1000, win);
		labels_text(&f->targets[i], labels, sizeof labels);
		printf("%-*s  %4d  %-11s  %7zu  %7zu  %6zu  %8zu  %-44s  %-8s  %s\n", (int)w, f->targets[i].name,
		       f->targets[i].wave, row_state(r), r->applied, r->pending, r->failed, r->diverged,
		       r->last_step ? r->last_step : "-", win, labels);
		if (r->error)
			printf("%*s  %s\n", (int)w, "", r->error);
		else if (r->problem)
			printf("%*s  %s\n", (int)w, "", r->problem);
	}
	printf("%zu targets: %zu up to date, %zu pending, %zu failed, %zu diverged, %zu unreachable\n", f->n,
	       t->up_to_date, t->pending, t->failed, t->diverged, t->unreachable);
}

static json_t *row_json(const fleet_target *t, const fleet_status_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(t->name));
	json_object_set_new(o, "wave", json_integer(t->wave));
	json_object_set_new(o, "labels", labels_json(t));
	json_object_set_new(o, "state", json_string(row_state(r)));
	json_object_set_new(o, "applied", json_integer((json_int_t)r->applied));
	json_object_set_new(o, "pending", json_integer((json_int_t)r->pending));
	json_object_set_new(o, "failed", json_integer((json_int_t)r->failed));
	json_object_set_new(o, "diverged", json_integer((json_int_t)r->diverged));
	json_object_set_new(o, "last_step", r->last_step ? json_string(r->last_step) : json_null());
	json_object_set_new(o, "window",
	                    r->window_lifecycle ? json_pack("{s:s, s:I}", "lifecycle", r->window_lifecycle, "age_s",
	                                                    (json_int_t)r->window_age_s)
	                                        : json_null());
	json_object_set_new(o, "problem", r->problem ? json_string(r->problem) : json_null());
	json_object_set_new(o, "error", r->error ? json_string(r->error) : json_null());
	return o;
}

static int status_exit(const status_totals *t)
{
	if (t->failed || t->diverged)
		return EXIT_DIVERGED;
	if (t->unreachable)
		return EXIT_CONNECT;
	return t->pending ? EXIT_PENDING : EXIT_OK;
}

/* The folder, the fleet file and every target's ledger read against the folder. */
typedef struct {
	mig_folder mf;
	fleet_spec f;
	fleet_status_row *rows;
	status_totals t;
} fleet_read;

static int fleet_read_all(const cli_common *co, const cli_fleet_opts *fo, bool require_manifest, fleet_read *fr)
{
	int ex = cli_load_folder(co, require_manifest, &fr->mf);
	if (ex != EXIT_OK)
		return ex;
	if ((ex = cli_fleet_load(fo, &fr->f)) != EXIT_OK) {
		folder_free(&fr->mf);
		return ex;
	}
	fr->rows = xcalloc(fr->f.n, sizeof *fr->rows);
	fleet_status_read(&fr->f, &fr->mf, fr->f.parallel, fr->rows);
	fr->t = count_rows(&fr->f, fr->rows);
	return EXIT_OK;
}

static void fleet_read_free(fleet_read *fr)
{
	for (size_t i = 0; i < fr->f.n; i++)
		fleet_status_row_free(&fr->rows[i]);
	free(fr->rows);
	fleet_free(&fr->f);
	folder_free(&fr->mf);
}

int cli_fleet_status(const cli_common *co, const cli_fleet_opts *fo)
{
	fleet_read fr;
	int ex = fleet_read_all(co, fo, false, &fr);
	if (ex != EXIT_OK)
		return ex;
	const fleet_spec *f = &fr.f;
	const status_totals *t = &fr.t;
	ex = status_exit(t);
	if (co->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < f->n; i++)
			json_array_append_new(arr, row_json(&f->targets[i], &fr.rows[i]));
		cli_put_json(json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:i}", "targets", arr, "totals", "targets",
		                       (json_int_t)f->n, "up_to_date", (json_int_t)t->up_to_date, "pending",
		                       (json_int_t)t->pending, "failed", (json_int_t)t->failed, "diverged",
		                       (json_int_t)t->diverged, "unreachable", (json_int_t)t->unreachable, "exit", ex));
	} else {
		print_status_human(f, fr.rows, t);
	}
	fleet_read_free(&fr);
	return ex;
}

/* ---- verify --fleet: the folder offline, then every target's ledger
 * against it (no failed, no diverged migration) ---- */

static void print_verify_json(const fleet_read *fr, const verify_report *vr, int ex)
{
	const fleet_spec *f = &fr->f;
	const status_totals *t = &fr->t;
	json_t *arr = json_array();
	for (size_t i = 0; i < f->n; i++) {
		const fleet_status_row *r = &fr->rows[i];
		json_t *o = row_json(&f->targets[i], r);
		json_object_set_new(o, "ok", json_boolean(r->rc == MP_OK && !r->failed && !r->diverged));
		json_array_append_new(arr, o);
	}
	cli_put_json(json_pack("{s:b, s:I, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:i}", "ok", ex == EXIT_OK, "steps",
	                       (json_int_t)fr->mf.manifest->nsteps, "problems", cli_verify_problems_json(vr), "targets",
	                       arr, "totals", "targets", (json_int_t)f->n, "consistent",
	                       (json_int_t)(t->up_to_date + t->pending), "failed", (json_int_t)t->failed, "diverged",
	                       (json_int_t)t->diverged, "unreachable", (json_int_t)t->unreachable, "exit", ex));
}

static void print_verify_human(const fleet_read *fr, const verify_report *vr)
{
	const fleet_spec *f = &fr->f;
	const status_totals *t = &fr->t;
	cli_verify_print(&fr->mf, vr);
	for (size_t i = 0; i < f->n; i++) {
		const fleet_status_row *r = &fr->rows[i];
		if (r->rc != MP_OK)
			printf("%s: unreachable: %s\n", f->targets[i].name, r->error);
		else if (r->problem)
			printf("%s: %s\n", f->targets[i].name, r->problem);
	}
	printf("%zu targets: %zu consistent with the folder, %zu failed, %zu diverged, %zu unreachable\n", f->n,
	       t->up_to_date + t->pending, t->failed, t->diverged, t->unreachable);
}

int cli_fleet_verify(const cli_common *co, const cli_fleet_opts *fo)
{
	fleet_read fr;
	int ex = fleet_read_all(co, fo, true, &fr);
	if (ex != EXIT_OK)
		return ex;
	verify_report vr;
	mp_error err = {0, ""};
	int rc = verify_folder(&fr.mf, &vr, &err);
	const status_totals *t = &fr.t;
	ex = rc != MP_OK ? EXIT_VERIFY : t->failed || t->diverged ? EXIT_DIVERGED : t->unreachable ? EXIT_CONNECT : EXIT_OK;
	if (co->json)
		print_verify_json(&fr, &vr, ex);
	else
		print_verify_human(&fr, &vr);
	verify_report_free(&vr);
	fleet_read_free(&fr);
	return ex;
}
