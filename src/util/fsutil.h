/* File helpers with explicit errors. Writes go through a temp file and
 * rename(), so a reader (or a crash) never sees half a file. */
#ifndef MIGPLAN_FSUTIL_H
#define MIGPLAN_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include "util/error.h"

/* The largest file fs_read_file reads (bytes). */
#define FS_READ_MAX (256 << 20)
/* A regular file's whole content, NUL-terminated; anything else (a FIFO, a
 * device, a directory) or a larger file is MP_EIO with a clear message. */
int fs_read_file(const char *path, char **out, size_t *len, mp_error *err);
int fs_write_file_atomic(const char *path, const char *data, size_t len, mp_error *err);
/* The same, with the fsync before the rename only when sync is true. Many
 * files written with sync=false are made durable by one fs_sync_dir_fs()
 * afterwards: one flush instead of one per file (migc writing thousands of
 * step files). Until then a crash may leave such a file empty. */
int fs_write_file_replace(const char *path, const char *data, size_t len, bool sync, mp_error *err);
/* Flushes the file system holding dir (syncfs on Linux, sync elsewhere). */
int fs_sync_dir_fs(const char *dir, mp_error *err);
int fs_mkdir_p(const char *path, mp_error *err);
bool fs_is_dir(const char *path);
bool fs_exists(const char *path);
/* Removes a directory tree (used only on folders migc generated itself). */
int fs_remove_tree(const char *path, mp_error *err);
/* Sorted names of the subdirectories of dir (not . or ..). */
int fs_list_subdirs(const char *dir, char ***names, size_t *count, mp_error *err);
void fs_free_list(char **names, size_t count);
/* dir + "/" + name, newly allocated. */
char *fs_join(const char *dir, const char *name);

/* Paths as Node's path module treats them, lexically (no file system): a
 * normal form without "." parts, doubled or trailing slashes, and with "x/.."
 * taken out ("./a//b/../c/" -> "a/c", "" -> ".", "/.." -> "/"); the parent
 * of a path's last part ("a/b" -> "a", "b" -> ".", "/b" -> "/"); rel made
 * relative to base unless absolute ("." + "db/m" -> "db/m", ".config" +
 * "../p" -> "p"). Each newly allocated. */
char *fs_path_normalize(const char *path);
char *fs_path_dirname(const char *path);
char *fs_path_resolve(const char *base, const char *rel);

/* The regular files below dir whose names end with suffix, as paths that
 * start with dir, in every subdirectory (bytewise order within each), the
 * way Prisma reads a schema folder: symbolic links are followed, and a link
 * counts by the name of the file it resolves to; a directory already being
 * walked (a link cycle) is not entered twice, nor one deeper than 64.
 * fs_free_list frees the list. */
int fs_list_files_r(const char *dir, const char *suffix, char ***paths, size_t *count, mp_error *err);

#endif
