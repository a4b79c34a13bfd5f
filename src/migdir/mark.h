/* migc's marks in the files it writes, written and recognised here only:
 *
 *   -- migplan: generated from SPEC; edit the spec and run `migc compile`, not this file.
 *   -- lifecycle NAME on TABLE, step ID: PHASE (UP|DOWN)
 *
 * open every generated migration.sql and down.sql (migc's emitter writes
 * them; migc verify/rebase and migrun verify recognise generated folders by
 * them), and
 *
 *   -- migplan-disable RULE[, RULE]: REASON
 *
 * switches lint rules off for one file, with the reason beside it, and
 *
 *   -- migplan: commit
 *
 * alone on a line, outside any statement, ends one part of a file and starts
 * the next: a file of several parts (a contract's DOWN that refills a column
 * in batches) runs part by part, each committed before the next begins, and
 * the analyzers (locks, lint, explain) treat the line as the commit it is. */
#ifndef MIGPLAN_MIGDIR_MARK_H
#define MIGPLAN_MIGDIR_MARK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define MIGDIR_DISABLE "migplan-disable"
/* The part separator line, without its newline. */
#define MIGDIR_COMMIT_MARK "-- migplan: commit"

/* Whether the comment text [p, end) (from its "--", trailing spaces and
 * '\r' ignored) is the part separator. */
bool migdir_commit_mark_is(const char *p, const char *end);

/* The two header lines. table_sql is the table as SQL (quoted identifiers). */
void migdir_mark_write(mp_buf *b, const char *spec, const char *lifecycle, const char *table_sql, const char *step,
                       const char *phase, const char *direction);
/* Whether text opens with migc's generated mark. */
bool migdir_mark_present(const char *text);
/* Reads the two header lines: true and four malloc'ed strings when text is a
 * generated file, false (all NULL) otherwise. TABLE is a quoted identifier
 * that may hold anything, so line 2 is read from its end. */
bool migdir_mark_parse(const char *text, char **spec, char **lifecycle, char **phase, char **step);

/* "-- migplan-disable RULE: REASON\n"; REASON may hold "\n-- " continuations. */
void migdir_disable_write(mp_buf *b, const char *rule, const char *reason);
/* For a comment's text after its opening "--" or slash-star (up to end):
 * where its rule list starts when it is a disable comment, else NULL. */
const char *migdir_disable_rules(const char *p, const char *end);

#endif
