/* export_html.c -- results as one printable, self-contained HTML page.
 *
 * No scripts, no external resources: one inline <style> and an inline SVG
 * chart per poll (bars; a scale's histogram, a text poll's word cloud:
 * export_html_kinds.c), so the file can be mailed, archived or printed as
 * is.
 * Every piece of text from a deck or data file goes through hu_buf_html. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"
#include "export_internal.h"

/* Chart geometry, in SVG user units (the chart scales to the page width). */
#define CHART_W 640
#define CHART_LABEL_W 120 /* label column, right-aligned text */
#define CHART_BAR_MAX 380 /* a bar at 100% of voters */
#define CHART_ROW 32      /* pitch of one option */
#define CHART_BAR_H 22

void h_raw(struct html *h, const char *s)
{
    if (h->rc == HU_OK)
        h->rc = hu_buf_puts(h->b, s);
}

void h_esc(struct html *h, const char *s)
{
    if (h->rc == HU_OK)
        h->rc = hu_buf_html(h->b, s ? s : "");
}

void h_fmt(struct html *h, const char *fmt, ...)
{
    char tmp[512]; /* the report's chart writes SVG elements of up to ~300 bytes */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        if (h->rc == HU_OK)
            h->rc = HU_ERR_INTERNAL;
        return;
    }
    h_raw(h, tmp);
}

/* <time datetime="2026-11-22T10:15:00+01:00">2026-11-22 10:15:00 (UTC+01:00)</time>:
 * the local time of the machine writing the report, with its offset; or the
 * word for "never" when ms is 0. */
void h_time(struct html *h, int64_t ms, const char *never)
{
    char iso[EXPORT_TIME_LEN];
    if (!export_local_time(ms, iso)[0]) {
        h_esc(h, never);
        return;
    }
    char human[EXPORT_TIME_LEN + 16];
    size_t n = strlen(iso);
    /* "2026-11-22T10:15:00+01:00": the date and time, then the offset. */
    snprintf(human, sizeof human, "%.10s %.8s (UTC%s)", iso, iso + 11, n > 19 ? iso + 19 : "");
    h_raw(h, "<time datetime=\"");
    h_esc(h, iso);
    h_raw(h, "\">");
    h_esc(h, human);
    h_raw(h, "</time>");
}

/* The report's only style, also hashed into the server's Content-Security-
 * Policy (export_html_style) so the served report keeps its looks. */
static const char html_style[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#000;background:#fff;"
    "margin:2em auto;max-width:52em;padding:0 1em;line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}\n"
    "h2{font-size:1.35em;border-bottom:2px solid #000;padding-bottom:.2em;margin-top:2em}\n"
    "h3{font-size:1.1em;margin:1.5em 0 .3em;white-space:pre-wrap}\n"
    ".meta,.generated{color:#333;margin:.2em 0}\n"
    ".note{font-style:italic}\n"
    ".defs{position:absolute;width:0;height:0;overflow:hidden}\n"
    ".chart{display:block;width:100%;max-width:40em;height:auto;margin:.5em 0}\n"
    ".chart text{font-size:15px;font-family:inherit;fill:#000}\n"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:.5em 0}\n"
    "dt{font-weight:600}dd{margin:0}\n"
    "code{font-size:.95em}\n"
    ".cloud text{font-family:inherit;fill:#000;text-anchor:middle}\n"
    ".wall{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(12em,1fr));"
    "gap:.5em}\n"
    ".wall li,.entries li{overflow-wrap:anywhere;unicode-bidi:isolate}\n"
    ".wall li{border:1px solid #000;padding:.4em .6em}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{border-bottom:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}\n"
    "td{overflow-wrap:anywhere;unicode-bidi:isolate}td.num{text-align:right}\n"
    "@media print{\n"
    "body{margin:0;max-width:none;font-size:11pt}\n"
    ".session+.session{break-before:page;page-break-before:always}\n"
    ".session>h2{margin-top:0}\n"
    ".poll{break-inside:avoid;page-break-inside:avoid}\n"
    ".chart{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "}\n";

