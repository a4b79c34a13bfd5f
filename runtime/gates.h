/* The manifest's gates, checked against the live database right before a
 * step runs. A gate that does not pass is not an error of the database: the
 * message says what is missing and, for min_age, when it may pass. */
#ifndef MIGPLAN_GATES_H
#define MIGPLAN_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include "conn.h"
#include "ledger.h"
#include "manifest.h"

typedef struct {
	size_t pending;     /* pending migrations in the folder, this step included */
	int allow_pending;  /* operator override for max_pending; -1: none */
} gate_ctx;

/* MP_OK when every gate of s passes; MP_EGATE with the first failing gate's
 * message in err and its kind in *failed; MP_EDB on a database error. */
int gates_check_step(rt_conn *c, const mf_step *s, const ledger *l, const gate_ctx *ctx, mf_gate_kind *failed,
                     mp_error *err);
/* One gate; *passed tells, err carries the explanation when it does not. */
int gate_check(rt_conn *c, const mf_gate *g, const ledger *l, const gate_ctx *ctx, bool *passed,
               mp_error *err);

#endif
