/* media.h -- what an image file is, told from its bytes, and opening a file
 * strictly beneath a folder.
 *
 * Both the deck reader (which checks what a deck references) and the HTTP
 * edge (which serves it) need the same answers, so they live here, below
 * both.  A file's name never decides its type: a ".png" holding HTML is not
 * an image. */
#ifndef HU_MEDIA_H
#define HU_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes media_sniff needs to see (fewer are fine for a short file). */
#define MEDIA_SNIFF_BYTES 512

/* The MIME type of buf[0..len), the first bytes of a file: "image/png",
 * "image/jpeg", "image/gif", "image/webp" or "image/svg+xml"; NULL for
 * anything else.  An SVG is recognised by an "<svg" root element after an
 * optional XML declaration, comments and a doctype.  Returns a static
 * string. */
const char *media_sniff(const unsigned char *buf, size_t len);

/* Opens rel (a relative path of plain components: no "", ".", ".." nor
 * backslash) beneath the folder open as dirfd, following no symbolic link at
 * any step, for reading.  Returns a new descriptor (O_CLOEXEC), or -1 with
 * errno set (ELOOP when a step is a link, EINVAL for a bad path). */
int media_open_beneath(int dirfd, const char *rel);

/* True when rel is such a path (at most HU_MEDIA_PATH_MAX bytes). */
bool media_rel_ok(const char *rel);

#endif
