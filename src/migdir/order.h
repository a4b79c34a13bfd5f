/* Prisma's order of a migrations folder, the one both binaries use: migc
 * (compile, lint, explain, verify, rebase) and migrun (status, apply, verify)
 * list step folders through migdir_list, so they cannot disagree on what runs
 * first. */
#ifndef MIGPLAN_MIGDIR_ORDER_H
#define MIGPLAN_MIGDIR_ORDER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Prisma's folder order (JavaScript localeCompare under ICU's root/en
 * collation) for printable ASCII names: <0, 0, >0 like strcmp, and 0 only for
 * equal strings (names outside printable ASCII, which Prisma's order is not
 * reproduced for, fall back to byte order so the sort stays total). */
int migdir_name_compare(const char *a, const char *b);
/* Whether migdir_name_compare knows every byte of name (printable ASCII);
 * migrun refuses a migration folder whose name is not. */
bool migdir_name_collatable(const char *name);
/* The subdirectories of dir (not starting with '.') in migdir_name_compare
 * order; free with fs_free_list. MP_EIO when dir cannot be read. */
int migdir_list(const char *dir, char ***names, size_t *count, mp_error *err);

#endif
