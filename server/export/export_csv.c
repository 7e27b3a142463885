/* export_csv.c -- results as CSV: RFC 4180, UTF-8, one row per poll.
 *
 * Columns are fixed so a spreadsheet or script can rely on them:
 *   session,deck_title,poll_id,question,kind,status,yes,no,voters,
 *   participants,opened_at,closed_at,removed,slide,yes_percent,no_percent,
 *   run,run_label,run_started
 * (the last six came with runs, after the first release's, so readers of
 * those keep working).  Written for the spreadsheets organisers open it in
 * (DESIGN section 10): a UTF-8 byte order mark, without which Excel and
 * LibreOffice misread every curly quote; the session's code as it is read
 * out ("0404 5687"), which a spreadsheet keeps as text with its leading
 * zero; times in the local time zone with their offset; slide numbers from
 * 1; percentages of voters with one decimal.  Every session's polls (one
 * session per run exported) follow one header row. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "export_internal.h"

static const char csv_header[] = "session,deck_title,poll_id,question,kind,status,yes,no,voters,"
                                 "participants,opened_at,closed_at,removed,slide,yes_percent,no_percent,"
                                 "run,run_label,run_started\r\n";

/* One text cell (export_csv_cell, export_fields.c). */
static int csv_text(struct hu_buf *b, const char *s, bool last)
{
    return export_csv_cell(b, s, last);
}

/* The yes and no columns come from the options named "yes" and "no" (0 when
 * a poll has no such option).  yesno is the only kind today; when kinds with
 * other options arrive they will need their own columns, and these two stay
 * as they are so that existing readers of the file keep working. */
static int csv_poll(struct hu_buf *b, const struct results_session *s, const struct results_poll *p)
{
    char opened[EXPORT_TIME_LEN], closed[EXPORT_TIME_LEN], started[EXPORT_TIME_LEN], code[EXPORT_CODE_LEN];
    char yes[16], no[16];
    int rc = csv_text(b, export_code(s->code, code), false);
    if (rc == HU_OK)
        rc = csv_text(b, s->title, false);
    if (rc == HU_OK)
        rc = csv_text(b, p->poll_id, false);
    if (rc == HU_OK)
        rc = csv_text(b, p->question, false);
    if (rc == HU_OK)
        rc = csv_text(b, p->kind, false);
    if (rc == HU_OK)
        rc = csv_text(b, p->status, false);
    if (rc == HU_OK)
        rc = hu_buf_printf(b, "%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",",
                           export_option_count(p, "yes"), export_option_count(p, "no"), p->voters,
                           p->participants);
    if (rc == HU_OK)
        rc = csv_text(b, export_local_time(p->opened_at, opened), false);
    if (rc == HU_OK)
        rc = csv_text(b, export_local_time(p->closed_at, closed), false);
    if (rc == HU_OK)
        rc = csv_text(b, p->removed ? "true" : "false", false);
    if (rc == HU_OK && p->slide_index >= 0)
        rc = hu_buf_printf(b, "%d", p->slide_index + 1);
    if (rc == HU_OK)
        rc = hu_buf_printf(b, ",%s,%s,", export_percent(export_option_count(p, "yes"), p->voters, yes),
                           export_percent(export_option_count(p, "no"), p->voters, no));
    if (rc == HU_OK && s->run > 0)
        rc = hu_buf_printf(b, "%d", s->run);
    if (rc == HU_OK)
        rc = hu_buf_puts(b, ",");
    if (rc == HU_OK)
        rc = csv_text(b, s->run_label, false);
    if (rc == HU_OK)
        rc = csv_text(b, export_local_time(s->run_started_at, started), true);
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
