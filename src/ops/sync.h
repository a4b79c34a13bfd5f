/* The sync trigger (sync.c): whether a lifecycle needs one, and a value over NEW. */
#ifndef MIGPLAN_OPS_SYNC_H
#define MIGPLAN_OPS_SYNC_H

#include "util/buf.h"
#include "ops/model.h"

/* A value over NEW: new_sql when the checker rendered one, else the user's
 * SQL row_sql evaluated over the row being written. */
void sync_over_new(mp_buf *b, const mdl_lifecycle *lc, const char *new_sql, const char *row_sql);
bool sync_needed(const mdl_lifecycle *lc);

#endif
