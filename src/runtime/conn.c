/* Connections to PostgreSQL: Prisma URLs made fit for libpq, statements, errors. */
#include "runtime/conn.h"
#include "util/buf.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parameters Prisma reads itself and libpq would reject; the TLS ones
 * (sslmode, sslaccept, sslcert, sslidentity, sslpassword) are mapped by
 * tls_map below. */
static const char *prisma_params[] = {
	"schema", "connection_limit", "pool_timeout", "pgbouncer", "statement_cache_size",
	"socket_timeout", "max_connection_lifetime", "max_idle_connection_lifetime", NULL,
};

/* Prisma's flag for a URL through PgBouncer in transaction mode, where
 * migrun's session cannot hold (see shares_backend): refused, not dropped. */
#define PGBOUNCER_REFUSAL                                                                                      \
	"the URL goes through PgBouncer (pgbouncer=true), whose transaction pooling does not keep migrun's "     \
	"session (its advisory lock, lock_timeout, transactions); give the server's own URL (DIRECT_URL, as "    \
	"Prisma's directUrl, or --database-url)"

/* Prisma's TLS parameters as written (percent-decoded), NULL when absent. */
typedef struct {
	char *mode, *accept, *cert, *identity;
} url_tls;

static char **tls_slot(url_tls *t, const char *key, size_t len)
{
	static const char *const names[] = {"sslmode", "sslaccept", "sslcert", "sslidentity"};
	char **slots[] = {&t->mode, &t->accept, &t->cert, &t->identity};
	for (int i = 0; i < 4; i++)
		if (strlen(names[i]) == len && strncmp(names[i], key, len) == 0)
			return slots[i];
	return NULL;
}

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

/* key='value' for a libpq keyword conninfo ('\\' and '\'' escaped). */
static void kv(mp_buf *b, const char *key, const char *val, size_t n)
{
	if (b->len)
		buf_putc(b, ' ');
	buf_printf(b, "%s='", key);
	for (size_t i = 0; i < n; i++) {
		if (val[i] == '\'' || val[i] == '\\')
			buf_putc(b, '\\');
		buf_putc(b, val[i]);
	}
	buf_putc(b, '\'');
}

static void kv_decoded(mp_buf *b, const char *key, const char *raw, size_t n)
{
	char *v = percent_decode(raw, n);
	kv(b, key, v, strlen(v));
	free(v);
}

static void add_secret(conn_url *out, const char *s, size_t n)
{
	if (!n)
		return;
	out->secrets = xrealloc(out->secrets, (out->nsecrets + 1) * sizeof *out->secrets);
	out->secrets[out->nsecrets++] = xstrndup(s, n);
}

/* A secret as written in the URL and percent-decoded: either may turn up in a message. */
static void add_secret_both(conn_url *out, const char *s, size_t n)
{
	add_secret(out, s, n);
	char *dec = percent_decode(s, n);
	add_secret(out, dec, strlen(dec));
	free(dec);
}

/* Every piece of what may be a password, for redaction: the text after the
 * first ':' up to the URL's last '@' (before '?'), whole and cut at ':', '/'
 * and '@' — an unencoded '/' or '@' moves where any parser thinks the host
 * starts, and the pieces then turn up in its errors as host, port or path. */
static void collect_secrets(const char *auth, conn_url *out)
{
	size_t qlen = strcspn(auth, "?#");
	const char *last = NULL;
	for (const char *p = auth; p < auth + qlen; p++)
		if (*p == '@')
			last = p;
	const char *colon = last ? memchr(auth, ':', (size_t)(last - auth)) : NULL;
	if (!colon)
		return;
	const char *from = colon + 1;
	add_secret_both(out, from, (size_t)(last - from));
	for (const char *p = from; p < last;) {
		size_t n = strcspn(p, ":/@");
		if (p + n > last)
			n = (size_t)(last - p);
		add_secret(out, p, n);
		p += n + 1;
	}
}

/* host[:port] lists, "[v6]:port" included, into host= and port=. */
static void split_hosts(mp_buf *ci, const char *h, size_t n)
{
	mp_buf hosts = MP_BUF_INIT, ports = MP_BUF_INIT;
	bool any_port = false;
	for (size_t i = 0; i <= n;) {
		size_t len = 0;
		while (i + len < n && h[i + len] != ',')
			len++;
		const char *e = h + i, *colon = NULL;
		size_t hl = len;
		if (len && *e == '[') {
			const char *close = memchr(e, ']', len);
			if (close) {
				hl = (size_t)(close - e - 1);
				e++;
				colon = (size_t)(close - (h + i)) + 1 < len && close[1] == ':' ? close + 1 : NULL;
			}
		} else {
			colon = memchr(e, ':', len);
			if (colon)
				hl = (size_t)(colon - e);
		}
		if (hosts.len || i)
			buf_putc(&hosts, ',');
		char *dh = percent_decode(e, hl);
		buf_puts(&hosts, dh);
		free(dh);
		if (ports.len || i)
			buf_putc(&ports, ',');
		if (colon) {
			buf_put(&ports, colon + 1, (size_t)(h + i + len - colon - 1));
			any_port = true;
		}
		i += len + 1;
	}
	if (strspn(hosts.ptr ? hosts.ptr : "", ",") != hosts.len)
		kv(ci, "host", hosts.ptr, hosts.len);
	if (any_port)
		kv(ci, "port", ports.ptr, ports.len);
	buf_free(&hosts);
	buf_free(&ports);
}

