/* Running one job per target on a small pool of threads, each job with its
 * own connection. Targets that share a database (lock domain) can be kept
 * apart: Prisma's advisory lock is per database, so two of them in flight
 * would only queue on the server while a target of another database could
 * have run. */
#ifndef MIGPLAN_FLEET_EXEC_H
#define MIGPLAN_FLEET_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include "fleet/fleet.h"

/* The job for target index i of the fleet; runs on a worker thread. true
 * asks that no further target start (jobs in flight finish). */
typedef bool (*fleet_job_fn)(void *ctx, size_t i);

/* Runs job for each target in idx[0..n) (in that order as far as domains
 * allow), up to parallel at once. exclusive: never two targets of the same
 * lock domain at once. Returns the number of jobs that ran; fewer than n
 * when a job asked to stop. */
size_t fleet_exec(const fleet_spec *f, const size_t *idx, size_t n, long parallel, bool exclusive,
                  fleet_job_fn job, void *ctx);

#endif
