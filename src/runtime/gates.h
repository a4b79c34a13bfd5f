/* The manifest's gates, checked against the live database right before a
 * step runs. A gate that does not pass is not an error of the database: the
 * message says what is missing and, for min_age, when it may pass. */
#ifndef MIGPLAN_GATES_H
#define MIGPLAN_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include "runtime/conn.h"
#include "migdir/folder.h"
#include "runtime/ledger.h"
#include "migdir/manifest.h"

typedef struct {
	size_t pending;     /* units pending when the run started (gates_pending_units) */
	int allow_pending;  /* operator override for max_pending; -1: none */
} gate_ctx;

/* max_pending counts units, not folders: a plain Prisma migration is one
 * unit, and all pending steps of one lifecycle together are one, because
 * they are one change that ships as one compiled spec. pending[i] says
 * whether f->migs[i] is still to be applied. */
size_t gates_pending_units(const mig_folder *f, const bool *pending);
/* The units pending when a run starts are what every max_pending gate of
 * that run compares (a plain migration and a lifecycle shipped together are
 * 2 units, even though the plain one is applied first). Walks the pending
 * migrations in folder order as apply would (up to index stop, at most
 * steps of them, 0: all) and returns the index of the first whose
 * max_pending gate refuses, or -1; *units and *limit then say why. */
long gates_max_pending_refusal(const mig_folder *f, const bool *pending, long stop, long steps, int allow_pending,
                               size_t *units, int *limit);

/* MP_OK when every gate of s passes; MP_EGATE with the first failing gate's
 * message in err and its kind in *failed; MP_EDB on a database error. */
int gates_check_step(rt_conn *c, const mf_step *s, const ledger *l, const gate_ctx *ctx, mf_gate_kind *failed,
                     mp_error *err);
/* One gate; *passed tells, err carries the explanation when it does not. */
int gate_check(rt_conn *c, const mf_gate *g, const ledger *l, const gate_ctx *ctx, bool *passed,
               mp_error *err);

#endif
