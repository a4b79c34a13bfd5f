/* Offline check of a migrations folder against its manifest: every artifact
 * exists and hashes as recorded, the chain recomputes, the manifest's order
 * is the folders' order, and no generated step folder is missing from the
 * manifest or present without it. */
#ifndef MIGPLAN_VERIFY_H
#define MIGPLAN_VERIFY_H

#include <stddef.h>
#include "migdir/folder.h"

typedef struct {
	char **problems;  /* one line each */
	size_t n;
} verify_report;

/* MP_OK when clean, MP_EVERIFY (err names the first problem) otherwise; every
 * problem is in out either way. A folder without a manifest has nothing to
 * verify and passes. */
int verify_folder(const mig_folder *f, verify_report *out, mp_error *err);
void verify_report_free(verify_report *r);

#endif
