/* qr.c -- draws the join QR code as SVG (for pages) or half blocks (terminal).
 *
 * qrencode computes the modules; this file only draws them, always with a
 * 4-module light quiet zone around the symbol, as the QR standard requires
 * for a reader to find the code. */
#include "qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdbool.h>

#include "base/buf.h"
#include "base/hu_err.h"

#define QR_QUIET 4                  /* quiet zone, modules on every side */
#define QR_OUT_MAX (1024 * 1024)    /* the largest code (177 modules) is far below this */

/* Encodes text in the smallest symbol that holds it, medium error
 * correction (survives a smudged projector), case-sensitive 8-bit mode so a
 * URL keeps its exact bytes.  On failure returns NULL with *rc set. */
static QRcode *qr_encode(const char *text, int *rc)
{
    if (!text || !*text) {
        *rc = HU_ERR_BAD_MESSAGE;
        return NULL;
    }
    errno = 0;
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        *rc = errno == ENOMEM ? HU_ERR_NOMEM : errno == ERANGE ? HU_ERR_TOO_LARGE : HU_ERR_INTERNAL;
    return qr;
}

/* Whether the module at (x, y) of the quiet-zoned image is dark; anything
 * outside the symbol (quiet zone, or a row past the bottom) is light. */
static bool qr_dark(const QRcode *qr, int x, int y)
{
    x -= QR_QUIET;
    y -= QR_QUIET;
    if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
        return false;
    return qr->data[y * qr->width + x] & 1;
}

static int qr_finish(struct hu_buf *b, int rc, char **out, size_t *len)
{
    if (rc) {
        hu_buf_free(b);
        return rc;
    }
    *len = b->len;
    *out = hu_buf_steal(b);
    return *out ? HU_OK : HU_ERR_NOMEM;
}

int qr_svg(const char *text, char **out, size_t *len)
{
    int rc = HU_OK;
    QRcode *qr = qr_encode(text, &rc);
    if (!qr)
        return rc;
    int size = qr->width + 2 * QR_QUIET;
    struct hu_buf b;
    hu_buf_init(&b, QR_OUT_MAX);
    /* One unit per module; crispEdges stops anti-aliasing seams between
     * adjacent runs, which some readers see as light lines. */
    rc = hu_buf_printf(&b,
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                       "shape-rendering=\"crispEdges\">"
                       "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                       size, size, size, size);
    /* Each horizontal run of dark modules is one closed sub-path: "M x y h n
     * v 1 h -n z".  Runs rather than one square per module keep a typical
     * join URL's code at a few kilobytes. */
    for (int y = QR_QUIET; rc == HU_OK && y < QR_QUIET + qr->width; y++) {
        for (int x = QR_QUIET; rc == HU_OK && x < QR_QUIET + qr->width;) {
            if (!qr_dark(qr, x, y)) {
                x++;
                continue;
            }
            int start = x;
            while (x < QR_QUIET + qr->width && qr_dark(qr, x, y))
                x++;
            rc = hu_buf_printf(&b, "M%d %dh%dv1h-%dz", start, y, x - start, x - start);
        }
    }
    if (rc == HU_OK)
        rc = hu_buf_puts(&b, "\"/></svg>");
    QRcode_free(qr);
    return qr_finish(&b, rc, out, len);
}

/* The glyph for a cell whose upper and lower halves are inked or not. */
static const char *qr_glyph(bool upper, bool lower)
{
    if (upper && lower)
        return "\xe2\x96\x88"; /* U+2588 FULL BLOCK */
    if (upper)
        return "\xe2\x96\x80"; /* U+2580 UPPER HALF BLOCK */
    if (lower)
        return "\xe2\x96\x84"; /* U+2584 LOWER HALF BLOCK */
    return " ";
}

/* Which modules are inked depends on whether the colours are known.
 *
 * Phones read dark modules on a light ground; many readers (ZXing-based
 * apps among them) fail on an inverted code.  With ANSI colours we force
 * black ink on a white background, so dark modules are the blocks and light
 * ones spaces, whatever the terminal's theme.
 *
 * Without colours, the block glyphs take the terminal's text colour and
 * spaces its background.  Most terminals are light text on a dark
 * background, so we ink the light modules and leave the dark ones as spaces:
 * the code then shows the right way round (dark on light, with a light
 * quiet zone) on a dark terminal.  This is also what `qrencode -t UTF8`
 * assumes.  On a light-themed terminal the code comes out inverted, which is
 * why the banner uses the ANSI form whenever it writes to a terminal. */
int qr_terminal(const char *text, int ansi, char **out, size_t *len)
{
    int rc = HU_OK;
    QRcode *qr = qr_encode(text, &rc);
    if (!qr)
        return rc;
    int size = qr->width + 2 * QR_QUIET;
    bool ink_dark = ansi != 0;
    struct hu_buf b;
    hu_buf_init(&b, QR_OUT_MAX);
    /* Two module rows per text line: the upper half of a cell is row y,
     * the lower half row y + 1 (light below the image when size is odd). */
    for (int y = 0; rc == HU_OK && y < size; y += 2) {
        /* 30 = black text, 47 = white background; reset at the end of each
         * line so the terminal's colours are back before the newline. */
        if (ansi)
            rc = hu_buf_puts(&b, "\x1b[30;47m");
        for (int x = 0; rc == HU_OK && x < size; x++) {
            bool upper = qr_dark(qr, x, y) == ink_dark;
            bool lower = y + 1 < size ? qr_dark(qr, x, y + 1) == ink_dark : !ink_dark;
            rc = hu_buf_puts(&b, qr_glyph(upper, lower));
        }
        if (rc == HU_OK)
            rc = hu_buf_puts(&b, ansi ? "\x1b[0m\n" : "\n");
    }
    QRcode_free(qr);
    return qr_finish(&b, rc, out, len);
}
