/* test_report.c -- the report across runs and data files (export/report.h):
 * runs in the order they started whatever file they come from, polls
 * matched by id, counts per option label when the options changed (with the
 * note), the long-form CSV exactly, the committee's HTML without codes or
 * UTC, hostile text escaped; plus the fields every export shares (codes as
 * read out, local times with their offset, percentages, deck names) and the
 * xlsx workbook's shape. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../check.h"
#include "base/hu_err.h"
#include "export/export.h"
#include "export/export_internal.h"
#include "export/report.h"

#define T_MAR 1772962200000LL /* 2026-03-08 09:30:00 UTC */
#define T_APR 1775640600000LL /* 2026-04-08 09:30:00 UTC */
#define T_SEP 1788859800000LL /* 2026-09-08 09:30:00 UTC */

static char *dup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        exit(1);
    return p;
}

/* A choice poll with the given labels (ids are the labels in lower case). */
static void poll(struct results_poll *p, const char *id, const char *question, const char *const *labels,
                 const uint32_t *counts, unsigned n, uint32_t participants, int64_t opened)
{
    memset(p, 0, sizeof *p);
    p->poll_id = dup(id);
    p->question = dup(question);
    p->kind = dup("choice");
    p->status = dup("closed");
    p->slide_index = 1;
    p->n_options = n;
    p->multiple = 1;
    for (unsigned i = 0; i < n; i++) {
        char lower[32];
        size_t k = 0;
        for (; labels[i][k] && k + 1 < sizeof lower; k++)
            lower[k] = (char)(labels[i][k] >= 'A' && labels[i][k] <= 'Z' ? labels[i][k] + 32 : labels[i][k]);
        lower[k] = '\0';
        p->options[i] = dup(lower);
        p->labels[i] = dup(labels[i]);
        p->counts[i] = counts[i];
        p->voters += counts[i];
    }
    p->participants = participants;
    p->opened_at = opened;
    p->closed_at = opened + 60000;
}

static void session(struct results_session *s, const char *code, const char *title, int run, const char *label,
                    int64_t started, size_t n_polls)
{
    memset(s, 0, sizeof *s);
    s->code = dup(code);
    s->title = dup(title);
    s->deck_path = dup("/srv/decks/workshop.md");
    s->created_at = started;
    s->run = run;
    s->run_label = dup(label);
    s->run_started_at = started;
    s->n_polls = n_polls;
    s->polls = calloc(n_polls ? n_polls : 1, sizeof *s->polls);
    if (!s->polls)
        exit(1);
}

static struct results *results_of(size_t n)
{
    struct results *r = calloc(1, sizeof *r);
    if (!r || !(r->sessions = calloc(n, sizeof *r->sessions)))
        exit(1);
    r->n_sessions = n;
    return r;
}

static char *render(const struct report_source *src, size_t n, const struct report_opts *o, enum export_format f)
{
    char *out = NULL;
    size_t len = 0;
    CHECK(report_render(src, n, o, f, &out, &len) == HU_OK);
    CHECK(out && strlen(out) == len);
    return out;
}

/* Laptop A ran the deck in March (run 1) and September (run 2); laptop B,
 * with the same code, in April with an option changed ("Money" became
 * "Training"). */
