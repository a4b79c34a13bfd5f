/* A migrations folder as migrun loads it: names, Prisma checksums, manifest entries. */
#include "migdir/folder.h"
#include "migdir/order.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Prisma reads migration.sql as a JavaScript string: each maximal ill-formed
 * UTF-8 subsequence becomes U+FFFD (the WHATWG decoder, which Node follows),
 * and that text is both what it sends and what it checksums. Valid UTF-8,
 * BOM and CRLF included, comes through unchanged. */
static char *prisma_text(const char *in, size_t len, size_t *outlen)
{
	mp_buf b = MP_BUF_INIT;
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)in[i];
		size_t need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 4;
		if (need == 4) {
			buf_puts(&b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		size_t k = 1;
		for (; k <= need && i + k < len; k++) {
			unsigned char d = (unsigned char)in[i + k];
			if (d < lo || d > hi)
				break;
			lo = 0x80;
			hi = 0xBF;
		}
		if (k == need + 1) {
			buf_put(&b, in + i, k);
		} else {
			buf_puts(&b, "\xEF\xBF\xBD"); /* the bytes up to the bad one are one maximal subpart */
		}
		i += k;
	}
	*outlen = b.len;
	return b.ptr ? buf_detach(&b) : xstrdup("");
}

int folder_read_sql(const folder_mig *m, char **text, mp_error *err)
{
	char *raw = NULL;
	size_t len = 0;
	int rc = fs_read_file(m->sql_path, &raw, &len, err);
	if (rc != MP_OK)
		return rc;
	size_t n;
	*text = prisma_text(raw, len, &n);
	free(raw);
	return MP_OK;
}

static int checksum_as_prisma(const char *path, char out[SHA256_HEX_LEN + 1], mp_error *err)
{
	char *raw = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, &raw, &len, err);
	if (rc != MP_OK)
		return rc;
	size_t n;
	char *text = prisma_text(raw, len, &n);
	sha256_hex(text, n, out);
	free(text);
	free(raw);
	return MP_OK;
}

int folder_load(const char *dir, const char *manifest_path, bool require_manifest, mig_folder *out,
                mp_error *err)
{
	memset(out, 0, sizeof *out);
	if (!fs_is_dir(dir))
		return mp_error_set(err, MP_EIO, "migrations folder %s: %s", dir,
		                    fs_exists(dir) ? "not a directory" : "no such directory");
	if (access(dir, R_OK | X_OK) != 0)
		return mp_error_set(err, MP_EIO, "migrations folder %s: %s", dir, strerror(errno));
	out->dir = xstrdup(dir);
	out->manifest_path = manifest_path ? xstrdup(manifest_path) : fs_join(dir, MANIFEST_FILENAME);
	int rc = MP_OK;
	if (fs_exists(out->manifest_path)) {
		rc = manifest_load(out->manifest_path, &out->manifest, err);
	} else if (manifest_path || require_manifest) {
		rc = mp_error_set(err, MP_EVERIFY, "no manifest: %s does not exist", out->manifest_path);
	}
	char **names = NULL;
	size_t count = 0;
	if (rc == MP_OK)
		rc = migdir_list(dir, &names, &count, err);
	if (rc == MP_OK)
		out->migs = xcalloc(count ? count : 1, sizeof *out->migs);
	for (size_t i = 0; rc == MP_OK && i < count; i++) {
		char *sub = fs_join(dir, names[i]);
		char *sql = fs_join(sub, "migration.sql");
		free(sub);
		if (!fs_exists(sql)) {
			free(sql);
			continue;
		}
		if (!migdir_name_collatable(names[i])) {
			free(sql);
			rc = mp_error_set(err, MP_EIO,
			                  "migration folder '%s': only printable ASCII names are supported, because "
			                  "Prisma orders folders by ICU collation, which migrun reproduces for ASCII only; "
			                  "rename it",
			                  names[i]);
			break;
		}
		folder_mig *m = &out->migs[out->n++];
		m->name = xstrdup(names[i]);
		m->sql_path = sql;
		rc = checksum_as_prisma(sql, m->checksum, err);
		m->step = out->manifest ? manifest_find(out->manifest, m->name) : NULL;
	}
	fs_free_list(names, count);
	if (rc != MP_OK)
		folder_free(out);
	return rc;
}

void folder_free(mig_folder *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->migs[i].name);
		free(f->migs[i].sql_path);
	}
	free(f->migs);
	manifest_free(f->manifest);
	free(f->manifest_path);
	free(f->dir);
	memset(f, 0, sizeof *f);
}

long folder_index(const mig_folder *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->migs[i].name, name) == 0)
			return (long)i;
	return -1;
}

int folder_read(const mig_folder *f, const char *rel, char **text, mp_error *err)
{
	char *path = fs_join(f->dir, rel);
	int rc = fs_read_file(path, text, NULL, err);
	free(path);
	return rc;
}
