/* The gate manifest (migplan.manifest.json): the compiler writes it, the
 * runtime reads it. Format documented in docs/manifest.md. */
#ifndef MIGPLAN_MANIFEST_H
#define MIGPLAN_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include "util/error.h"
#include "util/buf.h"
#include "util/sha256.h"

/* The format migc writes. manifest_load also reads MANIFEST_FORMAT_1, whose
 * locks name their relation as one dotted string (docs/manifest.md,
 * "Changes from format 1"): manifests committed before format 2 keep
 * verifying. */
#define MANIFEST_FORMAT 2
#define MANIFEST_FORMAT_1 1
#define MANIFEST_FILENAME "migplan.manifest.json"

typedef enum {
	GATE_MAX_PENDING,
	GATE_MIN_AGE,
	GATE_NO_NULLS,
	GATE_CONSISTENCY,
} mf_gate_kind;

typedef struct {
	mf_gate_kind kind;
	int value;              /* max_pending */
	char *after;            /* min_age: step id whose finish starts the clock */
	long long duration_ms;  /* min_age */
	char *schema, *table, *column; /* no_nulls, consistency; schema NULL: search_path */
	char *expected;         /* consistency: SQL expression the column must equal */
	char *key;              /* consistency: primary key column, to name offenders */
} mf_gate;

typedef struct {
	char *schema; /* NULL: unqualified, resolved through search_path */
	char *table, *key, *column;
	char *value;  /* SQL expression over the row that the column must hold */
	long batch;     /* rows per batch: the cap of batches sized by time */
	long long batch_time_ms; /* what a batch may hold its locks; 0: migrun's default */
	bool only_null; /* fill only rows where the column is NULL (a value there was written by
	                 * an application version or the sync trigger); else every row whose
	                 * column is distinct from the value (manifests before "only_null") */
} mf_backfill;

typedef struct {
	char *mode;   /* e.g. "ACCESS EXCLUSIVE" */
	char *schema; /* NULL: unqualified, resolved through search_path (as gates and backfills) */
	char *table;  /* unquoted, as PostgreSQL stores it */
} mf_lock;

typedef struct {
	char *path;  /* relative to the migrations directory */
	char sha256[SHA256_HEX_LEN + 1];
} mf_file;

typedef struct {
	char *id;        /* folder name: <14-digit timestamp>_<name> */
	char *lifecycle;
	char *spec;      /* spec file as given to migc */
	char *phase;     /* expand | backfill | index | contract | sql */
	mf_file up, down;
	bool transactional;
	long long lock_timeout_ms;      /* 0: none */
	long long statement_timeout_ms; /* 0: none */
	long long watchdog_ms;          /* longest an application session may wait behind this step; 0: none */
	char *sample_query;             /* index steps: a query whose plan should use the new index, or NULL */
	mf_lock *locks;
	size_t nlocks;
	mf_gate *gates;
	size_t ngates;
	mf_backfill *backfill; /* phase backfill only */
	/* A DOWN in parts (migdir/mark.h) that refills columns: part 1 runs in one
	 * transaction, parts 2 … 1 + n are these batches, run natively, and any
	 * parts after them run each in one transaction. */
	mf_backfill *down_refills;
	size_t ndown_refills;
	char chain[SHA256_HEX_LEN + 1];
} mf_step;

typedef struct {
	int format; /* as read: MANIFEST_FORMAT or MANIFEST_FORMAT_1; what each step's chain was computed over */
	char *generator;
	mf_step *steps;
	size_t nsteps;
} mf_manifest;

/* Writes path (atomically) in MANIFEST_FORMAT, computing every step's chain first. */
int manifest_save(mf_manifest *m, const char *path, mp_error *err);
/* The text manifest_save writes (computing each step's chain; m->format
 * becomes MANIFEST_FORMAT). */
void manifest_render(mf_manifest *m, mp_buf *out);
/* Reads and shape-checks a manifest of MANIFEST_FORMAT or MANIFEST_FORMAT_1
 * (whose dotted lock relations become schema and table); hashes are not
 * checked here. */
int manifest_load(const char *path, mf_manifest **out, mp_error *err);
void manifest_free(mf_manifest *m);
/* Frees a step's locks, gates and backfill (arrays and strings), for owners of
 * step parts outside a manifest (the planner's steps). */
void manifest_parts_free(mf_lock *locks, size_t nlocks, mf_gate *gates, size_t ngates, mf_backfill *backfill);
/* Frees an array of n refills (their strings and the array). */
void manifest_refills_free(mf_backfill *refills, size_t n);
/* chain(i) = sha256_hex(chain(i-1) + "\n" + canonical JSON of step i without
 * its chain, in manifest format `format`); chain(-1) is 64 zeros. */
void manifest_chain_step(int format, const char prev[SHA256_HEX_LEN + 1], const mf_step *s,
                         char out[SHA256_HEX_LEN + 1]);
/* Index of the first step whose stored chain does not recompute, or -1. */
long manifest_chain_check(const mf_manifest *m);
const mf_step *manifest_find(const mf_manifest *m, const char *id);
const char *mf_gate_kind_name(mf_gate_kind k);
/* A relation as messages name it, unquoted: schema.table, or table when no
 * schema was given (the text of a format-1 "relation"). */
void mf_relation_text(mp_buf *b, const char *schema, const char *table);
/* The same relation: same table, and the same schema or both unqualified. */
bool mf_same_relation(const char *s1, const char *t1, const char *s2, const char *t2);

#endif
