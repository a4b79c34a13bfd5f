/* Step ids: 14-digit timestamps and the calendar arithmetic that gives id+1s. */
#include "migdir/stepid.h"

#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 for a proleptic Gregorian date, and back (Howard
 * Hinnant's algorithms): exact calendar arithmetic without time zones. */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool split(const char *id, int v[6])
{
	static const int width[6] = {4, 2, 2, 2, 2, 2};
	if (strlen(id) != 14)
		return false;
	const char *p = id;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < width[i]; k++, p++) {
			if (*p < '0' || *p > '9')
				return false;
			v[i] = v[i] * 10 + (*p - '0');
		}
	}
	return true;
}

bool stepid_valid(const char *id)
{
	int v[6];
	if (!split(id, v) || v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[3] > 23 || v[4] > 59 || v[5] > 59)
		return false;
	/* The day must exist in that month: it survives a round trip. */
	int y, m, d;
	civil_from_days(days_from_civil(v[0], v[1], v[2]), &y, &m, &d);
	return y == v[0] && m == v[1] && d == v[2];
}

void stepid_add(const char *id, int seconds, char out[15])
{
	int v[6] = {1970, 1, 1, 0, 0, 0};
	split(id, v);
	long long t = days_from_civil(v[0], v[1], v[2]) * 86400LL + v[3] * 3600 + v[4] * 60 + v[5] + seconds;
	int y, m, d;
	civil_from_days(t / 86400, &y, &m, &d);
	long long rem = t % 86400;
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d%02d%02d%02d%02d%02d", y % 10000, m % 100, d % 100, (int)(rem / 3600),
	         (int)(rem / 60 % 60), (int)(rem % 60));
	memcpy(out, tmp, 14);
	out[14] = '\0';
}
