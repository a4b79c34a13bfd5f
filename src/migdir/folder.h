/* A Prisma migrations folder as migrun sees it: every subfolder holding a
 * migration.sql, in Prisma's order (migdir/order.h), each either a generated
 * step (listed in migplan.manifest.json) or a plain Prisma migration. */
#ifndef MIGPLAN_FOLDER_H
#define MIGPLAN_FOLDER_H

#include <stdbool.h>
#include <stddef.h>
#include "migdir/manifest.h"

typedef struct {
	char *name;      /* folder name = migration_name in the ledger */
	char *sql_path;  /* <dir>/<name>/migration.sql */
	char checksum[SHA256_HEX_LEN + 1];  /* of migration.sql, as Prisma computes it (folder_read_sql) */
	char file_sha256[SHA256_HEX_LEN + 1]; /* of the file's bytes, as the manifest's up.sha256 */
	char *text;      /* the text Prisma would send, read once at load: what is hashed, verified
	                  * and run are the same bytes, whatever happens to the file meanwhile */
	const mf_step *step;  /* manifest entry; NULL for a plain Prisma migration */
} folder_mig;

typedef struct {
	char *dir;
	folder_mig *migs;
	size_t n;
	mf_manifest *manifest;  /* NULL when the folder has none */
	char *manifest_path;
} mig_folder;

/* Scans dir. manifest_path NULL means <dir>/migplan.manifest.json, which may
 * then be absent (a plain Prisma project); an explicitly named manifest and,
 * with require_manifest, the default one must exist (MP_EVERIFY otherwise).
 * An unreadable folder or migration.sql is MP_EIO. */
int folder_load(const char *dir, const char *manifest_path, bool require_manifest, mig_folder *out,
                mp_error *err);
void folder_free(mig_folder *f);
/* Index of the migration called name, or -1. */
long folder_index(const mig_folder *f, const char *name);
/* migration.sql as Prisma reads, sends and checksums it: ill-formed UTF-8
 * replaced by U+FFFD (the file's own bytes when it is valid UTF-8). */
int folder_read_sql(const folder_mig *m, char **text, mp_error *err);
/* A generated step whose migration.sql, as loaded, is not what the manifest
 * hashed (edited after migc compile, or while migrun read the folder). */
bool folder_mig_changed(const folder_mig *m);
/* Reads a file of the folder by its manifest path (relative to dir). */
int folder_read(const mig_folder *f, const char *rel, char **text, mp_error *err);

#endif
