/* A small thread pool running one job per fleet target, lock domains kept apart. */
#include "fleet/fleet_exec.h"
#include "util/buf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const fleet_spec *f;
	const size_t *idx;
	size_t n;
	bool exclusive;
	fleet_job_fn job;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool *started;      /* per idx position */
	size_t nstarted;
	const char **busy;  /* lock domains in flight */
	size_t nbusy;
	bool stop;
} pool;

static bool domain_busy(const pool *p, const char *d)
{
	for (size_t i = 0; i < p->nbusy; i++)
		if (strcmp(p->busy[i], d) == 0)
			return true;
	return false;
}

static void domain_release(pool *p, const char *d)
{
	for (size_t i = 0; i < p->nbusy; i++)
		if (p->busy[i] == d) {
			p->busy[i] = p->busy[--p->nbusy];
			return;
		}
}

/* The first target not started whose domain is free: SIZE_MAX when every
 * target started (or stop), n when all the rest must wait for a domain. */
static size_t next_target(const pool *p)
{
	if (p->stop || p->nstarted == p->n)
		return SIZE_MAX;
	for (size_t k = 0; k < p->n; k++)
		if (!p->started[k] && (!p->exclusive || !domain_busy(p, p->f->targets[p->idx[k]].lock_domain)))
			return k;
	return p->n;
}

static void *worker(void *arg)
{
	pool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		size_t k = next_target(p);
		if (k == SIZE_MAX)
			break;
		if (k == p->n) {
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		p->started[k] = true;
		p->nstarted++;
		const char *d = p->f->targets[p->idx[k]].lock_domain;
		if (p->exclusive)
			p->busy[p->nbusy++] = d;
		pthread_mutex_unlock(&p->mu);
		bool stop = p->job(p->ctx, p->idx[k]);
		pthread_mutex_lock(&p->mu);
		if (p->exclusive)
			domain_release(p, d);
		if (stop)
			p->stop = true;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

size_t fleet_exec(const fleet_spec *f, const size_t *idx, size_t n, long parallel, bool exclusive,
                  fleet_job_fn job, void *ctx)
{
	if (n == 0)
		return 0;
	pool p = {.f = f, .idx = idx, .n = n, .exclusive = exclusive, .job = job, .ctx = ctx};
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.started = xcalloc(n, sizeof *p.started);
	p.busy = xcalloc(n, sizeof *p.busy);
	size_t nt = parallel < 1 ? 1 : (size_t)parallel;
	if (nt > n)
		nt = n;
	pthread_t *th = xcalloc(nt, sizeof *th);
	size_t spawned = 0;
	for (size_t i = 0; i < nt; i++)
		if (pthread_create(&th[spawned], NULL, worker, &p) == 0)
			spawned++;
	/* Without a single thread (resource limits) the jobs still run, here. */
	if (spawned == 0)
		worker(&p);
	for (size_t i = 0; i < spawned; i++)
		pthread_join(th[i], NULL);
	size_t ran = p.nstarted;
	free(th);
	free(p.started);
	free(p.busy);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return ran;
}
