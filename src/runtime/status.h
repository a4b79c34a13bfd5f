/* Where each migration stands, from the folder and the ledger alone (no
 * database access here, so the rules are unit-testable):
 *   applied     a finished, not rolled back row whose checksum matches
 *   pending     no row
 *   rolled_back every row rolled back: pending again (apply re-runs it)
 *   failed      a started row, not finished and not rolled back
 *   diverged    applied with another checksum; applied but not in the
 *               folder; or pending while a later migration is applied
 * An applied migration whose ledger row started after that of a migration
 * that follows it in the folder stays applied, with a reason saying it ran
 * out of the folder's order (out_of_order counts them): harmless when the
 * two are independent, but the history differs from the folder's. */
#ifndef MIGPLAN_STATUS_H
#define MIGPLAN_STATUS_H

#include <stddef.h>
#include "migdir/folder.h"
#include "runtime/ledger.h"

typedef enum { MS_APPLIED, MS_PENDING, MS_ROLLED_BACK, MS_FAILED, MS_DIVERGED } mig_state;

typedef struct {
	const char *name;
	long index;             /* in the folder; -1 when only the ledger knows it */
	mig_state state;
	const char *reason;     /* why diverged or failed; NULL otherwise */
	const ledger_row *row;  /* the row behind the state, NULL when pending */
	char *reason_buf;       /* owns reason when it was composed */
	bool rollback_unfinished; /* applied, but a DOWN in parts stopped part way (ledger.h) */
} status_entry;

typedef struct {
	status_entry *e;  /* folder order, then ledger-only names */
	size_t n;
	size_t applied, pending, failed, diverged;  /* pending counts rolled back too */
	size_t out_of_order;  /* applied, but after a later folder migration */
	long first_pending;  /* index into e, -1 when none */
} status_report;

void status_compute(const mig_folder *f, const ledger *l, status_report *out);
void status_report_free(status_report *r);
const char *status_state_name(mig_state s);
/* True for pending and rolled back. */
int status_is_pending(mig_state s);

#endif
