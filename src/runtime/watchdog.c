/* The lock watchdog: a thread with its own connection that cancels us when sessions queue. */
#include "runtime/watchdog.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/vec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct watchdog {
	PGconn *pg;          /* the watchdog's own connection */
	int our_pid;         /* backend of the connection that runs the steps */
	int retries;
	pthread_t thread;
	bool running;
	pthread_mutex_t mu;  /* guards everything below */
	bool stop;
	char *step;          /* armed step, NULL: disarmed */
	long long threshold_ms;
	bool cancel_pending; /* a cancel was sent and not yet seen by the step code */
	int cancels;         /* of the armed step */
	bool gave_up;
	long long blind_since; /* when its connection was lost and could not be remade; 0: watching */
	PGcancel *cancel;      /* for our connection: cancels work without the watchdog's own */
	watchdog_event *ev;
	size_t nev;
};

/* The application session waiting longest behind our backend: blocked by us
 * (holding or queued ahead of it), waiting on a lock not granted. Advisory
 * waits are not the application's: another deployer queued for the
 * migration lock we hold waits by design. */
static const char blocked_sql[] =
	"SELECT a.pid, coalesce((extract(epoch FROM clock_timestamp() - min(l.waitstart)) * 1000)::bigint, 0), "
	"  left(a.query, 200) "
	"FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted AND l.locktype <> 'advisory' "
	"WHERE $1::int = ANY (pg_blocking_pids(a.pid)) GROUP BY a.pid, a.query ORDER BY 2 DESC LIMIT 1";

static void add_event(watchdog *w, const char *kind, int pid, long long waited, const char *query)
{
	watchdog_event *e = MP_VEC_PUSH(w->ev, w->nev);
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	e->step = xstrdup(w->step ? w->step : "");
	e->app_pid = pid;
	e->waited_ms = waited;
	e->threshold_ms = w->threshold_ms;
	e->app_query = xstrdup(query ? query : "");
	e->cancels = w->cancels;
}

static void poll_once(watchdog *w)
{
	pthread_mutex_lock(&w->mu);
	bool armed = w->step && w->threshold_ms > 0 && !w->cancel_pending;
	long long threshold = w->threshold_ms;
	pthread_mutex_unlock(&w->mu);
	if (!armed)
		return;
	char pid[16];
	snprintf(pid, sizeof pid, "%d", w->our_pid);
	const char *p[1] = {pid};
	PGresult *res = PQexecParams(w->pg, blocked_sql, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		long long waited = atoll(PQgetvalue(res, 0, 1));
		if (waited >= threshold) {
			pthread_mutex_lock(&w->mu);
			/* Re-checked under the lock: the step may have ended meanwhile. */
			bool still = w->step && !w->cancel_pending;
			if (still) {
				w->cancel_pending = true;
				w->cancels++;
				add_event(w, "cancel", atoi(PQgetvalue(res, 0, 0)), waited, PQgetvalue(res, 0, 2));
			}
			pthread_mutex_unlock(&w->mu);
			if (still)
				PQclear(PQexecParams(w->pg, "SELECT pg_cancel_backend($1::int)", 1, NULL, p, NULL, NULL, 0));
		}
	}
	PQclear(res);
}

/* Without its connection the watchdog cannot see who waits behind the step:
 * it says so (an event), and once it has been blind for the step's
 * threshold it cancels the step, as it would for a session waiting that
 * long, rather than let the step hold its locks unwatched. */
static void blind_check(watchdog *w, bool up)
{
	pthread_mutex_lock(&w->mu);
	long long now = mp_clock_ms();
	bool cancel = false;
	if (up || !w->step) {
		w->blind_since = up ? 0 : w->blind_since;
	} else if (!w->blind_since) {
		w->blind_since = now;
		add_event(w, "blind", 0, 0, "the watchdog lost its connection and cannot reconnect");
	} else if (!w->cancel_pending && w->threshold_ms > 0 && now - w->blind_since >= w->threshold_ms) {
		w->cancel_pending = true;
		w->cancels++;
		add_event(w, "blind_cancel", 0, now - w->blind_since, "");
		cancel = true;
	}
	pthread_mutex_unlock(&w->mu);
	char buf[256];
	if (cancel && w->cancel)
		PQcancel(w->cancel, buf, sizeof buf);
}

static void *watch(void *arg)
{
	watchdog *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		bool stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (stop)
			break;
		if (PQstatus(w->pg) != CONNECTION_OK)
			PQreset(w->pg);
		bool up = PQstatus(w->pg) == CONNECTION_OK;
		blind_check(w, up);
		if (up)
			poll_once(w);
		mp_sleep_ms(WATCHDOG_POLL_MS);
	}
	return NULL;
}

