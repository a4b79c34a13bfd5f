/* A Prisma 7 project's prisma.config.ts (or .js, .mjs, .cjs, .mts, .cts),
 * read without running it. Prisma finds the file in the directory it runs
 * from (prisma_config_find, in @prisma/config's order) and takes the schema
 * path (a file, or a folder of .prisma files), migrations.path and the
 * datasource's URL from the object the file exports by default. This reader
 * scans that object literal (export default defineConfig({...}), export
 * default {...} satisfies PrismaConfig, module.exports = ..., or a top-level
 * const naming one) and takes a value only when it is static: a string
 * literal, a template literal without ${}, env('NAME'), process.env.NAME,
 * those joined by ?? or ||, or a top-level const holding one. Anything else
 * (a call such as path.join(), a template with ${}, an imported name, a
 * spread that may set the key) makes that key unreadable, with a message
 * naming the file, line and column; the other keys stay readable, so a flag
 * can stand in for just the key that cannot be read.
 *
 * Here in migdir/, not util/: it is Prisma's contract for where a project
 * keeps its migrations, which both binaries read (migc: the schema and the
 * migrations folder; migrun: the migrations folder and the database URL),
 * and its words are Prisma's. */
#ifndef MIGPLAN_MIGDIR_PRISMA_CONFIG_H
#define MIGPLAN_MIGDIR_PRISMA_CONFIG_H

#include <stdbool.h>

#include "util/error.h"
#include "util/source.h"

typedef enum {
	PRISMA_CONFIG_SCHEMA,     /* schema */
	PRISMA_CONFIG_MIGRATIONS, /* migrations.path */
	PRISMA_CONFIG_URL,        /* datasource.url */
	PRISMA_CONFIG_DIRECT_URL, /* datasource.directUrl */
	PRISMA_CONFIG_NKEYS,
} prisma_config_key;

typedef struct prisma_config prisma_config;

/* The config file Prisma would load when run in root, as a path starting
 * with root ("./" left out), newly allocated; NULL when there is none. The
 * candidates, in order, each the first of .js .ts .mjs .cjs .mts .cts that
 * is a file: prisma7.config.*, .config/prisma7.*, then prisma.config.*,
 * prisma.config/index.*, .config/prisma.*, .config/prisma/index.*,
 * .config/prisma.config.*, .config/prisma.config/index.*. */
char *prisma_config_find(const char *root);
/* Reads the file at path (MP_EIO when it cannot be read; MP_EINVAL when its
 * extension is none of Prisma's six) into *out. Whatever the file holds,
 * loading succeeds: what cannot be read statically is said by the getters. */
int prisma_config_load(const char *path, prisma_config **out, mp_error *err);
/* The same over a source (taken over): tests and the fuzzer. */
prisma_config *prisma_config_parse(mp_source *src);
void prisma_config_free(prisma_config *c);

/* The file's path, as found. */
const char *prisma_config_file(const prisma_config *c);
/* "schema", "migrations.path", "datasource.url", "datasource.directUrl". */
const char *prisma_config_key_name(prisma_config_key key);
/* Whether the file writes the key at all (or may, through a spread). */
bool prisma_config_has(const prisma_config *c, prisma_config_key key);

/* The key's value, its env() and process.env names read from the process
 * environment now, newly allocated in *out. *out is NULL when the file does
 * not set the key, and for a path key that is undefined or "" (Prisma then
 * uses its default). MP_EINVAL with err's one line "FILE:LINE:COL: why" when
 * the value cannot be read statically, when env('NAME') finds NAME unset or
 * empty (Prisma's env() throws then), and for a URL that is undefined or "". */
int prisma_config_string(const prisma_config *c, prisma_config_key key, char **out, mp_error *err);
/* A path key made relative to the config file's directory, as Prisma
 * resolves it (lexically: ".config/../prisma" is "prisma"). */
int prisma_config_path(const prisma_config *c, prisma_config_key key, char **out, mp_error *err);

#endif
