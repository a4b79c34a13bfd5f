/* Retrying a unit of work that failed for a passing reason (a lock_timeout,
 * a deadlock, the lock watchdog's cancel), with a pause between attempts
 * that grows by a factor: the one backoff of the steps, backfill batches and
 * DOWNs. The caller says per failure whether another attempt is worth it;
 * the policy says how many there may be and how long to pause. */
#ifndef MIGPLAN_RETRY_H
#define MIGPLAN_RETRY_H

#include "util/error.h"

typedef struct {
	int retries;       /* attempts after the first */
	long long first_ms; /* pause after the first failed attempt */
	long long max_ms;  /* no pause longer than this; 0: no bound */
	int factor;        /* each pause is the previous one times this */
} retry_policy;

/* retries attempts after the first, pausing first_ms, then twice as long
 * each time (what --lock-retries has always meant). */
retry_policy retry_doubling(int retries, long long first_ms);
/* The pause after failed attempt n (0-based): first_ms * factor^n, bounded
 * by max_ms (and by what a long long holds). */
long long retry_delay_ms(const retry_policy *p, int n);

/* What a failed attempt asks for. */
typedef enum {
	RETRY_NO,     /* final: no further attempt */
	RETRY_POLICY, /* another attempt while the policy has one left */
	RETRY_ALWAYS, /* another attempt whatever the count: the failure has a
	               * bound of its own (the lock watchdog's give-up) */
} retry_verdict;

typedef struct {
	/* Attempt n (0-based): MP_OK ends the run; on failure *verdict (preset
	 * to RETRY_NO) says whether to try again. */
	int (*attempt)(void *ctx, int n, retry_verdict *verdict, mp_error *err);
	/* Before the pause that follows failed attempt n (to say why, or tidy
	 * up); err holds the failure. NULL: nothing. */
	void (*before_pause)(void *ctx, int n, long long pause_ms, const mp_error *err);
	void *ctx;
} retry_ops;

/* Runs attempts until one succeeds or no further one may run; returns the
 * rc of the last attempt (err as it left it). */
int retry_run(const retry_policy *p, const retry_ops *ops, mp_error *err);

#endif
