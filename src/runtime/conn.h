/* Connecting to PostgreSQL the way a Prisma project names its database:
 * --database-url, else DIRECT_URL, else DATABASE_URL, else libpq's PG* variables. Prisma's
 * own URL parameters (schema, connection_limit, ...) are taken out before
 * libpq sees the URL (libpq rejects them); the schema becomes search_path and
 * the home of _prisma_migrations, as for Prisma. Error messages are one line
 * and never contain the password. */
#ifndef MIGPLAN_CONN_H
#define MIGPLAN_CONN_H

#include <libpq-fe.h>
#include <stdbool.h>
#include "util/buf.h"
#include "util/error.h"

typedef struct {
	PGconn *pg;
	char *schema;      /* from ?schema=, default "public" */
	char sqlstate[6];  /* of the last failed statement, "" if none */
	char *last_error;  /* its full message (detail, hint), for ledger logs */
} rt_conn;

/* A database URL made fit for libpq. */
typedef struct {
	char *conninfo;  /* what libpq gets ("" means: PG* variables only) */
	char *schema;    /* NULL when the URL names none */
	char *password;  /* as written in the URL (to redact), or NULL */
	char **secrets;  /* every fragment that may be part of a password, to redact */
	char *refusal;   /* why the URL cannot be used as Prisma means it (TLS), or NULL */
	size_t nsecrets;
} conn_url;

/* A postgresql:// URL becomes a libpq keyword conninfo, split as Prisma
 * splits it, without Prisma's own parameters (a keyword conninfo is passed
 * on as is; NULL or "" allowed); never fails on its own, libpq judges the
 * rest. */
void conn_url_parse(const char *url, conn_url *out);
void conn_url_free(conn_url *u);
/* Turns a libpq connection error into one line: the "connection to server
 * at ... failed:" prefix, "FATAL:" and hints go; host and port are said once.
 * out gets a newly allocated string. */
char *conn_clean_error(const char *libpq_msg, const char *host, const char *port);
/* Replaces every occurrence of secret in msg (in place) with "****". */
void conn_redact(char *msg, size_t cap, const char *secret);

/* url: --database-url or NULL (then DIRECT_URL, then DATABASE_URL, then
 * PG*). Refuses (MP_ECONNECT) a URL with pgbouncer=true, and one whose
 * sessions a pooler in transaction mode shares (a second session lands on
 * the first one's server connection). */
int conn_open(rt_conn **out, const char *url, mp_error *err);
void conn_close(rt_conn *c);
/* Makes schema c's schema: the search_path and the home of the ledger. */
int conn_use_schema(rt_conn *c, const char *schema, mp_error *err);

/* Runs sql (any number of statements, one simple query). */
int conn_exec(rt_conn *c, const char *sql, mp_error *err);
/* Ends the transaction a caller began: COMMIT when rc is MP_OK (returning
 * COMMIT's own result), ROLLBACK otherwise (returning rc, err untouched). */
int conn_end_tx(rt_conn *c, int rc, mp_error *err);
/* Runs one statement with text parameters; *out must be PQclear'ed. */
int conn_query(rt_conn *c, const char *sql, int nparams, const char *const *params, PGresult **out,
               mp_error *err);
/* One text value (row 0, column 0) or NULL for SQL NULL; caller frees. */
int conn_query_value(rt_conn *c, const char *sql, int nparams, const char *const *params, char **out,
                     mp_error *err);
/* The full error of a failed result (message, detail, hint, position) as
 * Prisma would keep it in logs; newly allocated. */
char *conn_result_error(const PGresult *res);
/* True when the last error was a lock_timeout (55P03), deadlock or
 * serialization failure: worth retrying after a pause. */
bool conn_error_retryable(const rt_conn *c);
/* key=value conninfo of an open connection, with dbname replaced when given
 * (for the lock watchdog's own connection and rehearse's scratch database);
 * newly allocated. */
char *conn_conninfo(PGconn *pg, const char *dbname);
/* Appends SET [LOCAL] lock_timeout / statement_timeout; 0 sets the default
 * back. */
void conn_timeouts_sql(mp_buf *b, bool local, long long lock_ms, long long stmt_ms);

#endif
