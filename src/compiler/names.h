/* Name helpers live with the operations that check items (ops/names.h); this
 * name stays for the layers above (schema/) that include it. */
#ifndef MIGPLAN_COMPILER_NAMES_H
#define MIGPLAN_COMPILER_NAMES_H

#include "ops/names.h"

#endif
