/* What a migration file's text says without a parser: wrappable, CONCURRENTLY, warnings. */
#include "runtime/sqltext.h"
#include "util/buf.h"
#include "util/vec.h"
#include "migdir/mark.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A token is a bare word (upper-cased), a quoted identifier (unquoted, with
 * is_quoted set) or one punctuation character. */
typedef struct {
	const char *p;
	mp_buf text;
	bool quoted;
	bool into_bodies;  /* tokenize dollar-quoted bodies instead of skipping them */
	const char *start; /* set: record the offsets of part separator lines (migdir/mark.h) from it */
	size_t *marks;
	size_t nmarks;
} scanner;

static const char *skip_dollar(const char *p)
{
	/* p at '$': a tag is $[A-Za-z_][A-Za-z0-9_]*$ or $$ */
	const char *q = p + 1;
	if (*q != '$') {
		if (!(isalpha((unsigned char)*q) || *q == '_'))
			return NULL;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		if (*q != '$')
			return NULL;
	}
	size_t tlen = (size_t)(q - p + 1);
	const char *body = q + 1;
	for (const char *s = body; *s; s++)
		if (*s == '$' && strncmp(s, p, tlen) == 0)
			return s + tlen;
	return body + strlen(body);
}

/* Advances to the next token; false at the end of the text. */
static bool next_token(scanner *s)
{
	buf_clear(&s->text);
	s->quoted = false;
	for (;;) {
		const char *p = s->p;
		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			size_t n = strcspn(p, "\n");
			if (s->start && (p == s->start || p[-1] == '\n') && migdir_commit_mark_is(p, p + n))
				*MP_VEC_PUSH(s->marks, s->nmarks) = (size_t)(p - s->start);
			p += n;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else if (*p == '\'') {
			for (p++; *p; p++)
				if (*p == '\'' && p[1] != '\'')
					break;
				else if (*p == '\'')
					p++;
			if (*p)
				p++;
		} else if (*p == '$' && s->into_bodies) {
			const char *e = skip_dollar(p);
			if (!e) {
				s->p = p + 1;
				buf_putc(&s->text, '$');
				return true;
			}
			/* Step over the opening tag only; the body is scanned. */
			p = strchr(p + 1, '$') + 1;
		} else if (*p == '$') {
			const char *e = skip_dollar(p);
			if (!e) {
				s->p = p + 1;
				buf_putc(&s->text, '$');
				return true;
			}
			p = e;
		} else {
			s->p = p;
			break;
		}
		s->p = p;
	}
	const char *p = s->p;
	if (!*p)
		return false;
	if (*p == '"') {
		s->quoted = true;
		for (p++; *p; p++) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				break;
			buf_putc(&s->text, *p);
		}
		s->p = *p ? p + 1 : p;
		return true;
	}
	if (isalnum((unsigned char)*p) || *p == '_') {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$')
			buf_putc(&s->text, (char)toupper((unsigned char)*p++));
		s->p = p;
		return true;
	}
	buf_putc(&s->text, *p);
	s->p = p + 1;
	return true;
}

static bool is_word(const scanner *s, const char *w)
{
	return !s->quoted && strcmp(buf_cstr(&s->text), w) == 0;
}

/* Words that mean the file manages transactions itself or must not run in a
 * transaction block. DATABASE/TABLESPACE/SYSTEM/SUBSCRIPTION catch CREATE
 * DATABASE, ALTER SYSTEM, REINDEX SYSTEM and friends. */
static const char *unwrappable[] = {
	"CONCURRENTLY", "VACUUM", "CLUSTER", "DATABASE", "TABLESPACE", "SYSTEM", "SUBSCRIPTION",
	"COMMIT", "ROLLBACK", "ABORT", "SAVEPOINT", "TRANSACTION", "CALL", "PREPARE", NULL,
};

bool sqltext_wrappable(const char *sql)
{
	/* Bodies too: a DO block that COMMITs cannot run inside our BEGIN. */
	scanner s = {.p = sql, .text = MP_BUF_INIT, .into_bodies = true};
	bool ok = true, was_begin = false;
	while (ok && next_token(&s)) {
		for (int i = 0; unwrappable[i]; i++)
			if (is_word(&s, unwrappable[i]))
				ok = false;
		/* BEGIN opens every plpgsql body; only "BEGIN;" or "BEGIN WORK"
		 * starts a transaction. */
		if (was_begin && (is_word(&s, ";") || is_word(&s, "WORK") || is_word(&s, "ISOLATION")))
			ok = false;
		was_begin = is_word(&s, "BEGIN");
	}
	if (was_begin)
		ok = false;
	buf_free(&s.text);
	return ok;
}

