/* export_xlsx.c -- results as an Excel workbook (libxlsxwriter), one sheet
 * per session (per run, when several runs are exported).
 *
 * What an organiser needs that CSV cannot give: real numbers and real dates
 * (cells a pivot table and a date filter take without conversion), codes
 * that are text, and the polls as an Excel table (header, filter buttons,
 * banded rows).  A sheet opens with the session's facts (title, join code,
 * deck, run, start and end, participants) and then the table, one row per
 * option:
 *   Slide, Poll, Question, Kind, Status, Option, Label, Count, Percent,
 *   Voters, Participants, Opened, Closed
 * then, when there are any, the open answers (Poll, Question, Answer,
 * Status, At) and the audience's questions (Audience question, Votes,
 * Status, Asked) as tables of their own.  Percent is a number (count /
 * voters) shown as 0.0%; times are the local time of the machine writing
 * the file, as a spreadsheet has no zones.
 *
 * libxlsxwriter 1.1.4 (Debian 12) writes only to a named file, so the
 * workbook goes to a private temporary file that is read back and removed.
 * Text cells are written as strings, never formulas: a question starting
 * with '=' stays text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/hu_err.h"
#include "export_internal.h"

/* Excel's own limits: 31 characters in a sheet name, which may not hold
 * any of []:*?/\ . */
#define XLSX_SHEET_NAME_MAX 31
#define XLSX_TABLE_COLS 13
/* A sheet name being made: a title cut to fit (96 bytes), a run suffix and " (NN)". */
#define XLSX_NAME_BUF 160

/* The state of one workbook being written: formats are made once. */
struct xlsx {
    lxw_workbook *wb;
    lxw_format *bold, *title, *date, *pct, *wrap;
    int rc;
};

static void x_check(struct xlsx *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->rc == HU_OK)
        x->rc = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? HU_ERR_NOMEM : HU_ERR_INTERNAL;
}

/* A string cell; an empty or absent string leaves the cell blank. */
static void x_text(struct xlsx *x, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    if (s && *s)
        x_check(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f));
}

static void x_number(struct xlsx *x, lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    x_check(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f));
}

/* A date cell in local time; blank for "never" (0). */
static void x_time(struct xlsx *x, lxw_worksheet *ws, int row, int col, int64_t ms)
{
    if (ms <= 0)
        return;
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&secs, &tm))
        return;
    lxw_datetime dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    x_check(x, worksheet_write_datetime(ws, (lxw_row_t)row, (lxw_col_t)col, &dt, x->date));
}

/* A sheet name Excel accepts and no other sheet of the workbook has:
 * the session's title (or code) cut to fit, forbidden characters as '-',
 * a run number when there is one, " (2)" style suffixes against clashes. */
static void xlsx_sheet_name(struct xlsx *x, const struct results_session *s, char out[XLSX_NAME_BUF])
{
    char base[96], suffix[32] = "";
    const char *title = s->title && *s->title ? s->title : s->code ? s->code : "Session";
    if (s->run > 0)
        snprintf(suffix, sizeof suffix, " run %d", s->run);
    size_t room = XLSX_SHEET_NAME_MAX - strlen(suffix) - 5; /* and a " (NN)" if it clashes */
    size_t n = 0;
    /* Cut by characters, not bytes: Excel counts characters. */
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)title; *p && n + 4 < sizeof base; p++) {
        if ((*p & 0xC0) != 0x80) {
            if (chars == room)
                break;
            chars++;
        }
        base[n++] = strchr("[]:*?/\\", *p) ? '-' : (char)*p;
    }
    base[n] = '\0';
    /* A leading or trailing apostrophe is refused by Excel too. */
    if (base[0] == '\'')
        base[0] = '-';
    if (n > 0 && base[n - 1] == '\'')
        base[n - 1] = '-';
    snprintf(out, XLSX_NAME_BUF, "%s%s", base, suffix);
    for (int k = 2; k < 100 && workbook_get_worksheet_by_name(x->wb, out); k++)
        snprintf(out, XLSX_NAME_BUF, "%s%s (%d)", base, suffix, k);
}

static const char *const xlsx_headers_polls[XLSX_TABLE_COLS] = {
    "Slide", "Poll", "Question", "Kind", "Status", "Option", "Label",
    "Count", "Percent", "Voters", "Participants", "Opened", "Closed",
};