int watchdog_start(rt_conn *ours, int retries, watchdog **out, mp_error *err)
{
	*out = NULL;
	char *ci = conn_conninfo(ours->pg, NULL);
	const char *kw[] = {"dbname", "application_name", NULL};
	const char *val[] = {ci, "migrun watchdog", NULL};
	PGconn *pg = PQconnectdbParams(kw, val, 1);
	free(ci);
	if (PQstatus(pg) != CONNECTION_OK) {
		char msg[512];
		char *clean = conn_clean_error(PQerrorMessage(pg), PQhost(pg), PQport(pg)); /* one line, no FATAL: */
		snprintf(msg, sizeof msg, "%s", clean);
		free(clean);
		conn_redact(msg, sizeof msg, PQpass(ours->pg)); /* the password never prints */
		PQfinish(pg);
		return mp_error_set(err, MP_ECONNECT, "lock watchdog: cannot open its connection: %s", msg);
	}
	watchdog *w = xcalloc(1, sizeof *w);
	w->pg = pg;
	w->cancel = PQgetCancel(ours->pg);
	w->our_pid = PQbackendPID(ours->pg);
	w->retries = retries;
	pthread_mutex_init(&w->mu, NULL);
	if (pthread_create(&w->thread, NULL, watch, w) != 0) {
		PQfinish(pg);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return mp_error_set(err, MP_EDB, "lock watchdog: cannot start its thread");
	}
	w->running = true;
	*out = w;
	return MP_OK;
}

void watchdog_stop(watchdog *w)
{
	if (!w || !w->running)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->running = false;
	PQfinish(w->pg);
	w->pg = NULL;
}

void watchdog_free(watchdog *w)
{
	if (!w)
		return;
	watchdog_stop(w);
	for (size_t i = 0; i < w->nev; i++) {
		free(w->ev[i].step);
		free(w->ev[i].app_query);
	}
	free(w->ev);
	free(w->step);
	if (w->cancel)
		PQfreeCancel(w->cancel);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void watchdog_arm(watchdog *w, const char *step, long long threshold_ms)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	free(w->step);
	w->step = threshold_ms > 0 ? xstrdup(step) : NULL;
	w->threshold_ms = threshold_ms;
	w->cancel_pending = false;
	w->cancels = 0; /* gave_up stays: the run stops after it */
	pthread_mutex_unlock(&w->mu);
}

void watchdog_disarm(watchdog *w)
{
	watchdog_arm(w, NULL, 0);
}

bool watchdog_cancelled(watchdog *w, mp_error *err)
{
	if (!w)
		return false;
	pthread_mutex_lock(&w->mu);
	bool was = w->cancel_pending;
	if (was) {
		w->cancel_pending = false;
		/* Copied: add_event may move the array. */
		int pid = w->ev[w->nev - 1].app_pid;
		long long waited = w->ev[w->nev - 1].waited_ms;
		char *query = xstrdup(w->ev[w->nev - 1].app_query);
		bool blind = strcmp(w->ev[w->nev - 1].kind, "blind_cancel") == 0;
		if (blind && w->cancels > w->retries)
			w->gave_up = true;
		if (blind) {
			mp_error_set(err, err ? err->code : MP_EDB,
			             "lock watchdog: lost its connection and could not reconnect, so it could not see who waits "
			             "behind this step for %lld ms (threshold %lld ms): the step was cancelled%s",
			             waited, w->threshold_ms, w->gave_up ? "; gave up" : "");
		} else if (w->cancels > w->retries) {
			w->gave_up = true;
			add_event(w, "give_up", pid, waited, query);
			mp_error_set(err, err ? err->code : MP_EDB,
			             "lock watchdog: application sessions waited behind this step %d times (last: session %d "
			             "waited %lld ms, threshold %lld ms); gave up after %d retries, retry when the blocking "
			             "transaction has ended",
			             w->cancels, pid, waited, w->threshold_ms, w->retries);
		} else {
			mp_error_set(err, err ? err->code : MP_EDB,
			             "lock watchdog cancelled the statement: session %d waited %lld ms behind it (threshold "
			             "%lld ms)",
			             pid, waited, w->threshold_ms);
		}
		free(query);
	}
	pthread_mutex_unlock(&w->mu);
	return was;
}

bool watchdog_gave_up(const watchdog *w)
{
	if (!w)
		return false;
	pthread_mutex_lock((pthread_mutex_t *)&w->mu);
	bool g = w->gave_up;
	pthread_mutex_unlock((pthread_mutex_t *)&w->mu);
	return g;
}

size_t watchdog_event_count(const watchdog *w)
{
	return w ? w->nev : 0;
}

const watchdog_event *watchdog_event_at(const watchdog *w, size_t i)
{
	return &w->ev[i];
}

json_t *watchdog_events_json(const watchdog *w)
{
	json_t *a = json_array();
	for (size_t i = 0; w && i < w->nev; i++) {
		const watchdog_event *e = &w->ev[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:I, s:I, s:i, s:s}", "event", e->kind, "step", e->step,
		                                   "app_pid", e->app_pid, "waited_ms", (json_int_t)e->waited_ms,
		                                   "threshold_ms", (json_int_t)e->threshold_ms, "cancels", e->cancels,
		                                   "app_query", e->app_query));
	}
	return a;
}
