/* test_qr.c -- the drawings of server/qr.c.  No QR decoder is at hand, so
 * each drawing is read back into a module grid and compared with the grid
 * qrencode gives for the same text, quiet zone included. */
#include <qrencode.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "export/qr.h"

#define QUIET 4

static const char *const texts[] = {
    "http://192.168.1.20:8080/j/40455687",
    "https://vote.example.org/j/12345678",
    "x",
    /* Long enough for a large version with alignment patterns. */
    ("https://a-rather-long-public-host-name.conference.example.org:8443/some/prefix/j/40455687"
     "?utm_source=projector&utm_medium=slide&utm_campaign=handsup-regression-test-0123456789"),
};

/* The expected image: size x size, true = dark, with the quiet zone. */
static bool *expected_grid(const char *text, int *size)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    CHECK(qr != NULL);
    if (!qr)
        exit(1);
    int n = qr->width + 2 * QUIET;
    bool *g = calloc((size_t)n * (size_t)n, 1);
    if (!g)
        exit(1);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            g[(y + QUIET) * n + x + QUIET] = qr->data[y * qr->width + x] & 1;
    QRcode_free(qr);
    *size = n;
    return g;
}

/* Reads a non-negative decimal at *p and moves past it; -1 if none. */
static long read_num(const char **p)
{
    char *end;
    long v = strtol(*p, &end, 10);
    if (end == *p)
        return -1;
    *p = end;
    return v;
}

static void test_svg(const char *text)
{
    int n;
    bool *want = expected_grid(text, &n);
    char *svg = NULL;
    size_t len = 0;
    CHECK(qr_svg(text, &svg, &len) == HU_OK);
    if (!svg) {
        free(want);
        return;
    }
    CHECK(strlen(svg) == len);
    CHECK(strncmp(svg, "<svg", 4) == 0);
    CHECK(len > 6 && strcmp(svg + len - 6, "</svg>") == 0);
    CHECK(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\"") != NULL);
    CHECK(strstr(svg, "shape-rendering=\"crispEdges\"") != NULL);
    CHECK(strstr(svg, "fill=\"#fff\"") != NULL);
    char vb[64];
    CHECK(snprintf(vb, sizeof vb, "viewBox=\"0 0 %d %d\"", n, n) < (int)sizeof vb);
    CHECK(strstr(svg, vb) != NULL);
    /* Exactly one path, and every element closed. */
    const char *path = strstr(svg, "<path");
    CHECK(path != NULL && strstr(path + 1, "<path") == NULL);
    CHECK(strstr(svg, "<rect") != NULL && strstr(svg, "/></svg>") != NULL);

    /* Paint the runs of the path back into a grid. */
    bool *got = calloc((size_t)n * (size_t)n, 1);
    const char *d = path ? strstr(path, " d=\"") : NULL;
    CHECK(got != NULL && d != NULL);
    bool syntax_ok = d != NULL && got != NULL;
    long runs = 0;
    if (syntax_ok) {
        const char *p = d + 4;
        while (*p != '"') {
            long x, y, w, w2;
            if (*p++ != 'M' || (x = read_num(&p)) < 0 || *p++ != ' ' || (y = read_num(&p)) < 0 ||
                *p++ != 'h' || (w = read_num(&p)) <= 0 || strncmp(p, "v1h-", 4) != 0) {
                syntax_ok = false;
                break;
            }
            p += 4;
            if ((w2 = read_num(&p)) != w || *p++ != 'z' || y >= n || x + w > n) {
                syntax_ok = false;
                break;
            }
            for (long i = x; i < x + w; i++) {
                if (got[y * n + i])
                    syntax_ok = false; /* runs must not overlap */
                got[y * n + i] = true;
            }
            runs++;
        }
    }
    CHECK(syntax_ok);
    CHECK(runs > 0);
    int dark_want = 0, dark_got = 0;
    bool same = got != NULL;
    for (int i = 0; got && i < n * n; i++) {
        dark_want += want[i];
        dark_got += got[i];
        if (want[i] != got[i])
            same = false;
    }
    CHECK(dark_got == dark_want);
    CHECK(same);
    free(got);
    free(svg);
    free(want);
}

