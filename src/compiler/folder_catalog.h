/* What the migrations folder migc writes into already creates before a
 * lifecycle: the team's own migrations (not migc's generated steps, whose
 * effects the model knows) replayed by sql/replay.c, for the checker's
 * column checks (ops/check_ctx.h's check_catalog). */
#ifndef MIGPLAN_COMPILER_FOLDER_CATALOG_H
#define MIGPLAN_COMPILER_FOLDER_CATALOG_H

#include "ops/check_ctx.h"

typedef struct folder_catalog folder_catalog;

/* NULL when dir cannot be listed (then nothing is checked). */
folder_catalog *folder_catalog_open(const char *dir);
/* The checker's view of it: valid while fc lives. */
const check_catalog *folder_catalog_view(folder_catalog *fc);
void folder_catalog_free(folder_catalog *fc);

#endif
