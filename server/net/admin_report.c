/* admin_report.c -- answers read from the data file or rendered through a
 * temporary file, on the organisers' worker: results of a run other than
 * the live one (?run=N, ?run=all), workbooks (results.xlsx), and the report
 * across every run of the server's data file (GET /api/admin/report.<fmt>).
 *
 * The worker first waits for what the loop has queued for the store
 * (store_flush), so a report asked for right after a vote shows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "export/report.h"
#include "http_impl.h"

/* Poll ids a report may be limited to in one request. */
#define ADMIN_REPORT_POLLS_MAX 64

struct admin_results_job {
    struct http_job http;        /* first: the request */
    struct store *store;
    char code[HU_CODE_LEN + 1];
    int run;                     /* a number, STORE_RUN_ALL, or STORE_RUN_LATEST */
    enum export_format fmt;
    struct results *results;     /* built from memory by the loop, or NULL to read. Owned */
    bool report;                 /* the report of every run, not results */
    struct report_opts opts;
    char polls[ADMIN_REPORT_POLLS_MAX][HU_POLL_ID_MAX + 1];
    const char *poll_list[ADMIN_REPORT_POLLS_MAX];
    char data_file[256];         /* the data file's name, as the report shows it */
    /* OUT of the worker: */
    int err;
    char message[512];
    char *body;                  /* From malloc() */
    size_t len;
};

static void admin_results_work(void *arg)
{
    struct admin_results_job *j = arg;
    if (!j->results) {
        store_flush(j->store);
        const char *codes[1] = {j->code};
        j->err = store_read_results(j->store, codes, j->code[0] ? 1 : 0, j->run, &j->results, j->message,
                                    sizeof j->message);
        if (j->err != HU_OK)
            return;
    }
    if (j->report) {
        struct report_source src = {j->data_file, j->results};
        j->err = report_render(&src, 1, &j->opts, j->fmt, &j->body, &j->len);
    } else {
        j->err = export_render(j->results, j->fmt, &j->body, &j->len);
    }
    if (j->err != HU_OK)
        snprintf(j->message, sizeof j->message, "cannot format the results: %s", hu_strerror(j->err));
}

static void admin_results_done(struct server *srv, void *arg, bool ran)
{
    (void)srv;
    struct admin_results_job *j = arg;
    if (ran && j->err == HU_OK) {
        char disp[128];
        const char *name = j->report ? "report" : j->code;
        if (j->run > 0 && !j->report)
            snprintf(disp, sizeof disp, "attachment; filename=\"%s-run%d.%s\"", name, j->run, export_ext(j->fmt));
        else
            snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", name, export_ext(j->fmt));
        /* Workbooks are downloads; the other formats open in the browser. */
        bool attach = j->fmt == EXPORT_XLSX;
        http_job_answer(&j->http, 200, export_mime(j->fmt), j->body, j->len, attach ? "content-disposition:" : NULL,
                        attach ? disp : NULL);
        j->body = NULL;
    } else if (ran && j->err == HU_ERR_NOT_FOUND) {
        http_job_error(&j->http, 404, "not_found", j->message[0] ? j->message : "no such run");
    } else if (ran) {
        http_job_error(&j->http, 500, "internal", j->message[0] ? j->message : hu_strerror(j->err));
    }
    results_free(j->results);
    free(j->body);
    free(j);
}

static int admin_results_submit(struct server *srv, struct lws *wsi, struct http_pss *p, struct admin_results_job *j)
{
    j->store = srv->store;
    bool submitted;
    int rc = http_job_start(srv, wsi, p, &j->http, admin_results_work, admin_results_done, &submitted);
    if (!submitted) {
        results_free(j->results);
        free(j);
    }
    return rc;
}

int http_admin_results(struct server *srv, struct lws *wsi, struct http_pss *p, struct server_session *ss, int run,
                       enum export_format fmt)
{
    struct admin_results_job *j = calloc(1, sizeof *j);
    if (!j)
        return http_api_error(wsi, p, 500, "internal", "out of memory");
    snprintf(j->code, sizeof j->code, "%s", session_code(ss->session));
    j->fmt = fmt;
    j->run = run < 0 ? STORE_RUN_LATEST : run == 0 ? STORE_RUN_ALL : run;
    /* The live run comes from memory, as the other formats do. */
    if (run < 0 || run == session_run(ss->session)->number) {
        j->run = session_run(ss->session)->number;
        struct results *r = calloc(1, sizeof *r);
        if (!r || !(r->sessions = calloc(1, sizeof *r->sessions))) {
            free(r);
            free(j);
            return http_api_error(wsi, p, 500, "internal", "out of memory");
        }
        r->n_sessions = 1;
        j->results = r;
        if (session_results(ss->session, &r->sessions[0], net_now_ms()) != HU_OK) {
            results_free(r);
            free(j);
            return http_api_error(wsi, p, 500, "internal", "out of memory");
        }
    }
    return admin_results_submit(srv, wsi, p, j);
}

/* Every value of the query argument name ("poll=") into out. */
static size_t admin_report_args(struct lws *wsi, const char *name, char (*out)[HU_POLL_ID_MAX + 1], size_t max)
{
    size_t n = 0, nl = strlen(name);
    char frag[HU_POLL_ID_MAX + 32];
    for (int i = 0; n < max; i++) {
        int got = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (got < 0)
            break;
        if (strncmp(frag, name, nl) == 0 && frag[nl] && strlen(frag + nl) <= HU_POLL_ID_MAX)
            snprintf(out[n++], HU_POLL_ID_MAX + 1, "%s", frag + nl);
    }
    return n;
}

int admin_report(struct server *srv, struct lws *wsi, struct http_pss *p, enum export_format fmt)
{
    if (fmt == EXPORT_XLSX)
        return http_api_error(wsi, p, 404, "not_found", "the report comes as html, csv or json");
    struct admin_results_job *j = calloc(1, sizeof *j);
    if (!j)
        return http_api_error(wsi, p, 500, "internal", "out of memory");
    j->report = true;
    j->fmt = fmt;
    j->run = STORE_RUN_ALL;
    char code[32];
    const char *c = lws_get_urlarg_by_name(wsi, "code=", code, sizeof code);
    if (c) {
        struct route r;
        char path[64];
        snprintf(path, sizeof path, "/j/%s", c);
        route_parse(path, &r); /* the same reading of a code as everywhere: spaces allowed */
        if (r.kind != ROUTE_JOIN) {
            free(j);
            return http_api_error(wsi, p, 400, "bad_input", "code must be an 8-digit join code");
        }
        snprintf(j->code, sizeof j->code, "%s", r.code);
    }
    j->opts.n_polls = admin_report_args(wsi, "poll=", j->polls, ADMIN_REPORT_POLLS_MAX);
    for (size_t i = 0; i < j->opts.n_polls; i++)
        j->poll_list[i] = j->polls[i];
    j->opts.polls = j->poll_list;
    char flag[8];
    j->opts.technical = lws_get_urlarg_by_name(wsi, "technical=", flag, sizeof flag) && flag[0] == '1';
    const char *data = srv->cfg.data_path ? srv->cfg.data_path : "";
    const char *slash = strrchr(data, '/');
    snprintf(j->data_file, sizeof j->data_file, "%s", slash ? slash + 1 : data);
    return admin_results_submit(srv, wsi, p, j);
}
