/* Checks after a step is applied: ANALYZE of the tables it touched (the
 * manifest's `locks` relations), so the planner sees new columns, indexes and
 * validated constraints at once; for index steps, that the index is valid
 * and, when the spec gave a sample query, that EXPLAIN of it uses the index.
 * When the plain plan does not use it, the plan is taken again with
 * enable_seqscan off: an index the planner can use but does not prefer at the
 * table's current size is reported as "usable", not as a problem. */
#ifndef MIGPLAN_POSTCHECK_H
#define MIGPLAN_POSTCHECK_H

#include <jansson.h>
#include <stdbool.h>
#include "runtime/conn.h"
#include "migdir/folder.h"
#include "runtime/ledger.h"
#include "runtime/report.h"

typedef struct {
	char *step;
	char *analyzed;     /* tables analyzed, comma separated ("" none) */
	char *index;        /* index steps: the index, else NULL */
	int index_valid;    /* 1, 0, or -1 when not an index step / not found */
	char *plan;         /* "used", "usable", "not used", or NULL without a sample query */
	char *problem;      /* NULL when all is well */
} postcheck_item;

typedef struct {
	postcheck_item *items;
	size_t n;
	int problems;
} postcheck_report;

/* Checks one applied migration (plain Prisma migrations: nothing to do). */
int postcheck_step(rt_conn *c, const mig_folder *f, const folder_mig *m, postcheck_report *rep, mp_error *err);
/* Checks every migration applied now but not in `before` (the ledger read
 * before the run), in folder order. */
int postcheck_applied_since(rt_conn *c, const mig_folder *f, const ledger *before, postcheck_report *rep,
                            mp_error *err);
/* One line per checked step, through r. */
void postcheck_report_lines(const postcheck_report *rep, const rt_report *r);
json_t *postcheck_report_json(const postcheck_report *rep);
void postcheck_report_free(postcheck_report *rep);

#endif
