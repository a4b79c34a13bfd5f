/* A fleet: the databases and tenant schemas that run the same Prisma schema,
 * read from a fleet file (format in docs/fleet.md), and the waves a rollout
 * goes through. Parsing is pure (unit-tested); listing targets from a
 * control database is the only part that connects.
 *
 * A target's url may carry a password: it is kept for conn_open only and is
 * never part of a name, a message or a report. */
#ifndef MIGPLAN_FLEET_H
#define MIGPLAN_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include "util/error.h"

typedef struct {
	char *key, *value;
} fleet_label;

typedef struct {
	char *name;          /* unique in the fleet; what every report shows */
	char *url;           /* what conn_open gets (may hold a secret) */
	char *lock_domain;   /* the database without the schema: targets sharing
	                      * it share Prisma's advisory lock */
	fleet_label *labels;
	size_t nlabels;
	int wave;            /* 1-based, set by fleet_plan_waves */
	int line;            /* in the fleet file; 0 for targets a query listed */
} fleet_target;

typedef struct {
	char *name;
	char *control_url;
	char *sql;
} fleet_query;

#define FLEET_MAX_PERCENT 16

typedef struct {
	char *path;
	fleet_target *targets;
	size_t n;
	fleet_query *queries;
	size_t nqueries;
	long canary;                        /* targets in the first wave; default 1 */
	int percent[FLEET_MAX_PERCENT];     /* cumulative % of the fleet after each later wave */
	size_t npercent;                    /* default {10}; the rest is always a last wave */
	long parallel;                      /* targets in flight; default 4 */
	int nwaves;                         /* after fleet_plan_waves */
} fleet_spec;

/* Parses the text of a fleet file; path only names it in messages
 * ("PATH:LINE: ..."). ${VAR} in a string is replaced by the environment
 * variable (an unset one is an error). MP_EINVAL on any bad line. */
int fleet_parse(const char *text, const char *path, fleet_spec *out, mp_error *err);
/* Reads and parses path (MP_EIO when unreadable). */
int fleet_load(const char *path, fleet_spec *out, mp_error *err);
void fleet_free(fleet_spec *f);

/* Runs every [query] on its control database and appends the targets it
 * lists: column `url` (else the first column), optional `name` and
 * `schema`, every other column a label. MP_ECONNECT / MP_EDB / MP_EINVAL. */
int fleet_resolve_queries(fleet_spec *f, mp_error *err);
/* Adds one target; MP_EINVAL when the name is taken or empty. schema may be
 * NULL (then url's own ?schema=, if any). */
int fleet_add_target(fleet_spec *f, const char *name, const char *url, const char *schema, int line,
                     mp_error *err);

/* Wave i (0-based) holds targets [ends[i-1], ends[i]); returns the number
 * of waves (empty waves are dropped). ends must have room for npercent + 2. */
int fleet_wave_ends(size_t n, long canary, const int *percent, size_t npercent, size_t *ends);
/* Sets every target's wave and f->nwaves. */
void fleet_plan_waves(fleet_spec *f);
/* The database part of a URL or conninfo (Prisma's parameters removed):
 * targets with the same domain take turns on the advisory lock. */
char *fleet_lock_domain(const char *url);
/* A readable name for a URL without its secrets: dbname, and /schema when
 * the URL names one. */
char *fleet_name_from_url(const char *url);

#endif
