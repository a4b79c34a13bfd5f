/* The fleet file: a small strict line format (docs/fleet.md), parsed here
 * without any database. */
#include "fleet/fleet.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/vec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the line format: small and strict, so a typo is an error, not a
 * silently ignored target ---- */

typedef enum { SEC_NONE, SEC_WAVES, SEC_TARGET, SEC_QUERY } section_kind;

typedef struct {
	const char *path;
	int line;
	mp_error *err;
	fleet_spec *f;
	section_kind sec;
	char *sec_name;
	/* the target being read: its keys are checked when the section ends */
	char *url, *service, *schema;
	fleet_label *labels;
	size_t nlabels;
	int sec_line;
	char seen[8][32];  /* keys already given in this section */
	int nseen;
} parser;

static int perr(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(parser *p, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return mp_error_set(p->err, MP_EINVAL, "%s:%d: %s", p->path, p->line, msg);
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* ${VAR} from the environment; the value is never echoed back in errors. */
static int expand_env(parser *p, const char *raw, char **out)
{
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, "");
	for (const char *s = raw; *s;) {
		if (s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s + 2, '}');
			if (!end || end == s + 2) {
				buf_free(&b);
				return perr(p, "unterminated or empty ${...} in a string");
			}
			char *var = xstrndup(s + 2, (size_t)(end - s - 2));
			const char *v = getenv(var);
			if (!v) {
				int rc = perr(p, "environment variable %s is not set", var);
				free(var);
				buf_free(&b);
				return rc;
			}
			buf_puts(&b, v);
			free(var);
			s = end + 1;
		} else {
			buf_putc(&b, *s++);
		}
	}
	*out = buf_detach(&b);
	return MP_OK;
}

/* A "quoted string" with \" and \\ escapes; *s is left after it. */
static int parse_string(parser *p, const char **s, char **out)
{
	const char *q = *s;
	if (*q != '"')
		return perr(p, "expected a \"quoted string\"");
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, "");
	for (q++; *q && *q != '"'; q++) {
		if (*q == '\\') {
			if (q[1] != '"' && q[1] != '\\') {
				buf_free(&b);
				return perr(p, "only \\\" and \\\\ are escapes in a string");
			}
			q++;
		}
		buf_putc(&b, *q);
	}
	if (*q != '"') {
		buf_free(&b);
		return perr(p, "unterminated string");
	}
	*s = q + 1;
	int rc = expand_env(p, b.ptr, out);
	buf_free(&b);
	return rc;
}

static int parse_int(parser *p, const char **s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(*s, &end, 10);
	if (end == *s || !isdigit((unsigned char)**s))
		return perr(p, "expected a number");
	if (v < lo || v > hi)
		return perr(p, "%ld is out of range (%ld..%ld)", v, lo, hi);
	*s = end;
	*out = v;
	return MP_OK;
}

static int expect_end(parser *p, const char *s)
{
	s = skip_ws(s);
	if (*s && *s != '#')
		return perr(p, "unexpected text after the value: %.20s", s);
	return MP_OK;
}

/* After an item of a [...] or {...} list: a ',' and the next item, or the
 * closing bracket (left for the caller); anything else is what msg says. */
static int list_next(parser *p, const char **s, char close, const char *msg)
{
	*s = skip_ws(*s);
	if (**s == ',')
		*s = skip_ws(*s + 1);
	else if (**s != close)
		return perr(p, "%s", msg);
	return MP_OK;
}

static int parse_percent(parser *p, const char *s)
{
	if (*s != '[')
		return perr(p, "percent wants a list such as [10, 50]");
	s = skip_ws(s + 1);
	p->f->npercent = 0;
	while (*s != ']') {
		long v = 0;
		int rc = parse_int(p, &s, 1, 100, &v);
		if (rc != MP_OK)
			return rc;
		if (p->f->npercent == FLEET_MAX_PERCENT)
			return perr(p, "at most %d waves after the canary", FLEET_MAX_PERCENT);
		if (p->f->npercent && v <= p->f->percent[p->f->npercent - 1])
			return perr(p, "percent must increase (each is the share of the fleet done after that wave)");
		p->f->percent[p->f->npercent++] = (int)v;
		if ((rc = list_next(p, &s, ']', "expected ',' or ']' in the percent list")) != MP_OK)
			return rc;
	}
	return expect_end(p, s + 1);
}

