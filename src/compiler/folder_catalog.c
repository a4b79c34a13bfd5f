/* The tables the migrations folder creates before a lifecycle, for the checker: its own migrations replayed. */
#include "compiler/folder_catalog.h"
#include "migdir/mark.h"
#include "migdir/order.h"
#include "sql/replay.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include <stdlib.h>
#include <string.h>

struct folder_catalog {
	check_catalog view;
	char *dir;
	char **names; /* step folders, in Prisma's order */
	size_t count;
	size_t next;  /* the first folder not replayed yet */
	sql_replay *replay;
};

/* Replays the folders that run before a lifecycle with this 14-digit id
 * (those whose names sort before it), from the start if an earlier id is
 * asked after a later one. */
static void replay_until(folder_catalog *fc, const char *before_id)
{
	if (fc->next > 0 && strncmp(fc->names[fc->next - 1], before_id, 14) >= 0) {
		sql_replay_free(fc->replay);
		fc->replay = sql_replay_new();
		fc->next = 0;
	}
	for (; fc->next < fc->count && strncmp(fc->names[fc->next], before_id, 14) < 0; fc->next++) {
		char *dir = fs_join(fc->dir, fc->names[fc->next]), *path = fs_join(dir, "migration.sql"), *text = NULL;
		size_t len = 0;
		mp_error err = {0};
		if (fs_read_file(path, &text, &len, &err) == MP_OK && !migdir_mark_present(text))
			sql_replay_file(fc->replay, text);
		free(text);
		free(path);
		free(dir);
	}
}

static int has_column(void *ctx, const char *before_id, const char *schema, const char *table, const char *column)
{
	folder_catalog *fc = ctx;
	replay_until(fc, before_id);
	return sql_replay_has_column(fc->replay, schema, table, column);
}

folder_catalog *folder_catalog_open(const char *dir)
{
	folder_catalog *fc = xcalloc(1, sizeof *fc);
	mp_error err = {0};
	if (!fs_is_dir(dir) || migdir_list(dir, &fc->names, &fc->count, &err) != MP_OK) {
		free(fc);
		return NULL;
	}
	fc->dir = xstrdup(dir);
	fc->replay = sql_replay_new();
	fc->view = (check_catalog){has_column, fc};
	return fc;
}

const check_catalog *folder_catalog_view(folder_catalog *fc)
{
	return fc ? &fc->view : NULL;
}

void folder_catalog_free(folder_catalog *fc)
{
	if (!fc)
		return;
	fs_free_list(fc->names, fc->count);
	sql_replay_free(fc->replay);
	free(fc->dir);
	free(fc);
}
