/* SHA-256 as lowercase hex, through OpenSSL's libcrypto. */
#ifndef MIGPLAN_SHA256_H
#define MIGPLAN_SHA256_H

#include <stddef.h>
#include "util/error.h"

#define SHA256_HEX_LEN 64

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
int sha256_file_hex(const char *path, char out[SHA256_HEX_LEN + 1], mp_error *err);

#endif
