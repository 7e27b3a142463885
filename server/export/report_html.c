/* report_html.c -- the report for a committee: one self-contained page.
 *
 * Written for the people who read it, not for the tool: per poll its
 * question, a trend chart, and a table of every run with its label, local
 * date, the count and share of each option, voters and joined.  No join
 * codes, poll ids, slide numbers, data files or UTC unless the technical
 * option asks (report.h).  The page prints on A4 (one poll never split
 * across pages, buttons left out) and offers each chart as PNG and SVG
 * through its one script, which it allows by hash in its own policy. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"
#include "base/token.h"
#include "report_html.h"

static const char report_style[] =
    "body{font-family:Georgia,\"Times New Roman\",serif;color:#000;background:#fff;margin:2em auto;"
    "max-width:50em;padding:0 1em;line-height:1.45}\n"
    "h1,h2,h3,th,.meta,.chart-tools,figcaption{font-family:Helvetica,Arial,sans-serif}\n"
    "h1{font-size:1.7em;margin:0 0 .2em}\n"
    "h2{font-size:1.25em;margin:0 0 .3em;white-space:pre-wrap}\n"
    ".generated,.meta{color:#333;margin:.2em 0;font-size:.92em}\n"
    ".note{border-left:4px solid #b35900;padding:.2em .6em;margin:.5em 0;background:#fff7ef}\n"
    "section{margin:2.2em 0}\n"
    "table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.95em}\n"
    "th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#eee}\n"
    "td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "td.absent{color:#666;text-align:center}\n"
    ".pct{color:#333}\n"
    "figure{margin:.8em 0}\n"
    ".chart{display:block;width:100%;height:auto;max-width:40em}\n"
    "figcaption{font-size:.85em;color:#333}\n"
    ".chart-tools{display:none;margin:.3em 0}\n"
    ".js .chart-tools{display:block}\n"
    ".chart-tools button{font:inherit;font-size:.85em;margin-right:.5em;padding:.2em .8em;cursor:pointer}\n"
    "@page{size:A4;margin:18mm 16mm}\n"
    "@media print{\n"
    "body{margin:0;max-width:none;font-size:10.5pt}\n"
    ".js .chart-tools{display:none}\n"
    "section.poll{break-inside:avoid;page-break-inside:avoid}\n"
    "section.overview{break-after:page;page-break-after:always}\n"
    ".chart{max-width:100%;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "th{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "}\n";

/* Saves a chart as SVG (the element serialised) or PNG (drawn on a canvas
 * at twice its size), named after its question. */
static const char report_script[] =
    "(function () {\n"
    "  'use strict';\n"
    "  function svgText(svg) {\n"
    "    return '<?xml version=\"1.0\" encoding=\"UTF-8\"?>\\n' + new XMLSerializer().serializeToString(svg);\n"
    "  }\n"
    "  function save(blob, name) {\n"
    "    var a = document.createElement('a');\n"
    "    a.href = URL.createObjectURL(blob);\n"
    "    a.download = name;\n"
    "    document.body.appendChild(a);\n"
    "    a.click();\n"
    "    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);\n"
    "  }\n"
    "  function png(svg, name) {\n"
    "    var box = svg.viewBox.baseVal, scale = 2, img = new Image();\n"
    "    img.onload = function () {\n"
    "      var c = document.createElement('canvas');\n"
    "      c.width = box.width * scale;\n"
    "      c.height = box.height * scale;\n"
    "      var g = c.getContext('2d');\n"
    "      g.fillStyle = '#fff';\n"
    "      g.fillRect(0, 0, c.width, c.height);\n"
    "      g.drawImage(img, 0, 0, c.width, c.height);\n"
    "      c.toBlob(function (b) { save(b, name + '.png'); }, 'image/png');\n"
    "    };\n"
    "    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText(svg));\n"
    "  }\n"
    "  document.addEventListener('click', function (ev) {\n"
    "    var b = ev.target.closest ? ev.target.closest('button[data-chart]') : null;\n"
    "    var svg = b ? document.getElementById(b.getAttribute('data-chart')) : null;\n"
    "    if (!svg) return;\n"
    "    var name = b.getAttribute('data-name') || 'chart';\n"
    "    if (b.getAttribute('data-format') === 'svg')\n"
    "      save(new Blob([svgText(svg)], { type: 'image/svg+xml' }), name + '.svg');\n"
    "    else\n"
    "      png(svg, name);\n"
    "  });\n"
    "  document.documentElement.className += ' js';\n"
    "})();\n";

