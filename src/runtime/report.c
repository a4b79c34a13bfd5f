/* Lines and progress handed from library code to the command line's callbacks. */
#include "runtime/report.h"
#include "util/buf.h"

#include <stdarg.h>

void report_line(const rt_report *r, const char *fmt, ...)
{
	if (!r || !r->line)
		return;
	mp_buf b = MP_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->line(r->ctx, buf_cstr(&b));
	buf_free(&b);
}

void report_progress(const rt_report *r, const char *step, long long done, long long total, double rate)
{
	if (r && r->progress)
		r->progress(r->ctx, step, done, total, rate);
}
