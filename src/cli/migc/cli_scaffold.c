/* migc scaffold [--from OLD.prisma | --from-git REV] [--to NEW.prisma] [--id ID] [-o FILE]: a .mig skeleton. */
#include "cli/migc/cli.h"
#include "cli/project.h"
#include "util/fsutil.h"
#include "util/vec.h"
#include "schema/scaffold.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	const char *from, *from_git, *to, *id, *output, *config;
} scaffold_args;

static const mp_opt_spec opts[] = {
	MP_OPT_STRING(scaffold_args, from, "from", 0, "FILE", "a value", "the schema before the change (a file or a folder)"),
	MP_OPT_STRING(scaffold_args, from_git, "from-git", 0, "REV", "a value",
	              "the schema before the change: NEW.prisma as of git revision REV\n"
	              "(default, without --from: HEAD, the change not yet committed)"),
	MP_OPT_STRING(scaffold_args, to, "to", 0, "FILE", "a value",
	              "the schema after the change, a file or a folder of .prisma files\n"
	              "(default: the Prisma config's schema, else prisma/schema.prisma)"),
	MP_OPT_STRING(scaffold_args, id, "id", 0, "ID", "a value",
	              "the first lifecycle's id, YYYYMMDDHHMMSS (default: now, UTC)"),
	MP_OPT_STRING(scaffold_args, output, "output", 'o', "F", "a value",
	              "write the spec to F (refused when F exists) instead of stdout"),
	CLI_CONFIG_OPT(scaffold_args, config),
	MP_OPT_HELP("this help"),
	MP_OPT_END,
};

static const cli_help usage = {
	"scaffold",
	"usage: migc scaffold [--from OLD.prisma | --from-git REV] [--to NEW.prisma] [--id ID] [-o FILE]\n"
	"\n"
	"Compares two versions of schema.prisma and writes a .mig skeleton for the changes that\n"
	"need a lifecycle instead of the blocking SQL `prisma migrate dev` would generate: a new\n"
	"required column, a changed type, a column renamed through @map, a dropped column, a new\n"
	"unique/index/foreign key on an existing table. `# TODO:` marks what a human must choose\n"
	"(the backfill); TODO placeholders do not compile, so none is forgotten. With no flag it\n"
	"compares the project's schema (a schema folder too) with its last commit.\n"
	"\n",
	opts,
	"\n"
	"Exit: 0 ok (also when nothing needs a lifecycle), 1 a schema has errors, 2 bad usage (or a\n"
	"Prisma config value that must be given as a flag),\n"
	"3 a file cannot be read or written (or git failed).\n",
	MP_OPT_PLAIN | MP_OPT_NO_OPERANDS,
};

/* `git -C dir ARGS...` without a shell (the revision and paths are data):
 * its output in out; why says what failed. */
