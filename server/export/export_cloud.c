/* export_cloud.c -- the layout of a word cloud, for the HTML report.
 *
 * The projector draws the same cloud with the same rules
 * (presenter/cloud.js): sizes by the square root of the count between
 * CLOUD_MIN and CLOUD_MAX, widths estimated from the characters (no font
 * metrics, so the layout is the same on every machine), and entries placed
 * biggest first along an Archimedean spiral from the middle, each at the
 * first spot where it overlaps nothing placed before.  The spiral's points
 * are rounded to whole units, so small differences between maths libraries
 * do not move an entry.  Cost: entries x spiral steps x placed entries, at
 * most about 100 x 1200 x 100, a few milliseconds. */
#include <math.h>
#include <string.h>

#include "base/hu_text.h"
#include "export_internal.h"

#define CLOUD_MIN 14      /* font size of the smallest entry */
#define CLOUD_MAX 64      /* and of the biggest */
#define CLOUD_STEPS 1200  /* spiral points tried per entry */
#define CLOUD_GAP 4       /* space kept around each entry */

/* Estimated width of text at size: 0.6 em for most characters, a full em
 * for wide ones (CJK, emoji), nothing for joiners and combining marks. */
static int cloud_text_width(const char *s, int size)
{
    size_t len = strlen(s), i = 0;
    double em = 0.0;
    while (i < len) {
        uint32_t c = hu_utf8_next(s, len, &i);
        if ((c >= 0x300 && c <= 0x36F) || c == 0x200C || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F))
            continue;
        em += (c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
                               (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60) || c >= 0x1F300))
                  ? 1.0
                  : 0.6;
    }
    return (int)(em * size + 0.5);
}

static bool cloud_overlaps(const struct cloud_place *a, const struct cloud_place *b)
{
    int ax0 = a->x - a->w / 2, ay0 = a->y - a->h, bx0 = b->x - b->w / 2, by0 = b->y - b->h;
    return ax0 < bx0 + b->w + CLOUD_GAP && bx0 < ax0 + a->w + CLOUD_GAP && ay0 < by0 + b->h + CLOUD_GAP &&
           by0 < ay0 + a->h + CLOUD_GAP;
}

void export_cloud_layout(const struct results_entry *e, size_t n, int w, int h, struct cloud_place *out)
{
    uint32_t top = n ? e[0].count : 0, low = n ? e[n - 1].count : 0;
    for (size_t i = 0; i < n; i++) {
        struct cloud_place *p = &out[i];
        double f = top > low ? sqrt((double)(e[i].count - low) / (double)(top - low)) : 1.0;
        p->size = CLOUD_MIN + (int)((CLOUD_MAX - CLOUD_MIN) * f + 0.5);
        p->w = cloud_text_width(e[i].text, p->size);
        p->h = p->size;
        p->placed = false;
        if (p->w > w || p->h > h)
            continue;
        for (int step = 0; step < CLOUD_STEPS && !p->placed; step++) {
            /* r grows by 4 units a turn; the box is wider than tall, so
             * the spiral is stretched to match. */
            double t = step * 0.1, r = 4.0 * t / (2 * M_PI) * 3.0;
            p->x = w / 2 + (int)lround(r * cos(t) * ((double)w / h));
            p->y = h / 2 + p->h / 2 + (int)lround(r * sin(t));
            if (p->x - p->w / 2 < 0 || p->x + p->w / 2 > w || p->y - p->h < 0 || p->y > h)
                continue;
            bool free = true;
            for (size_t j = 0; j < i && free; j++)
                free = !out[j].placed || !cloud_overlaps(p, &out[j]);
            p->placed = free;
        }
    }
}

void export_cloud_bounds(const struct cloud_place *p, size_t n, int min_w, int min_h, int box[4])
{
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!p[i].placed)
            continue;
        int a = p[i].x - p[i].w / 2, b = p[i].x + p[i].w / 2, c = p[i].y - p[i].h, d = p[i].y;
        x0 = any && x0 < a ? x0 : a;
        x1 = any && x1 > b ? x1 : b;
        y0 = any && y0 < c ? y0 : c;
        y1 = any && y1 > d ? y1 : d;
        any = true;
    }
    if (!any) {
        box[0] = box[1] = 0;
        box[2] = min_w;
        box[3] = min_h;
        return;
    }
    x0 -= 2 * CLOUD_GAP;
    y0 -= 2 * CLOUD_GAP;
    x1 += 2 * CLOUD_GAP;
    y1 += 2 * CLOUD_GAP;
    int bw = x1 - x0 > min_w ? x1 - x0 : min_w, bh = y1 - y0 > min_h ? y1 - y0 : min_h;
    box[0] = (x0 + x1 - bw) / 2;
    box[1] = (y0 + y1 - bh) / 2;
    box[2] = bw;
    box[3] = bh;
}
