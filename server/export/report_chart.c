/* report_chart.c -- the trend chart of one poll: the share of voters for
 * each option label, run by run, as lines over the runs in the order they
 * started.
 *
 * Drawn as inline SVG with presentation attributes only (no CSS, no
 * script), so that the same element prints, scales, reads out (role="img"
 * and its label), and can be saved as a file of its own, SVG or PNG, by the
 * page's buttons.  Lines differ by more than colour: each has its own dash
 * pattern and marker, for a committee's black-and-white printer.  A label a
 * run did not offer leaves a gap in its line. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_html.h"

/* Geometry in SVG user units (the chart scales to the page width). */
#define CH_W 640
#define CH_X0 52          /* left edge of the plot: room for "100%" */
#define CH_X1 (CH_W - 20)
#define CH_Y0 16          /* 100% */
#define CH_Y1 196         /* 0% */
#define CH_LEGEND_Y 252
#define CH_LEGEND_ROW 20
#define CH_LEGEND_PER_ROW 3
#define CH_NAME_MAX 18    /* characters of a run's name under the axis */

static const char *const ch_colours[] = {"#1b4f8a", "#c0392b", "#2e7d32", "#6a1b9a",
                                         "#e65100", "#00695c", "#4e342e", "#37474f"};
static const char *const ch_dashes[] = {"", "8 4", "2 3", "10 3 2 3"};

/* Share in tenths of a percent, or -1 when the run did not offer label j. */
static int ch_share(const struct report_entry *e, size_t j)
{
    int o = e->option_of[j];
    if (o < 0)
        return -1;
    uint32_t v = e->p->voters;
    return v ? (int)(((uint64_t)e->p->counts[o] * 1000 + v / 2) / v) : 0;
}

static double ch_x(size_t i, size_t n)
{
    return CH_X0 + ((double)i + 0.5) * (CH_X1 - CH_X0) / (double)n;
}

static double ch_y(int tenths)
{
    return CH_Y1 - (double)tenths * (CH_Y1 - CH_Y0) / 1000.0;
}