static int git_output(const char *dir, const char *const *args, mp_buf *out, mp_buf *why)
{
	const char *argv[8] = {"git", "-C", dir};
	size_t n = 3;
	mp_buf cmd = MP_BUF_INIT;
	buf_puts(&cmd, "git");
	for (; *args && n < 7; args++) {
		argv[n++] = *args;
		buf_printf(&cmd, " %s", *args);
	}
	argv[n] = NULL;
	int fd[2];
	if (pipe(fd) != 0) {
		buf_free(&cmd);
		buf_puts(why, "cannot create a pipe");
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	char chunk[8192];
	ssize_t got;
	while (pid > 0 && (got = read(fd[0], chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)got);
	close(fd[0]);
	int status = 0, rc = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf_printf(why, "%s failed%s", buf_cstr(&cmd),
		           WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (git not found)" : "");
		rc = -1;
	}
	buf_free(&cmd);
	return rc;
}

/* `git -C DIR show REV:./BASE`: one file as of rev. */
static int git_show(const char *rev, const char *path, mp_buf *out, mp_buf *why)
{
	char *dir = fs_path_dirname(path);
	const char *slash = strrchr(path, '/');
	mp_buf spec = MP_BUF_INIT;
	buf_printf(&spec, "%s:./%s", rev, slash ? slash + 1 : path);
	const char *args[] = {"show", buf_cstr(&spec), NULL};
	int rc = git_output(dir, args, out, why);
	free(dir);
	buf_free(&spec);
	return rc;
}

/* A schema folder as of rev: every .prisma file git has below it (links
 * left out: git keeps a link's target, not a file), each a source named
 * "DIR/NAME at REV". */
static int git_folder(const char *rev, const char *dir, mp_source ***srcs, size_t *n, mp_buf *why)
{
	mp_buf list = MP_BUF_INIT;
	const char *args[] = {"ls-tree", "-r", "-z", rev, "--", ".", NULL};
	int rc = git_output(dir, args, &list, why);
	*srcs = NULL;
	*n = 0;
	for (size_t at = 0; rc == 0 && at < list.len; at += strlen(list.ptr + at) + 1) {
		const char *entry = list.ptr + at, *tab = strchr(entry, '\t'), *name = tab ? tab + 1 : "";
		size_t len = strlen(name);
		if (strncmp(entry, "120000 ", 7) == 0 || !strstr(entry, " blob ") || len <= 7 ||
		    strcmp(name + len - 7, ".prisma") != 0 || strrchr(name, '/') == name + len - 8)
			continue;
		mp_buf text = MP_BUF_INIT, spec = MP_BUF_INIT, label = MP_BUF_INIT;
		buf_printf(&spec, "%s:./%s", rev, name);
		const char *show[] = {"show", buf_cstr(&spec), NULL};
		rc = git_output(dir, show, &text, why);
		buf_printf(&label, "%s/%s at %s", dir, name, rev);
		if (rc == 0)
			*MP_VEC_PUSH(*srcs, *n) = source_from_string(buf_cstr(&label), buf_cstr(&text), text.len);
		buf_free(&text);
		buf_free(&spec);
		buf_free(&label);
	}
	if (rc == 0 && *n == 0) {
		buf_printf(why, "%s at %s: a schema folder without a .prisma file", dir, rev);
		rc = -1;
	}
	buf_free(&list);
	return rc;
}

/* The schema before the change, from a file or from git; label names it
 * in the spec. *git_failed (printed) when git fails. */
static int load_old(const scaffold_args *a, diag_list *diags, psl_schema **old, mp_buf *label, bool *git_failed,
                    mp_error *err)
{
	if (!a->from_git) {
		buf_puts(label, a->from);
		return psl_schema_load(a->from, diags, old, err);
	}
	mp_buf text = MP_BUF_INIT, why = MP_BUF_INIT;
	mp_source **srcs = NULL;
	size_t n = 0;
	int rc = fs_is_dir(a->to) ? git_folder(a->from_git, a->to, &srcs, &n, &why)
	                          : git_show(a->from_git, a->to, &text, &why);
	buf_printf(label, "%s at %s", a->to, a->from_git);
	if (rc != 0) {
		fprintf(stderr, "migc scaffold: %s\n", buf_cstr(&why));
		*git_failed = true;
		for (size_t i = 0; i < n; i++)
			source_free(srcs[i]);
		free(srcs);
		rc = MP_EIO;
	} else if (srcs) {
		rc = psl_schema_parse_files(srcs, n, diags, old);
	} else {
		rc = psl_schema_parse(source_from_string(buf_cstr(label), buf_cstr(&text), text.len), diags, old);
	}
	buf_free(&text);
	buf_free(&why);
	return rc;
}

/* Where the spec goes: stdout, the -o file, or (nothing to do) stderr. */
static int write_spec(const scaffold_args *a, const mp_buf *spec, size_t nlc)
{
	mp_error err = {0};
	if (nlc == 0) {
		fprintf(stderr, "migc scaffold: no change needs a lifecycle; nothing written\n");
		fputs(buf_cstr(spec), stderr);
	} else if (a->output) {
		if (fs_write_file_atomic(a->output, buf_cstr(spec), spec->len, &err) != MP_OK) {
			fprintf(stderr, "migc scaffold: %s\n", err.msg);
			return MIGC_EXIT_IO;
		}
		fprintf(stderr, "wrote %s: %zu lifecycle%s, fill in its TODOs\n", a->output, nlc, cli_plural(nlc));
	} else {
		fputs(buf_cstr(spec), stdout);
	}
	return MIGC_EXIT_OK;
}

static int scaffold_run(const scaffold_args *a)
{
	diag_list diags;
	diag_list_init(&diags);
	mp_error err = {0};
	psl_schema *old = NULL, *new = NULL;
	mp_buf label = MP_BUF_INIT, spec = MP_BUF_INIT;
	bool git_failed = false;
	int rc = load_old(a, &diags, &old, &label, &git_failed, &err);
	if (rc == MP_OK)
		rc = psl_schema_load(a->to, &diags, &new, &err);
	size_t nlc = 0;
	if (rc == MP_OK) {
		scaffold_opts o = {a->id, buf_cstr(&label), a->to};
		rc = scaffold_write(old, new, &o, &spec, &nlc, &err);
		if (rc != MP_OK) {
			fprintf(stderr, "migc scaffold: %s\n", err.msg);
			rc = 1;
		}
	}
	if (!git_failed)
		diag_print_all(stderr, &diags, diag_use_color(stderr));
	int exit_code = MIGC_EXIT_OK;
	if (git_failed) {
		exit_code = MIGC_EXIT_IO;
	} else if (rc == MP_EIO) {
		fprintf(stderr, "migc scaffold: %s\n", err.msg);
		exit_code = MIGC_EXIT_IO;
	} else if (rc == 1) {
		exit_code = MIGC_EXIT_USAGE;
	} else if (rc != MP_OK && err.msg[0]) {
		fprintf(stderr, "migc scaffold: %s\n", err.msg); /* not a text file */
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (rc != MP_OK) {
		fprintf(stderr, "migc scaffold: %d error%s in the schemas, nothing written\n", diags.errors,
		        cli_plural((size_t)diags.errors));
		exit_code = MIGC_EXIT_FINDINGS;
	} else {
		exit_code = write_spec(a, &spec, nlc);
	}
	buf_free(&spec);
	buf_free(&label);
	psl_schema_free(old);
	psl_schema_free(new);
	diag_list_free(&diags);
	return exit_code;
}

static int scaffold_main(void *args, const mp_opt_list *operands)
{
	scaffold_args *a = args;
	(void)operands; /* none: MP_OPT_NO_OPERANDS */
	if (a->from && a->from_git) {
		fprintf(stderr, "migc scaffold: give at most one of --from, --from-git\n");
		cli_help_print(&usage, stderr);
		return MIGC_EXIT_USAGE;
	}
	if (!a->from)
		a->from_git = a->from_git ? a->from_git : "HEAD";
	char now[15];
	if (!a->id) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now, sizeof now, "%Y%m%d%H%M%S", &tm);
		a->id = now;
	}
	if (a->output && access(a->output, F_OK) == 0) {
		fprintf(stderr, "migc scaffold: %s exists; remove it or choose another -o\n", a->output);
		return MIGC_EXIT_IO;
	}
	char *to = NULL;
	int ex = cli_pick_path(a->config, CLI_PICK_SCHEMA, a->to, "--to FILE", "scaffold", &to);
	if (ex != MIGC_EXIT_OK)
		return ex;
	a->to = to ? to : "prisma/schema.prisma";
	ex = scaffold_run(a);
	free(to);
	return ex;
}

int cli_scaffold(int argc, char **argv)
{
	scaffold_args a = {NULL, NULL, NULL, NULL, NULL, NULL};
	return cli_run(&usage, argc, argv, &a, scaffold_main);
}
