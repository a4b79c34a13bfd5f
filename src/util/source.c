/* Source texts with line starts, so byte spans become line and column only when reported. */
#include "util/source.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include <stdlib.h>
#include <string.h>

static void index_lines(mp_source *s)
{
	size_t cap = 64;
	s->line_starts = xmalloc(cap * sizeof *s->line_starts);
	s->nlines = 0;
	s->line_starts[s->nlines++] = 0;
	for (size_t i = 0; i < s->len; i++) {
		if (s->text[i] == '\n') {
			if (s->nlines == cap) {
				cap *= 2;
				s->line_starts = xrealloc(s->line_starts, cap * sizeof *s->line_starts);
			}
			s->line_starts[s->nlines++] = i + 1;
		}
	}
}

mp_source *source_from_string(const char *path, const char *text, size_t len)
{
	mp_source *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->text = xstrndup(text, len);
	s->len = len;
	index_lines(s);
	return s;
}

int source_load(const char *path, mp_source **out, mp_error *err)
{
	char *text;
	size_t len;
	int rc = fs_read_file(path, &text, &len, err);
	if (rc)
		return rc;
	if (memchr(text, '\0', len)) {
		free(text);
		return mp_error_set(err, MP_EINVAL, "%s: not a text file (contains NUL bytes)", path);
	}
	*out = source_from_string(path, text, len);
	free(text);
	return MP_OK;
}

void source_free(mp_source *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->name);
	free(s->text);
	free(s->line_starts);
	free(s);
}

const char *source_name(const mp_source *s)
{
	return s->name ? s->name : s->path;
}

static size_t line_index(const mp_source *s, size_t off)
{
	size_t lo = 0, hi = s->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void source_position(const mp_source *s, int offset, int *line, int *col)
{
	size_t off = offset < 0 ? 0 : (size_t)offset;
	if (off > s->len)
		off = s->len;
	size_t li = line_index(s, off);
	int c = 1;
	for (size_t i = s->line_starts[li]; i < off; i++)
		if (((unsigned char)s->text[i] & 0xC0) != 0x80) /* skip UTF-8 continuation bytes */
			c++;
	*line = (int)li + 1;
	*col = c;
}

const char *source_line(const mp_source *s, int offset, size_t *len)
{
	size_t off = offset < 0 ? 0 : (size_t)offset;
	if (off > s->len)
		off = s->len;
	size_t li = line_index(s, off);
	const char *start = s->text + s->line_starts[li];
	const char *nl = memchr(start, '\n', (size_t)(s->text + s->len - start));
	*len = nl ? (size_t)(nl - start) : (size_t)(s->text + s->len - start);
	if (*len && start[*len - 1] == '\r')
		(*len)--;
	return start;
}
