/* export_csv.c -- results as CSV: RFC 4180, UTF-8, one row per poll; and
 * every open answer (answers.csv) and audience question (questions.csv).
 *
 * Columns are fixed so a spreadsheet or script can rely on them:
 *   session,deck_title,poll_id,question,kind,status,yes,no,voters,
 *   participants,opened_at,closed_at,removed,counts,mean,median,
 *   shown_answers,pending_answers,slide,percents,run,run_label,run_started
 * The first thirteen are the first release's; "counts" spells out every
 * kind's results ("Trust: 12; Time: 4", a scale's values, a text poll's
 * biggest entries) and "percents" the same as shares of the voters ("Trust:
 * 75.0%; Time: 25.0%"); the last five came with runs.  Every session's polls
 * (one session per run exported) follow one header row.
 *
 * Written for the spreadsheets organisers open it in (DESIGN section 10): a
 * UTF-8 byte order mark, without which Excel and LibreOffice misread every
 * curly quote; codes as they are read out ("0404 5687"), which a spreadsheet
 * keeps as text with their leading zero; times in the local time zone with
 * their offset; slides numbered from 1.  answers.csv and questions.csv are
 * written the same way and end with the run. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "export_internal.h"

static const char csv_header[] = "session,deck_title,poll_id,question,kind,status,yes,no,voters,"
                                 "participants,opened_at,closed_at,removed,counts,mean,median,shown_answers,"
                                 "pending_answers,slide,percents,run,run_label,run_started\r\n";

/* Text poll entries spelled out in the "counts" cell; answers.csv has all. */
#define CSV_ENTRIES_MAX 20

/* Appends one text cell.  A cell a spreadsheet would take for a formula
 * (first character = + - @, or TAB/CR which some strip before looking) gets
 * a leading apostrophe, the OWASP advice against CSV injection: the text
 * stays readable and is never evaluated.  Then RFC 4180: a cell holding a
 * comma, quote, CR or LF is quoted, with its quotes doubled. */
int export_csv_text(struct hu_buf *b, const char *s, bool last)
{
    if (!s)
        s = "";
    int rc = HU_OK;
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        rc = hu_buf_puts(b, "\"");
    if (rc == HU_OK && s[0] && strchr("=+-@\t\r", s[0]))
        rc = hu_buf_puts(b, "'");
    for (const char *p = s; rc == HU_OK && *p;) {
        const char *q = strchr(p, '"');
        size_t n = q ? (size_t)(q - p) + 1 : strlen(p);
        rc = hu_buf_append(b, p, n);
        if (rc == HU_OK && q)
            rc = hu_buf_puts(b, "\"");
        p += n;
    }
    if (rc == HU_OK && quote)
        rc = hu_buf_puts(b, "\"");
    if (rc == HU_OK)
        rc = hu_buf_puts(b, last ? "\r\n" : ",");
    return rc;
}

/* The "counts" cell: "label: n" for every option, or "text: n" for a text
 * poll's biggest entries, separated by "; ".  With percents, the options'
 * shares of the voters instead ("label: 75.0%"). */
static int csv_counts(struct hu_buf *b, const struct results_poll *p, bool percents)
{
    struct hu_buf cell;
    hu_buf_init(&cell, EXPORT_MAX_BYTES);
    int rc = HU_OK;
    for (unsigned i = 0; rc == HU_OK && !p->text && i < export_n_options(p); i++) {
        char spare[16], pct[16];
        const char *label = p->labels[i] ? p->labels[i] : export_option_name(p, i, spare);
        if (!percents)
            rc = hu_buf_printf(&cell, "%s%s: %" PRIu32, i ? "; " : "", label, p->counts[i]);
        else if (p->voters)
            rc = hu_buf_printf(&cell, "%s%s: %s%%", i ? "; " : "", label, export_percent(p->counts[i], p->voters, pct));
    }
    if (percents) {
        if (rc == HU_OK)
            rc = export_csv_text(b, cell.data ? cell.data : "", false);
        hu_buf_free(&cell);
        return rc;
    }
    for (size_t i = 0; rc == HU_OK && p->text && i < p->n_entries && i < CSV_ENTRIES_MAX; i++)
        rc = hu_buf_printf(&cell, "%s%s: %" PRIu32, i ? "; " : "", p->entries[i].text, p->entries[i].count);
    if (rc == HU_OK)
        rc = export_csv_text(b, cell.data ? cell.data : "", false);
    hu_buf_free(&cell);
    return rc;
}

/* The run's three cells (number, label, local start), ending the row. */
static int csv_run(struct hu_buf *b, const struct results_session *s, char started[EXPORT_TIME_LEN])
{
    int rc = s->run > 0 ? hu_buf_printf(b, "%d,", s->run) : hu_buf_puts(b, ",");
    if (rc == HU_OK)
        rc = export_csv_text(b, s->run_label, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, export_local_time(s->run_started_at, started), true);
    return rc;
}

/* The yes and no columns come from the options named "yes" and "no" (0 when
 * a poll has no such option); other kinds spell their results out in
 * "counts", so these two stay as they are for existing readers. */
