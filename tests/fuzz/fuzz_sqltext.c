/* libFuzzer target for migrun's parser-free SQL-text scanners (runtime/sqltext.h). */
/*
 * One migration file's text (cut at its first NUL: migrun reads files as C
 * strings and refuses one holding a NUL) through every scanner:
 * sqltext_wrappable, sqltext_concurrently, sqltext_created_index,
 * sqltext_warnings and sqltext_parts, with the properties that tie them
 * together.
 */
#include "runtime/sqltext.h"
#include "util/buf.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lines whose text holds "WARNING:" in any case: each warning starts on one. */
static size_t warning_lines(const char *sql)
{
	size_t n = 0;
	for (const char *p = sql; *p;) {
		size_t len = strcspn(p, "\n");
		for (size_t i = 0; i + 8 <= len; i++)
			if (strncasecmp(p + i, "WARNING:", 8) == 0) {
				n++;
				break;
			}
		p += len;
		if (*p)
			p++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = xstrndup((const char *)data, size);

	bool wrappable = sqltext_wrappable(sql);
	bool concurrently = sqltext_concurrently(sql);
	/* Without '$' the two scanners read the same tokens (they differ only in
	 * whether dollar-quoted bodies are scanned), so a CONCURRENTLY the one
	 * sees must make the file unwrappable for the other. */
	if (!strchr(sql, '$') && concurrently)
		FUZZ_CHECK(!wrappable);

	char *name = NULL, *schema = NULL;
	bool created = sqltext_created_index(sql, &name, &schema);
	/* An index named only on success, a schema only with a name; and the
	 * CONCURRENTLY its statement starts with is the scanner's too. */
	FUZZ_CHECK(created == (name != NULL));
	FUZZ_CHECK(!schema || name);
	if (created)
		FUZZ_CHECK(concurrently);
	free(name);
	free(schema);

	char **lines = NULL;
	size_t n = 0;
	sqltext_warnings(sql, &lines, &n);
	FUZZ_CHECK(n <= warning_lines(sql));
	for (size_t i = 0; i < n; i++) {
		/* one line each, no longer than the file */
		FUZZ_CHECK(lines[i] && !strchr(lines[i], '\n') && strlen(lines[i]) <= size);
		free(lines[i]);
	}
	free(lines);

	/* Parts start at 0, then strictly increasing, each at a separator line
	 * (migdir/mark.h) that opens a line; never more than the lines. */
	size_t *parts = NULL, np = 0;
	sqltext_parts(sql, &parts, &np);
	FUZZ_CHECK(np >= 1 && parts[0] == 0);
	for (size_t i = 1; i < np; i++) {
		FUZZ_CHECK(parts[i] > parts[i - 1] && parts[i] < strlen(sql));
		FUZZ_CHECK(parts[i] == 0 || sql[parts[i] - 1] == '\n');
		FUZZ_CHECK(strncmp(sql + parts[i], "-- migplan: commit", 18) == 0);
	}
	free(parts);
	free(sql);
	return 0;
}
