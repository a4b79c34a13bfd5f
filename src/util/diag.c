/* Diagnostics: file:line:col: error: with the source line and a caret, several per run. */
#include "util/diag.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes of a source line shown around the caret when the line is longer. */
#define DIAG_LINE_WINDOW 160

void diag_list_init(diag_list *d)
{
	memset(d, 0, sizeof *d);
}

void diag_list_free(diag_list *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].message);
		free(d->items[i].rule);
	}
	free(d->items);
	diag_list_init(d);
}

static void vadd(diag_list *d, diag_severity sev, const mp_source *src, mp_span span, const char *rule,
                 const char *fmt, va_list ap)
{
	if (d->count == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->items = xrealloc(d->items, d->cap * sizeof *d->items);
	}
	mp_buf b = MP_BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	mp_diag *dg = &d->items[d->count++];
	dg->severity = sev;
	dg->src = src;
	dg->span = span;
	dg->rule = rule ? xstrdup(rule) : NULL;
	dg->message = buf_detach(&b);
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
}

void diag_add(diag_list *d, diag_severity sev, const mp_source *src, mp_span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, sev, src, span, NULL, fmt, ap);
	va_end(ap);
}

void diag_add_rule(diag_list *d, diag_severity sev, const mp_source *src, mp_span span, const char *rule,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, sev, src, span, rule, fmt, ap);
	va_end(ap);
}

/* Stable insertion sort by file, then offset: lists are short, and equal
 * places keep the order they were found in. */
void diag_sort(diag_list *d)
{
	for (size_t i = 1; i < d->count; i++) {
		mp_diag t = d->items[i];
		const char *tp = t.src ? t.src->path : "";
		size_t j = i;
		while (j > 0) {
			mp_diag *p = &d->items[j - 1];
			int c = strcmp(p->src ? p->src->path : "", tp);
			if (c < 0 || (c == 0 && p->span.start <= t.span.start))
				break;
			d->items[j] = *p;
			j--;
		}
		d->items[j] = t;
	}
}

const char *diag_severity_name(diag_severity s)
{
	return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "note";
}

bool diag_use_color(FILE *out)
{
	const char *nc = getenv("NO_COLOR");
	return isatty(fileno(out)) && !(nc && *nc);
}

void diag_print(FILE *out, const mp_diag *dg, bool color)
{
	const char *sevcol = dg->severity == DIAG_ERROR ? "\033[1;31m"
	                     : dg->severity == DIAG_WARNING ? "\033[1;35m" : "\033[1;36m";
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	if (dg->src) {
		int line, col;
		source_position(dg->src, dg->span.start, &line, &col);
		fprintf(out, "%s%s:%d:%d:%s ", bold, dg->src->path, line, col, reset);
	}
	fprintf(out, "%s%s:%s ", color ? sevcol : "", diag_severity_name(dg->severity), reset);
	if (dg->rule)
		fprintf(out, "[%s] ", dg->rule);
	fprintf(out, "%s%s%s\n", bold, dg->message, reset);
	if (!dg->src)
		return;
	size_t len;
	const char *text = source_line(dg->src, dg->span.start, &len);
	int line, col;
	source_position(dg->src, dg->span.start, &line, &col);
	size_t line_off = (size_t)(text - dg->src->text);
	size_t from = (size_t)dg->span.start - line_off;
	size_t to = dg->span.end > dg->span.start ? (size_t)dg->span.end - line_off : from + 1;
	if (to > len)
		to = len > from ? len : from + 1;
	/* A very long line is shown as a window around the caret: printing it
	 * whole for each of many errors on it would grow with its square. */
	size_t w0 = 0, w1 = len;
	if (len > DIAG_LINE_WINDOW) {
		w0 = from > DIAG_LINE_WINDOW / 2 ? from - DIAG_LINE_WINDOW / 2 : 0;
		while (w0 > 0 && ((unsigned char)text[w0] & 0xC0) == 0x80)
			w0--;
		w1 = w0 + DIAG_LINE_WINDOW < len ? w0 + DIAG_LINE_WINDOW : len;
		while (w1 < len && ((unsigned char)text[w1] & 0xC0) == 0x80)
			w1++;
		if (to > w1)
			to = w1 > from ? w1 : from + 1;
	}
	const char *pre = w0 > 0 ? "..." : "";
	fprintf(out, "%5d | %s%.*s%s\n      | %s", line, pre, (int)(w1 - w0), text + w0, w1 < len ? "..." : "",
	        w0 > 0 ? "   " : "");
	/* Walk the line so tabs stay tabs and a multi-byte character takes one
	 * column, keeping the caret under the right character. */
	for (size_t i = w0; i < from && i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c & 0xC0) == 0x80)
			continue;
		fputc(c == '\t' ? '\t' : ' ', out);
	}
	fputs(color ? "\033[1;32m^" : "^", out);
	for (size_t i = from + 1; i < to; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			fputc('~', out);
	fprintf(out, "%s\n", reset);
}

void diag_print_all(FILE *out, const diag_list *d, bool color)
{
	for (size_t i = 0; i < d->count; i++)
		diag_print(out, &d->items[i], color);
}
