/* mp_error: the error slot every fallible function fills. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>

int mp_error_set(mp_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void mp_error_clear(mp_error *err)
{
	if (err) {
		err->code = MP_OK;
		err->msg[0] = '\0';
	}
}