static void test_report(void)
{
    static const char *const old_labels[] = {"Trust", "Time", "Money"};
    static const char *const new_labels[] = {"Trust", "Time", "Training"};
    static const uint32_t mar[] = {5, 3, 2}, sep[] = {8, 1, 1}, apr[] = {1, 1, 2};
    struct results *a = results_of(2), *b = results_of(1);
    session(&a->sessions[0], "04045687", "Workshop", 1, "Cardiff", T_MAR, 1);
    poll(&a->sessions[0].polls[0], "priorities", "What matters most?", old_labels, mar, 3, 12, T_MAR + 60000);
    session(&a->sessions[1], "04045687", "Workshop", 2, "", T_SEP, 1);
    poll(&a->sessions[1].polls[0], "priorities", "What matters most now?", old_labels, sep, 3, 10, T_SEP + 60000);
    session(&b->sessions[0], "04045687", "Workshop <b>", 1, "Swansea", T_APR, 1);
    poll(&b->sessions[0].polls[0], "priorities", "What matters most?", new_labels, apr, 3, 4, T_APR + 60000);
    struct report_source src[2] = {{"cardiff.db", a}, {"swansea.db", b}};
    struct report_opts opts = {.now_ms = T_SEP + 86400000};

    char *csv = render(src, 2, &opts, EXPORT_CSV);
    static const char want[] =
        "\xef\xbb\xbf"
        "data_file,session_code,session_title,run,run_label,run_started,poll_id,question,kind,option,option_label,"
        "count,voters,joined\r\n"
        "cardiff.db,0404 5687,Workshop,1,Cardiff,2026-03-08T09:30:00+00:00,priorities,What matters most?,choice,"
        "trust,Trust,5,10,12\r\n"
        "cardiff.db,0404 5687,Workshop,1,Cardiff,2026-03-08T09:30:00+00:00,priorities,What matters most?,choice,"
        "time,Time,3,10,12\r\n"
        "cardiff.db,0404 5687,Workshop,1,Cardiff,2026-03-08T09:30:00+00:00,priorities,What matters most?,choice,"
        "money,Money,2,10,12\r\n"
        "swansea.db,0404 5687,Workshop <b>,1,Swansea,2026-04-08T09:30:00+00:00,priorities,What matters most?,choice,"
        "trust,Trust,1,4,4\r\n"
        "swansea.db,0404 5687,Workshop <b>,1,Swansea,2026-04-08T09:30:00+00:00,priorities,What matters most?,choice,"
        "time,Time,1,4,4\r\n"
        "swansea.db,0404 5687,Workshop <b>,1,Swansea,2026-04-08T09:30:00+00:00,priorities,What matters most?,choice,"
        "training,Training,2,4,4\r\n"
        "cardiff.db,0404 5687,Workshop,2,,2026-09-08T09:30:00+00:00,priorities,What matters most now?,choice,"
        "trust,Trust,8,10,10\r\n"
        "cardiff.db,0404 5687,Workshop,2,,2026-09-08T09:30:00+00:00,priorities,What matters most now?,choice,"
        "time,Time,1,10,10\r\n"
        "cardiff.db,0404 5687,Workshop,2,,2026-09-08T09:30:00+00:00,priorities,What matters most now?,choice,"
        "money,Money,1,10,10\r\n";
    CHECK_STR(csv, want);
    free(csv);

    char *html = render(src, 2, &opts, EXPORT_HTML);
    CHECK(html && strstr(html, "<h2>What matters most now?</h2>") != NULL);
    CHECK(html && strstr(html, "The wording of this question changed between runs") != NULL);
    CHECK(html && strstr(html, "\xe2\x80\x9cMoney\xe2\x80\x9d was not offered in Swansea.") != NULL);
    CHECK(html && strstr(html, "\xe2\x80\x9cTraining\xe2\x80\x9d was not offered in Cardiff, Run 2.") != NULL);
    CHECK(html && strstr(html, "<th>Trust</th><th>Time</th><th>Money</th><th>Training</th>") != NULL);
    CHECK(html && strstr(html, "<td>Cardiff</td><td>8 Mar 2026</td><td class=\"n\">5 <span class=\"pct\">(50%)</span>"));
    CHECK(html && strstr(html, "Workshop &lt;b&gt;") != NULL && !strstr(html, "Workshop <b>"));
    CHECK(html && !strstr(html, "0404") && !strstr(html, "UTC") && !strstr(html, "cardiff.db"));
    CHECK(html && strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                               "style-src 'unsafe-inline'; script-src 'sha256-") != NULL);
    CHECK(html && strstr(html, report_html_script()) != NULL);
    free(html);
    opts.technical = true;
    html = render(src, 2, &opts, EXPORT_HTML);
    CHECK(html && strstr(html, "0404 5687") && strstr(html, "swansea.db") && strstr(html, "(UTC+00:00)"));
    CHECK(html && strstr(html, "poll <code>priorities</code> &middot; choice &middot; slide 2") != NULL);
    free(html);

    /* Only the polls asked for. */
    const char *const only[] = {"nothing-like-it"};
    struct report_opts none = {.polls = only, .n_polls = 1, .now_ms = 1};
    char *empty = render(src, 2, &none, EXPORT_JSON);
    CHECK(empty && strstr(empty, "\"polls\": []") != NULL);
    free(empty);
    char *x = NULL;
    size_t len = 0;
    CHECK(report_render(src, 2, &opts, EXPORT_XLSX, &x, &len) == HU_ERR_BAD_MESSAGE);
    results_free(a);
    results_free(b);
}

