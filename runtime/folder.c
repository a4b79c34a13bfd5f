#include "folder.h"
#include "buf.h"
#include "fsutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int folder_load(const char *dir, const char *manifest_path, bool require_manifest, mig_folder *out,
                mp_error *err)
{
	memset(out, 0, sizeof *out);
	if (!fs_is_dir(dir))
		return mp_error_set(err, MP_EIO, "migrations folder %s: %s", dir,
		                    fs_exists(dir) ? "not a directory" : "no such directory");
	if (access(dir, R_OK | X_OK) != 0)
		return mp_error_set(err, MP_EIO, "migrations folder %s: %s", dir, strerror(errno));
	out->dir = xstrdup(dir);
	out->manifest_path = manifest_path ? xstrdup(manifest_path) : fs_join(dir, MANIFEST_FILENAME);
	int rc = MP_OK;
	if (fs_exists(out->manifest_path)) {
		rc = manifest_load(out->manifest_path, &out->manifest, err);
	} else if (manifest_path || require_manifest) {
		rc = mp_error_set(err, MP_EVERIFY, "no manifest: %s does not exist", out->manifest_path);
	}
	char **names = NULL;
	size_t count = 0;
	if (rc == MP_OK)
		rc = fs_list_subdirs(dir, &names, &count, err);
	if (rc == MP_OK)
		out->migs = xcalloc(count ? count : 1, sizeof *out->migs);
	for (size_t i = 0; rc == MP_OK && i < count; i++) {
		char *sub = fs_join(dir, names[i]);
		char *sql = fs_join(sub, "migration.sql");
		free(sub);
		if (!fs_exists(sql)) {
			free(sql);
			continue;
		}
		folder_mig *m = &out->migs[out->n++];
		m->name = xstrdup(names[i]);
		m->sql_path = sql;
		rc = sha256_file_hex(sql, m->checksum, err);
		m->step = out->manifest ? manifest_find(out->manifest, m->name) : NULL;
	}
	fs_free_list(names, count);
	if (rc != MP_OK)
		folder_free(out);
	return rc;
}

void folder_free(mig_folder *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->migs[i].name);
		free(f->migs[i].sql_path);
	}
	free(f->migs);
	manifest_free(f->manifest);
	free(f->manifest_path);
	free(f->dir);
	memset(f, 0, sizeof *f);
}

long folder_index(const mig_folder *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->migs[i].name, name) == 0)
			return (long)i;
	return -1;
}

int folder_read(const mig_folder *f, const char *rel, char **text, mp_error *err)
{
	char *path = fs_join(f->dir, rel);
	int rc = fs_read_file(path, text, NULL, err);
	free(path);
	return rc;
}
