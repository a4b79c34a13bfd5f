/* Files and directories: read, write atomically, list (a tree's files too), join and normalize paths, remove trees. */
#define _GNU_SOURCE /* syncfs */
#include "util/fsutil.h"
#include "util/buf.h"
#include "util/vec.h"

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

/* The names in dir but . and .. (only those of directories when dirs_only),
 * sorted bytewise. */
static int list_names(const char *dir, bool dirs_only, char ***names, size_t *count, mp_error *err)
{
	*names = NULL;
	*count = 0;
	DIR *d = opendir(dir);
	if (!d)
		return mp_error_set(err, MP_EIO, "cannot read directory %s: %s", dir, strerror(errno));
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		/* dot-folders are folders too: Prisma applies a .x/migration.sql */
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (dirs_only) {
			char *full = fs_join(dir, e->d_name);
			bool isdir = fs_is_dir(full);
			free(full);
			if (!isdir)
				continue;
		}
		*MP_VEC_PUSH(*names, *count) = xstrdup(e->d_name);
	}
	closedir(d);
	if (*count)
		qsort(*names, *count, sizeof **names, cmp_str);
	return MP_OK;
}

int fs_list_subdirs(const char *dir, char ***names, size_t *count, mp_error *err)
{
	return list_names(dir, true, names, count, err);
}

void fs_free_list(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

char *fs_path_normalize(const char *path)
{
	bool abs = path[0] == '/';
	char **parts = NULL;
	size_t n = 0, kept = 0;
	char *copy = xstrdup(path), *save = NULL;
	for (char *p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0 && kept > 0) {
			n--, kept--; /* "x/.." cancels out */
			continue;
		}
		if (strcmp(p, "..") == 0 && abs)
			continue; /* "/.." is "/" */
		*MP_VEC_PUSH(parts, n) = p;
		if (strcmp(p, "..") != 0)
			kept++;
		else
			kept = 0;
	}
	mp_buf b = MP_BUF_INIT;
	if (abs)
		buf_putc(&b, '/');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "/" : "", parts[i]);
	if (b.len == 0)
		buf_putc(&b, '.');
	free(parts);
	free(copy);
	return buf_detach(&b);
}

char *fs_path_dirname(const char *path)
{
	char *norm = fs_path_normalize(path);
	char *slash = strrchr(norm, '/');
	if (slash == norm)
		norm[1] = '\0'; /* "/x" -> "/" */
	else if (slash)
		*slash = '\0';
	else
		strcpy(norm, strcmp(norm, "..") == 0 ? ".." : ".");
	return norm;
}

char *fs_path_resolve(const char *base, const char *rel)
{
	if (rel[0] == '/')
		return fs_path_normalize(rel);
	char *joined = fs_join(base, rel), *r = fs_path_normalize(joined);
	free(joined);
	return r;
}

/* A walk of fs_list_files_r: what it collects, and the directories it is in
 * (a link back to one of them would otherwise never end). */
typedef struct {
	const char *suffix;
	char **paths;
	size_t n;
	struct stat open[64];
	int depth;
} file_walk;

/* The name ends with suffix and has something before it: Node's extname
 * of ".prisma" is "", so Prisma does not read a file of that name. */
static bool named_with(const char *path, const char *suffix)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base), k = strlen(suffix);
	return n > k && strcmp(base + n - k, suffix) == 0;
}

static int walk_files(file_walk *w, const char *dir, const struct stat *st, mp_error *err);

/* One entry of a directory walked: a file collected, a directory walked. */
static int walk_entry(file_walk *w, const char *full, mp_error *err)
{
	struct stat st;
	if (lstat(full, &st) != 0)
		return MP_OK;
	bool named = named_with(full, w->suffix);
	if (S_ISLNK(st.st_mode)) {
		char *real = realpath(full, NULL);
		if (!real || stat(real, &st) != 0) {
			free(real); /* a dangling link: nothing there */
			return MP_OK;
		}
		named = named_with(real, w->suffix);
		free(real);
	}
	if (S_ISDIR(st.st_mode))
		return walk_files(w, full, &st, err);
	if (S_ISREG(st.st_mode) && named)
		*MP_VEC_PUSH(w->paths, w->n) = xstrdup(full);
	return MP_OK;
}

static int walk_files(file_walk *w, const char *dir, const struct stat *st, mp_error *err)
{
	for (int i = 0; i < w->depth; i++)
		if (w->open[i].st_dev == st->st_dev && w->open[i].st_ino == st->st_ino)
			return MP_OK;
	if (w->depth == (int)(sizeof w->open / sizeof w->open[0]))
		return MP_OK;
	char **names;
	size_t n;
	int rc = list_names(dir, false, &names, &n, err);
	w->open[w->depth++] = *st;
	for (size_t i = 0; rc == MP_OK && i < n; i++) {
		char *full = fs_join(dir, names[i]);
		rc = walk_entry(w, full, err);
		free(full);
	}
	w->depth--;
	fs_free_list(names, n);
	return rc;
}

int fs_list_files_r(const char *dir, const char *suffix, char ***paths, size_t *count, mp_error *err)
{
	file_walk w = {suffix, NULL, 0, {{0}}, 0};
	struct stat st;
	*paths = NULL;
	*count = 0;
	if (stat(dir, &st) != 0)
		return mp_error_set(err, MP_EIO, "cannot read directory %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return mp_error_set(err, MP_EIO, "cannot read directory %s: Not a directory", dir);
	int rc = walk_files(&w, dir, &st, err);
	if (rc != MP_OK) {
		fs_free_list(w.paths, w.n);
		return rc;
	}
	*paths = w.paths;
	*count = w.n;
	return MP_OK;
}
