/* `migrun rehearse`: the rollback rehearsal. On a scratch database (created
 * on the target's server from template0, or one the operator names), the
 * migrations the target has applied are replayed, then every pending step
 * runs UP, DOWN, UP with a catalog snapshot after each. After DOWN the
 * schema must equal the one before UP; after the second UP it must equal
 * the first UP's. min_age gates are skipped (a rehearsal replays a whole
 * lifecycle at once); data gates are checked. */
#ifndef MIGPLAN_REHEARSE_H
#define MIGPLAN_REHEARSE_H

#include <stdbool.h>
#include "migdir/folder.h"
#include "runtime/postcheck.h"
#include "runtime/report.h"
#include "runtime/watchdog.h"

typedef struct {
	const char *scratch_url;  /* NULL: create one on the target's server */
	bool keep;                /* leave the created scratch database */
	long with_data;           /* rows per touched table; 0: none */
	bool watchdog;
	int watchdog_retries;
} rehearse_opts;

typedef struct {
	char *name;
	char *phase;         /* NULL for a plain Prisma migration */
	long long up_ms, down_ms, up2_ms;  /* -1: not run */
	char *locks;         /* "MODE on rel, ..." held by the UP; how known in locks_how */
	const char *locks_how; /* "observed" (transaction probe) or "declared" (manifest) */
	char *down_diff;     /* "" when DOWN restored the schema */
	char *up_diff;       /* "" when the second UP equals the first */
	size_t differences;
} rehearse_step;

typedef struct {
	char *scratch;         /* database used */
	bool dropped;
	size_t replayed;       /* migrations replayed as history */
	long long rows_filled; /* --with-data */
	rehearse_step *steps;
	size_t n;
	size_t differences;    /* over all steps */
	postcheck_report checks;
	watchdog *wd;          /* events of the rehearsal, or NULL */
} rehearse_result;

void rehearse_opts_init(rehearse_opts *o);
/* MP_OK when every step ran (differences are in res, not an error);
 * MP_EVERIFY manifest, MP_ESTATE target ledger failed/diverged, MP_EDB a
 * statement failed, MP_ECONNECT scratch database unreachable, MP_EINVAL
 * a named scratch database that is not empty. */
int rehearse_run(rt_conn *target, const mig_folder *f, const rehearse_opts *o, const rt_report *r,
                 rehearse_result *res, mp_error *err);
void rehearse_result_free(rehearse_result *res);

/* --with-data: inserts rows synthetic rows into each table (and the tables
 * their NOT NULL foreign keys need), respecting NOT NULL, unique keys and
 * foreign keys; tables are named by manifest locks (their schema and
 * table). *filled gets the rows inserted. (rehearse_data.c) */
int rehearse_fill(rt_conn *c, const mf_lock *const *tables, size_t ntables, long rows, const rt_report *r,
                  long long *filled, mp_error *err);

#endif
