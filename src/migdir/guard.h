/* A step's gates as SQL, first in its migration.sql's DO block: whatever runs the
 * folder (plain `prisma migrate deploy` included) cannot run the step before
 * its window has passed and its data is ready. migrun checks the same gates
 * from the manifest before it starts, with its own messages and exit codes;
 * the guard is the backstop that holds without the manifest. */
#ifndef MIGPLAN_MIGDIR_GUARD_H
#define MIGPLAN_MIGDIR_GUARD_H

#include <stddef.h>
#include "util/buf.h"
#include "migdir/manifest.h"

/* The session setting that lets `migrun rehearse` (on its scratch database)
 * pass the time gates, as it does for the manifest's. */
#define MIGDIR_GUARD_SKIP_TIME "migplan.skip_time_gates"

/* Appends the guard for the min_age, no_nulls and consistency gates of step
 * id, with its comment, as a PL/pgSQL block (DECLARE … BEGIN … END;) for the
 * step's own DO block to open with; nothing when it has none of them. */
void migdir_guard_write_block(mp_buf *b, const char *id, const mf_gate *gates, size_t n);

#endif
