/* How library code tells the command line what is happening. The library
 * never prints: it hands lines and progress figures to these callbacks and
 * the CLI decides where (stdout, stderr, a TTY bar) they go. */
#ifndef MIGPLAN_REPORT_H
#define MIGPLAN_REPORT_H

typedef struct {
	/* One human-readable line, no trailing newline. */
	void (*line)(void *ctx, const char *text);
	/* Backfill progress: rows updated so far of total, current rate; called
	 * after every batch, the CLI throttles what it shows. */
	void (*progress)(void *ctx, const char *step, long long done, long long total, double rows_per_s);
	void *ctx;
} rt_report;

void report_line(const rt_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_progress(const rt_report *r, const char *step, long long done, long long total, double rate);

#endif
