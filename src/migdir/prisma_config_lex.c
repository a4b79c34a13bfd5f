/* Tokens of prisma.config.ts for prisma_config.c: comments skipped, strings decoded, brackets paired (prisma_config_lex.h). */
#include "migdir/prisma_config_lex.h"
#include "util/buf.h"
#include "util/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const mp_source *src;
	const char *s;
	size_t len, pos;
	bool regex_ok; /* a '/' here starts a regular expression, not a division */
	bool newline;  /* a line break since the last token */
	int depth;     /* template substitutions being skipped */
	char *error;
} lexer;

static bool fail(lexer *lx, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool alnum(int c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Names may hold any non-ASCII character (UTF-8 bytes) as well. */
static bool name_char(int c)
{
	return alnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool fail(lexer *lx, size_t at, const char *fmt, ...)
{
	if (lx->error)
		return false;
	int line = 0, col = 0;
	source_position(lx->src, (int)(at < lx->len ? at : lx->len), &line, &col);
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s:%d:%d: ", lx->src->path, line, col);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	lx->error = buf_detach(&b);
	return false;
}

bool pct_is(const pct_token *t, const char *p)
{
	return t->kind == PCT_PUNCT && strcmp(t->text, p) == 0;
}

bool pct_is_name(const pct_token *t, const char *id)
{
	return t->kind == PCT_IDENT && strcmp(t->text, id) == 0;
}

static int at(const lexer *lx, size_t k)
{
	return lx->pos + k < lx->len ? (unsigned char)lx->s[lx->pos + k] : -1;
}

/* Blanks, line breaks and comments (and a #! line at the very start). */
static bool skip_space(lexer *lx)
{
	if (lx->pos == 0 && at(lx, 0) == 0xEF && at(lx, 1) == 0xBB && at(lx, 2) == 0xBF)
		lx->pos = 3; /* a byte order mark */
	if (lx->pos <= 3 && at(lx, 0) == '#' && at(lx, 1) == '!')
		while (at(lx, 0) >= 0 && at(lx, 0) != '\n')
			lx->pos++;
	for (;;) {
		int c = at(lx, 0);
		if (c == '\n' || c == '\r') {
			lx->newline = true;
			lx->pos++;
		} else if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
			lx->pos++;
		} else if (c == '/' && at(lx, 1) == '/') {
			while (at(lx, 0) >= 0 && at(lx, 0) != '\n' && at(lx, 0) != '\r')
				lx->pos++;
		} else if (c == '/' && at(lx, 1) == '*') {
			size_t start = lx->pos;
			const char *end = NULL;
			for (size_t k = lx->pos + 2; k + 1 < lx->len && !end; k++)
				if (lx->s[k] == '*' && lx->s[k + 1] == '/')
					end = &lx->s[k];
			if (!end)
				return fail(lx, start, "a /* comment is never closed");
			if (memchr(lx->s + start, '\n', (size_t)(end - (lx->s + start))))
				lx->newline = true;
			lx->pos = (size_t)(end - lx->s) + 2;
		} else {
			return true;
		}
	}
}

static void put_utf8(mp_buf *b, unsigned long cp)
{
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD; /* a lone surrogate has no UTF-8 form */
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_putc(b, (char)(0xC0 | (cp >> 6)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_putc(b, (char)(0xE0 | (cp >> 12)));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_putc(b, (char)(0xF0 | (cp >> 18)));
		buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/* n hex digits at the cursor (n 0: \u{...} up to '}'); -1 when malformed. */
static long hex_digits(lexer *lx, int n)
{
	long v = 0;
	int k = 0;
	for (;; k++) {
		int c = at(lx, 0);
		if (n == 0 && c == '}' && k > 0) {
			lx->pos++;
			return v;
		}
		if ((n && k == n) || c < 0)
			return n && k == n ? v : -1;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0 || v > 0x10FFFF)
			return -1;
		v = v * 16 + d;
		lx->pos++;
	}
}

/* \u escapes: \uHHHH (a surrogate pair as two) or \u{H...}. */
static long unicode_escape(lexer *lx)
{
	if (at(lx, 0) == '{') {
		lx->pos++;
		long v = hex_digits(lx, 0);
		return v > 0x10FFFF ? -1 : v;
	}
	long hi = hex_digits(lx, 4);
	if (hi >= 0xD800 && hi <= 0xDBFF && at(lx, 0) == '\\' && at(lx, 1) == 'u') {
		size_t save = lx->pos;
		lx->pos += 2;
		long lo = hex_digits(lx, 4);
		if (lo >= 0xDC00 && lo <= 0xDFFF)
			return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
		lx->pos = save;
	}
	return hi;
}

/* The escape after a backslash (the cursor on the character after it),
 * decoded into b; *nul when it is a NUL. */
static bool escape(lexer *lx, mp_buf *b, bool *nul)
{
	size_t start = lx->pos - 1;
	int c = at(lx, 0);
	lx->pos++;
	static const char simple[] = "n\nt\tr\rb\bf\fv\v";
	const char *s = c > 0 ? strchr(simple, c) : NULL;
	long cp;
	if (c < 0)
		return fail(lx, start, "a string is never closed");
	if (s && (s - simple) % 2 == 0) {
		buf_putc(b, s[1]);
		return true;
	}
	if (c == '\r' || c == '\n') { /* a line continuation */
		if (c == '\r' && at(lx, 0) == '\n')
			lx->pos++;
		return true;
	}
	if (c == 'x')
		cp = hex_digits(lx, 2);
	else if (c == 'u')
		cp = unicode_escape(lx);
	else if (c == '0' && !(at(lx, 0) >= '0' && at(lx, 0) <= '9'))
		cp = 0;
	else {
		buf_putc(b, (char)c); /* \' \" \\ and the rest stand for themselves */
		return true;
	}
	if (cp < 0)
		return fail(lx, start, "a malformed \\%c escape", c);
	if (cp == 0)
		*nul = true;
	put_utf8(b, (unsigned long)cp);
	return true;
}

static int next_token(lexer *lx, pct_token *t);

/* A template's ${...}: its tokens read and dropped up to the '}' closing it. */
static bool skip_substitution(lexer *lx, size_t start)
{
	if (++lx->depth > 32)
		return fail(lx, start, "template literals nested more than 32 deep");
	int braces = 0;
	lx->regex_ok = true;
	for (;;) {
		pct_token t;
		int r = next_token(lx, &t);
		if (r <= 0)
			return r == 0 ? fail(lx, start, "a template literal's ${ is never closed") : false;
		bool open = pct_is(&t, "{"), close = pct_is(&t, "}");
		free(t.text);
		if (open)
			braces++;
		else if (close && braces-- == 0)
			break;
	}
	lx->depth--;
	return true;
}

/* A string or template literal, from its opening quote. */
static bool quoted(lexer *lx, pct_token *t, char quote)
{
	mp_buf b = MP_BUF_INIT;
	bool nul = false, ok = true;
	lx->pos++;
	for (;;) {
		int c = at(lx, 0);
		if (c < 0 || (quote != '`' && (c == '\n' || c == '\r'))) {
			ok = fail(lx, (size_t)t->start, quote == '`' ? "a template literal is never closed" : "a string is never closed");
			break;
		}
		lx->pos++;
		if (c == quote)
			break;
		if (c == '\\') {
			if (!(ok = escape(lx, &b, &nul)))
				break;
		} else if (quote == '`' && c == '$' && at(lx, 0) == '{') {
			lx->pos++;
			t->subst = true;
			if (!(ok = skip_substitution(lx, lx->pos - 2)))
				break;
		} else if (c == '\r') {
			if (at(lx, 0) == '\n')
				lx->pos++;
			buf_putc(&b, '\n'); /* a template's CR LF is LF */
		} else {
			buf_putc(&b, (char)c);
		}
	}
	t->kind = quote == '`' ? PCT_TEMPLATE : PCT_STRING;
	t->text = ok && !nul && !t->subst ? xstrdup(buf_cstr(&b)) : NULL;
	buf_free(&b);
	return ok;
}

/* A regular expression literal, from its '/'. */
static bool regex(lexer *lx, pct_token *t)
{
	bool cls = false;
	lx->pos++;
	for (;;) {
		int c = at(lx, 0);
		if (c < 0 || c == '\n' || c == '\r')
			return fail(lx, (size_t)t->start, "a regular expression is never closed");
		lx->pos++;
		if (c == '\\' && at(lx, 0) >= 0 && at(lx, 0) != '\n')
			lx->pos++;
		else if (c == '[')
			cls = true;
		else if (c == ']')
			cls = false;
		else if (c == '/' && !cls)
			break;
	}
	while (at(lx, 0) >= 0 && (alnum(at(lx, 0))))
		lx->pos++;
	t->kind = PCT_REGEX;
	t->text = xstrdup("/");
	return true;
}

/* The longest punctuator at the cursor. */
static bool punctuator(lexer *lx, pct_token *t)
{
	static const char *const multi[] = {
		">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "\?\?=", "||=", "&&=", "=>", "==", "!=", "<=",
		">=", "&&", "||", "\?\?", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>",
	};
	for (size_t i = 0; i < sizeof multi / sizeof *multi; i++) {
		size_t n = strlen(multi[i]);
		if (lx->pos + n <= lx->len && memcmp(lx->s + lx->pos, multi[i], n) == 0 &&
		    !(multi[i][0] == '?' && multi[i][1] == '.' && alnum(at(lx, 2)))) { /* a ? .5 */
			t->text = xstrdup(multi[i]);
			lx->pos += n;
			return true;
		}
	}
	int c = at(lx, 0);
	if (c < 0 || !strchr("{}()[];,<>+-*/%&|^!~?:=.@#", c))
		return fail(lx, lx->pos, c < 0x20 || c == 0x7F ? "an unexpected control character (0x%02x)" : "an unexpected '%c'", c);
	t->text = xstrndup(lx->s + lx->pos, 1);
	lx->pos++;
	return true;
}

/* After a token, whether a '/' would start a regular expression. */
static bool regex_may_follow(const pct_token *t)
{
	static const char *const words[] = {"return", "typeof", "instanceof", "in", "of", "new", "delete",
	                                    "void", "throw", "case", "do", "else", "yield", "await"};
	if (t->kind == PCT_PUNCT)
		return !pct_is(t, ")") && !pct_is(t, "]") && !pct_is(t, "}");
	for (size_t i = 0; t->kind == PCT_IDENT && i < sizeof words / sizeof *words; i++)
		if (strcmp(t->text, words[i]) == 0)
			return true;
	return false;
}

/* 1 with the next token in *t, 0 at the end of the text, -1 on an error. */
static int next_token(lexer *lx, pct_token *t)
{
	memset(t, 0, sizeof *t);
	t->match = -1;
	if (!skip_space(lx))
		return -1;
	t->newline = lx->newline;
	lx->newline = false;
	t->start = (int)lx->pos;
	int c = at(lx, 0);
	bool ok = true;
	if (c < 0)
		return 0;
	if (c == '"' || c == '\'' || c == '`') {
		ok = quoted(lx, t, (char)c);
	} else if (c == '/' && lx->regex_ok) {
		ok = regex(lx, t);
	} else if ((c >= '0' && c <= '9') || (c == '.' && at(lx, 1) >= '0' && at(lx, 1) <= '9')) {
		bool hex = c == '0' && (at(lx, 1) | 32) == 'x';
		while (alnum(at(lx, 0)) || at(lx, 0) == '_' || at(lx, 0) == '.' ||
		       (!hex && (at(lx, 0) == '+' || at(lx, 0) == '-') && (lx->s[lx->pos - 1] | 32) == 'e'))
			lx->pos++;
		t->kind = PCT_NUMBER;
		t->text = xstrndup(lx->s + t->start, lx->pos - (size_t)t->start);
	} else if (name_char(c) || (c == '#' && name_char(at(lx, 1)))) { /* #x: a private name */
		lx->pos++;
		while (name_char(at(lx, 0)))
			lx->pos++;
		t->kind = PCT_IDENT;
		t->text = xstrndup(lx->s + t->start, lx->pos - (size_t)t->start);
	} else {
		t->kind = PCT_PUNCT;
		ok = punctuator(lx, t);
	}
	t->end = (int)lx->pos;
	if (!ok) {
		free(t->text);
		t->text = NULL;
		return -1;
	}
	lx->regex_ok = regex_may_follow(t);
	return 1;
}

/* Every ( [ { with its partner, or the first one unpaired is the error. */
static bool pair_brackets(lexer *lx, pct_token *toks, size_t n)
{
	size_t *stack = NULL, depth = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++) {
		const char *p = toks[i].kind == PCT_PUNCT ? toks[i].text : "";
		if (!strcmp(p, "(") || !strcmp(p, "[") || !strcmp(p, "{")) {
			*MP_VEC_PUSH(stack, depth) = i;
		} else if (!strcmp(p, ")") || !strcmp(p, "]") || !strcmp(p, "}")) {
			const char *want = p[0] == ')' ? "(" : p[0] == ']' ? "[" : "{";
			if (depth == 0 || strcmp(toks[stack[depth - 1]].text, want) != 0) {
				ok = fail(lx, (size_t)toks[i].start, "this '%s' closes nothing opened before it", p);
				break;
			}
			size_t o = stack[--depth];
			toks[o].match = (int)i;
			toks[i].match = (int)o;
		}
	}
	if (ok && depth)
		ok = fail(lx, (size_t)toks[stack[depth - 1]].start, "this '%s' is never closed", toks[stack[depth - 1]].text);
	free(stack);
	return ok;
}

void pct_tokenize(const mp_source *src, pct_list *out)
{
	lexer lx = {src, src->text, src->len, 0, true, false, 0, NULL};
	memset(out, 0, sizeof *out);
	pct_token t;
	int r;
	while ((r = next_token(&lx, &t)) > 0)
		*MP_VEC_PUSH(out->toks, out->n) = t;
	if (r == 0)
		pair_brackets(&lx, out->toks, out->n);
	if (lx.error) {
		pct_list_free(out);
		out->error = lx.error;
	}
}

void pct_list_free(pct_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->toks[i].text);
	free(l->toks);
	free(l->error);
	memset(l, 0, sizeof *l);
}
