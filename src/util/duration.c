/* Durations in PostgreSQL units (ms, s, min, h, d): parsing and their shortest exact form. */
#include "util/duration.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *unit;
	long long ms;
} units[] = {
	{"d", 86400000LL}, {"h", 3600000LL}, {"m", 60000LL}, {"s", 1000LL}, {"ms", 1LL},
};

bool duration_parse(const char *text, long long *ms)
{
	const char *p = text;
	long long n = 0;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (LLONG_MAX - 9) / 10)
			return false;
		n = n * 10 + (*p - '0');
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].unit) == 0) {
			if (n > LLONG_MAX / units[i].ms)
				return false;
			*ms = n * units[i].ms;
			return true;
		}
	}
	return false;
}

void duration_format(long long ms, char out[32])
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(out, 32, "%lld%s", ms / units[i].ms, units[i].unit);
			return;
		}
	}
	snprintf(out, 32, "%lldms", ms);
}

void duration_format_pg(long long ms, char out[32])
{
	duration_format(ms, out);
	size_t n = strlen(out);
	if (n >= 2 && out[n - 1] == 'm' && out[n - 2] >= '0' && out[n - 2] <= '9')
		snprintf(out + n - 1, 32 - (n - 1), "min");
}
