/* A constraint added NOT VALID at expand and validated at contract: what
 * foreign_key.c and check_constraint.c share, and the NOT NULL check of
 * enforce.c and fill.c. */
#ifndef MIGPLAN_OPS_CONSTRAINT_H
#define MIGPLAN_OPS_CONSTRAINT_H

#include "ops/step.h"

/* The expand's ADD CONSTRAINT … NOT VALID (add_sql) and its DOWN. */
void constraint_expand(step_builder *sb, const mdl_lifecycle *lc, const char *name, const char *add_sql);
/* The contract's VALIDATE and its DOWN: a validated constraint cannot be
 * made NOT VALID again, so it is dropped and re-created from add_sql. */
void constraint_validate(step_builder *sb, const mdl_lifecycle *lc, const char *name, const char *add_sql);
/* NOT NULL through a NOT VALID check (enforce.c, for a column the lifecycle
 * adds, and fill.c, for one the table has): the check at expand, its
 * VALIDATE at contract, then SET NOT NULL from the validated check and the
 * check dropped; each with its DOWN. */
void constraint_not_null_check(step_builder *sb, const mdl_lifecycle *lc, const char *column);
void constraint_not_null_validate(step_builder *sb, const mdl_lifecycle *lc, const char *column);
void constraint_not_null_set(step_builder *sb, const mdl_lifecycle *lc, const char *column);
/* constraint_expand or constraint_validate, for ops that loop over theirs. */
typedef void (*constraint_step)(step_builder *sb, const mdl_lifecycle *lc, const char *name, const char *add_sql);

#endif
