/* export_csv.c -- results as CSV: RFC 4180, UTF-8, one row per poll.
 *
 * Columns are fixed so a spreadsheet or script can rely on them:
 *   session,deck_title,poll_id,question,kind,status,yes,no,voters,
 *   participants,opened_at,closed_at,removed
 * Every session's polls follow one header row.  No byte order mark: it
 * would become part of the first header name for most CSV readers. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "export_internal.h"

static const char csv_header[] = "session,deck_title,poll_id,question,kind,status,yes,no,voters,"
                                 "participants,opened_at,closed_at,removed\r\n";

/* Appends one text cell.  A cell a spreadsheet would take for a formula
 * (first character = + - @, or TAB/CR which some strip before looking) gets
 * a leading apostrophe, the OWASP advice against CSV injection: the text
 * stays readable and is never evaluated.  Then RFC 4180: a cell holding a
 * comma, quote, CR or LF is quoted, with its quotes doubled. */
static int csv_text(struct hu_buf *b, const char *s, bool last)
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

/* The yes and no columns come from the options named "yes" and "no" (0 when
 * a poll has no such option).  yesno is the only kind today; when kinds with
 * other options arrive they will need their own columns, and these two stay
 * as they are so that existing readers of the file keep working. */
static int csv_poll(struct hu_buf *b, const struct results_session *s, const struct results_poll *p)
{
    char opened[EXPORT_TIME_LEN], closed[EXPORT_TIME_LEN];
    int rc = csv_text(b, s->code, false);
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
        rc = csv_text(b, export_iso_time(p->opened_at, opened), false);
    if (rc == HU_OK)
        rc = csv_text(b, export_iso_time(p->closed_at, closed), false);
    if (rc == HU_OK)
        rc = csv_text(b, p->removed ? "true" : "false", true);
    return rc;
}

int export_csv(const struct results *r, struct hu_buf *b)
{
    int rc = hu_buf_puts(b, csv_header);
    for (size_t i = 0; rc == HU_OK && i < r->n_sessions; i++) {
        const struct results_session *s = &r->sessions[i];
        for (size_t j = 0; rc == HU_OK && s->polls && j < s->n_polls; j++)
            rc = csv_poll(b, s, &s->polls[j]);
    }
    return rc;
}