const char *report_html_style(void) { return report_style; }

/* Base64 (RFC 4648) of the SHA-256 of the script, as CSP hashes are written. */
static int report_script_hash(char *out, size_t outlen)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char d[HU_HASH_LEN];
    if (token_hash(report_script, strlen(report_script), d) != HU_OK || outlen < 4 * ((HU_HASH_LEN + 2) / 3) + 1)
        return HU_ERR_INTERNAL;
    size_t k = 0;
    for (size_t i = 0; i < HU_HASH_LEN; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (i + 1 < HU_HASH_LEN ? (unsigned)d[i + 1] << 8 : 0) |
                     (i + 2 < HU_HASH_LEN ? d[i + 2] : 0);
        out[k++] = b64[v >> 18 & 63];
        out[k++] = b64[v >> 12 & 63];
        out[k++] = i + 1 < HU_HASH_LEN ? b64[v >> 6 & 63] : '=';
        out[k++] = i + 2 < HU_HASH_LEN ? b64[v & 63] : '=';
    }
    out[k] = '\0';
    return HU_OK;
}
const char *report_html_script(void) { return report_script; }

void report_date(int64_t ms, char *out, size_t outlen)
{
    out[0] = '\0';
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    if (ms > 0 && localtime_r(&secs, &tm) && strftime(out, outlen, "%-d %b %Y", &tm) == 0)
        out[0] = '\0';
}

/* "3 Mar 2026 09:14 (UTC+01:00)", the technical form of a time. */
static void report_time(struct html *h, int64_t ms)
{
    char iso[EXPORT_TIME_LEN];
    if (!export_local_time(ms, iso)[0])
        return;
    h_fmt(h, "<time datetime=\"%s\">%.10s %.5s (UTC%s)</time>", iso, iso, iso + 11, iso + 19);
}

static unsigned report_whole_percent(uint32_t n, uint32_t of)
{
    return of ? (unsigned)(((uint64_t)n * 100 + of / 2) / of) : 0;
}

/* A table row's first two cells: the run's name and its date (its time with
 * the offset, technical). */
static void report_run_cells(struct html *h, const struct report_run *run, bool tech)
{
    char date[32];
    report_date(report_run_start(run), date, sizeof date);
    h_raw(h, "<tr><td>");
    h_esc(h, run->name);
    h_raw(h, "</td><td>");
    if (tech)
        report_time(h, report_run_start(run));
    else
        h_esc(h, date);
    h_raw(h, "</td>");
}

static void report_overview(struct html *h, const struct report_model *m, bool tech)
{
    h_raw(h, "<section class=\"overview\">\n<h2>Runs</h2>\n<table>\n<thead><tr><th>Run</th><th>Date</th>"
                "<th>Session</th><th>Joined</th>");
    if (tech)
        h_raw(h, "<th>Code</th><th>Run no.</th><th>Data file</th>");
    h_raw(h, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < m->n_runs; i++) {
        const struct report_run *r = &m->runs[i];
        char code[EXPORT_CODE_LEN];
        report_run_cells(h, r, tech);
        h_raw(h, "<td>");
        h_esc(h, r->s->title);
        h_fmt(h, "</td><td class=\"n\">%" PRIu32 "</td>", r->s->participants);
        if (tech) {
            h_raw(h, "<td>");
            h_esc(h, export_code(r->s->code, code));
            h_fmt(h, "</td><td class=\"n\">%d</td><td>", r->s->run);
            h_esc(h, r->data_file);
            h_raw(h, "</td>");
        }
        h_raw(h, "</tr>\n");
    }
    if (!m->n_runs)
        h_raw(h, "<tr><td colspan=\"4\">No runs.</td></tr>\n");
    h_raw(h, "</tbody>\n</table>\n</section>\n");
}

