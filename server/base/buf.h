/* buf.h -- a growable byte buffer with a hard cap.
 *
 * Every buffer names its cap at init so that no input can make the server
 * allocate without bound (the curl "dynbuf" habit).  The content is always
 * NUL-terminated so it can be used as a C string. */
#ifndef HU_BUF_H
#define HU_BUF_H

#include <stddef.h>

struct hu_buf {
    char *data;   /* NUL-terminated content, or NULL before the first append. From malloc() */
    size_t len;   /* bytes of content, excluding the NUL */
    size_t cap;   /* bytes allocated */
    size_t max;   /* appends that would make len exceed max fail */
};

void hu_buf_init(struct hu_buf *b, size_t max);

/* Appends n bytes.  HU_OK, or HU_ERR_TOO_LARGE / HU_ERR_NOMEM with b unchanged. */
int hu_buf_append(struct hu_buf *b, const void *p, size_t n);
int hu_buf_puts(struct hu_buf *b, const char *s);
int hu_buf_printf(struct hu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s with the five HTML special characters escaped. */
int hu_buf_html(struct hu_buf *b, const char *s);

/* Gives up ownership of the content (caller frees; never NULL on success:
 * an empty buffer yields ""), and leaves b empty. */
char *hu_buf_steal(struct hu_buf *b);

void hu_buf_free(struct hu_buf *b);

#endif