static int parse_labels(parser *p, const char *s)
{
	if (*s != '{')
		return perr(p, "labels wants an inline table such as { region = \"eu\" }");
	s = skip_ws(s + 1);
	while (*s != '}') {
		const char *k = s;
		while (name_char(*s))
			s++;
		if (s == k)
			return perr(p, "expected a label name");
		char *key = xstrndup(k, (size_t)(s - k));
		s = skip_ws(s);
		char *val = NULL;
		int rc = *s == '=' ? MP_OK : perr(p, "expected '=' after label %s", key);
		if (rc == MP_OK) {
			s = skip_ws(s + 1);
			rc = parse_string(p, &s, &val);
		}
		for (size_t i = 0; rc == MP_OK && i < p->nlabels; i++)
			if (strcmp(p->labels[i].key, key) == 0)
				rc = perr(p, "label %s given twice", key);
		if (rc != MP_OK) {
			free(key);
			free(val);
			return rc;
		}
		fleet_label *l = MP_VEC_PUSH(p->labels, p->nlabels);
		l->key = key;
		l->value = val;
		if ((rc = list_next(p, &s, '}', "expected ',' or '}' in labels")) != MP_OK)
			return rc;
	}
	return expect_end(p, s + 1);
}

static void labels_free(fleet_label *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].value);
	}
	free(l);
}

static void section_reset(parser *p)
{
	free(p->sec_name);
	free(p->url);
	free(p->service);
	free(p->schema);
	labels_free(p->labels, p->nlabels);
	p->sec_name = p->url = p->service = p->schema = NULL;
	p->labels = NULL;
	p->nlabels = 0;
	p->nseen = 0;
	p->sec = SEC_NONE;
}

/* Ends the current section: a target needs exactly one of url / service, a
 * query both control_url and sql. */
static int section_end(parser *p)
{
	int rc = MP_OK;
	int line = p->line;
	p->line = p->sec_line;
	if (p->sec == SEC_TARGET) {
		if (!p->url == !p->service) {
			rc = perr(p, "target %s needs exactly one of url = \"...\" or service = \"...\"", p->sec_name);
		} else {
			char *url = p->url;
			if (p->service) {
				/* A libpq URI with only a service: pg_service.conf supplies
				 * host, database and user; ~/.pgpass the password. */
				mp_buf b = MP_BUF_INIT;
				buf_puts(&b, "postgresql://?service=");
				for (const char *c = p->service; *c; c++)
					if (name_char(*c) || *c == '.')
						buf_putc(&b, *c);
					else
						buf_printf(&b, "%%%02X", (unsigned char)*c);
				url = buf_detach(&b);
			}
			rc = fleet_add_target(p->f, p->sec_name, url, p->schema, p->sec_line, p->err);
			if (url != p->url)
				free(url);
			if (rc == MP_OK) {
				fleet_target *t = &p->f->targets[p->f->n - 1];
				t->labels = p->labels;
				t->nlabels = p->nlabels;
				p->labels = NULL;
				p->nlabels = 0;
			}
		}
	} else if (p->sec == SEC_QUERY) {
		fleet_query *q = &p->f->queries[p->f->nqueries - 1];
		if (!q->control_url || !q->sql)
			rc = perr(p, "query %s needs both control_url and sql", q->name);
	}
	p->line = line;
	section_reset(p);
	return rc;
}

static int section_start(parser *p, const char *s)
{
	int rc = section_end(p);
	if (rc != MP_OK)
		return rc;
	const char *close = strchr(s, ']');
	if (!close)
		return perr(p, "expected ']' closing the section name");
	rc = expect_end(p, close + 1);
	if (rc != MP_OK)
		return rc;
	char *head = xstrndup(s + 1, (size_t)(close - s - 1));
	const char *dot = strchr(head, '.');
	size_t kind_len = dot ? (size_t)(dot - head) : strlen(head);
	const char *name = dot ? dot + 1 : NULL;
	bool name_ok = name && *name;
	for (const char *c = name; name_ok && *c; c++)
		name_ok = name_char(*c);
	p->sec_line = p->line;
	if (kind_len == 5 && !strncmp(head, "waves", 5) && !dot) {
		p->sec = SEC_WAVES;
	} else if (kind_len == 6 && !strncmp(head, "target", 6) && name_ok) {
		p->sec = SEC_TARGET;
		p->sec_name = xstrdup(name);
	} else if (kind_len == 5 && !strncmp(head, "query", 5) && (!dot || name_ok)) {
		p->sec = SEC_QUERY;
		fleet_spec *f = p->f;
		fleet_query *q = MP_VEC_PUSH(f->queries, f->nqueries);
		q->name = xstrdup(name ? name : "query");
	} else {
		rc = perr(p, "unknown section [%s] (expected [waves], [target.NAME] or [query] / [query.NAME]; "
		          "NAME is letters, digits, _ and -)", head);
	}
	free(head);
	return rc;
}

