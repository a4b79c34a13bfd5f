/* The checked model is defined beside the operations that plan it
 * (ops/model.h); this name stays for the layers above (schema/) that include
 * it as the compiler's model. */
#ifndef MIGPLAN_MODEL_H
#define MIGPLAN_MODEL_H

#include "ops/model.h"

#endif