/* One table row: the poll's columns and, when i < n_options, option i's. */
static void xlsx_row(struct xlsx *x, lxw_worksheet *ws, int row, const struct results_poll *p, int i)
{
    if (p->slide_index >= 0)
        x_number(x, ws, row, 0, p->slide_index + 1, NULL);
    x_text(x, ws, row, 1, p->poll_id, NULL);
    x_text(x, ws, row, 2, p->question, x->wrap);
    x_text(x, ws, row, 3, p->kind, NULL);
    x_text(x, ws, row, 4, p->removed ? "removed" : p->status, NULL);
    if (i >= 0) {
        char spare[16];
        x_text(x, ws, row, 5, export_option_name(p, (unsigned)i, spare), NULL);
        x_text(x, ws, row, 6, export_option_label(p, (unsigned)i, spare), NULL);
        x_number(x, ws, row, 7, p->counts[i], NULL);
        if (p->voters)
            x_number(x, ws, row, 8, (double)p->counts[i] / p->voters, x->pct);
    }
    x_number(x, ws, row, 9, p->voters, NULL);
    x_number(x, ws, row, 10, p->participants, NULL);
    x_time(x, ws, row, 11, p->opened_at);
    x_time(x, ws, row, 12, p->closed_at);
}

/* Makes rows first..last (a header row and at least one data row) an Excel
 * table called name<table_no>, its columns named by headers. */
static void xlsx_table(struct xlsx *x, lxw_worksheet *ws, int first, int last, const char *const *headers,
                       int ncols, const char *name, int table_no)
{
    lxw_table_column cols[XLSX_TABLE_COLS], *colp[XLSX_TABLE_COLS + 1];
    memset(cols, 0, sizeof cols);
    for (int c = 0; c < ncols && c < XLSX_TABLE_COLS; c++) {
        cols[c].header = (char *)headers[c];
        colp[c] = &cols[c];
    }
    colp[ncols] = NULL;
    char tname[32];
    snprintf(tname, sizeof tname, "%s%d", name, table_no);
    lxw_table_options opt = {.name = tname, .style_type = LXW_TABLE_STYLE_TYPE_MEDIUM, .style_type_number = 2,
                             .columns = colp};
    x_check(x, worksheet_add_table(ws, (lxw_row_t)first, 0, (lxw_row_t)last, (lxw_col_t)(ncols - 1), &opt));
}

static void xlsx_headers(struct xlsx *x, lxw_worksheet *ws, int row, const char *const *headers, int ncols)
{
    for (int c = 0; c < ncols; c++)
        x_text(x, ws, row, c, headers[c], x->bold);
}

static const char *const xlsx_answer_headers[] = {"Poll", "Question", "Answer", "Status", "At"};
static const char *const xlsx_question_headers[] = {"Audience question", "Votes", "Status", "Asked"};

/* Below the polls: every open answer, then the audience's questions, each
 * as a table of its own (when there are any).  Returns the next free row. */
static int xlsx_texts(struct xlsx *x, lxw_worksheet *ws, const struct results_session *s, int row, int table_no)
{
    size_t n_answers = 0;
    for (size_t j = 0; s->polls && j < s->n_polls; j++)
        n_answers += s->polls[j].n_answers;
    if (n_answers) {
        int first = ++row;
        xlsx_headers(x, ws, row++, xlsx_answer_headers, 5);
        for (size_t j = 0; s->polls && j < s->n_polls; j++)
            for (size_t k = 0; k < s->polls[j].n_answers; k++, row++) {
                const struct results_answer *a = &s->polls[j].answers[k];
                x_text(x, ws, row, 0, s->polls[j].poll_id, NULL);
                x_text(x, ws, row, 1, s->polls[j].question, x->wrap);
                x_text(x, ws, row, 2, a->text, x->wrap);
                x_text(x, ws, row, 3, a->status, NULL);
                x_time(x, ws, row, 4, a->at);
            }
        xlsx_table(x, ws, first, row - 1, xlsx_answer_headers, 5, "Answers", table_no);
    }
    if (s->questions && s->n_questions) {
        int first = ++row;
        xlsx_headers(x, ws, row++, xlsx_question_headers, 4);
        for (size_t k = 0; k < s->n_questions; k++, row++) {
            const struct results_question *q = &s->questions[k];
            x_text(x, ws, row, 0, q->text, x->wrap);
            x_number(x, ws, row, 1, q->votes, NULL);
            x_text(x, ws, row, 2, q->status, NULL);
            x_time(x, ws, row, 3, q->at);
        }
        xlsx_table(x, ws, first, row - 1, xlsx_question_headers, 4, "Questions", table_no);
    }
    return row;
}

