/* Command-line options declared once, in a table that drives both parsing and
 * the help text (libgit2's cli_opt_spec). A spec names its option (long name,
 * short letter), what its value is, the help row, and the field of the
 * caller's struct it sets (an offset, so the tables are static data):
 *
 *   typedef struct { const char *dir; bool json; } my_args;
 *   static const mp_opt_spec opts[] = {
 *       MP_OPT_STRING(my_args, dir, "dir", 'd', "DIR", "a directory", "the folder"),
 *       MP_OPT_SWITCH(my_args, json, "json", 0, "JSON on stdout"),
 *       MP_OPT_HELP("this help"),
 *       MP_OPT_END,
 *   };
 *   my_args a = {"."};
 *   mp_opt_result r;
 *   int rc = mp_opt_parse(opts, MP_OPT_GNU, argc - 1, argv + 1, &a, &r);
 *
 * Values are checked as they are met, in argv order, so the first bad word is
 * the one reported. Nothing here prints: the result says what went wrong and
 * where; the command line decides how to say it. */
#ifndef MIGPLAN_UTIL_OPT_H
#define MIGPLAN_UTIL_OPT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef enum {
	MP_OPT_END_KIND = 0, /* ends a table */
	MP_OPT_KIND_SWITCH,  /* no value; sets a bool */
	MP_OPT_KIND_CONST,   /* no value; sets an int to the spec's min (--json for --format json) */
	MP_OPT_KIND_STRING,  /* a value; sets a const char * */
	MP_OPT_KIND_LIST,    /* a value, repeatable; appended to an mp_opt_list */
	MP_OPT_KIND_INT,     /* an integer in [min, max]; sets an int */
	MP_OPT_KIND_LONG,    /* an integer in [min, max]; sets a long */
	MP_OPT_KIND_DURATION,/* a duration (util/duration.h); sets long long milliseconds */
	MP_OPT_KIND_CHOICE,  /* one of choices; sets an int to the choice's value */
	MP_OPT_KIND_HELP,    /* stops parsing: the caller prints the help */
	MP_OPT_KIND_STOP,    /* sets a bool and stops parsing (an action such as --list-rules) */
	MP_OPT_KIND_TEXT,    /* not an option: help text printed where it stands */
} mp_opt_kind;

enum {
	MP_OPT_EQUALS = 1 << 0, /* plain style: --name=value is accepted too */
	MP_OPT_HIDDEN = 1 << 1, /* no help row */
	MP_OPT_ZERO = 1 << 2,   /* DURATION: a bare 0 is accepted (off) */
};

/* A CHOICE's accepted word, the value it sets, its help row (NULL: none). */
typedef struct {
	const char *word;
	int value;
	const char *help;
} mp_opt_choice;

typedef struct {
	mp_opt_kind kind;
	const char *name;       /* long name without "--", or NULL */
	char alias;             /* short letter, or 0 */
	const char *value_name; /* in the help row: "DIR" */
	size_t field;           /* offset of the field set in the caller's struct */
	const char *needs;      /* what the value must be, for errors: "a directory" */
	const char *help;       /* the help row's text (TEXT: printed as is); '\n' continues at the column */
	long min, max;          /* INT, LONG: the range; CONST: the value set */
	const mp_opt_choice *choices; /* CHOICE: ends with a NULL word */
	unsigned flags;
} mp_opt_spec;

/* Strings in argv order; the array is owned (free(items)), the strings are argv's. */
typedef struct {
	const char **items;
	size_t n;
} mp_opt_list;

typedef enum {
	MP_OPT_PLAIN = 0, /* exact names only; --name=value only with MP_OPT_EQUALS; "-x" alone, no clusters */
	MP_OPT_GNU = 1,   /* getopt_long's: unique prefixes of long names, --name=value, -xVALUE and
	                     clusters (-yd DIR), "--" ends the options, operands anywhere */
	MP_OPT_SKIP_DASHDASH = 2, /* plain style: a "--" is skipped (else it is an unknown option) */
	MP_OPT_NO_OPERANDS = 4,   /* plain style: a word that is no option is MP_OPT_EUNKNOWN where it stands */
} mp_opt_style;

enum {
	MP_OPT_DONE = 0,     /* every word read */
	MP_OPT_STOPPED = 1,  /* a HELP or STOP option (result.spec) ended the parse */
	MP_OPT_EUNKNOWN = -1,/* result.arg is no option of the table (result.letter: the short one) */
	MP_OPT_EMISSING = -2,/* result.spec needs a value and none follows (result.arg: as written) */
	MP_OPT_EVALUE = -3,  /* result.arg is not a value result.spec accepts */
	MP_OPT_ENOVALUE = -4,/* result.spec takes no value and was given one */
	MP_OPT_EAMBIGUOUS = -5, /* result.arg is the prefix of several long names (mp_opt_prefixes) */
};

