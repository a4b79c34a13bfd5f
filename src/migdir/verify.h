/* Offline check of a migrations folder against its manifest: every artifact
 * exists and hashes as recorded, the chain recomputes, the manifest's order
 * is the folders' order (Prisma's, migdir/order.h), and no generated step
 * folder is missing from the manifest or present without it. The one
 * implementation: migrun verify/apply/rehearse run it on a loaded folder,
 * migc verify builds its branch analysis on verify_manifest's findings. */
#ifndef MIGPLAN_MIGDIR_VERIFY_H
#define MIGPLAN_MIGDIR_VERIFY_H

#include <stddef.h>
#include "migdir/folder.h"

typedef enum {
	VERIFY_MISSING_FOLDER, /* listed, but no folder with migration.sql */
	VERIFY_UP_OUTSIDE,     /* up file is not exactly ID/migration.sql */
	VERIFY_DOWN_OUTSIDE,   /* down file is not exactly ID/down.sql */
	VERIFY_SYMLINK,        /* the step's folder or a file of it is a symbolic link */
	VERIFY_FILE_MISSING,   /* an up or down file is missing */
	VERIFY_FILE_UNREADABLE,
	VERIFY_HASH,           /* a file does not hash as recorded */
	VERIFY_ORDER,          /* listed after a step it sorts before */
	VERIFY_CHAIN,          /* the hash chain breaks at this step */
	VERIFY_UNLISTED,       /* a folder carrying migc's mark the manifest does not list */
} verify_kind;

typedef struct {
	verify_kind kind;
	char *step;  /* the step (folder) it is about */
	char *path;  /* the file, for the file kinds; else NULL */
} verify_where;

typedef struct {
	char **problems;      /* one line each, in migrun's words */
	verify_where *where;  /* the same problems, structured */
	size_t n;
} verify_report;

/* MP_OK when clean, MP_EVERIFY (err names the first problem) otherwise; every
 * problem is in out either way. A folder without a manifest has nothing to
 * verify and passes. */
int verify_folder(const mig_folder *f, verify_report *out, mp_error *err);
/* The same checks for manifest mf of folder dir whose step folders (those
 * with a migration.sql) are names[0..n): for callers that have not loaded the
 * folder the way migrun does. Adds to out; the count of problems added. */
size_t verify_manifest(const char *dir, const mf_manifest *mf, char *const *names, size_t n, verify_report *out);
void verify_report_free(verify_report *r);

#endif
