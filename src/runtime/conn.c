/* Connections to PostgreSQL: Prisma URLs made fit for libpq, statements, errors. */
#include "runtime/conn.h"
#include "util/buf.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

/* Parameters Prisma reads itself and libpq would reject. */
static const char *prisma_params[] = {
	"schema", "connection_limit", "pool_timeout", "pgbouncer", "statement_cache_size",
	"socket_timeout", "sslaccept", "sslidentity", "max_connection_lifetime",
	"max_idle_connection_lifetime", NULL,
};

static bool is_prisma_param(const char *name, size_t len)
{
	for (int i = 0; prisma_params[i]; i++)
		if (strlen(prisma_params[i]) == len && strncmp(prisma_params[i], name, len) == 0)
			return true;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *percent_decode(const char *s, size_t len)
{
	mp_buf b = MP_BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			buf_putc(&b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

static bool is_url(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

void conn_url_parse(const char *url, conn_url *out)
{
	memset(out, 0, sizeof *out);
	if (!url || !*url) {
		out->conninfo = xstrdup("");
		return;
	}
	if (!is_url(url)) {
		out->conninfo = xstrdup(url);
		return;
	}
	const char *auth = strstr(url, "://") + 3;
	size_t alen = strcspn(auth, "/?");
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon && colon + 1 < at)
			out->password = xstrndup(colon + 1, (size_t)(at - colon - 1));
	}
	const char *q = strchr(url, '?');
	if (!q) {
		out->conninfo = xstrdup(url);
		return;
	}
	mp_buf b = MP_BUF_INIT;
	buf_put(&b, url, (size_t)(q - url));
	bool first = true;
	for (const char *p = q + 1; *p;) {
		size_t n = strcspn(p, "&");
		size_t klen = strcspn(p, "=&");
		if (n > 0 && is_prisma_param(p, klen)) {
			if (klen == 6 && strncmp(p, "schema", 6) == 0 && klen < n) {
				free(out->schema);
				out->schema = percent_decode(p + klen + 1, n - klen - 1);
			}
		} else if (n > 0) {
			buf_putc(&b, first ? '?' : '&');
			buf_put(&b, p, n);
			first = false;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	out->conninfo = buf_detach(&b);
}

void conn_url_free(conn_url *u)
{
	free(u->conninfo);
	free(u->schema);
	free(u->password);
	memset(u, 0, sizeof *u);
}

static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : s;
}

char *conn_clean_error(const char *libpq_msg, const char *host, const char *port)
{
	const char *msg = libpq_msg ? libpq_msg : "";
	size_t n = strcspn(msg, "\n");
	char *line = xstrndup(msg, n);
	const char *rest = line;
	bool had_prefix = false;
	if (strncmp(rest, "connection to server ", 21) == 0) {
		const char *f = strstr(rest, " failed: ");
		if (f) {
			rest = f + 9;
			had_prefix = true;
		}
	}
	rest = skip_prefix(rest, "FATAL:  ");
	rest = skip_prefix(rest, "FATAL: ");
	rest = skip_prefix(rest, "ERROR:  ");
	mp_buf b = MP_BUF_INIT;
	if (had_prefix && host && *host)
		buf_printf(&b, "cannot connect to %s%s%s: %s", host, port && *port ? ":" : "",
		           port ? port : "", rest);
	else
		buf_printf(&b, "cannot connect: %s", *rest ? rest : "unknown error");
	free(line);
	/* Trailing whitespace and dots from libpq read badly mid-sentence. */
	while (b.len && (b.ptr[b.len - 1] == ' ' || b.ptr[b.len - 1] == '\r'))
		b.ptr[--b.len] = '\0';
	return buf_detach(&b);
}

/* Every occurrence of secret becomes "****", scanning on after each
 * replacement (a secret made of '*' would otherwise be found again in its
 * own mask, forever); the result is cut to cap bytes. */
void conn_redact(char *msg, size_t cap, const char *secret)
{
	if (!secret || !*secret || cap == 0)
		return;
	size_t sl = strlen(secret);
	mp_buf out = MP_BUF_INIT;
	for (const char *p = msg, *hit; *p; p = hit + sl) {
		hit = strstr(p, secret);
		if (!hit) {
			buf_puts(&out, p);
			break;
		}
		buf_put(&out, p, (size_t)(hit - p));
		buf_puts(&out, "****");
	}
	size_t n = out.len < cap ? out.len : cap - 1;
	memcpy(msg, buf_cstr(&out), n);
	msg[n] = '\0';
	buf_free(&out);
}

static void notice_ignore(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int fail_connect(mp_error *err, char *msg, const conn_url *u, const char *decoded_pw)
{
	char line[1024];
	snprintf(line, sizeof line, "%s", msg);
	free(msg);
	conn_redact(line, sizeof line, u->password);
	conn_redact(line, sizeof line, decoded_pw);
	return mp_error_set(err, MP_ECONNECT, "%s", line);
}

int conn_open(rt_conn **out, const char *url, mp_error *err)
{
	*out = NULL;
	if (!url || !*url)
		url = getenv("DATABASE_URL");
	conn_url u;
	conn_url_parse(url, &u);
	char *pw = NULL;
	if (*u.conninfo) {
		char *perr = NULL;
		PQconninfoOption *opts = PQconninfoParse(u.conninfo, &perr);
		if (!opts) {
			mp_buf b = MP_BUF_INIT;
			buf_puts(&b, "invalid database URL: ");
			buf_put(&b, perr ? perr : "unparsable", perr ? strcspn(perr, "\n") : 10);
			PQfreemem(perr);
			int rc = fail_connect(err, buf_detach(&b), &u, NULL);
			conn_url_free(&u);
			return rc;
		}
		for (PQconninfoOption *o = opts; o->keyword; o++)
			if (strcmp(o->keyword, "password") == 0 && o->val)
				pw = xstrdup(o->val);
		PQconninfoFree(opts);
	}
	const char *kw[4], *val[4];
	int n = 0;
	kw[n] = "fallback_application_name", val[n++] = "migrun";
	if (!getenv("PGCONNECT_TIMEOUT"))
		kw[n] = "connect_timeout", val[n++] = "10";
	if (*u.conninfo)
		kw[n] = "dbname", val[n++] = u.conninfo;
	kw[n] = NULL, val[n] = NULL;
	PGconn *pg = PQconnectdbParams(kw, val, 1);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		char *msg = conn_clean_error(pg ? PQerrorMessage(pg) : "out of memory", pg ? PQhost(pg) : NULL,
		                             pg ? PQport(pg) : NULL);
		int rc = fail_connect(err, msg, &u, pw);
		PQfinish(pg);
		free(pw);
		conn_url_free(&u);
		return rc;
	}
	free(pw);
	PQsetNoticeProcessor(pg, notice_ignore, NULL);
	rt_conn *c = xcalloc(1, sizeof *c);
	c->pg = pg;
	/* Prisma works in the URL's schema (default public), whatever the
	 * role's search_path says; so do we. */
	int rc = conn_use_schema(c, u.schema && *u.schema ? u.schema : "public", err);
	conn_url_free(&u);
	if (rc != MP_OK) {
		conn_close(c);
		return rc;
	}
	*out = c;
	return MP_OK;
}

int conn_use_schema(rt_conn *c, const char *schema, mp_error *err)
{
	char *copy = xstrdup(schema);
	free(c->schema);
	c->schema = copy;
	mp_buf q = MP_BUF_INIT;
	sql_quote_ident(&q, c->schema);
	const char *p[1] = {q.ptr};
	PGresult *res = NULL;
	int rc = conn_query(c, "SELECT pg_catalog.set_config('search_path', $1, false)", 1, p, &res, err);
	PQclear(res);
	buf_free(&q);
	return rc;
}

void conn_close(rt_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c->schema);
	free(c->last_error);
	free(c);
}

static int result_fail(rt_conn *c, PGresult *res, mp_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	free(c->last_error);
	c->last_error = conn_result_error(res);
	snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
	const char *prim = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	if (!prim) {
		const char *m = PQerrorMessage(c->pg);
		char *line = xstrndup(m, strcspn(m, "\n"));
		int rc = mp_error_set(err, MP_EDB, "%s", *line ? line : "database error");
		free(line);
		return rc;
	}
	if (detail)
		return mp_error_set(err, MP_EDB, "%s (%s)", prim, detail);
	return mp_error_set(err, MP_EDB, "%s", prim);
}

static bool result_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

int conn_exec(rt_conn *c, const char *sql, mp_error *err)
{
	c->sqlstate[0] = '\0';
	PGresult *res = PQexec(c->pg, sql);
	int rc = result_ok(res) ? MP_OK : result_fail(c, res, err);
	PQclear(res);
	return rc;
}

int conn_end_tx(rt_conn *c, int rc, mp_error *err)
{
	if (rc == MP_OK)
		return conn_exec(c, "COMMIT", err);
	mp_error ignore;
	conn_exec(c, "ROLLBACK", &ignore);
	return rc;
}

int conn_query(rt_conn *c, const char *sql, int nparams, const char *const *params, PGresult **out,
               mp_error *err)
{
	c->sqlstate[0] = '\0';
	*out = NULL;
	PGresult *res = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	if (!result_ok(res)) {
		int rc = result_fail(c, res, err);
		PQclear(res);
		return rc;
	}
	*out = res;
	return MP_OK;
}

int conn_query_value(rt_conn *c, const char *sql, int nparams, const char *const *params, char **out,
                     mp_error *err)
{
	*out = NULL;
	PGresult *res;
	int rc = conn_query(c, sql, nparams, params, &res, err);
	if (rc != MP_OK)
		return rc;
	if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
		*out = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return MP_OK;
}

char *conn_result_error(const PGresult *res)
{
	const char *m = res ? PQresultErrorMessage(res) : NULL;
	return xstrdup(m && *m ? m : "no result from the server (connection lost?)");
}

bool conn_error_retryable(const rt_conn *c)
{
	return strcmp(c->sqlstate, "55P03") == 0 || strcmp(c->sqlstate, "40P01") == 0 ||
	       strcmp(c->sqlstate, "40001") == 0;
}

char *conn_conninfo(PGconn *pg, const char *dbname)
{
	mp_buf b = MP_BUF_INIT;
	PQconninfoOption *opts = PQconninfo(pg);
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		const char *v = o->val;
		if (!strcmp(o->keyword, "dbname") && dbname)
			v = dbname;
		if (!v || !*v || !strcmp(o->keyword, "replication"))
			continue;
		buf_printf(&b, "%s%s='", b.len ? " " : "", o->keyword);
		for (const char *p = v; *p; p++) {
			if (*p == '\'' || *p == '\\')
				buf_puts(&b, "\\");
			buf_put(&b, p, 1);
		}
		buf_puts(&b, "'");
	}
	PQconninfoFree(opts);
	return buf_detach(&b);
}

void conn_timeouts_sql(mp_buf *b, bool local, long long lock_ms, long long stmt_ms)
{
	const char *set = local ? "SET LOCAL" : "SET";
	if (lock_ms > 0)
		buf_printf(b, "%s lock_timeout = '%lldms'; ", set, lock_ms);
	else
		buf_printf(b, "%s lock_timeout TO DEFAULT; ", set);
	if (stmt_ms > 0)
		buf_printf(b, "%s statement_timeout = '%lldms'; ", set, stmt_ms);
	else
		buf_printf(b, "%s statement_timeout TO DEFAULT; ", set);
}
