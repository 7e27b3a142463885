/* qr.h -- join QR codes, as SVG for pages and as Unicode blocks for a terminal.
 *
 * Both use qrencode with medium error correction and a 4-module quiet zone,
 * so a phone can scan the code off a projector or a terminal. */
#ifndef HU_QR_H
#define HU_QR_H

#include <stddef.h>

/* SVG document (UTF-8, NUL-terminated) encoding text, black on white, with a
 * viewBox so it scales.  Stores a malloc()ed string in *out (caller frees)
 * and its length in *len.  Returns HU_OK or a negative hu_err. */
int qr_svg(const char *text, char **out, size_t *len);

/* Terminal rendering of text with Unicode half blocks (two modules per
 * character cell, light modules drawn as spaces on a forced white
 * background with ANSI colours when ansi is non-zero, as block characters when
 * it is zero).  Lines end in "\n".  *out is malloc()ed; caller frees. */
int qr_terminal(const char *text, int ansi, char **out, size_t *len);

#endif
