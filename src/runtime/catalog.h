/* A canonical snapshot of the schema objects a migration can touch, read
 * from pg_catalog, and a readable diff of two snapshots. A snapshot is a set
 * of (key, value) lines sorted by key: the key names one object (quoted as
 * PostgreSQL would), the value is everything about it that a DOWN must put
 * back. Columns are keyed by name, not position, so a column that a DOWN
 * re-adds at the end of the table compares equal to the original. Objects of
 * the ledger (_prisma_migrations) are left out: they belong to migrun. */
#ifndef MIGPLAN_CATALOG_H
#define MIGPLAN_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"
#include "runtime/conn.h"

typedef struct {
	char *key;    /* e.g. column public."User".status */
	char *value;  /* e.g. character varying(20) NOT NULL DEFAULT 'active'::character varying */
} catalog_entry;

typedef struct {
	catalog_entry *e;  /* sorted by key (strcmp) */
	size_t n;
} catalog_snapshot;

/* A manifest relation (schema NULL: the current schema's table) as a quoted
 * regclass text in *out, or NULL when no such table (or, with matviews,
 * materialized view) exists now. */
int catalog_find_table(rt_conn *c, const char *schema, const char *table, bool matviews, char **out, mp_error *err);
int catalog_snapshot_read(rt_conn *c, catalog_snapshot *out, mp_error *err);
/* Takes ownership of key and value (both xmalloc'ed); call catalog_sort
 * before diffing. Used to build snapshots in tests. */
void catalog_add(catalog_snapshot *s, char *key, char *value);
void catalog_sort(catalog_snapshot *s);
void catalog_snapshot_free(catalog_snapshot *s);
/* Appends one line per difference to out ("- key: value" only in before,
 * "+ key: value" only in after, "~ key: before -> after" changed), in key
 * order; returns the number of differences. */
size_t catalog_diff(const catalog_snapshot *before, const catalog_snapshot *after, mp_buf *out);

#endif