bool sqltext_concurrently(const char *sql)
{
	scanner s = {.p = sql, .text = MP_BUF_INIT};
	bool found = false;
	while (!found && next_token(&s))
		found = is_word(&s, "CONCURRENTLY");
	buf_free(&s.text);
	return found;
}

/* The current token as an identifier: quoted as written, bare lower-cased
 * (PostgreSQL folds unquoted names). */
static char *ident(const scanner *s)
{
	char *v = xstrdup(buf_cstr(&s->text));
	if (!s->quoted)
		for (char *p = v; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return v;
}

static bool is_name(const scanner *s)
{
	const char *t = buf_cstr(&s->text);
	return s->quoted || isalpha((unsigned char)t[0]) || t[0] == '_';
}

bool sqltext_created_index(const char *sql, char **name, char **schema)
{
	*name = *schema = NULL;
	scanner s = {.p = sql, .text = MP_BUF_INIT};
	bool ok = next_token(&s) && is_word(&s, "CREATE") && next_token(&s);
	if (ok && is_word(&s, "UNIQUE"))
		ok = next_token(&s);
	ok = ok && is_word(&s, "INDEX") && next_token(&s) && is_word(&s, "CONCURRENTLY") && next_token(&s);
	if (ok && is_word(&s, "IF"))
		ok = next_token(&s) && is_word(&s, "NOT") && next_token(&s) && is_word(&s, "EXISTS") &&
		     next_token(&s);
	ok = ok && is_name(&s) && !is_word(&s, "ON");
	if (ok)
		*name = ident(&s);
	ok = ok && next_token(&s) && is_word(&s, "ON") && next_token(&s);
	if (ok && is_word(&s, "ONLY"))
		ok = next_token(&s);
	if (ok && is_name(&s)) {
		char *first = ident(&s);
		if (next_token(&s) && is_word(&s, ".") && next_token(&s) && is_name(&s))
			*schema = first;
		else
			free(first);
	}
	buf_free(&s.text);
	if (!*name) {
		free(*schema);
		*schema = NULL;
		return false;
	}
	return true;
}

/* One comment line's text after "--", trimmed; NULL when the line is not a comment. */
static const char *comment_text(const char *p, size_t len, size_t *tl)
{
	const char *q = p;
	while (q < p + len && (*q == ' ' || *q == '\t'))
		q++;
	if ((size_t)(p + len - q) < 2 || q[0] != '-' || q[1] != '-')
		return NULL;
	const char *t = q + 2;
	while (t < p + len && *t == ' ')
		t++;
	size_t n = (size_t)(p + len - t);
	while (n && (t[n - 1] == '\r' || t[n - 1] == ' '))
		n--;
	*tl = n;
	return t;
}

/* A warning runs over several comment lines: the ones after "-- WARNING:"
 * up to the next warning, a migplan-disable line or a non-comment line. */
void sqltext_warnings(const char *sql, char ***lines, size_t *n)
{
	char **v = NULL;
	size_t nv = 0;
	mp_buf cur = MP_BUF_INIT;
	bool in = false;
	for (const char *p = sql; *p;) {
		size_t len = strcspn(p, "\n"), tl = 0;
		const char *t = comment_text(p, len, &tl);
		bool warning = t && tl >= 8 && strncasecmp(t, "WARNING:", 8) == 0;
		bool more = in && t && !warning && tl && strncasecmp(t, "migplan-disable", 15) != 0;
		if (in && !more) {
			*MP_VEC_PUSH(v, nv) = buf_detach(&cur);
			in = false;
		}
		if (warning) {
			const char *w = t + 8;
			/* within the trimmed text: "-- WARNING:  " ends in spaces
			 * comment_text cut off, and stepping over them ran past tl */
			while (w < t + tl && *w == ' ')
				w++;
			buf_put(&cur, w, tl - (size_t)(w - t));
			in = true;
		} else if (more) {
			buf_putc(&cur, ' ');
			buf_put(&cur, t, tl);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	if (in)
		*MP_VEC_PUSH(v, nv) = buf_detach(&cur);
	buf_free(&cur);
	*lines = v;
	*n = nv;
}

void sqltext_parts(const char *sql, size_t **starts, size_t *n)
{
	scanner s = {.p = sql, .text = MP_BUF_INIT, .start = sql};
	while (next_token(&s))
		;
	buf_free(&s.text);
	size_t *v = xcalloc(s.nmarks + 1, sizeof *v), nv = 1;
	for (size_t i = 0; i < s.nmarks; i++)
		if (s.marks[i] > 0) /* a separator opening the file opens part 1 */
			v[nv++] = s.marks[i];
	free(s.marks);
	*starts = v;
	*n = nv;
}
