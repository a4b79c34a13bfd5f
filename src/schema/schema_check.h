/* Specs against schema.prisma: the tables and columns the lifecycles name
 * exist there under their mapped names, and the state after every lifecycle
 * (types, nullability, defaults, retired columns) is what the schema
 * declares. Each mismatch is an error at the spec with a note at the schema. */
#ifndef MIGPLAN_SCHEMA_CHECK_H
#define MIGPLAN_SCHEMA_CHECK_H

#include "util/diag.h"
#include "ops/model.h"
#include "schema/prisma_schema.h"

/* MP_OK when they agree, MP_EINVAL with the mismatches in diags. */
int schema_check(const mdl_model *m, const psl_schema *s, diag_list *diags);

/* migc compile's hook: when <outdir>/../schema.prisma exists, read it into
 * *held (the caller frees it with psl_schema_free after printing diags, which
 * point into it) and check m against it. MP_OK when there is none. */
int schema_check_beside(const char *outdir, const mdl_model *m, diag_list *diags, psl_schema **held,
                        mp_error *err);
/* The same with the schema at path (a file or a folder, psl_schema_load),
 * which must be there: MP_EIO when it cannot be read. */
int schema_check_path(const char *path, const mdl_model *m, diag_list *diags, psl_schema **held, mp_error *err);

#endif
