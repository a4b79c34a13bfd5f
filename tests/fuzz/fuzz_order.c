/* libFuzzer target for Prisma's folder order (migdir/order.h) and reading a migrations folder of fuzzed names. */
/*
 * The input is a list of folder names, one a line. migdir_name_compare must
 * be a total order on them (what qsort and a Prisma-consistent apply order
 * need): reflexive, antisymmetric, 0 only for equal names, transitive. Both
 * binaries order through it (migdir_list; migc's emitter and verify compare
 * with it too), so there is no second ordering to compare with. Then the
 * first few names become folders in a scratch directory: migdir_list must
 * list exactly them in that order, and folder_load must load those holding
 * a migration.sql in the same order, or refuse the folder when one of those
 * has a name it cannot order as Prisma does.
 */
#include "migdir/folder.h"
#include "migdir/order.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NAMES 32  /* compared pairwise, once per pair, the checks run on the table */
#define MAX_FOLDERS 4  /* made into folders: each costs a few system calls */

static const char *scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	scratch = fuzz_scratch_dir("fuzz-order");
	return scratch ? 0 : -1;
}

/* Every comparison is made once, into cmp[i][j]; the properties are read off
 * the table (the comparison's cost is what limits executions per second). */
static void check_order(char **names, size_t n)
{
	static int cmp[MAX_NAMES][MAX_NAMES];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			cmp[i][j] = migdir_name_compare(names[i], names[j]);
			FUZZ_CHECK(cmp[i][j] >= -1 && cmp[i][j] <= 1);
			FUZZ_CHECK((cmp[i][j] == 0) == (strcmp(names[i], names[j]) == 0));
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			FUZZ_CHECK(cmp[i][j] == -cmp[j][i]);
			for (size_t k = 0; k < n; k++)
				if (cmp[i][j] < 0 && cmp[j][k] < 0)
					FUZZ_CHECK(cmp[i][k] < 0);
		}
}

/* A name the file system takes as one directory entry, and not one of the
 * files folder_load reads beside the step folders (a directory there is an
 * unreadable manifest or lock file, which folder_load rightly refuses). */
static bool folder_name_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strcmp(name, MANIFEST_FILENAME) != 0 && strcmp(name, "migration_lock.toml") != 0 && strlen(name) <= 200;
}

/* A folder gets a migration.sql when its name's length is even: the fuzzer
 * decides which folders are migrations by the names it writes. */
static bool has_sql(const char *name)
{
	return strlen(name) % 2 == 0;
}

static void check_folders(char **names, size_t n)
{
	char *made[MAX_FOLDERS];
	size_t nmade = 0, nsql = 0;
	bool refusable = false;
	for (size_t i = 0; i < n && nmade < MAX_FOLDERS; i++) {
		if (!folder_name_ok(names[i]))
			continue;
		char *path = fs_join(scratch, names[i]);
		if (mkdir(path, 0700) == 0) { /* a repeated name is made once */
			made[nmade++] = names[i];
			if (has_sql(names[i])) {
				char *sql = fs_join(path, "migration.sql");
				FILE *f = fopen(sql, "w");
				FUZZ_CHECK(f && fputs("SELECT 1;\n", f) >= 0 && fclose(f) == 0);
				free(sql);
				nsql++;
				refusable = refusable || !migdir_name_collatable(names[i]);
			}
		}
		free(path);
	}

	char **list = NULL;
	size_t count = 0;
	mp_error err = {0};
	FUZZ_CHECK(migdir_list(scratch, &list, &count, &err) == MP_OK);
	FUZZ_CHECK(count == nmade);
	for (size_t i = 1; i < count; i++)
		FUZZ_CHECK(migdir_name_compare(list[i - 1], list[i]) < 0);
	for (size_t i = 0; i < nmade; i++) {
		bool listed = false;
		for (size_t j = 0; j < count && !listed; j++)
			listed = strcmp(list[j], made[i]) == 0;
		FUZZ_CHECK(listed);
	}

	mig_folder f;
	int rc = folder_load(scratch, NULL, false, &f, &err);
	if (refusable) {
		FUZZ_CHECK(rc == MP_EIO);
	} else {
		FUZZ_CHECK(rc == MP_OK && f.n == nsql && f.manifest == NULL);
		/* the migrations are the listed folders with a migration.sql, in order */
		size_t k = 0;
		for (size_t i = 0; i < count; i++)
			if (has_sql(list[i]))
				FUZZ_CHECK(k < f.n && strcmp(f.migs[k++].name, list[i]) == 0);
		folder_free(&f);
	}
	fs_free_list(list, count);

	for (size_t i = 0; i < nmade; i++) {
		char *path = fs_join(scratch, made[i]);
		FUZZ_CHECK(fs_remove_tree(path, &err) == MP_OK);
		free(path);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Names are C strings: '\n' and NUL both end one. */
	char *text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	char *names[MAX_NAMES];
	size_t n = 0;
	for (size_t i = 0, start = 0; i <= size && n < MAX_NAMES; i++) {
		if (i == size || text[i] == '\n' || text[i] == '\0') {
			text[i] = '\0';
			names[n++] = text + start;
			start = i + 1;
		}
	}
	check_order(names, n);
	check_folders(names, n);
	free(text);
	return 0;
}