/* The marker of line j at (x, y): circle, square, triangle, diamond. */
static void ch_marker(struct html *h, size_t j, double x, double y, const char *colour)
{
    switch (j % 4) {
    case 0: h_fmt(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", x, y, colour); break;
    case 1: h_fmt(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"%s\"/>", x - 4.5, y - 4.5, colour); break;
    case 2:
        h_fmt(h, "<path d=\"M%.1f %.1fl5.5 9.5h-11z\" fill=\"%s\"/>", x, y - 6, colour);
        break;
    default:
        h_fmt(h, "<path d=\"M%.1f %.1fl5.5 5.5l-5.5 5.5l-5.5-5.5z\" fill=\"%s\"/>", x, y - 5.5, colour);
        break;
    }
}

/* A run's name cut to CH_NAME_MAX characters, with an ellipsis. */
static void ch_name(struct html *h, const char *name)
{
    char cut[CH_NAME_MAX * 4 + 4];
    size_t k = 0, chars = 0;
    const unsigned char *s = (const unsigned char *)name;
    for (; s[k] && k < sizeof cut - 4; k++) {
        if ((s[k] & 0xC0) != 0x80 && chars++ == CH_NAME_MAX - 1 && s[k + 1])
            break;
    }
    memcpy(cut, name, k);
    cut[k] = '\0';
    h_esc(h, cut);
    if (s[k])
        h_raw(h, "\xe2\x80\xa6");
}

void report_chart(struct html *h, const struct report_model *m, const struct report_poll *rp, size_t index)
{
    size_t n = rp->n_entries, labels = rp->n_labels;
    size_t legend_rows = (labels + CH_LEGEND_PER_ROW - 1) / CH_LEGEND_PER_ROW;
    int height = CH_LEGEND_Y + (int)legend_rows * CH_LEGEND_ROW;
    h_fmt(h, "<svg id=\"chart-%zu\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                "width=\"%d\" height=\"%d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\" "
                "role=\"img\" aria-label=\"",
             index, CH_W, height, CH_W, height);
    /* The whole chart in words, for a screen reader. */
    for (size_t j = 0; j < labels; j++) {
        h_esc(h, rp->labels[j]);
        h_raw(h, ":");
        for (size_t k = 0; k < n; k++) {
            int t = ch_share(&rp->entries[k], j);
            h_raw(h, k ? ", " : " ");
            if (t >= 0)
                h_fmt(h, "%d%% in ", (t + 5) / 10);
            else
                h_raw(h, "not offered in ");
            h_esc(h, rp->entries[k].run->name);
        }
        h_raw(h, j + 1 < labels ? "; " : "");
    }
    h_raw(h, "\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    for (int g = 0; g <= 4; g++) {
        double y = ch_y(g * 250);
        h_fmt(h, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>"
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#333\">%d%%</text>\n",
                 CH_X0, y, CH_X1, y, g ? "#ddd" : "#666", CH_X0 - 6, y + 4, g * 25);
    }
    (void)m;
    for (size_t k = 0; k < n; k++) {
        const struct report_run *run = rp->entries[k].run;
        char date[32];
        report_date(report_run_start(run), date, sizeof date);
        double x = ch_x(k, n);
        h_fmt(h, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#000\">", x, CH_Y1 + 20);
        ch_name(h, run->name);
        h_fmt(h, "</text><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\" font-size=\"11\">", x,
                 CH_Y1 + 35);
        h_esc(h, date);
        h_raw(h, "</text>\n");
    }
    bool values = labels <= 4 && n <= 10;
    for (size_t j = 0; j < labels; j++) {
        const char *colour = ch_colours[j % (sizeof ch_colours / sizeof ch_colours[0])];
        const char *dash = ch_dashes[j % (sizeof ch_dashes / sizeof ch_dashes[0])];
        /* One polyline per stretch of runs that offered the label. */
        bool open = false;
        for (size_t k = 0; k <= n; k++) {
            int t = k < n ? ch_share(&rp->entries[k], j) : -1;
            if (t >= 0 && !open) {
                h_fmt(h, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s%s%s points=\"", colour,
                         dash[0] ? " stroke-dasharray=\"" : "", dash, dash[0] ? "\"" : "");
                open = true;
            }
            if (t >= 0)
                h_fmt(h, "%.1f,%.1f ", ch_x(k, n), ch_y(t));
            if (t < 0 && open) {
                h_raw(h, "\"/>\n");
                open = false;
            }
        }
        for (size_t k = 0; k < n; k++) {
            int t = ch_share(&rp->entries[k], j);
            if (t < 0)
                continue;
            ch_marker(h, j, ch_x(k, n), ch_y(t), colour);
            /* Even lines label their points above, odd ones below, so two
             * lines meeting at one share do not print over each other. */
            if (values)
                h_fmt(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" font-size=\"11\">"
                            "%d%%</text>",
                         ch_x(k, n), ch_y(t) + (j % 2 ? 19 : -9), colour, (t + 5) / 10);
        }
        h_raw(h, "\n");
    }
    for (size_t j = 0; j < labels; j++) {
        const char *colour = ch_colours[j % (sizeof ch_colours / sizeof ch_colours[0])];
        const char *dash = ch_dashes[j % (sizeof ch_dashes / sizeof ch_dashes[0])];
        double x = CH_X0 + (double)(j % CH_LEGEND_PER_ROW) * (CH_X1 - CH_X0) / CH_LEGEND_PER_ROW;
        double y = CH_LEGEND_Y + (double)(j / CH_LEGEND_PER_ROW) * CH_LEGEND_ROW - 14;
        h_fmt(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s%s%s/>",
                 x, y, x + 28, y, colour, dash[0] ? " stroke-dasharray=\"" : "", dash, dash[0] ? "\"" : "");
        ch_marker(h, j, x + 14, y, colour);
        h_fmt(h, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#000\">", x + 36, y + 4);
        ch_name(h, rp->labels[j]);
        h_raw(h, "</text>\n");
    }
    h_raw(h, "</svg>\n");
}
