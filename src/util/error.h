/* Error reporting in the libgit2 manner: fallible functions return 0 or a
 * negative MP_E* code and fill an mp_error the caller owns. Library code never
 * prints and never exits; only the mains decide what to show and how to exit. */
#ifndef MIGPLAN_UTIL_ERROR_H
#define MIGPLAN_UTIL_ERROR_H

enum {
	MP_OK = 0,
	MP_EINVAL = -1,   /* bad input: spec, flags, files */
	MP_EIO = -2,      /* file system */
	MP_EDB = -3,      /* database */
	MP_EVERIFY = -4,  /* hash / chain / manifest mismatch */
	MP_EGATE = -5,    /* a gate is not met */
	MP_ESTATE = -6,   /* ledger state forbids the operation */
	MP_ECONNECT = -7, /* cannot connect */
};

typedef struct {
	int code;
	char msg[1024];
} mp_error;

/* Sets err (may be NULL) and returns code, so `return mp_error_set(...)` reads well. */
int mp_error_set(mp_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void mp_error_clear(mp_error *err);

#endif
