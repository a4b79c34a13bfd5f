/* migc scaffold --from OLD.prisma | --from-git REV  --to NEW.prisma [--id ID] [-o FILE] */
#include "cli/migc/cli.h"
#include "util/fsutil.h"
#include "schema/scaffold.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void scaffold_usage(FILE *out)
{
	fputs("usage: migc scaffold (--from OLD.prisma | --from-git REV) --to NEW.prisma [--id ID] [-o FILE]\n"
	      "\n"
	      "Compares two versions of schema.prisma and writes a .mig skeleton for the changes that\n"
	      "need a lifecycle instead of the blocking SQL `prisma migrate dev` would generate: a new\n"
	      "required column, a changed type, a column renamed through @map, a dropped column, a new\n"
	      "unique/index/foreign key on an existing table. `# TODO:` marks what a human must choose\n"
	      "(the backfill); TODO placeholders do not compile, so none is forgotten.\n"
	      "\n"
	      "  --from FILE      the schema before the change\n"
	      "  --from-git REV   the schema before the change: NEW.prisma as of git revision REV\n"
	      "  --to FILE        the schema after the change\n"
	      "  --id ID          the first lifecycle's id, YYYYMMDDHHMMSS (default: now, UTC)\n"
	      "  -o, --output F   write the spec to F (refused when F exists) instead of stdout\n"
	      "  -h, --help       this help\n"
	      "\n"
	      "Exit: 0 ok (also when nothing needs a lifecycle), 1 a schema has errors, 2 bad usage,\n"
	      "3 a file cannot be read or written (or git failed).\n",
	      out);
}

/* `git -C DIR show REV:./BASE` without a shell: the revision and path are data. */
static int git_show(const char *rev, const char *path, mp_buf *out, mp_buf *why)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *base = path;
	if (slash) {
		*slash = '\0';
		base = slash + 1;
	} else {
		strcpy(dir, ".");
	}
	mp_buf spec = MP_BUF_INIT;
	buf_printf(&spec, "%s:./%s", rev, base);
	int fd[2];
	if (pipe(fd) != 0) {
		free(dir);
		buf_free(&spec);
		buf_puts(why, "cannot create a pipe");
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("git", "git", "-C", dir, "show", buf_cstr(&spec), (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char chunk[8192];
	ssize_t n;
	while (pid > 0 && (n = read(fd[0], chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)n);
	close(fd[0]);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf_printf(why, "git show %s failed%s", buf_cstr(&spec),
		           WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (git not found)" : "");
		free(dir);
		buf_free(&spec);
		return -1;
	}
	free(dir);
	buf_free(&spec);
	return 0;
}

int cli_scaffold(int argc, char **argv)
{
	const char *from = NULL, *from_git = NULL, *to = NULL, *id = NULL, *output = NULL;
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;
		if (cli_is_help(argv[i])) {
			scaffold_usage(stdout);
			return MIGC_EXIT_OK;
		} else if (!strcmp(argv[i], "--from")) {
			slot = &from;
		} else if (!strcmp(argv[i], "--from-git")) {
			slot = &from_git;
		} else if (!strcmp(argv[i], "--to")) {
			slot = &to;
		} else if (!strcmp(argv[i], "--id")) {
			slot = &id;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			slot = &output;
		} else {
			fprintf(stderr, "migc scaffold: unexpected argument '%s'\n", argv[i]);
			scaffold_usage(stderr);
			return MIGC_EXIT_USAGE;
		}
		if (++i == argc) {
			fprintf(stderr, "migc scaffold: %s needs a value\n", argv[i - 1]);
			return MIGC_EXIT_USAGE;
		}
		*slot = argv[i];
	}
	if (!to || (!from) == (!from_git)) {
		fprintf(stderr, "migc scaffold: give --to and exactly one of --from, --from-git\n");
		scaffold_usage(stderr);
		return MIGC_EXIT_USAGE;
	}
	char now[15];
	if (!id) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now, sizeof now, "%Y%m%d%H%M%S", &tm);
		id = now;
	}
	if (output && access(output, F_OK) == 0) {
		fprintf(stderr, "migc scaffold: %s exists; remove it or choose another -o\n", output);
		return MIGC_EXIT_IO;
	}
	diag_list diags;
	diag_list_init(&diags);
	mp_error err = {0};
	psl_schema *old = NULL, *new = NULL;
	int rc;
	mp_buf label = MP_BUF_INIT;
	if (from_git) {
		mp_buf text = MP_BUF_INIT, why = MP_BUF_INIT;
		if (git_show(from_git, to, &text, &why) != 0) {
			fprintf(stderr, "migc scaffold: %s\n", buf_cstr(&why));
			buf_free(&text);
			buf_free(&why);
			return MIGC_EXIT_IO;
		}
		buf_free(&why);
		buf_printf(&label, "%s at %s", to, from_git);
		rc = psl_schema_parse(source_from_string(buf_cstr(&label), buf_cstr(&text), text.len), &diags, &old);
		buf_free(&text);
	} else {
		buf_puts(&label, from);
		rc = psl_schema_load(from, &diags, &old, &err);
	}
	if (rc == MP_OK)
		rc = psl_schema_load(to, &diags, &new, &err);
	mp_buf spec = MP_BUF_INIT;
	size_t nlc = 0;
	if (rc == MP_OK) {
		scaffold_opts o = {id, buf_cstr(&label), to};
		rc = scaffold_write(old, new, &o, &spec, &nlc, &err);
		if (rc != MP_OK) {
			fprintf(stderr, "migc scaffold: %s\n", err.msg);
			rc = 1;
		}
	}
	diag_print_all(stderr, &diags, diag_use_color(stderr));
	int exit_code = MIGC_EXIT_OK;
	if (rc == MP_EIO) {
		fprintf(stderr, "migc scaffold: %s\n", err.msg);
		exit_code = MIGC_EXIT_IO;
	} else if (rc == 1) {
		exit_code = MIGC_EXIT_USAGE;
	} else if (rc != MP_OK && err.msg[0]) {
		fprintf(stderr, "migc scaffold: %s\n", err.msg); /* not a text file */
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (rc != MP_OK) {
		fprintf(stderr, "migc scaffold: %d error%s in the schemas, nothing written\n", diags.errors,
		        diags.errors == 1 ? "" : "s");
		exit_code = MIGC_EXIT_FINDINGS;
	} else if (nlc == 0) {
		fprintf(stderr, "migc scaffold: no change needs a lifecycle; nothing written\n");
		fputs(buf_cstr(&spec), stderr);
	} else if (output) {
		if (fs_write_file_atomic(output, buf_cstr(&spec), spec.len, &err) != MP_OK) {
			fprintf(stderr, "migc scaffold: %s\n", err.msg);
			exit_code = MIGC_EXIT_IO;
		} else {
			fprintf(stderr, "wrote %s: %zu lifecycle%s, fill in its TODOs\n", output, nlc, nlc == 1 ? "" : "s");
		}
	} else {
		fputs(buf_cstr(&spec), stdout);
	}
	buf_free(&spec);
	buf_free(&label);
	psl_schema_free(old);
	psl_schema_free(new);
	diag_list_free(&diags);
	return exit_code;
}