const char *export_html_style(void) { return html_style; }

/* Fills for option i, so bars differ by more than hue: black-and-white print
 * keeps dark grey, hatching, light grey and dots apart, and each bar also
 * carries its label and numbers as text. */
static const char *const html_fills[] = {"#404040", "url(#hu-hatch)", "#b8b8b8", "url(#hu-dots)"};

static const char html_patterns[] =
    "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\" focusable=\"false\"><defs>"
    "<pattern id=\"hu-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
    "<rect width=\"3\" height=\"6\" fill=\"#000\"/></pattern>"
    "<pattern id=\"hu-dots\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#e0e0e0\"/><circle cx=\"3\" cy=\"3\" r=\"1.6\" fill=\"#000\"/>"
    "</pattern></defs></svg>\n";

/* Human label of option i ("Yes"): the label the results carry, else the
 * option's machine name (a kind this build does not know). */
static const char *html_label(const struct results_poll *p, unsigned i, char spare[16])
{
    const char *name = export_option_name(p, i, spare);
    return i < HU_OPTION_MAX && p->labels[i] ? p->labels[i] : name;
}

/* Share of voters as a whole percentage, rounded to nearest. */
static unsigned html_percent(uint32_t n, uint32_t of)
{
    return of ? (unsigned)(((uint64_t)n * 100 + of / 2) / of) : 0;
}