static void xlsx_sheet(struct xlsx *x, const struct results_session *s, int table_no)
{
    char name[XLSX_NAME_BUF], code[EXPORT_CODE_LEN];
    xlsx_sheet_name(x, s, name);
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws) {
        x_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    int row = 0;
    x_text(x, ws, row++, 0, s->title, x->title);
    x_text(x, ws, row, 0, "Join code", x->bold);
    x_text(x, ws, row++, 1, export_code(s->code, code), NULL);
    x_text(x, ws, row, 0, "Deck", x->bold);
    x_text(x, ws, row++, 1, export_deck_name(s->deck_path), NULL);
    if (s->run > 0) {
        x_text(x, ws, row, 0, "Run", x->bold);
        x_number(x, ws, row, 1, s->run, NULL);
        x_text(x, ws, row++, 2, s->run_label, NULL);
    }
    x_text(x, ws, row, 0, "Started", x->bold);
    x_time(x, ws, row++, 1, s->run_started_at > 0 ? s->run_started_at : s->created_at);
    if (s->run_ended_at > 0) {
        x_text(x, ws, row, 0, "Ended", x->bold);
        x_time(x, ws, row++, 1, s->run_ended_at);
    }
    x_text(x, ws, row, 0, "Participants", x->bold);
    x_number(x, ws, row++, 1, s->participants, NULL);
    row++;

    int first = row;
    xlsx_headers(x, ws, row++, xlsx_headers_polls, XLSX_TABLE_COLS);
    for (size_t j = 0; s->polls && j < s->n_polls; j++) {
        const struct results_poll *p = &s->polls[j];
        unsigned n = p->text ? 0 : export_n_options(p);
        if (n == 0)
            xlsx_row(x, ws, row++, p, -1);
        for (unsigned i = 0; i < n; i++)
            xlsx_row(x, ws, row++, p, (int)i);
    }
    /* An Excel table needs a data row; a session without polls gets none. */
    if (row > first + 1)
        xlsx_table(x, ws, first, row - 1, xlsx_headers_polls, XLSX_TABLE_COLS, "Polls", table_no);
    xlsx_texts(x, ws, s, row, table_no);
    x_check(x, worksheet_set_column(ws, 0, 0, 12, NULL));
    x_check(x, worksheet_set_column(ws, 1, 1, 16, NULL));
    x_check(x, worksheet_set_column(ws, 2, 2, 48, NULL));
    x_check(x, worksheet_set_column(ws, 3, 10, 11, NULL));
    x_check(x, worksheet_set_column(ws, 11, 12, 17, NULL));
    worksheet_freeze_panes(ws, (lxw_row_t)(first + 1), 0);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_landscape(ws);
}

/* Reads the whole file at path into b. */
static int xlsx_slurp(const char *path, struct hu_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return HU_ERR_IO;
    char chunk[16384];
    size_t n;
    int rc = HU_OK;
    while (rc == HU_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = hu_buf_append(b, chunk, n);
    if (rc == HU_OK && ferror(f))
        rc = HU_ERR_IO;
    fclose(f);
    return rc;
}

int export_xlsx(const struct results *r, struct hu_buf *b)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/handsup-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof path)
        return HU_ERR_IO;
    /* mkstemp creates the name privately (0600); libxlsxwriter then rewrites
     * the file by that name. */
    int fd = mkstemp(path);
    if (fd < 0)
        return HU_ERR_IO;
    close(fd);
    struct xlsx x = {0};
    x.rc = HU_OK;
    x.wb = workbook_new(path);
    if (!x.wb) {
        unlink(path);
        return HU_ERR_NOMEM;
    }
    x.bold = workbook_add_format(x.wb);
    x.title = workbook_add_format(x.wb);
    x.date = workbook_add_format(x.wb);
    x.pct = workbook_add_format(x.wb);
    x.wrap = workbook_add_format(x.wb);
    if (!x.bold || !x.title || !x.date || !x.pct || !x.wrap) {
        x.rc = HU_ERR_NOMEM;
    } else {
        format_set_bold(x.bold);
        format_set_bold(x.title);
        format_set_font_size(x.title, 14);
        format_set_num_format(x.date, "yyyy-mm-dd hh:mm");
        format_set_num_format(x.pct, "0.0%");
        format_set_text_wrap(x.wrap);
        format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);
    }
    for (size_t i = 0; x.rc == HU_OK && i < r->n_sessions; i++)
        xlsx_sheet(&x, &r->sessions[i], (int)i + 1);
    if (x.rc == HU_OK && r->n_sessions == 0) {
        lxw_worksheet *ws = workbook_add_worksheet(x.wb, "Results");
        if (ws)
            x_text(&x, ws, 0, 0, "No sessions.", NULL);
    }
    /* workbook_close writes the file and frees the workbook, even on error. */
    lxw_error e = workbook_close(x.wb);
    if (x.rc == HU_OK && e != LXW_NO_ERROR)
        x.rc = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? HU_ERR_NOMEM : HU_ERR_IO;
    if (x.rc == HU_OK)
        x.rc = xlsx_slurp(path, b);
    int saved = errno;
    unlink(path);
    errno = saved;
    return x.rc;
}
