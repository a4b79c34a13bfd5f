/* Helpers for the operations' parts of the sync trigger (sync.c). */
#ifndef MIGPLAN_OPS_SYNC_H
#define MIGPLAN_OPS_SYNC_H

#include "util/buf.h"
#include "ops/model.h"

/* Adds a column to the trigger's UPDATE OF list once. */
void sync_event_add(mp_buf *events, const char *column);
/* A value over NEW: new_sql when the checker rendered one, else the user's
 * SQL row_sql evaluated over the row being written. */
void sync_over_new(mp_buf *b, const mdl_lifecycle *lc, const char *new_sql, const char *row_sql);
bool sync_needed(const mdl_lifecycle *lc);

#endif