static void test_fields(void)
{
    char out[EXPORT_TIME_LEN], code[EXPORT_CODE_LEN], pct[16];
    CHECK_STR(export_code("04045687", code), "0404 5687");
    CHECK_STR(export_code("1234", code), "1234");
    CHECK_STR(export_code(NULL, code), "");
    CHECK_STR(export_percent(2, 3, pct), "66.7");
    CHECK_STR(export_percent(1, 8, pct), "12.5");
    CHECK_STR(export_percent(0, 3, pct), "0.0");
    CHECK_STR(export_percent(3, 0, pct), "");
    CHECK_STR(export_deck_name("/srv/decks/workshop.md"), "workshop.md");
    CHECK_STR(export_deck_name("workshop.md"), "workshop.md");
    CHECK_STR(export_local_time(0, out), "");
    CHECK_STR(export_local_time(T_MAR, out), "2026-03-08T09:30:00+00:00");
    /* A summer date in London: the offset an organiser's clock shows. */
    setenv("TZ", "Europe/London", 1);
    tzset();
    CHECK_STR(export_local_time(T_SEP, out), "2026-09-08T10:30:00+01:00");
    setenv("TZ", "America/St_Johns", 1);
    tzset();
    CHECK_STR(export_local_time(T_MAR, out), "2026-03-08T07:00:00-02:30");
    setenv("TZ", "UTC", 1);
    tzset();
}

/* The workbook: a zip holding one sheet per session, whatever the titles
 * hold that Excel refuses in a sheet name. */
static void test_xlsx(void)
{
    static const char *const labels[] = {"Yes", "No"};
    static const uint32_t counts[] = {3, 1};
    struct results *r = results_of(3);
    session(&r->sessions[0], "04045687", "Plan [draft]: what/why?", 1, "", T_MAR, 1);
    poll(&r->sessions[0].polls[0], "q1", "=SUM(A1:A9)", labels, counts, 2, 5, T_MAR);
    session(&r->sessions[1], "04045687", "Plan [draft]: what/why?", 2, "", T_APR, 1);
    poll(&r->sessions[1].polls[0], "q1", "Again?", labels, counts, 2, 5, T_APR);
    session(&r->sessions[2], "12345678", "No polls", 1, "", T_SEP, 0);
    /* Its audience asked one question: a table of its own, as polls have. */
    struct results_session *q = &r->sessions[2];
    if (!(q->questions = calloc(1, sizeof *q->questions)))
        exit(1);
    q->n_questions = 1;
    q->questions[0].id = 1;
    q->questions[0].text = dup("=cmd|' /C calc'!A0");
    q->questions[0].votes = 4;
    q->questions[0].status = "open";
    q->questions[0].at = T_SEP;
    char *x = NULL;
    size_t len = 0;
    CHECK(export_render(r, EXPORT_XLSX, &x, &len) == HU_OK);
    CHECK(x && len > 1000 && memcmp(x, "PK\x03\x04", 4) == 0);
    /* The zip's directory names every part: three sheets, two tables of
     * polls and one of questions, and no table of polls for the session
     * without any. */
    const char *parts[] = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
                           "xl/tables/table1.xml", "xl/tables/table2.xml", "xl/tables/table3.xml",
                           "xl/workbook.xml"};
    for (size_t i = 0; x && i < sizeof parts / sizeof parts[0]; i++)
        CHECK(memmem(x, len, parts[i], strlen(parts[i])) != NULL);
    CHECK(x && memmem(x, len, "xl/tables/table4.xml", 20) == NULL);
    CHECK_STR(export_mime(EXPORT_XLSX), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    free(x);
    results_free(r);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    test_fields();
    test_report();
    test_xlsx();
    return check_done();
}
