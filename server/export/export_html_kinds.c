/* export_html_kinds.c -- the report's drawings of poll kinds beyond bars: a
 * scale's histogram with its mean and median, a text poll's word cloud (or
 * its wall of answers), and a session's audience questions.
 *
 * Every text from a participant goes through h_esc and sits in its own
 * element with unicode-bidi isolation (the stylesheet), so right-to-left
 * answers cannot reorder the report around them. */
#include <inttypes.h>
#include <stdlib.h>

#include "base/hu_err.h"
#include "export_internal.h"

/* Histogram geometry, in SVG user units. */
#define HIST_W 640
#define HIST_H 220        /* plot area */
#define HIST_TOP 28       /* room for counts above the tallest bar */
#define HIST_BOTTOM 44    /* value labels and end labels */

/* Cloud box, in SVG user units. */
#define CLOUD_W 800
#define CLOUD_H 420
#define CLOUD_SHOWN 100   /* entries drawn; the list below names them all */

void html_scale(struct html *h, const struct results_poll *p)
{
    unsigned n = export_n_options(p);
    uint32_t top = 0;
    for (unsigned i = 0; i < n; i++)
        top = p->counts[i] > top ? p->counts[i] : top;
    unsigned slot = n ? (unsigned)(HIST_W / n) : HIST_W, bar = slot * 3 / 4;
    h_fmt(h, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
             "aria-label=\"",
          HIST_W, HIST_TOP + HIST_H + HIST_BOTTOM);
    for (unsigned i = 0; i < n; i++) {
        h_esc(h, p->options[i]);
        h_fmt(h, ": %" PRIu32 ", ", p->counts[i]);
    }
    if (p->voters)
        h_fmt(h, "mean %.2f, median %.1f\">\n", p->mean, p->median);
    else
        h_raw(h, "no votes\">\n");
    for (unsigned i = 0; i < n; i++) {
        unsigned x = i * slot + (slot - bar) / 2;
        unsigned bh = top ? (unsigned)((uint64_t)p->counts[i] * HIST_H / top) : 0;
        unsigned y = HIST_TOP + HIST_H - bh;
        h_fmt(h, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"#404040\" stroke=\"#000\"/>", x, y, bar,
              bh);
        h_fmt(h, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%" PRIu32 "</text>", x + bar / 2, y - 6,
              p->counts[i]);
        h_fmt(h, "<text x=\"%u\" y=\"%d\" text-anchor=\"middle\">", x + bar / 2, HIST_TOP + HIST_H + 18);
        h_esc(h, p->options[i]);
        h_raw(h, "</text>\n");
    }
    if (p->voters && n > 1) {
        /* The mean as a dashed line at its place between the values. */
        double first = strtod(p->options[0], NULL); /* numeric options are their values */
        double at = (p->mean - first) * slot + slot / 2.0;
        h_fmt(h, "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"3\" "
                 "stroke-dasharray=\"8 5\"/>",
              at, HIST_TOP - 8, at, HIST_TOP + HIST_H);
    }
    h_fmt(h, "<text x=\"0\" y=\"%d\">", HIST_TOP + HIST_H + 38);
    h_esc(h, p->low_label);
    h_fmt(h, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", HIST_W, HIST_TOP + HIST_H + 38);
    h_esc(h, p->high_label);
    h_raw(h, "</text>\n</svg>\n");
    if (p->voters)
        h_fmt(h, "<p class=\"meta\">Mean %.2f (dashed line) &middot; median %.1f</p>\n", p->mean, p->median);
}

static void html_cloud(struct html *h, const struct results_poll *p)
{
    size_t n = p->n_entries < CLOUD_SHOWN ? p->n_entries : CLOUD_SHOWN;
    struct cloud_place *pl = calloc(n + 1, sizeof *pl);
    if (!pl) {
        h->rc = h->rc == HU_OK ? HU_ERR_NOMEM : h->rc;
        return;
    }
    export_cloud_layout(p->entries, n, CLOUD_W, CLOUD_H, pl);
    /* Zoomed to the entries placed, as the projector does (cloud.js). */
    int box[4];
    export_cloud_bounds(pl, n, CLOUD_W * 2 / 5, CLOUD_H * 3 / 10, box);
    h_fmt(h, "<svg class=\"chart cloud\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%d %d %d %d\" role=\"img\" "
             "aria-label=\"Word cloud of %zu entries; the list below names every one\">\n",
          box[0], box[1], box[2], box[3], n);
    for (size_t i = 0; i < n; i++) {
        if (!pl[i].placed)
            continue;
        h_fmt(h, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"%s>", pl[i].x, pl[i].y - pl[i].h / 5, pl[i].size,
              i == 0 ? " font-weight=\"700\"" : "");
        h_esc(h, p->entries[i].text);
        h_raw(h, "</text>\n");
    }
    h_raw(h, "</svg>\n");
    free(pl);
}

void html_text(struct html *h, const struct results_poll *p)
{
    if (!p->n_entries && !p->n_answers) {
        h_raw(h, "<p class=\"note\">No answers.</p>\n");
        return;
    }
    bool wall = p->show && p->show[0] == 'w';
    if (wall) {
        /* The wall: shown answers as cards, newest first. */
        h_raw(h, "<ul class=\"wall\">\n");
        for (size_t i = p->n_answers; i-- > 0;) {
            if (p->answers[i].status[0] != 's')
                continue;
            h_raw(h, "<li dir=\"auto\">");
            h_esc(h, p->answers[i].text);
            h_raw(h, "</li>\n");
        }
        h_raw(h, "</ul>\n");
    } else {
        html_cloud(h, p);
    }
    h_raw(h, "<details><summary>Every entry, by count</summary><ol class=\"entries\">\n");
    for (size_t i = 0; i < p->n_entries; i++) {
        h_raw(h, "<li dir=\"auto\">");
        h_esc(h, p->entries[i].text);
        h_fmt(h, " &ndash; %" PRIu32 "</li>\n", p->entries[i].count);
    }
    h_raw(h, "</ol></details>\n");
    h_fmt(h, "<p class=\"meta\">%" PRIu32 " answers shown", p->shown);
    if (p->pending)
        h_fmt(h, ", %" PRIu32 " waiting for approval", p->pending);
    h_raw(h, ".</p>\n");
}

void html_questions(struct html *h, const struct results_session *s)
{
    h_raw(h, "<article class=\"poll\">\n<h3>Audience questions</h3>\n<table>\n<thead><tr><th>Question</th>"
             "<th>Votes</th><th>Status</th><th>Asked</th></tr></thead>\n<tbody>\n");
    /* Most upvoted first: the order the room ranked them in. */
    size_t n = s->n_questions;
    size_t *order = malloc((n + 1) * sizeof *order);
    if (!order) {
        h->rc = h->rc == HU_OK ? HU_ERR_NOMEM : h->rc;
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) /* insertion sort: stable, and n is at most HU_QA_MAX */
        for (size_t j = i; j > 0 && s->questions[order[j]].votes > s->questions[order[j - 1]].votes; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        const struct results_question *q = &s->questions[order[k]];
        h_raw(h, "<tr><td dir=\"auto\">");
        h_esc(h, q->text);
        h_fmt(h, "</td><td class=\"num\">%" PRIu32 "</td><td>", q->votes);
        h_esc(h, q->status);
        h_raw(h, "</td><td>");
        h_time(h, q->at, "");
        h_raw(h, "</td></tr>\n");
    }
    free(order);
    h_raw(h, "</tbody>\n</table>\n</article>\n");
}