/* The note a committee needs when a question changed between runs. */
static void report_notes(struct html *h, const struct report_poll *rp)
{
    if (rp->question_changed)
        h_raw(h, "<p class=\"note\">The wording of this question changed between runs; it is shown as it was "
                    "last asked.</p>\n");
    if (!rp->options_changed)
        return;
    h_raw(h, "<p class=\"note\">The options changed between runs, so counts are shown per option label.");
    for (size_t j = 0; j < rp->n_labels; j++) {
        bool first = true;
        for (size_t k = 0; k < rp->n_entries; k++) {
            if (rp->entries[k].option_of[j] >= 0)
                continue;
            h_raw(h, first ? " \xe2\x80\x9c" : ", ");
            if (first) {
                h_esc(h, rp->labels[j]);
                h_raw(h, "\xe2\x80\x9d was not offered in ");
            }
            first = false;
            h_esc(h, rp->entries[k].run->name);
        }
        if (!first)
            h_raw(h, ".");
    }
    h_raw(h, "</p>\n");
}

/* An open text poll: per run its most frequent answers (the word cloud's
 * biggest entries) rather than options. */
#define REPORT_TEXT_TOP 8

static void report_text_table(struct html *h, const struct report_poll *rp, bool tech)
{
    h_raw(h, "<table class=\"counts\">\n<thead><tr><th>Run</th><th>Date</th><th>Most frequent answers</th>"
             "<th>Answers shown</th><th>Voters</th><th>Joined</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < rp->n_entries; k++) {
        const struct report_entry *e = &rp->entries[k];
        report_run_cells(h, e->run, tech);
        h_raw(h, "<td>");
        for (size_t i = 0; i < e->p->n_entries && i < REPORT_TEXT_TOP; i++) {
            if (i)
                h_raw(h, ", ");
            h_esc(h, e->p->entries[i].text);
            h_fmt(h, " <span class=\"pct\">(%" PRIu32 ")</span>", e->p->entries[i].count);
        }
        if (!e->p->n_entries)
            h_raw(h, "\xe2\x80\x93");
        h_fmt(h, "</td><td class=\"n\">%" PRIu32 "</td><td class=\"n\">%" PRIu32 "</td><td class=\"n\">%" PRIu32
                 "</td></tr>\n",
              e->p->shown, e->p->voters, e->p->participants);
    }
    h_raw(h, "</tbody>\n</table>\n");
}

static void report_table(struct html *h, const struct report_poll *rp, bool tech)
{
    bool numeric = rp->n_entries && rp->entries[rp->n_entries - 1].p->numeric;
    h_raw(h, "<table class=\"counts\">\n<thead><tr><th>Run</th><th>Date</th>");
    for (size_t j = 0; j < rp->n_labels; j++) {
        h_raw(h, "<th>");
        h_esc(h, rp->labels[j]);
        h_raw(h, "</th>");
    }
    if (numeric)
        h_raw(h, "<th>Mean</th>");
    h_raw(h, "<th>Voters</th><th>Joined</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < rp->n_entries; k++) {
        const struct report_entry *e = &rp->entries[k];
        report_run_cells(h, e->run, tech);
        for (size_t j = 0; j < rp->n_labels; j++) {
            int o = e->option_of[j];
            if (o < 0) {
                h_raw(h, "<td class=\"absent\" title=\"not offered in this run\">\xe2\x80\x93</td>");
                continue;
            }
            h_fmt(h, "<td class=\"n\">%" PRIu32 " <span class=\"pct\">(%u%%)</span></td>", e->p->counts[o],
                     report_whole_percent(e->p->counts[o], e->p->voters));
        }
        if (numeric && e->p->numeric && e->p->voters)
            h_fmt(h, "<td class=\"n\">%.2f</td>", e->p->mean);
        else if (numeric)
            h_raw(h, "<td class=\"absent\">\xe2\x80\x93</td>");
        h_fmt(h, "<td class=\"n\">%" PRIu32 "</td><td class=\"n\">%" PRIu32 "</td></tr>\n", e->p->voters,
              e->p->participants);
    }
    h_raw(h, "</tbody>\n</table>\n");
}