/* Decodes one UTF-8 half-block glyph at *p into its two halves. */
static bool read_cell(const char **p, bool *upper, bool *lower)
{
    static const struct {
        const char *s;
        bool u, l;
    } glyphs[] = {
        {" ", false, false},
        {"\xe2\x96\x80", true, false},
        {"\xe2\x96\x84", false, true},
        {"\xe2\x96\x88", true, true},
    };
    for (size_t i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++) {
        size_t k = strlen(glyphs[i].s);
        if (strncmp(*p, glyphs[i].s, k) == 0) {
            *upper = glyphs[i].u;
            *lower = glyphs[i].l;
            *p += k;
            return true;
        }
    }
    return false;
}

static void test_terminal(const char *text, int ansi)
{
    static const char on[] = "\x1b[30;47m", off[] = "\x1b[0m";
    int n;
    bool *want = expected_grid(text, &n);
    char *out = NULL;
    size_t len = 0;
    CHECK(qr_terminal(text, ansi, &out, &len) == HU_OK);
    if (!out) {
        free(want);
        return;
    }
    CHECK(strlen(out) == len);
    CHECK(len > 0 && out[len - 1] == '\n');
    CHECK((ansi != 0) == (strchr(out, '\x1b') != NULL));

    /* With colours the ink is the dark modules; without, the light ones. */
    bool ink_dark = ansi != 0;
    int lines = 0;
    bool shape_ok = true, same = true;
    const char *p = out;
    while (*p && shape_ok) {
        if (ansi) {
            if (strncmp(p, on, strlen(on)) != 0) {
                shape_ok = false;
                break;
            }
            p += strlen(on);
        }
        int cells = 0;
        bool upper, lower;
        while (*p != '\n' && *p != '\x1b' && read_cell(&p, &upper, &lower)) {
            int y = 2 * lines, x = cells;
            if (x < n) {
                if ((want[y * n + x] == ink_dark) != upper)
                    same = false;
                /* Below the last row (n is odd) the image is light. */
                bool below = y + 1 < n ? want[(y + 1) * n + x] : false;
                if ((below == ink_dark) != lower)
                    same = false;
            }
            cells++;
        }
        if (ansi) {
            if (strncmp(p, off, strlen(off)) != 0)
                shape_ok = false;
            else
                p += strlen(off);
        }
        if (*p != '\n' || cells != n)
            shape_ok = false;
        else
            p++;
        lines++;
    }
    CHECK(shape_ok);
    CHECK(lines == (n + 1) / 2);
    CHECK(same);
    free(out);
    free(want);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        test_svg(texts[i]);
        test_terminal(texts[i], 1);
        test_terminal(texts[i], 0);
    }

    /* The quiet zone: a 21-module version 1 code gives a 29-unit image. */
    char *svg = NULL;
    size_t len = 0;
    CHECK(qr_svg("x", &svg, &len) == HU_OK && svg && strstr(svg, "viewBox=\"0 0 29 29\""));
    free(svg);

    /* Refused input leaves *out alone. */
    char *out = NULL;
    CHECK(qr_svg("", &out, &len) == HU_ERR_BAD_MESSAGE && out == NULL);
    CHECK(qr_terminal(NULL, 0, &out, &len) == HU_ERR_BAD_MESSAGE && out == NULL);
    /* More than a version 40 code holds at level M (2331 bytes). */
    size_t big = 4000;
    char *huge = malloc(big + 1);
    if (huge) {
        memset(huge, 'a', big);
        huge[big] = '\0';
        CHECK(qr_svg(huge, &out, &len) == HU_ERR_TOO_LARGE && out == NULL);
        free(huge);
    }
    return check_done();
}