static int csv_poll(struct hu_buf *b, const struct results_session *s, const struct results_poll *p)
{
    char opened[EXPORT_TIME_LEN], closed[EXPORT_TIME_LEN], started[EXPORT_TIME_LEN], code[EXPORT_CODE_LEN];
    int rc = export_csv_text(b, export_code(s->code, code), false);
    if (rc == HU_OK)
        rc = export_csv_text(b, s->title, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->poll_id, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->question, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->kind, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->status, false);
    if (rc == HU_OK)
        rc = hu_buf_printf(b, "%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",",
                           export_option_count(p, "yes"), export_option_count(p, "no"), p->voters,
                           p->participants);
    if (rc == HU_OK)
        rc = export_csv_text(b, export_local_time(p->opened_at, opened), false);
    if (rc == HU_OK)
        rc = export_csv_text(b, export_local_time(p->closed_at, closed), false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->removed ? "true" : "false", false);
    if (rc == HU_OK)
        rc = csv_counts(b, p, false);
    if (rc == HU_OK && p->numeric && p->voters)
        rc = hu_buf_printf(b, "%.2f,%.1f,", p->mean, p->median);
    else if (rc == HU_OK)
        rc = hu_buf_puts(b, ",,");
    if (rc == HU_OK && p->text)
        rc = hu_buf_printf(b, "%" PRIu32 ",%" PRIu32 ",", p->shown, p->pending);
    else if (rc == HU_OK)
        rc = hu_buf_puts(b, ",,");
    if (rc == HU_OK && p->slide_index >= 0)
        rc = hu_buf_printf(b, "%d", p->slide_index + 1);
    if (rc == HU_OK)
        rc = hu_buf_puts(b, ",");
    if (rc == HU_OK)
        rc = csv_counts(b, p, true);
    if (rc == HU_OK)
        rc = csv_run(b, s, started);
    return rc;
}

int export_csv(const struct results *r, struct hu_buf *b)
{
    int rc = hu_buf_puts(b, EXPORT_BOM);
    if (rc == HU_OK)
        rc = hu_buf_puts(b, csv_header);
    for (size_t i = 0; rc == HU_OK && i < r->n_sessions; i++) {
        const struct results_session *s = &r->sessions[i];
        for (size_t j = 0; rc == HU_OK && s->polls && j < s->n_polls; j++)
            rc = csv_poll(b, s, &s->polls[j]);
    }
    return rc;
}

int export_answers_csv(const struct results *r, struct hu_buf *b)
{
    int rc = hu_buf_puts(b, EXPORT_BOM "session,poll_id,question,answer_id,text,status,created_at,run\r\n");
    for (size_t i = 0; rc == HU_OK && i < r->n_sessions; i++) {
        const struct results_session *s = &r->sessions[i];
        for (size_t j = 0; rc == HU_OK && s->polls && j < s->n_polls; j++) {
            const struct results_poll *p = &s->polls[j];
            for (size_t k = 0; rc == HU_OK && k < p->n_answers; k++) {
                const struct results_answer *a = &p->answers[k];
                char at[EXPORT_TIME_LEN], code[EXPORT_CODE_LEN];
                rc = export_csv_text(b, export_code(s->code, code), false);
                if (rc == HU_OK)
                    rc = export_csv_text(b, p->poll_id, false);
                if (rc == HU_OK)
                    rc = export_csv_text(b, p->question, false);
                if (rc == HU_OK)
                    rc = hu_buf_printf(b, "%" PRIu32 ",", a->id);
                if (rc == HU_OK)
                    rc = export_csv_text(b, a->text, false);
                if (rc == HU_OK)
                    rc = export_csv_text(b, a->status, false);
                if (rc == HU_OK)
                    rc = export_csv_text(b, export_local_time(a->at, at), false);
                if (rc == HU_OK)
                    rc = s->run > 0 ? hu_buf_printf(b, "%d\r\n", s->run) : hu_buf_puts(b, "\r\n");
            }
        }
    }
    return rc;
}

int export_questions_csv(const struct results *r, struct hu_buf *b)
{
    int rc = hu_buf_puts(b, EXPORT_BOM "session,question_id,text,votes,status,asked_at,run\r\n");
    for (size_t i = 0; rc == HU_OK && i < r->n_sessions; i++) {
        const struct results_session *s = &r->sessions[i];
        for (size_t k = 0; rc == HU_OK && s->questions && k < s->n_questions; k++) {
            const struct results_question *q = &s->questions[k];
            char at[EXPORT_TIME_LEN], code[EXPORT_CODE_LEN];
            rc = export_csv_text(b, export_code(s->code, code), false);
            if (rc == HU_OK)
                rc = hu_buf_printf(b, "%" PRIu32 ",", q->id);
            if (rc == HU_OK)
                rc = export_csv_text(b, q->text, false);
            if (rc == HU_OK)
                rc = hu_buf_printf(b, "%" PRIu32 ",", q->votes);
            if (rc == HU_OK)
                rc = export_csv_text(b, q->status, false);
            if (rc == HU_OK)
                rc = export_csv_text(b, export_local_time(q->at, at), false);
            if (rc == HU_OK)
                rc = s->run > 0 ? hu_buf_printf(b, "%d\r\n", s->run) : hu_buf_puts(b, "\r\n");
        }
    }
    return rc;
}
