/* migc's generated-file mark and lint disable comments (migdir/mark.h). */
#include "migdir/mark.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MARK_HEAD "-- migplan: generated from "
#define MARK_TAIL "; edit the spec and run `migc compile`, not this file."
#define LINE2_HEAD "-- lifecycle "

void migdir_mark_write(mp_buf *b, const char *spec, const char *lifecycle, const char *table_sql, const char *step,
                       const char *phase, const char *direction)
{
	buf_printf(b, "%s%s%s\n", MARK_HEAD, spec, MARK_TAIL);
	buf_printf(b, "%s%s on %s, step %s: %s (%s)\n", LINE2_HEAD, lifecycle, table_sql, step, phase, direction);
}

bool migdir_mark_present(const char *text)
{
	return strncmp(text, MARK_HEAD, strlen(MARK_HEAD)) == 0;
}

static char *line_dup(const char *s, const char **next)
{
	const char *e = strchr(s, '\n');
	size_t n = e ? (size_t)(e - s) : strlen(s);
	if (next)
		*next = e ? e + 1 : s + n;
	return xstrndup(s, n);
}

static const char *last_strstr(const char *hay, const char *needle)
{
	const char *last = NULL;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		last = p;
	return last;
}

/* Line 2 after "-- lifecycle ": "NAME on TABLE, step ID: PHASE (DIR)". */
static bool parse_line2(const char *l2, char **lifecycle, char **phase, char **step)
{
	const char *st = last_strstr(l2, ", step ");
	if (strncmp(l2, LINE2_HEAD, strlen(LINE2_HEAD)) != 0 || !st)
		return false;
	const char *name = l2 + strlen(LINE2_HEAD), *sp = strchr(name, ' ');
	const char *id = st + 7, *colon = strstr(id, ": ");
	if (!sp || !colon)
		return false;
	*lifecycle = xstrndup(name, (size_t)(sp - name));
	*step = xstrndup(id, (size_t)(colon - id));
	const char *ph = colon + 2, *paren = strchr(ph, ' ');
	*phase = xstrndup(ph, paren ? (size_t)(paren - ph) : strlen(ph));
	return true;
}

bool migdir_mark_parse(const char *text, char **spec, char **lifecycle, char **phase, char **step)
{
	*spec = *lifecycle = *phase = *step = NULL;
	if (!migdir_mark_present(text))
		return false;
	const char *rest;
	char *l1 = line_dup(text, &rest), *l2 = line_dup(rest, NULL);
	const char *tail = last_strstr(l1, MARK_TAIL);
	bool ok = tail && parse_line2(l2, lifecycle, phase, step);
	if (ok)
		*spec = xstrndup(l1 + strlen(MARK_HEAD), (size_t)(tail - l1) - strlen(MARK_HEAD));
	free(l1);
	free(l2);
	return ok;
}

void migdir_disable_write(mp_buf *b, const char *rule, const char *reason)
{
	buf_printf(b, "-- %s %s: %s\n", MIGDIR_DISABLE, rule, reason);
}

const char *migdir_disable_rules(const char *p, const char *end)
{
	size_t n = strlen(MIGDIR_DISABLE);
	while (p < end && isspace((unsigned char)*p))
		p++;
	if ((size_t)(end - p) < n || strncmp(p, MIGDIR_DISABLE, n) != 0)
		return NULL;
	p += n;
	return p < end && !isspace((unsigned char)*p) ? NULL : p;
}

bool migdir_commit_mark_is(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\t'))
		end--;
	size_t n = strlen(MIGDIR_COMMIT_MARK);
	return (size_t)(end - p) == n && memcmp(p, MIGDIR_COMMIT_MARK, n) == 0;
}
