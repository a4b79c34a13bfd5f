/* command.c: the command tables and generated --help of both command lines. */
#include "cli/command.h"

#include <string.h>

const cli_command *cli_command_find(const cli_command *table, const char *name)
{
	for (const cli_command *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_command_list(FILE *out, const cli_command *table, int width)
{
	for (const cli_command *c = table; c->name; c++)
		fprintf(out, "  %-*s %s\n", width, c->name, c->summary);
}

void cli_help_print(const cli_help *h, FILE *out)
{
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, h->head);
	mp_opt_help(h->opts, &b);
	buf_puts(&b, h->foot ? h->foot : "");
	fputs(buf_cstr(&b), out);
	buf_free(&b);
}
