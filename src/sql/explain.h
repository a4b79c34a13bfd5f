/* `migc explain`: what every statement of a migration locks, what that
 * blocks, for how long, and whether it runs in a transaction, with the phase
 * and gates of compiled steps. One model (the JSON document of
 * docs/explain.schema.json), three renderers: human (colored on a terminal),
 * a markdown table for pull requests, and the JSON itself. */
#ifndef MIGPLAN_EXPLAIN_H
#define MIGPLAN_EXPLAIN_H

#include <stdbool.h>
#include "util/buf.h"
#include "util/error.h"
#include "migdir/manifest.h"
#include "util/source.h"
#include "sql/sqlparse.h"
#include "sql/locks_ctx.h"

typedef enum { EXPLAIN_HUMAN, EXPLAIN_MARKDOWN, EXPLAIN_JSON } explain_format;

/* A document of explained files, in the order they are added (which is the
 * order they run: later files see the checks earlier ones validated). */
typedef struct explain_doc explain_doc;

explain_doc *explain_doc_new(void);
void explain_doc_free(explain_doc *d);

/* What the statements explained so far established, as the analyzer reads
 * it: a caller that knows more (a compiled step's column types) tells it
 * here before adding the step. */
locks_ctx *explain_doc_context(explain_doc *d);
/* Parses and explains sql under the display name `name`; step (may be NULL)
 * adds the compiled step's phase and gates. A syntax error is recorded in
 * the document (rendered with its line and column) and returns MP_EINVAL. */
int explain_doc_add_sql(explain_doc *d, const char *name, const char *sql, const mf_step *step, mp_error *err);
/* Explains an already-parsed file (shared with lint). src gives the name and
 * the positions; both are only borrowed for the duration of the call. */
void explain_doc_add_parsed(explain_doc *d, const mp_source *src, const sql_file *f, const mf_step *step);
/* Records a file that could not be read or parsed. */
void explain_doc_add_error(explain_doc *d, const mp_source *src, const char *name, int offset, const char *message);

size_t explain_doc_count(const explain_doc *d);
void explain_doc_render(const explain_doc *d, explain_format fmt, bool color, mp_buf *out);

/* "human", "markdown", "json" -> format; MP_EINVAL otherwise. */
int explain_format_parse(const char *s, explain_format *out);

#endif
