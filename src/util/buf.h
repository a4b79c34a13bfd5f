/* Growable byte buffer. Allocation failure aborts (as cmark does): every
 * caller would otherwise have to handle an OOM that cannot be recovered from
 * in a command-line tool. */
#ifndef MIGPLAN_BUF_H
#define MIGPLAN_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;  /* always NUL-terminated when len > 0 or after buf_init */
	size_t len;
	size_t cap;
} mp_buf;

#define MP_BUF_INIT {NULL, 0, 0}

void buf_init(mp_buf *b);
void buf_free(mp_buf *b);
void buf_clear(mp_buf *b);
void buf_put(mp_buf *b, const char *data, size_t len);
void buf_puts(mp_buf *b, const char *s);
void buf_putc(mp_buf *b, char c);
void buf_printf(mp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(mp_buf *b, const char *fmt, va_list ap);
/* The contents as a C string ("" for an empty buffer); owned by the buffer. */
const char *buf_cstr(const mp_buf *b);
/* Hands the contents to the caller (free() it); the buffer is left empty. */
char *buf_detach(mp_buf *b);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
