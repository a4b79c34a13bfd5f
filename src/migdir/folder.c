/* A migrations folder as migrun loads it: names, Prisma checksums, manifest entries. */
#include "migdir/folder.h"
#include "migdir/mark.h"
#include "migdir/order.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	(void)err;
	*text = xstrdup(m->text);
	return MP_OK;
}

bool folder_mig_changed(const folder_mig *m)
{
	return m->step && strcmp(m->file_sha256, m->step->up.sha256) != 0;
}

/* Reads migration.sql once: its bytes' hash, whether migc wrote it, and the
 * text Prisma would send with Prisma's checksum of it. */
static int load_sql(folder_mig *m, bool *generated, mp_error *err)
{
	char *raw = NULL;
	size_t len = 0;
	int rc = fs_read_file(m->sql_path, &raw, &len, err);
	if (rc != MP_OK)
		return rc;
	*generated = migdir_mark_present(raw);
	/* sent as a C string, a NUL would cut the migration short while the
	 * ledger records the whole file's checksum */
	if (memchr(raw, '\0', len)) {
		free(raw);
		return mp_error_set(err, MP_EVERIFY, "%s contains a NUL byte: PostgreSQL cannot run it as sent", m->sql_path);
	}
	sha256_hex(raw, len, m->file_sha256);
	size_t n;
	m->text = prisma_text(raw, len, &n);
	sha256_hex(m->text, n, m->checksum);
	free(raw);
	return MP_OK;
}

/* migration_lock.toml names the provider the folder was written for;
 * Prisma refuses another one (P3019), and so does migrun, which speaks
 * PostgreSQL only. No file: a folder that predates it, as Prisma allows. */
static int check_provider(const char *dir, mp_error *err)
{
	char *path = fs_join(dir, "migration_lock.toml"), *text = NULL;
	int rc = MP_OK;
	if (fs_exists(path) && (rc = fs_read_file(path, &text, NULL, err)) == MP_OK) {
		const char *p = strstr(text, "provider");
		if (p) {
			p += strlen("provider");
			p += strspn(p, " \t=");
			if (*p == '"') {
				size_t n = strcspn(p + 1, "\"");
				if (!(n == 10 && strncmp(p + 1, "postgresql", 10) == 0))
					rc = mp_error_set(err, MP_EVERIFY,
					                  "%s says provider \"%.*s\": migrun runs PostgreSQL migrations only (Prisma "
					                  "refuses a provider mismatch too, P3019)",
					                  path, (int)(n > 40 ? 40 : n), p + 1);
			}
		}
	}
	free(text);
	free(path);
	return rc;
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
	if (rc == MP_OK)
		rc = check_provider(dir, err);
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
		struct stat st;
		if (stat(sql, &st) != 0) {
			/* only a folder without migration.sql is not a migration; one that
			 * cannot be read must not be skipped (later ones would run out of order) */
			int e = errno;
			if (e != ENOENT) {
				rc = mp_error_set(err, MP_EIO, "cannot read %s: %s", sql, strerror(e));
				free(sql);
				break;
			}
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
		bool generated = false;
		rc = load_sql(m, &generated, err);
		m->step = out->manifest ? manifest_find(out->manifest, m->name) : NULL;
		/* Without the manifest a generated step's gates would not be checked:
		 * the contract would run right after the expand. (A manifest that
		 * does not list it is verify's VERIFY_UNLISTED.) */
		if (rc == MP_OK && generated && !out->manifest)
			rc = mp_error_set(err, MP_EVERIFY,
			                  "%s was generated by migc but there is no manifest (%s): its gates cannot be checked; "
			                  "restore the manifest or run `migc compile` again",
			                  m->name, out->manifest_path);
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
		free(f->migs[i].text);
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
