/* libFuzzer target for migrun's database URLs: parsing, connection errors, password redaction. */
/*
 * conn_url_parse, then a connection error worded as libpq words one through
 * conn_clean_error and every redaction conn_open's failure path applies: no
 * password fragment may survive. Input: the URL is the first line (up to
 * '\n' or NUL); the rest is text the "server" says, woven between the URL's
 * secrets in the error message, so the fuzzer controls what surrounds each
 * secret (where a redaction of one could run into another). A property that does not hold aborts, which
 * libFuzzer records as a crash; a redaction that never ends (the old bug on a
 * password of one to four '*') is a timeout.
 */
#include "runtime/conn.h"
#include "util/buf.h"
#include "fuzz_util.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* What libpq makes of a conninfo: the value of keyword, newly allocated, or
 * NULL (also when it does not parse). */
static char *conninfo_value(const char *conninfo, const char *keyword, bool *parsed)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
	PQfreemem(perr);
	*parsed = opts != NULL;
	char *v = NULL;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, keyword) == 0 && o->val)
			v = xstrdup(o->val);
	PQconninfoFree(opts);
	return v;
}

/* A redaction replaces a secret by "****", so a secret holding '*' may turn up
 * again made of its neighbours and the mask ("aa*" redacted of "a*" is
 * "a****") without a byte of it having survived. A secret without '*' cannot:
 * every later redaction only turns text into more '*', so any occurrence of
 * it is a leak. */
static void check_redacted(const char *msg, const char *secret)
{
	if (secret && *secret && !strchr(secret, '*'))
		FUZZ_CHECK(strstr(msg, secret) == NULL);
}

/* The URL's properties that hold whatever libpq later says of it. */
static void check_parse(const char *url, const conn_url *u, const char *pw, bool parsed)
{
	FUZZ_CHECK(u->conninfo != NULL);
	/* secrets[0] runs from the password's start to the URL's last '@', the
	 * authority's last '@' or later: the password is its prefix. */
	if (u->password && *u->password) {
		FUZZ_CHECK(u->nsecrets >= 1);
		FUZZ_CHECK(strncmp(u->secrets[0], u->password, strlen(u->password)) == 0);
	}
	/* Without a query string the conninfo holds only host, port, user,
	 * password and dbname, each quoted: libpq must read it, and read the
	 * password the URL gave. */
	if ((strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) && !strchr(url, '?')) {
		FUZZ_CHECK(parsed);
		FUZZ_CHECK(u->schema == NULL && u->refusal == NULL);
		if (u->password)
			FUZZ_CHECK(pw != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t ulen = 0;
	while (ulen < size && in[ulen] != '\n' && in[ulen] != '\0')
		ulen++;
	char *url = xstrndup(in, ulen);
	char *said = xstrndup(ulen < size ? in + ulen + 1 : "", ulen < size ? size - ulen - 1 : 0);

	conn_url u;
	conn_url_parse(url, &u);
	bool parsed = false;
	char *pw = conninfo_value(u.conninfo, "password", &parsed);
	char *host = conninfo_value(u.conninfo, "host", &parsed);
	char *port = conninfo_value(u.conninfo, "port", &parsed);
	check_parse(url, &u, pw, parsed);

	/* A connection error as libpq words one, with every secret in it. */
	mp_buf raw = MP_BUF_INIT;
	buf_printf(&raw, "connection to server at \"%s\", port %s failed: FATAL:  password authentication failed for %s",
	           host ? host : "", port ? port : "", said);
	buf_printf(&raw, " %s%s%s", u.password ? u.password : "", said, pw ? pw : "");
	for (size_t i = 0; i < u.nsecrets; i++)
		buf_printf(&raw, "%s%s", said, u.secrets[i]);
	char *clean = conn_clean_error(buf_cstr(&raw), host, port);
	FUZZ_CHECK(strncmp(clean, "cannot connect", 14) == 0);

	/* What conn_open's failure path does: the message cut to its buffer,
	 * then the URL's password, the one libpq read, and every fragment. */
	char line[1024];
	snprintf(line, sizeof line, "%s", clean);
	conn_redact(line, sizeof line, u.password);
	conn_redact(line, sizeof line, pw);
	for (size_t i = 0; i < u.nsecrets; i++)
		conn_redact(line, sizeof line, u.secrets[i]);
	FUZZ_CHECK(strlen(line) < sizeof line);
	check_redacted(line, u.password);
	check_redacted(line, pw);
	for (size_t i = 0; i < u.nsecrets; i++)
		check_redacted(line, u.secrets[i]);

	/* A small buffer: the result is cut, never overrun. */
	char small[8];
	snprintf(small, sizeof small, "%s", clean);
	conn_redact(small, sizeof small, u.password);
	FUZZ_CHECK(strlen(small) < sizeof small);

	free(clean);
	buf_free(&raw);
	free(pw);
	free(host);
	free(port);
	conn_url_free(&u);
	free(said);
	free(url);
	return 0;
}