static int assign(parser *p, const char *key, const char *v)
{
	for (int i = 0; i < p->nseen; i++)
		if (!strcmp(p->seen[i], key))
			return perr(p, "%s given twice in this section", key);
	if (p->nseen < 8)
		snprintf(p->seen[p->nseen++], sizeof p->seen[0], "%s", key);
	long n = 0;
	int rc;
	switch (p->sec) {
	case SEC_NONE:
		return perr(p, "%s = ... outside a section (start with [waves], [target.NAME] or [query])", key);
	case SEC_WAVES:
		if (!strcmp(key, "canary")) {
			if ((rc = parse_int(p, &v, 0, 1000000, &n)) == MP_OK)
				p->f->canary = n;
			return rc == MP_OK ? expect_end(p, v) : rc;
		}
		if (!strcmp(key, "parallel")) {
			if ((rc = parse_int(p, &v, 1, 1024, &n)) == MP_OK)
				p->f->parallel = n;
			return rc == MP_OK ? expect_end(p, v) : rc;
		}
		if (!strcmp(key, "percent"))
			return parse_percent(p, v);
		return perr(p, "unknown key %s in [waves] (canary, percent, parallel)", key);
	case SEC_TARGET: {
		if (!strcmp(key, "labels"))
			return parse_labels(p, v);
		char **slot = !strcmp(key, "url") ? &p->url : !strcmp(key, "service") ? &p->service
		              : !strcmp(key, "schema") ? &p->schema : NULL;
		if (!slot)
			return perr(p, "unknown key %s in a target (url, service, schema, labels)", key);
		if ((rc = parse_string(p, &v, slot)) != MP_OK)
			return rc;
		return expect_end(p, v);
	}
	case SEC_QUERY: {
		fleet_query *q = &p->f->queries[p->f->nqueries - 1];
		char **slot = !strcmp(key, "control_url") ? &q->control_url : !strcmp(key, "sql") ? &q->sql : NULL;
		if (!slot)
			return perr(p, "unknown key %s in a query (control_url, sql)", key);
		if ((rc = parse_string(p, &v, slot)) != MP_OK)
			return rc;
		return expect_end(p, v);
	}
	}
	return MP_OK;
}

static int parse_line(parser *p, const char *line)
{
	const char *s = skip_ws(line);
	if (!*s || *s == '#')
		return MP_OK;
	if (*s == '[')
		return section_start(p, s);
	const char *k = s;
	while (name_char(*s))
		s++;
	if (s == k)
		return perr(p, "expected a section [..] or key = value");
	char key[32];
	snprintf(key, sizeof key, "%.*s", (int)(s - k), k);
	s = skip_ws(s);
	if (*s != '=')
		return perr(p, "expected '=' after %s", key);
	return assign(p, key, skip_ws(s + 1));
}

static void spec_init(fleet_spec *f, const char *path)
{
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->canary = 1;
	f->percent[0] = 10;
	f->npercent = 1;
	f->parallel = 4;
}

int fleet_parse(const char *text, const char *path, fleet_spec *out, mp_error *err)
{
	spec_init(out, path);
	parser p = {.path = path, .err = err, .f = out};
	int rc = MP_OK;
	for (const char *s = text; rc == MP_OK && *s;) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		p.line++;
		rc = parse_line(&p, line);
		free(line);
		s += n;
		if (*s)
			s++;
	}
	if (rc == MP_OK) {
		p.line++;
		rc = section_end(&p);
	}
	section_reset(&p);
	if (rc == MP_OK && out->n == 0 && out->nqueries == 0)
		rc = mp_error_set(err, MP_EINVAL, "%s: no [target.NAME] and no [query]: the fleet is empty", path);
	if (rc != MP_OK)
		fleet_free(out);
	return rc;
}

int fleet_load(const char *path, fleet_spec *out, mp_error *err)
{
	char *text = NULL;
	memset(out, 0, sizeof *out);
	int rc = fs_read_file(path, &text, NULL, err);
	if (rc != MP_OK)
		return rc;
	rc = fleet_parse(text, path, out, err);
	free(text);
	return rc;
}

void fleet_free(fleet_spec *f)
{
	for (size_t i = 0; i < f->n; i++) {
		fleet_target *t = &f->targets[i];
		free(t->name);
		free(t->url);
		free(t->lock_domain);
		labels_free(t->labels, t->nlabels);
	}
	free(f->targets);
	for (size_t i = 0; i < f->nqueries; i++) {
		free(f->queries[i].name);
		free(f->queries[i].control_url);
		free(f->queries[i].sql);
	}
	free(f->queries);
	free(f->path);
	memset(f, 0, sizeof *f);
}
