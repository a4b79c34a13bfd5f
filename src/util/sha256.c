/* SHA-256 of buffers and files, in hex, through OpenSSL. */
#include "util/sha256.h"

#include "util/fsutil.h"

#include <stdlib.h>
#include <openssl/evp.h>

static void to_hex(const unsigned char *md, unsigned n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * n] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	to_hex(md, n, out);
}

/* Through fs_read_file: regular files only, so a FIFO or a device given as
 * a migration file is refused instead of hanging. */
int sha256_file_hex(const char *path, char out[SHA256_HEX_LEN + 1], mp_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, &text, &len, err);
	if (rc != MP_OK)
		return rc;
	sha256_hex(text, len, out);
	free(text);
	return MP_OK;
}
