/* _prisma_migrations, kept exactly as the Prisma CLI keeps it: same DDL,
 * random UUID ids, checksum = sha256 hex of migration.sql, started_at /
 * finished_at / applied_steps_count / logs / rolled_back_at with Prisma's
 * meaning, so either tool can carry on from the other's work. */
#ifndef MIGPLAN_LEDGER_H
#define MIGPLAN_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include "runtime/conn.h"

#define LEDGER_TABLE "_prisma_migrations"

typedef struct {
	char *id;
	char *checksum;
	char *migration_name;
	char *logs;            /* NULL when none */
	char *started_at;      /* timestamptz as text */
	char *finished_at;     /* NULL: not finished (running or failed) */
	char *rolled_back_at;  /* NULL: not rolled back */
	int applied_steps_count;
} ledger_row;

typedef struct {
	bool exists;      /* false: no _prisma_migrations table yet */
	ledger_row *rows; /* in started_at order, as Prisma reads them */
	size_t n;
} ledger;

/* Reads every row; creates nothing (exists=false when the table is absent). */
int ledger_read(rt_conn *c, ledger *out, mp_error *err);
void ledger_free(ledger *l);
/* The table with Prisma's DDL (and its schema) when absent. */
int ledger_ensure(rt_conn *c, mp_error *err);
/* Prisma's first write for a migration: a started row, finished_at NULL. */
int ledger_insert_started(rt_conn *c, const char *name, const char *checksum, char **id, mp_error *err);
/* A finished row in one statement: for a step whose work commits in the same
 * transaction, or a backfill that is done. started_at NULL means now(). */
int ledger_insert_finished(rt_conn *c, const char *name, const char *checksum, const char *started_at,
                           int applied_steps, mp_error *err);
/* `resolve --applied`: the row Prisma's markMigrationApplied inserts. */
int ledger_insert_marked_applied(rt_conn *c, const char *name, const char *checksum, mp_error *err);
int ledger_finish(rt_conn *c, const char *id, mp_error *err);
int ledger_fail(rt_conn *c, const char *id, const char *logs, mp_error *err);
int ledger_mark_rolled_back(rt_conn *c, const char *id, mp_error *err);
/* A DOWN in parts (migdir/mark.h) commits part by part while its row stays
 * applied: each part's transaction also writes "migplan rollback: K of N
 * parts done" into the row's logs (which Prisma reads only for failed rows),
 * so an interrupted rollback is seen by status and apply and resumed by the
 * next rollback; the last part sets rolled_back_at and clears logs again. */
#define LEDGER_ROLLBACK_MARK "migplan rollback: "
int ledger_mark_rollback_progress(rt_conn *c, const char *id, size_t done, size_t parts, mp_error *err);
int ledger_mark_rolled_back_parts(rt_conn *c, const char *id, mp_error *err);
/* K from such logs, or -1 when the row carries none. */
long ledger_rollback_parts_done(const ledger_row *r);
/* The row that makes `name` applied (finished, not rolled back), or NULL. */
const ledger_row *ledger_find_applied(const ledger *l, const char *name);

#endif