/* The CA bundle Debian and Ubuntu keep (ca-certificates): what Prisma's
 * TLS stack (native-tls over OpenSSL) trusts when the URL names no sslcert. */
#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* Prisma's TLS settings as libpq's: sslaccept=strict (or any value but
 * accept_invalid_certs, as Prisma reads it) verifies the chain and the host
 * name, which is libpq's verify-full; with sslmode=prefer that is stricter
 * than Prisma (no fall back to plain text), never weaker. sslcert is the CA
 * that signed the server's certificate: libpq's sslrootcert (libpq's own
 * sslcert is a client certificate). sslidentity, a PKCS12 client
 * certificate, libpq cannot read: refused rather than dropped. A sslmode
 * that only libpq knows (verify-ca, verify-full, allow) is passed on. */
static void tls_map(url_tls *t, mp_buf *ci, conn_url *out)
{
	bool strict = t->accept && strcmp(t->accept, "accept_invalid_certs") != 0;
	bool off = t->mode && strcmp(t->mode, "disable") == 0;
	if (strict && !off)
		kv(ci, "sslmode", "verify-full", 11);
	else if (t->mode)
		kv(ci, "sslmode", t->mode, strlen(t->mode));
	const char *root = t->cert;
	if (!root && strict && !off && access(SYSTEM_CA_BUNDLE, R_OK) == 0)
		root = SYSTEM_CA_BUNDLE;
	if (root)
		kv(ci, "sslrootcert", root, strlen(root));
	if (t->cert && !off && access(t->cert, R_OK) != 0) {
		mp_buf m = MP_BUF_INIT;
		buf_printf(&m, "the URL's sslcert %s cannot be read (a relative path is read from the current directory, "
		               "where Prisma reads it from the schema's folder)",
		           t->cert);
		free(out->refusal); /* a pgbouncer=true refusal, if any: the URL is refused either way */
		out->refusal = buf_detach(&m);
	}
	if (t->identity) {
		free(out->refusal); /* the sslcert refusal above, if any: this one is said instead */
		out->refusal = xstrdup("the URL's sslidentity (a PKCS12 client certificate) cannot be used by libpq: "
		                       "convert it to PEM (openssl pkcs12 -in FILE -out client.pem -nodes) and give it "
		                       "as PGSSLCERT and PGSSLKEY");
	}
	free(t->mode);
	free(t->accept);
	free(t->cert);
	free(t->identity);
}

/* The URL as WHATWG (and so Prisma) splits it — the authority ends at the
 * first '/', '?' or '#', the user part at the authority's last '@' — handed to
 * libpq as keywords, so that libpq (which splits at the first '@') connects
 * where Prisma does and never reads part of a password as a host. */
static void parse_url(const char *url, conn_url *out)
{
	const char *auth = strstr(url, "://") + 3;
	size_t alen = strcspn(auth, "/?#");
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	collect_secrets(auth, out);
	mp_buf ci = MP_BUF_INIT;
	const char *hostspec = at ? at + 1 : auth;
	split_hosts(&ci, hostspec, (size_t)(auth + alen - hostspec));
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));
		kv_decoded(&ci, "user", auth, (size_t)((colon ? colon : at) - auth));
		if (colon) {
			out->password = xstrndup(colon + 1, (size_t)(at - colon - 1));
			kv_decoded(&ci, "password", colon + 1, (size_t)(at - colon - 1));
		}
	}
	const char *rest = auth + alen;
	if (*rest == '/') {
		size_t dl = strcspn(rest + 1, "?#");
		if (dl)
			kv_decoded(&ci, "dbname", rest + 1, dl);
		rest += 1 + dl;
	}
	url_tls tls = {0};
	if (*rest == '?') {
		for (const char *p = rest + 1; *p && *p != '#';) {
			size_t n = strcspn(p, "&#");
			size_t klen = strcspn(p, "=&#");
			if (klen > n)
				klen = n;
			char **slot = tls_slot(&tls, p, klen);
			if (slot) {
				free(*slot);
				*slot = percent_decode(klen < n ? p + klen + 1 : "", klen < n ? n - klen - 1 : 0);
			} else if (klen == 11 && strncmp(p, "sslpassword", 11) == 0) {
				if (klen < n) /* the PKCS12 file's password: a secret, never libpq's */
					add_secret_both(out, p + klen + 1, n - klen - 1);
			} else if (n > 0 && is_prisma_param(p, klen)) {
				if (klen == 6 && strncmp(p, "schema", 6) == 0 && klen < n) {
					free(out->schema);
					out->schema = percent_decode(p + klen + 1, n - klen - 1);
				} else if (klen == 9 && strncmp(p, "pgbouncer", 9) == 0 && n - klen == 5 &&
				           strncmp(p + klen + 1, "true", 4) == 0 && !out->refusal) {
					out->refusal = xstrdup(PGBOUNCER_REFUSAL);
				}
			} else if (n > 0) {
				char *k = percent_decode(p, klen);
				kv_decoded(&ci, k, klen < n ? p + klen + 1 : "", klen < n ? n - klen - 1 : 0);
				free(k);
			}
			p += n;
			if (*p == '&')
				p++;
		}
	}
	tls_map(&tls, &ci, out);
	out->conninfo = buf_detach(&ci);
	if (!out->conninfo)
		out->conninfo = xstrdup("");
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
	parse_url(url, out);
}

