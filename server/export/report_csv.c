/* report_csv.c -- the report in long form, for a pivot table.
 *
 * One row per data file, session, run, poll and option, with exactly the
 * columns of DESIGN section 10:
 *   data_file,session_code,session_title,run,run_label,run_started,poll_id,
 *   question,kind,option,option_label,count,voters,joined
 * As in every CSV handsup writes: a UTF-8 byte order mark, CRLF lines, RFC
 * 4180 quoting, text that a spreadsheet would take for a formula defused,
 * codes written as read out ("0404 5687") so they stay text, and times in
 * local time with their offset.  Rows go poll by poll (in the report's
 * order), then run by run (in the order they started), then option by
 * option (in each run's order).  An open text poll has one row per entry of
 * its word cloud (answers counted alike once case and spacing are set
 * aside), with option empty, option_label the entry and count how many gave
 * it; a run where it got none has one row with those three empty.  joined is
 * how many had joined the run when the poll closed (now, if still open). */
#include <inttypes.h>

#include "base/hu_err.h"
#include "report_model.h"

static const char report_csv_header[] = "data_file,session_code,session_title,run,run_label,run_started,poll_id,"
                                        "question,kind,option,option_label,count,voters,joined\r\n";

/* option >= 0: that option; -1: nothing counted; -2 - k: text entry k. */
static int report_csv_row(struct hu_buf *b, const struct report_entry *e, int option)
{
    const struct results_session *s = e->run->s;
    const struct results_poll *p = e->p;
    char code[EXPORT_CODE_LEN], started[EXPORT_TIME_LEN], spare[16];
    int rc = export_csv_text(b, e->run->data_file, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, export_code(s->code, code), false);
    if (rc == HU_OK)
        rc = export_csv_text(b, s->title, false);
    if (rc == HU_OK)
        rc = hu_buf_printf(b, "%d,", s->run > 0 ? s->run : 1);
    if (rc == HU_OK)
        rc = export_csv_text(b, s->run_label, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, export_local_time(report_run_start(e->run), started), false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->poll_id, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->question, false);
    if (rc == HU_OK)
        rc = export_csv_text(b, p->kind, false);
    if (option >= 0) {
        if (rc == HU_OK)
            rc = export_csv_text(b, export_option_name(p, (unsigned)option, spare), false);
        if (rc == HU_OK)
            rc = export_csv_text(b, report_option_label(p, (unsigned)option, spare), false);
        if (rc == HU_OK)
            rc = hu_buf_printf(b, "%" PRIu32 ",", p->counts[option]);
    } else if (option <= -2) {
        const struct results_entry *x = &p->entries[-2 - option];
        if (rc == HU_OK)
            rc = hu_buf_puts(b, ",");
        if (rc == HU_OK)
            rc = export_csv_text(b, x->text, false);
        if (rc == HU_OK)
            rc = hu_buf_printf(b, "%" PRIu32 ",", x->count);
    } else if (rc == HU_OK) {
        rc = hu_buf_puts(b, ",,,");
    }
    if (rc == HU_OK)
        rc = hu_buf_printf(b, "%" PRIu32 ",%" PRIu32 "\r\n", p->voters, p->participants);
    return rc;
}

int report_csv(const struct report_model *m, struct hu_buf *b)
{
    int rc = hu_buf_puts(b, EXPORT_BOM);
    if (rc == HU_OK)
        rc = hu_buf_puts(b, report_csv_header);
    for (size_t i = 0; rc == HU_OK && i < m->n_polls; i++) {
        const struct report_poll *rp = &m->polls[i];
        for (size_t k = 0; rc == HU_OK && k < rp->n_entries; k++) {
            const struct report_entry *e = &rp->entries[k];
            if (e->p->text) {
                for (size_t x = 0; rc == HU_OK && x < e->p->n_entries; x++)
                    rc = report_csv_row(b, e, -2 - (int)x);
                if (rc == HU_OK && !e->p->n_entries)
                    rc = report_csv_row(b, e, -1);
                continue;
            }
            unsigned n = export_n_options(e->p);
            if (n == 0)
                rc = report_csv_row(b, e, -1);
            for (unsigned o = 0; rc == HU_OK && o < n; o++)
                rc = report_csv_row(b, e, (int)o);
        }
    }
    return rc;
}
