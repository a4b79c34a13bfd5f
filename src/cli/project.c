/* project.c: a project's migrations folder, schema and database URL, from a flag, the Prisma config or Prisma's default (cli/project.h). */
#include "cli/project.h"
#include "cli/command.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include <stdlib.h>
#include <string.h>

int cli_project_open(cli_project *p, const char *config_flag, mp_error *err)
{
	p->cfg = NULL;
	char *found = config_flag ? NULL : prisma_config_find(".");
	const char *path = config_flag ? config_flag : found;
	int rc = path ? prisma_config_load(path, &p->cfg, err) : MP_OK;
	free(found);
	return rc;
}

void cli_project_close(cli_project *p)
{
	prisma_config_free(p->cfg);
	p->cfg = NULL;
}

/* A config value that cannot be read: its message, then the flag to give. */
static int with_hint(mp_error *err, const char *hint)
{
	char why[sizeof err->msg];
	snprintf(why, sizeof why, "%s", err->msg);
	return mp_error_set(err, MP_EINVAL, "%s; give %s instead", why, hint);
}

int cli_project_schema(const cli_project *p, const char *flag, const char *hint, char **out, mp_error *err)
{
	*out = NULL;
	if (flag || !p->cfg) {
		*out = flag ? xstrdup(flag) : NULL;
		return MP_OK;
	}
	int rc = prisma_config_path(p->cfg, PRISMA_CONFIG_SCHEMA, out, err);
	return rc == MP_OK ? MP_OK : with_hint(err, hint);
}

int cli_project_migrations(const cli_project *p, const char *flag, const char *hint, char **out, mp_error *err)
{
	*out = NULL;
	if (flag || !p->cfg) {
		*out = xstrdup(flag ? flag : CLI_MIGRATIONS_DIR);
		return MP_OK;
	}
	int rc = prisma_config_path(p->cfg, PRISMA_CONFIG_MIGRATIONS, out, err);
	if (rc != MP_OK || *out)
		return rc == MP_OK ? MP_OK : with_hint(err, hint);
	char *schema = NULL;
	rc = prisma_config_path(p->cfg, PRISMA_CONFIG_SCHEMA, &schema, err);
	if (rc != MP_OK) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		mp_error_set(err, MP_EINVAL, "%s (Prisma keeps the migrations beside the schema)", why);
		return with_hint(err, hint);
	}
	if (!schema) {
		*out = xstrdup(CLI_MIGRATIONS_DIR);
		return MP_OK;
	}
	/* Prisma's schemaRootDir: the schema folder itself, or a file's folder */
	char *root = fs_is_dir(schema) ? xstrdup(schema) : fs_path_dirname(schema);
	*out = fs_path_resolve(root, "migrations");
	free(root);
	free(schema);
	return MP_OK;
}

int cli_project_url(const cli_project *p, const char *flag, const char *hint, char **out, mp_error *err)
{
	*out = NULL;
	if (flag || !p->cfg) {
		*out = flag ? xstrdup(flag) : NULL;
		return MP_OK;
	}
	/* Prisma migrates through directUrl when there is one */
	prisma_config_key key =
		prisma_config_has(p->cfg, PRISMA_CONFIG_DIRECT_URL) ? PRISMA_CONFIG_DIRECT_URL : PRISMA_CONFIG_URL;
	int rc = prisma_config_string(p->cfg, key, out, err);
	return rc == MP_OK ? MP_OK : with_hint(err, hint);
}
