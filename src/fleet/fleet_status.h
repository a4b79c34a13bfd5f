/* Where every target of a fleet stands: `migrun status --fleet` and
 * `verify --fleet`. Each target's ledger is read (nothing is created) and
 * judged with the same rules as `migrun status`; targets are read in
 * parallel, each on its own connection. */
#ifndef MIGPLAN_FLEET_STATUS_H
#define MIGPLAN_FLEET_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include "fleet/fleet.h"
#include "migdir/folder.h"

typedef struct {
	int rc;                 /* MP_OK, or why the ledger could not be read */
	char *error;            /* one line, no secret */
	bool ledger_exists;
	size_t applied, pending, failed, diverged;
	char *last_step;        /* the last applied migration in folder order, or NULL */
	char *problem;          /* the first failed/diverged migration: "NAME: reason" */
	/* The oldest open dual-write window: a lifecycle whose expand is
	 * applied and whose contract is not. */
	char *window_lifecycle; /* NULL: none open */
	long long window_age_s;
} fleet_status_row;

/* rows: f->n entries. parallel: connections at once. */
void fleet_status_read(const fleet_spec *f, const mig_folder *mf, long parallel, fleet_status_row *rows);
void fleet_status_row_free(fleet_status_row *r);

#endif
