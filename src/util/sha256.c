/* SHA-256 of buffers and files, in hex, through OpenSSL. */
#include "util/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
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

int sha256_file_hex(const char *path, char out[SHA256_HEX_LEN + 1], mp_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return mp_error_set(err, MP_EIO, "cannot read %s: %s", path, strerror(errno));
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	unsigned char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		EVP_DigestUpdate(ctx, chunk, n);
	int failed = ferror(f);
	fclose(f);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (failed)
		return mp_error_set(err, MP_EIO, "cannot read %s", path);
	to_hex(md, mdlen, out);
	return MP_OK;
}
