/* The fleet's scheduler without a database: targets of one database never
 * run at once (they would only queue on Prisma's advisory lock), the
 * parallelism bound holds, and a job that asks to stop stops new starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>
#include <time.h>

#include "util/buf.h"
#include "fleet/fleet.h"
#include "fleet/fleet_exec.h"

typedef struct {
	const fleet_spec *f;
	pthread_mutex_t mu;
	int inflight, max_inflight;
	int per_domain[3], max_per_domain;
	int ran[12];
	long stop_at;  /* index whose job asks to stop; -1: none */
} probe;

static int domain_of(const fleet_spec *f, size_t i)
{
	return f->targets[i].lock_domain[strlen(f->targets[i].lock_domain) - 1] - '1';
}

static bool job(void *ctx, size_t i)
{
	probe *p = ctx;
	int d = domain_of(p->f, i);
	pthread_mutex_lock(&p->mu);
	p->inflight++;
	p->per_domain[d]++;
	if (p->inflight > p->max_inflight)
		p->max_inflight = p->inflight;
	if (p->per_domain[d] > p->max_per_domain)
		p->max_per_domain = p->per_domain[d];
	p->ran[i]++;
	pthread_mutex_unlock(&p->mu);
	struct timespec ts = {0, 20 * 1000000L};
	nanosleep(&ts, NULL);
	pthread_mutex_lock(&p->mu);
	p->inflight--;
	p->per_domain[d]--;
	pthread_mutex_unlock(&p->mu);
	return (long)i == p->stop_at;
}

/* 12 targets: 4 schemas in each of databases db1, db2, db3. */
static void make_fleet(fleet_spec *f)
{
	mp_buf b = MP_BUF_INIT;
	for (int t = 1; t <= 4; t++)
		for (int d = 1; d <= 3; d++)
			buf_printf(&b, "[target.d%d_t%d]\nurl = \"postgresql://h/db%d?schema=t%d\"\n", d, t, d, t);
	mp_error err = {0, ""};
	assert_int_equal(fleet_parse(b.ptr, "f", f, &err), MP_OK);
	buf_free(&b);
}

static void probe_init(probe *p, const fleet_spec *f)
{
	memset(p, 0, sizeof *p);
	p->f = f;
	p->stop_at = -1;
	pthread_mutex_init(&p->mu, NULL);
}

static void test_one_target_per_database_at_once(void **state)
{
	(void)state;
	fleet_spec f;
	make_fleet(&f);
	probe p;
	probe_init(&p, &f);
	size_t idx[12];
	for (size_t i = 0; i < 12; i++)
		idx[i] = i;
	assert_int_equal(fleet_exec(&f, idx, 12, 8, true, job, &p), 12);
	assert_int_equal(p.max_per_domain, 1);
	assert_true(p.max_inflight >= 2);
	assert_true(p.max_inflight <= 3);
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(p.ran[i], 1);
	pthread_mutex_destroy(&p.mu);
	fleet_free(&f);
}

static void test_status_reads_share_databases(void **state)
{
	(void)state;
	fleet_spec f;
	make_fleet(&f);
	probe p;
	probe_init(&p, &f);
	size_t idx[12];
	for (size_t i = 0; i < 12; i++)
		idx[i] = i;
	assert_int_equal(fleet_exec(&f, idx, 12, 6, false, job, &p), 12);
	assert_true(p.max_inflight <= 6);
	assert_true(p.max_per_domain >= 2);
	pthread_mutex_destroy(&p.mu);
	fleet_free(&f);
}

static void test_stop_starts_nothing_more(void **state)
{
	(void)state;
	fleet_spec f;
	make_fleet(&f);
	probe p;
	probe_init(&p, &f);
	p.stop_at = 1;
	size_t idx[12];
	for (size_t i = 0; i < 12; i++)
		idx[i] = i;
	assert_int_equal(fleet_exec(&f, idx, 12, 1, true, job, &p), 2);
	assert_int_equal(p.ran[0] + p.ran[1], 2);
	assert_int_equal(p.ran[2], 0);
	pthread_mutex_destroy(&p.mu);
	fleet_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_target_per_database_at_once),
		cmocka_unit_test(test_status_reads_share_databases),
		cmocka_unit_test(test_stop_starts_nothing_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
