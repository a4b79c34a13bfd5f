/* The batched UPDATE that fills one column row by row without holding up
 * the application: a backfill's, and a contract DOWN's refill of a retired
 * column. Written twice from one description: as the DO block Prisma (or a
 * person) runs, and as the manifest object migrun runs natively. */
#ifndef MIGPLAN_OPS_BATCH_H
#define MIGPLAN_OPS_BATCH_H

#include "util/buf.h"
#include "migdir/manifest.h"
#include "ops/model.h"
#include "ops/step.h"

/* "DO $tag$ … $tag$": batches of `batch` rows by the lifecycle's key, up to
 * the largest key present when it starts, each its own transaction under
 * the lifecycle's timeouts with migplan.backfill on; only rows where column
 * IS NULL get (value_sql). It must be a statement alone in its file or part:
 * it commits. */
void batch_do_sql(mp_buf *stmt, const mdl_lifecycle *lc, const char *column, const char *value_sql, long batch);
/* A backfill step's whole UP: the DO block with its comment ("Batches of N
 * rows by KEY, each its own transaction; only rows still NULL are written"
 * then why_tail), the DOWN's warning line(s), and the native batches. */
void batch_step(step_builder *sb, const mdl_lifecycle *lc, const char *column, const char *value_sql, long batch,
                const char *why_tail, const char *warning);
/* The same batches as the manifest's backfill object (only_null). */
mf_backfill *batch_native(const mdl_lifecycle *lc, const char *column, const char *value_sql, long batch);

#endif