static void html_chart(struct html *h, const struct results_poll *p)
{
    unsigned n = export_n_options(p);
    h_fmt(h, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %u\" role=\"img\" "
             "aria-label=\"",
          CHART_W, n * CHART_ROW + 8);
    for (unsigned i = 0; i < n; i++) {
        char spare[16];
        h_esc(h, html_label(p, i, spare));
        h_fmt(h, ": %" PRIu32 "%s", p->counts[i], i + 1 < n ? ", " : "\">\n");
    }
    if (n == 0)
        h_raw(h, "no options\">\n");
    for (unsigned i = 0; i < n; i++) {
        char spare[16];
        unsigned y = 4 + i * CHART_ROW;
        uint32_t c = p->counts[i];
        /* Bars are scaled to the voters so full width means everyone. */
        unsigned w = p->voters ? (unsigned)((uint64_t)(c > p->voters ? p->voters : c) * CHART_BAR_MAX / p->voters)
                               : 0;
        h_fmt(h, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", CHART_LABEL_W - 8, y + 16);
        h_esc(h, html_label(p, i, spare));
        h_fmt(h, "</text><rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#999\"/>",
              CHART_LABEL_W, y, CHART_BAR_MAX, CHART_BAR_H);
        if (w)
            h_fmt(h, "<rect x=\"%d\" y=\"%u\" width=\"%u\" height=\"%d\" fill=\"%s\" stroke=\"#000\"/>",
                  CHART_LABEL_W, y, w, CHART_BAR_H, html_fills[i % (sizeof html_fills / sizeof html_fills[0])]);
        h_fmt(h, "<text x=\"%d\" y=\"%u\">%" PRIu32, CHART_LABEL_W + CHART_BAR_MAX + 8, y + 16, c);
        if (p->voters)
            h_fmt(h, " (%u%%)", html_percent(c, p->voters));
        h_raw(h, "</text>\n");
    }
    h_raw(h, "</svg>\n");
}

static void html_poll(struct html *h, const struct results_poll *p)
{
    h_raw(h, "<article class=\"poll\">\n<h3>");
    h_esc(h, p->question);
    h_raw(h, "</h3>\n<p class=\"meta\">Poll <code>");
    h_esc(h, p->poll_id);
    h_raw(h, "</code>");
    if (p->slide_index >= 0)
        h_fmt(h, " &middot; slide %d", p->slide_index + 1);
    h_raw(h, " &middot; ");
    h_esc(h, p->status);
    if (p->removed)
        h_raw(h, " &middot; <strong>removed from the deck</strong>");
    h_raw(h, "</p>\n");
    bool never = p->opened_at <= 0 && p->status && strcmp(p->status, "pending") == 0;
    if (never)
        h_raw(h, "<p class=\"note\">This poll was never opened.</p>\n");
    else if (p->numeric)
        html_scale(h, p);
    else if (p->text)
        html_text(h, p);
    else
        html_chart(h, p);
    if (!never && p->multiple > 1)
        h_fmt(h, "<p class=\"meta\">Each person could pick up to %u options.</p>\n", p->multiple);
    h_fmt(h, "<dl><dt>Voters</dt><dd>%" PRIu32 " of %" PRIu32 " participants", p->voters, p->participants);
    if (p->participants)
        h_fmt(h, " (%u%%)", html_percent(p->voters, p->participants));
    h_raw(h, "</dd><dt>Opened</dt><dd>");
    h_time(h, p->opened_at, "never");
    h_raw(h, "</dd><dt>Closed</dt><dd>");
    h_time(h, p->closed_at, "not closed");
    h_raw(h, "</dd></dl>\n</article>\n");
}

static void html_session(struct html *h, const struct results_session *s)
{
    h_raw(h, "<section class=\"session\">\n<h2>");
    h_esc(h, s->title);
    h_raw(h, "</h2>\n<p class=\"meta\">Join code <code>");
    const char *code = s->code ? s->code : "";
    if (strlen(code) == 8 && strspn(code, "0123456789") == 8)
        h_fmt(h, "%.4s %.4s", code, code + 4); /* digits only: nothing to escape */
    else
        h_esc(h, code);
    h_raw(h, "</code> &middot; deck <code>");
    h_esc(h, export_deck_name(s->deck_path));
    h_raw(h, "</code>");
    if (s->run > 0) {
        h_fmt(h, " &middot; run %d", s->run);
        if (s->run_label && s->run_label[0]) {
            h_raw(h, " (");
            h_esc(h, s->run_label);
            h_raw(h, ")");
        }
    }
    if (s->run_started_at > 0 || s->created_at > 0) {
        h_raw(h, " &middot; started ");
        h_time(h, s->run_started_at > 0 ? s->run_started_at : s->created_at, "");
    }
    h_fmt(h, " &middot; %" PRIu32 " participants", s->participants);
    if (s->n_slides)
        h_fmt(h, " &middot; %zu slides", s->n_slides);
    h_fmt(h, " &middot; %zu polls</p>\n", s->n_polls);
    for (size_t i = 0; s->polls && i < s->n_polls; i++)
        html_poll(h, &s->polls[i]);
    if (!s->n_polls)
        h_raw(h, "<p class=\"note\">This session has no polls.</p>\n");
    if (s->n_questions)
        html_questions(h, s);
    h_raw(h, "</section>\n");
}

int export_html(const struct results *r, struct hu_buf *b)
{
    struct html h = {b, HU_OK};
    const char *title = r->n_sessions == 1 && r->sessions[0].title ? r->sessions[0].title : "All sessions";
    /* The page's own policy: even if a browser opens it from disk, nothing
     * in it may load or run; only the inline style applies. */
    h_raw(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    h_esc(&h, title);
    h_raw(&h, " &ndash; handsup results</title>\n");
    h_raw(&h, "<style>");
    h_raw(&h, html_style);
    h_raw(&h, "</style>\n");
    h_raw(&h, "</head>\n<body>\n");
    h_raw(&h, html_patterns);
    h_raw(&h, "<header>\n<h1>Results: ");
    h_esc(&h, title);
    h_raw(&h, "</h1>\n<p class=\"generated\">Generated ");
    time_t now = time(NULL);
    h_time(&h, now > 0 ? (int64_t)now * 1000 : 0, "at an unknown time");
    h_fmt(&h, " by handsup %s.</p>\n</header>\n", HANDSUP_VERSION);
    for (size_t i = 0; i < r->n_sessions; i++)
        html_session(&h, &r->sessions[i]);
    if (!r->n_sessions)
        h_raw(&h, "<p class=\"note\">No sessions.</p>\n");
    h_raw(&h, "</body>\n</html>\n");
    return h.rc;
}
