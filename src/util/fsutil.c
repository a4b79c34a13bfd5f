/* Files and directories: read, write atomically, list, join paths, remove trees. */
#define _GNU_SOURCE /* syncfs */
#include "util/fsutil.h"
#include "util/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Regular files only, opened without blocking: a FIFO would hang the open
 * and /dev/zero the read; the size cap keeps a mistaken path from eating
 * the machine's memory. */
int fs_read_file(const char *path, char **out, size_t *len, mp_error *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mp_error_set(err, MP_EIO, "cannot read %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mp_error_set(err, MP_EIO, "cannot read %s: not a regular file", path);
	}
	if (st.st_size > FS_READ_MAX) {
		close(fd);
		return mp_error_set(err, MP_EIO, "cannot read %s: %lld bytes, more than the %d MiB a migplan input may have",
		                    path, (long long)st.st_size, FS_READ_MAX >> 20);
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return mp_error_set(err, MP_EIO, "cannot read %s: %s", path, strerror(errno));
	}
	mp_buf b = MP_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= FS_READ_MAX)
		buf_put(&b, chunk, n);
	if (ferror(f) || b.len > FS_READ_MAX) {
		int e = errno;
		bool grew = b.len > FS_READ_MAX;
		fclose(f);
		buf_free(&b);
		return mp_error_set(err, MP_EIO, "cannot read %s: %s", path, grew ? "it grew past the size cap" : strerror(e));
	}
	fclose(f);
	if (len)
		*len = b.len;
	*out = buf_detach(&b);
	return MP_OK;
}

int fs_write_file_atomic(const char *path, const char *data, size_t len, mp_error *err)
{
	return fs_write_file_replace(path, data, len, true, err);
}

int fs_write_file_replace(const char *path, const char *data, size_t len, bool sync, mp_error *err)
{
	mp_buf tmp = MP_BUF_INIT;
	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp.ptr, "wb");
	if (!f) {
		int e = errno;
		buf_free(&tmp);
		return mp_error_set(err, MP_EIO, "cannot write %s: %s", path, strerror(e));
	}
	int ok = fwrite(data, 1, len, f) == len;
	ok = (fflush(f) == 0) && ok;
	ok = (!sync || fsync(fileno(f)) == 0) && ok;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp.ptr, path) != 0) {
		int e = errno;
		unlink(tmp.ptr);
		buf_free(&tmp);
		return mp_error_set(err, MP_EIO, "cannot write %s: %s", path, strerror(e));
	}
	buf_free(&tmp);
	return MP_OK;
}

int fs_sync_dir_fs(const char *dir, mp_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return mp_error_set(err, MP_EIO, "cannot open %s: %s", dir, strerror(errno));
#ifdef __linux__
	int rc = syncfs(fd);
#else
	sync();
	int rc = 0;
#endif
	int e = errno;
	close(fd);
	if (rc != 0)
		return mp_error_set(err, MP_EIO, "cannot sync %s: %s", dir, strerror(e));
	return MP_OK;
}

int fs_mkdir_p(const char *path, mp_error *err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				int e = errno;
				int rc = mp_error_set(err, MP_EIO, "cannot create directory %s: %s", p, strerror(e));
				free(p);
				return rc;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	if (!fs_is_dir(path))
		return mp_error_set(err, MP_EIO, "%s exists and is not a directory", path);
	return MP_OK;
}

bool fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

char *fs_join(const char *dir, const char *name)
{
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s/%s", dir, name);
	return buf_detach(&b);
}

int fs_remove_tree(const char *path, mp_error *err)
{
	DIR *d = opendir(path);
	if (!d) {
		if (unlink(path) != 0 && errno != ENOENT)
			return mp_error_set(err, MP_EIO, "cannot remove %s: %s", path, strerror(errno));
		return MP_OK;
	}
	struct dirent *e;
	int rc = MP_OK;
	while (rc == MP_OK && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *child = fs_join(path, e->d_name);
		rc = fs_remove_tree(child, err);
		free(child);
	}
	closedir(d);
	if (rc == MP_OK && rmdir(path) != 0)
		rc = mp_error_set(err, MP_EIO, "cannot remove %s: %s", path, strerror(errno));
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fs_list_subdirs(const char *dir, char ***names, size_t *count, mp_error *err)
{
	*names = NULL;
	*count = 0;
	DIR *d = opendir(dir);
	if (!d)
		return mp_error_set(err, MP_EIO, "cannot read directory %s: %s", dir, strerror(errno));
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		/* dot-folders are folders too: Prisma applies a .x/migration.sql */
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *full = fs_join(dir, e->d_name);
		bool isdir = fs_is_dir(full);
		free(full);
		if (!isdir)
			continue;
		if (*count == cap) {
			cap = cap ? cap * 2 : 16;
			*names = xrealloc(*names, cap * sizeof **names);
		}
		(*names)[(*count)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*count)
		qsort(*names, *count, sizeof **names, cmp_str);
	return MP_OK;
}

void fs_free_list(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}