/* A file name for a chart's download: the poll id, safe anywhere. */
static void report_chart_name(char *out, size_t outlen, const char *id)
{
    size_t k = 0;
    for (const char *s = id; *s && k + 1 < outlen; s++)
        out[k++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-'
                       ? *s
                       : '_';
    out[k] = '\0';
}

static void report_poll_section(struct html *h, const struct report_model *m, const struct report_poll *rp,
                                size_t index, bool tech)
{
    h_fmt(h, "<section class=\"poll\" id=\"poll-%zu\">\n<h2>", index);
    h_esc(h, rp->question);
    h_fmt(h, "</h2>\n<p class=\"meta\">Asked in %zu run%s", rp->n_entries, rp->n_entries == 1 ? "" : "s");
    if (tech) {
        h_raw(h, " &middot; poll <code>");
        h_esc(h, rp->id);
        h_raw(h, "</code> &middot; ");
        h_esc(h, rp->kind);
        /* Where the newest run showed it, counted from 1 as everywhere. */
        const struct results_poll *last = rp->n_entries ? rp->entries[rp->n_entries - 1].p : NULL;
        if (last && last->slide_index >= 0)
            h_fmt(h, " &middot; slide %d", last->slide_index + 1);
    }
    h_raw(h, "</p>\n");
    report_notes(h, rp);
    if (rp->n_labels) {
        char name[HU_POLL_ID_MAX + 1];
        report_chart_name(name, sizeof name, rp->id);
        h_raw(h, "<figure>\n");
        report_chart(h, m, rp, index);
        h_raw(h, "<figcaption>Share of voters choosing each option, run by run.</figcaption>\n");
        h_fmt(h, "<p class=\"chart-tools\"><button type=\"button\" data-chart=\"chart-%zu\" data-format=\"png\" "
                    "data-name=\"%s\">Save chart as PNG</button><button type=\"button\" data-chart=\"chart-%zu\" "
                    "data-format=\"svg\" data-name=\"%s\">Save chart as SVG</button></p>\n</figure>\n",
                 index, name, index, name);
    }
    if (rp->n_entries && rp->entries[rp->n_entries - 1].p->text)
        report_text_table(h, rp, tech);
    else
        report_table(h, rp, tech);
    h_raw(h, "</section>\n");
}

int report_html(const struct report_model *m, struct hu_buf *b)
{
    struct html h = {b, HU_OK};
    const struct report_opts *o = m->opts;
    bool tech = o && o->technical;
    const char *title = o && o->title && *o->title ? o->title : "Results across runs";
    /* The page's own policy, also when opened from disk: its one script by
     * hash, its inline style, images only as data (the PNG being drawn). */
    char hash[64];
    if (report_script_hash(hash, sizeof hash) != HU_OK)
        return HU_ERR_INTERNAL;
    h_raw(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                 "style-src 'unsafe-inline'; script-src 'sha256-");
    h_raw(&h, hash);
    h_raw(&h, "'; img-src data: blob:\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    h_esc(&h, title);
    h_raw(&h, "</title>\n<style>");
    h_raw(&h, report_style);
    h_raw(&h, "</style>\n</head>\n<body>\n<header>\n<h1>");
    h_esc(&h, title);
    char date[32];
    int64_t now = o && o->now_ms ? o->now_ms : (int64_t)time(NULL) * 1000;
    report_date(now, date, sizeof date);
    h_raw(&h, "</h1>\n<p class=\"generated\">");
    h_fmt(&h, "%zu poll%s over %zu run%s", m->n_polls, m->n_polls == 1 ? "" : "s", m->n_runs,
             m->n_runs == 1 ? "" : "s");
    if (m->n_sources > 1)
        h_fmt(&h, " from %zu data files", m->n_sources);
    h_raw(&h, ". Prepared on ");
    h_esc(&h, date);
    h_fmt(&h, " with handsup %s.</p>\n</header>\n", HANDSUP_VERSION);
    report_overview(&h, m, tech);
    for (size_t i = 0; i < m->n_polls; i++)
        report_poll_section(&h, m, &m->polls[i], i + 1, tech);
    if (!m->n_polls)
        h_raw(&h, "<p class=\"note\">No poll was opened in these runs.</p>\n");
    h_raw(&h, "<script>");
    h_raw(&h, report_script);
    h_raw(&h, "</script>\n</body>\n</html>\n");
    return h.rc;
}
