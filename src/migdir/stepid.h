/* Step ids: the 14-digit UTC timestamps (YYYYMMDDHHMMSS) that prefix
 * Prisma migration folder names. */
#ifndef MIGPLAN_STEPID_H
#define MIGPLAN_STEPID_H

#include <stdbool.h>

/* 14 digits naming a real date and time, from 1970 on. */
bool stepid_valid(const char *id);
/* id plus seconds, with calendar carries; out gets 14 digits and a NUL. */
void stepid_add(const char *id, int seconds, char out[15]);

#endif
