/* The lock watchdog: a second connection that watches, while a step runs,
 * whether application sessions wait behind one of our statements. lock_timeout
 * bounds how long *we* wait for a lock, but every query that arrives after
 * our lock request queues behind it for as long as we wait; the watchdog
 * bounds *their* wait. When a session has waited longer than the step's
 * threshold (manifest `watchdog`) on a lock that pg_blocking_pids() says we
 * hold or have queued for, it cancels our statement with pg_cancel_backend;
 * the step code then rolls the step back and retries it with backoff, up to
 * `retries` times. A thread polls every WATCHDOG_POLL_MS with its own PGconn
 * (libpq connections are not shared between threads). */
#ifndef MIGPLAN_WATCHDOG_H
#define MIGPLAN_WATCHDOG_H

#include <jansson.h>
#include <stdbool.h>
#include "runtime/conn.h"

#define WATCHDOG_POLL_MS 50
#define WATCHDOG_DEFAULT_RETRIES 5

typedef struct watchdog watchdog;

typedef struct {
	char kind[16];       /* "cancel", "give_up", "blind" (its connection lost) or "blind_cancel" */
	char *step;
	int app_pid;         /* the longest-waiting application session */
	long long waited_ms; /* how long it had waited */
	long long threshold_ms;
	char *app_query;     /* its statement, cut to 200 characters */
	int cancels;         /* cancels of this step so far */
} watchdog_event;

/* Connects a second time to ours' database and starts polling (disarmed). */
int watchdog_start(rt_conn *ours, int retries, watchdog **out, mp_error *err);
/* Stops the thread and closes its connection; events stay readable. NULL ok. */
void watchdog_stop(watchdog *w);
void watchdog_free(watchdog *w);
/* Watch our statements for step from now on; threshold 0 disarms. NULL ok. */
void watchdog_arm(watchdog *w, const char *step, long long threshold_ms);
void watchdog_disarm(watchdog *w);
/* Called after a statement of the step failed: true when the watchdog had
 * cancelled it, and err then says which session waited how long. When the
 * step has been cancelled more than `retries` times, watchdog_gave_up turns
 * true and the caller must stop retrying. NULL w: false. */
bool watchdog_cancelled(watchdog *w, mp_error *err);
bool watchdog_gave_up(const watchdog *w);
size_t watchdog_event_count(const watchdog *w);
const watchdog_event *watchdog_event_at(const watchdog *w, size_t i);
/* The events as a JSON array (new reference). */
json_t *watchdog_events_json(const watchdog *w);

#endif