typedef struct {
	const mp_opt_spec *spec; /* the option concerned, or NULL */
	const char *arg;         /* the word or value concerned */
	char letter;             /* a short option's letter (GNU style), else 0 */
	mp_opt_list operands;    /* words that are not options, in order */
	unsigned long long given;/* bit i: spec i was given */
} mp_opt_result;

#define MP_OPT_FIELD_(T, m, type) (offsetof(T, m) + 0 * sizeof(char[_Generic(((T *)0)->m, type: 1, default: -1)]))

#define MP_OPT_SWITCH(T, m, name, alias, help) \
	{MP_OPT_KIND_SWITCH, name, alias, NULL, MP_OPT_FIELD_(T, m, bool), NULL, help, 0, 0, NULL, 0}
#define MP_OPT_CONST(T, m, name, value, flags) \
	{MP_OPT_KIND_CONST, name, 0, NULL, MP_OPT_FIELD_(T, m, int), NULL, NULL, value, value, NULL, flags}
#define MP_OPT_STRING(T, m, name, alias, value_name, needs, help) \
	{MP_OPT_KIND_STRING, name, alias, value_name, MP_OPT_FIELD_(T, m, const char *), needs, help, 0, 0, NULL, 0}
#define MP_OPT_LIST(T, m, name, alias, value_name, needs, help) \
	{MP_OPT_KIND_LIST, name, alias, value_name, MP_OPT_FIELD_(T, m, mp_opt_list), needs, help, 0, 0, NULL, 0}
#define MP_OPT_INT(T, m, name, alias, value_name, min, max, needs, help) \
	{MP_OPT_KIND_INT, name, alias, value_name, MP_OPT_FIELD_(T, m, int), needs, help, min, max, NULL, 0}
#define MP_OPT_LONG(T, m, name, alias, value_name, min, max, needs, help) \
	{MP_OPT_KIND_LONG, name, alias, value_name, MP_OPT_FIELD_(T, m, long), needs, help, min, max, NULL, 0}
#define MP_OPT_DURATION(T, m, name, value_name, needs, help, flags) \
	{MP_OPT_KIND_DURATION, name, 0, value_name, MP_OPT_FIELD_(T, m, long long), needs, help, 0, 0, NULL, flags}
#define MP_OPT_CHOICE(T, m, name, value_name, choices, needs, help, flags) \
	{MP_OPT_KIND_CHOICE, name, 0, value_name, MP_OPT_FIELD_(T, m, int), needs, help, 0, 0, choices, flags}
#define MP_OPT_STOP(T, m, name, help) \
	{MP_OPT_KIND_STOP, name, 0, NULL, MP_OPT_FIELD_(T, m, bool), NULL, help, 0, 0, NULL, 0}
#define MP_OPT_HELP(help) {MP_OPT_KIND_HELP, "help", 'h', NULL, 0, NULL, help, 0, 0, NULL, 0}
#define MP_OPT_HIDDEN_HELP {MP_OPT_KIND_HELP, "help", 'h', NULL, 0, NULL, NULL, 0, 0, NULL, MP_OPT_HIDDEN}
#define MP_OPT_TEXT(text) {MP_OPT_KIND_TEXT, NULL, 0, NULL, 0, NULL, text, 0, 0, NULL, 0}
#define MP_OPT_END {MP_OPT_END_KIND, NULL, 0, NULL, 0, NULL, NULL, 0, 0, NULL, 0}

/* Reads argv[0..argc) (the words after the command's name) into the struct
 * at args; returns MP_OPT_DONE, MP_OPT_STOPPED or an MP_OPT_E* code with
 * result filled. result->operands must be freed (mp_opt_result_free) in
 * every case. A table holds at most 64 specs. */
int mp_opt_parse(const mp_opt_spec *specs, int style, int argc, char **argv, void *args, mp_opt_result *result);
void mp_opt_result_free(mp_opt_result *result);

/* True when the spec named name (its long name) was given. */
bool mp_opt_given(const mp_opt_spec *specs, const mp_opt_result *result, const char *name);

/* The long names that start with prefix (up to '='), in table order, each
 * with "--" and a space before it: " '--lock-wait' '--lock-retries'". */
void mp_opt_prefixes(const mp_opt_spec *specs, const char *prefix, mp_buf *out);

/* The help rows: "  -d, --dir DIR  text", one column for the whole table
 * (the longest left side plus two), continuation lines at that column, a
 * CHOICE with per-word help as one row per word, TEXT entries as they are. The
 * short-letter column is left out when no row shows a letter. */
void mp_opt_help(const mp_opt_spec *specs, mp_buf *out);

#endif
