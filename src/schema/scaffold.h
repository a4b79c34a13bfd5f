/* A .mig skeleton from a schema.prisma change: for each existing table whose
 * change would block or break a running application under plain
 * `prisma migrate` (a new required column, a changed type, a column renamed
 * through @map, a new unique/index/foreign key, a dropped column), a
 * lifecycle with expand/backfill/contract items and `# TODO:` where a human
 * must choose. TODO placeholders do not compile, so none is forgotten. */
#ifndef MIGPLAN_SCAFFOLD_H
#define MIGPLAN_SCAFFOLD_H

#include "util/buf.h"
#include "schema/prisma_schema.h"

typedef struct {
	const char *id;       /* first lifecycle id, 14 digits; later ones a minute apart */
	const char *from_label, *to_label; /* named in the header comment */
} scaffold_opts;

/* Appends the spec to out; *nlifecycles says how many lifecycles it holds
 * (0: nothing needs one, out has only comments). MP_EINVAL when id is bad. */
int scaffold_write(const psl_schema *from, const psl_schema *to, const scaffold_opts *o, mp_buf *out,
                   size_t *nlifecycles, mp_error *err);

#endif