void conn_url_free(conn_url *u)
{
	free(u->conninfo);
	free(u->schema);
	free(u->password);
	free(u->refusal);
	for (size_t i = 0; i < u->nsecrets; i++)
		free(u->secrets[i]);
	free(u->secrets);
	memset(u, 0, sizeof *u);
}

/* "FATAL:  ", "ERROR:  ", "PANIC:  " (one space or two): the server's
 * severity, which our one-line messages do not repeat. */
static const char *skip_severity(const char *s)
{
	static const char *const levels[] = {"FATAL:", "ERROR:", "PANIC:", NULL};
	for (int i = 0; levels[i]; i++)
		if (strncmp(s, levels[i], strlen(levels[i])) == 0)
			return s + strlen(levels[i]) + strspn(s + strlen(levels[i]), " ");
	return s;
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
	rest = skip_severity(rest);
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
	for (size_t i = 0; i < u->nsecrets; i++)
		conn_redact(line, sizeof line, u->secrets[i]);
	return mp_error_set(err, MP_ECONNECT, "%s", line);
}

#define POOLED_REFUSAL                                                                                         \
	"cannot use this URL: it reaches a connection pooler in transaction mode (PgBouncer's pool_mode = "      \
	"transaction): two sessions ran on one server connection, so migrun's advisory lock, lock_timeout and "  \
	"transactions would not hold; give the server's own URL (DIRECT_URL, as Prisma's directUrl, or "        \
	"--database-url)"

static char *backend_pid(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT pg_backend_pid()");
	char *pid = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 ? xstrdup(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return pid;
}

/* Through a pooler in transaction mode, one client's statements may run on
 * different server connections and two clients' on one, so a session-level
 * advisory lock, SET lock_timeout and a BEGIN … COMMIT sent as several
 * statements do not hold. A second session that lands on the server
 * connection the first has just released proves it (a pooler hands the
 * most recently released one out first): directly, or through session
 * pooling, two sessions never share a backend. */
static bool shares_backend(PGconn *pg, const char *const *kw, const char *const *val)
{
	char *first = backend_pid(pg);
	PGconn *probe = PQconnectdbParams(kw, val, 1);
	char *second = probe && PQstatus(probe) == CONNECTION_OK ? backend_pid(probe) : NULL;
	bool shared = first && second && strcmp(first, second) == 0;
	PQfinish(probe);
	free(first);
	free(second);
	return shared;
}

int conn_open(rt_conn **out, const char *url, mp_error *err)
{
	*out = NULL;
	/* Prisma migrates through directUrl when the schema has one: DIRECT_URL
	 * by convention, the server itself where DATABASE_URL is a pooler. */
	if (!url || !*url)
		url = getenv("DIRECT_URL");
	if (!url || !*url)
		url = getenv("DATABASE_URL");
	conn_url u;
	conn_url_parse(url, &u);
	if (u.refusal) {
		mp_buf m = MP_BUF_INIT;
		buf_printf(&m, "invalid database URL: %s", u.refusal);
		int rc = fail_connect(err, buf_detach(&m), &u, NULL);
		conn_url_free(&u);
		return rc;
	}
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
	if (shares_backend(pg, kw, val)) {
		PQfinish(pg);
		int rc = fail_connect(err, xstrdup(POOLED_REFUSAL), &u, NULL);
		conn_url_free(&u);
		return rc;
	}
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
		/* no result fields: the connection broke ("FATAL:  terminating …") */
		const char *m = skip_severity(PQerrorMessage(c->pg));
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
