/* What every migrun command shares: flag errors, exit codes, progress lines, opening folder and database. */
#include "cli/migrun/cli.h"
#include "util/buf.h"
#include "util/clock.h"

#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_common_init(cli_common *c)
{
	memset(c, 0, sizeof *c);
}

void cli_error(const char *fmt, ...)
{
	cli_progress_done();
	va_list ap;
	va_start(ap, fmt);
	fputs("migrun: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("migrun: ", stderr);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see `migrun %s --help`)\n", cmd);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_exit_code(int rc)
{
	switch (rc) {
	case MP_OK:
		return EXIT_OK;
	case MP_EINVAL:
		return EXIT_USAGE;
	case MP_EIO:
	case MP_EVERIFY:
		return EXIT_VERIFY;
	case MP_EGATE:
		return EXIT_GATE;
	case MP_ESTATE:
		return EXIT_DIVERGED;
	case MP_ECONNECT:
		return EXIT_CONNECT;
	default:
		return EXIT_FAIL;
	}
}

/* What getopt_long printed for a flag it could not read, then the hint. */
static int flag_error(const cli_help *h, const char *cmd, int rc, const mp_opt_result *r)
{
	if (rc == MP_OPT_EVALUE)
		return cli_usage(h->name, "--%s needs %s, not '%s'", r->spec->name, r->spec->needs, r->arg);
	if (rc == MP_OPT_EUNKNOWN && r->letter)
		fprintf(stderr, "%s: invalid option -- '%c'\n", cmd, r->letter);
	else if (rc == MP_OPT_EUNKNOWN)
		fprintf(stderr, "%s: unrecognized option '%s'\n", cmd, r->arg);
	else if (rc == MP_OPT_EMISSING && r->letter)
		fprintf(stderr, "%s: option requires an argument -- '%c'\n", cmd, r->letter);
	else if (rc == MP_OPT_EMISSING)
		fprintf(stderr, "%s: option '--%s' requires an argument\n", cmd, r->spec->name);
	else if (rc == MP_OPT_ENOVALUE)
		fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n", cmd, r->spec->name);
	else {
		mp_buf b = MP_BUF_INIT;
		mp_opt_prefixes(h->opts, r->arg + 2, &b);
		fprintf(stderr, "%s: option '%s' is ambiguous; possibilities:%s\n", cmd, r->arg, buf_cstr(&b));
		buf_free(&b);
	}
	return cli_usage(h->name, "bad option");
}

int cli_parse(const cli_help *h, int argc, char **argv, void *args, mp_opt_result *r)
{
	int rc = mp_opt_parse(h->opts, h->style, argc - 1, argv + 1, args, r);
	int ex = -1;
	if (rc == MP_OPT_STOPPED) {
		cli_help_print(h, stdout);
		ex = EXIT_OK;
	} else if (rc < 0) {
		ex = flag_error(h, argv[0], rc, r);
	} else if (r->operands.n) {
		ex = cli_usage(h->name, "unexpected argument '%s'", r->operands.items[0]);
	}
	mp_opt_result_free(r);
	return ex;
}

void cli_put_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(j);
}

/* ---- reporting ---- */

static bool bar_showing;

void cli_progress_done(void)
{
	if (bar_showing) {
		fputc('\n', stderr);
		bar_showing = false;
	}
}

static void emit_line(void *ctx, const char *text)
{
	const cli_common *c = ctx;
	cli_progress_done();
	FILE *out = c->json ? stderr : stdout;
	fprintf(out, "%s\n", text);
	fflush(out);
}

static void format_eta(double s, char out[32])
{
	long long t = (long long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, 32, "%lldh%02lldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(out, 32, "%lldm%02llds", t / 60, t % 60);
	else
		snprintf(out, 32, "%llds", t);
}

static void emit_progress(void *ctx, const char *step, long long done, long long total, double rate)
{
	(void)ctx;
	static double last;
	static long long last_done = -1;
	double now = (double)mp_clock_ms() / 1000;
	bool tty = isatty(STDERR_FILENO);
	bool final = done >= total;
	if (done == last_done || (!final && now - last < (tty ? 0.1 : 5.0)))
		return;
	last = now;
	last_done = done;
	char eta[32] = "?";
	if (rate > 0)
		format_eta((double)(total - done) / rate, eta);
	double pct = total ? 100.0 * (double)done / (double)total : 100.0;
	if (tty) {
		char bar[31];
		int fill = (int)(pct * 30 / 100);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r\033[K%s [%s] %lld/%lld rows %5.1f%%  %.0f rows/s  ETA %s", step, bar, done, total,
		        pct, rate, eta);
		bar_showing = true;
		if (final)
			cli_progress_done();
	} else {
		fprintf(stderr, "%s: %lld/%lld rows (%.1f%%), %.0f rows/s, ETA %s\n", step, done, total, pct, rate, eta);
	}
	fflush(stderr);
}

rt_report cli_reporter(const cli_common *c)
{
	rt_report r = {emit_line, emit_progress, (void *)c};
	return r;
}

/* A failure before the command could start: one line on stderr and, with
 * --json, the same as a JSON object on stdout (CI parses stdout). */
static int early_failure(const cli_common *c, const char *msg, int ex)
{
	cli_error("%s", msg);
	if (c->json)
		cli_put_json(json_pack("{s:b, s:s, s:i}", "ok", 0, "error", msg, "exit", ex));
	return ex;
}

/* The migrations folder (want_dir) or the database URL: the flag, else the
 * project's config, else the default (cli/project.h). A config that cannot
 * give it is a usage error, said once. */
static int project_value(const cli_common *c, bool want_dir, char **out)
{
	cli_project p;
	mp_error err = {0, ""};
	int rc = cli_project_open(&p, c->config, &err);
	if (rc == MP_OK && want_dir)
		rc = cli_project_migrations(&p, c->dir, "-d/--dir DIR", out, &err);
	else if (rc == MP_OK)
		rc = cli_project_url(&p, c->url, "--database-url URL", out, &err);
	cli_project_close(&p);
	return rc == MP_OK ? EXIT_OK : early_failure(c, err.msg, EXIT_USAGE);
}

int cli_load_folder(const cli_common *c, bool require_manifest, mig_folder *f)
{
	mp_error err = {0, ""};
	char *dir = NULL;
	int ex = project_value(c, true, &dir);
	if (ex != EXIT_OK)
		return ex;
	int rc = folder_load(dir, c->manifest, require_manifest, f, &err);
	free(dir);
	return rc == MP_OK ? EXIT_OK : early_failure(c, err.msg, EXIT_VERIFY);
}

int cli_connect(const cli_common *c, rt_conn **conn)
{
	mp_error err = {0, ""};
	char *url = NULL;
	int ex = project_value(c, false, &url);
	if (ex != EXIT_OK)
		return ex;
	int rc = conn_open(conn, url, &err);
	free(url);
	return rc == MP_OK ? EXIT_OK : early_failure(c, err.msg, rc == MP_ECONNECT ? EXIT_CONNECT : EXIT_FAIL);
}

int cli_open(const cli_common *c, bool require_manifest, mig_folder *f, rt_conn **conn)
{
	int ex = cli_load_folder(c, require_manifest, f);
	if (ex != EXIT_OK)
		return ex;
	if ((ex = cli_connect(c, conn)) != EXIT_OK)
		folder_free(f);
	return ex;
}
