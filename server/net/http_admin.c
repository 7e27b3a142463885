/* http_admin.c -- the organiser's API (DESIGN section 10) and the HTTP
 * answers that wait for a job.
 *
 * Every route under /api/admin/ needs "Authorization: Bearer <admin key>"
 * (admin_key.c); without it, or with a presenter key or a wrong key, the
 * answer is 401 with WWW-Authenticate, before any body is looked at.  What
 * needs the disk (a deck upload, a run started or deleted, a report, a past
 * run's results, a workbook) is a job (job.h): the request waits, the loop
 * goes on, and the job's done hands an answer back that is sent when the
 * socket is writable.  The live figures of GET /api/admin/sessions come from
 * memory, so the page may ask once a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_key.h"
#include "base/hu_err.h"
#include "http_impl.h"

/* The largest request body: a deck, or a small JSON object. */
#define HTTP_ADMIN_BODY_MAX HU_DECK_MAX_BYTES

json_t *http_admin_time(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    char out[32];
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_null();
    return json_string(out);
}

/* --- answers that wait for a job --- */

int http_job_start(struct server *srv, struct lws *wsi, struct http_pss *p, struct http_job *job,
                   job_work_fn *work, job_done_fn *done, bool *submitted)
{
    *submitted = false;
    job->wsi = wsi;
    job->pss = p;
    int rc = job_submit(srv, work, done, job);
    if (rc != HU_OK) {
        job->wsi = NULL;
        job->pss = NULL;
        return http_api_error(wsi, p, 503, "server_busy", "the organisers' worker is busy; try again");
    }
    p->job = job;
    *submitted = true;
    return 0;
}

void http_job_answer(struct http_job *job, unsigned status, const char *type, char *body, size_t len,
                     const char *hname, const char *hvalue)
{
    struct http_answer *a = job->wsi ? calloc(1, sizeof *a) : NULL;
    if (!a) {
        free(body);
        if (job->wsi) /* out of memory: the client sees the connection drop */
            lws_set_timeout(job->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
        if (job->pss)
            job->pss->job = NULL;
        return;
    }
    a->status = status;
    a->type = type;
    a->body = body;
    a->len = len;
    if (hname && hvalue) {
        snprintf(a->hname, sizeof a->hname, "%s", hname);
        snprintf(a->hvalue, sizeof a->hvalue, "%s", hvalue);
    }
    job->pss->job = NULL;
    free(job->pss->answer);
    job->pss->answer = a;
    lws_callback_on_writable(job->wsi);
}

void http_job_json(struct http_job *job, unsigned status, json_t *json)
{
    char *body = json ? json_dumps(json, JSON_COMPACT) : NULL;
    json_decref(json);
    if (!body) {
        http_job_answer(job, 500, "text/plain; charset=utf-8", NULL, 0, NULL, NULL);
        return;
    }
    http_job_answer(job, status, "application/json", body, strlen(body), NULL, NULL);
}

void http_job_error(struct http_job *job, unsigned status, const char *code, const char *message)
{
    http_job_json(job, status, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message));
}

int http_answer_send(struct lws *wsi, struct http_pss *p)
{
    struct http_answer *a = p->answer;
    p->answer = NULL;
    int rc = http_respond(wsi, p, a->status, a->type, a->body, a->len, a->hname[0] ? a->hname : NULL,
                          a->hname[0] ? a->hvalue : NULL);
    free(a);
    return rc;
}

void http_admin_forget(struct http_pss *p)
{
    if (p->job) {
        p->job->wsi = NULL;
        p->job->pss = NULL;
        p->job = NULL;
    }
    if (p->answer) {
        free(p->answer->body);
        free(p->answer);
        p->answer = NULL;
    }
    hu_buf_free(&p->in);
    p->in_route = 0;
}

/* --- queries --- */

int http_query_run(struct lws *wsi, int *run)
{
    char v[32];
    *run = -1;
    const char *got = lws_get_urlarg_by_name(wsi, "run=", v, sizeof v);
    return got ? route_run_arg(got, true, run) : 0;
}

/* --- routes --- */

static int http_admin_unauthorized(struct lws *wsi, struct http_pss *p)
{
    return http_api_error(wsi, p, 401, "forbidden",
                          "the organiser's API needs Authorization: Bearer <admin key>");
}

static int http_admin_json(struct lws *wsi, struct http_pss *p, unsigned status, json_t *o)
{
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!body)
        return http_api_error(wsi, p, 500, "internal", "out of memory");
    return http_respond(wsi, p, status, "application/json", body, strlen(body), NULL, NULL);
}

static json_t *http_admin_session(struct server_session *ss)
{
    const struct session *s = ss->session;
    const struct session_run *run = session_run(s);
    char console[1100];
    snprintf(console, sizeof console, "%s/console", ss->presenter_url);
    const char *deck = session_deck(s)->path;
    const char *slash = strrchr(deck, '/');
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:i, s:s, s:o, s:b}, s:o}", "code",
                          session_code(s), "title", session_title(s), "deck", slash ? slash + 1 : deck, "joinUrl",
                          ss->join_url, "presenterUrl", ss->presenter_url, "consoleUrl", console, "live",
                          session_admin_json(s), "run", "number", run->number, "label", run->label, "startedAt",
                          http_admin_time(run->started_at), "resumed", run->resumed, "runs", admin_runs_json(ss));
    return o;
}

static int http_admin_sessions(struct server *srv, struct lws *wsi, struct http_pss *p)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < srv->n_sessions; i++)
        if (json_array_append_new(list, http_admin_session(&srv->sessions[i])) != 0) {
            json_decref(list);
            list = NULL;
        }
    const char *data = srv->cfg.data_path ? srv->cfg.data_path : "";
    const char *slash = strrchr(data, '/');
    json_t *o = list ? json_pack("{s:s, s:o, s:o, s:i}", "dataFile", slash ? slash + 1 : data, "now",
                                 http_admin_time(net_now_ms()), "sessions", list, "maxSessions", HU_SESSIONS_MAX)
                     : NULL;
    return http_admin_json(wsi, p, 200, o);
}

static int http_admin_method_not_allowed(struct lws *wsi, struct http_pss *p, const char *allow)
{
    char *body = strdup("{\"error\":{\"code\":\"bad_method\",\"message\":\"method not allowed here\"}}");
    if (!body)
        return -1;
    return http_respond(wsi, p, 405, "application/json", body, strlen(body), "allow:", allow);
}

int http_admin_get(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *r)
{
    if (!admin_key_ok(srv, wsi))
        return http_admin_unauthorized(wsi, p);
    struct server_session *ss = r->code[0] ? net_find_session(srv, r->code) : NULL;
    switch (r->kind) {
    case ROUTE_ADMIN_SESSIONS: return http_admin_sessions(srv, wsi, p);
    case ROUTE_ADMIN_REPORT: return admin_report(srv, wsi, p, r->format);
    case ROUTE_ADMIN_RUNS:
        if (!ss)
            return http_api_error(wsi, p, 404, "unknown_session", "no session has that code");
        return http_admin_json(wsi, p, 200, json_pack("{s:s, s:o}", "code", r->code, "runs", admin_runs_json(ss)));
    case ROUTE_ADMIN_DECKS: return http_admin_method_not_allowed(wsi, p, "POST");
    case ROUTE_ADMIN_RUN: return http_admin_method_not_allowed(wsi, p, "DELETE");
    default: return http_api_error(wsi, p, 404, "not_found", "no such route");
    }
}

/* POST and DELETE: only the organiser's routes take them. */
int http_admin_method(struct server *srv, struct lws *wsi, struct http_pss *p)
{
    char path[512];
    bool post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
    enum lws_token_indexes method = post ? WSI_TOKEN_POST_URI : WSI_TOKEN_DELETE_URI;
    struct route r;
    if (lws_hdr_copy(wsi, path, sizeof path, method) <= 0)
        path[0] = '\0';
    route_parse(path, &r);
    p->head = false;
    if (!route_is_admin(r.kind)) {
        /* No body is read: lws 4.1 does not ask to write an answer body while
         * it expects a request body, and Allow says everything. */
        return http_respond(wsi, p, 405, "text/plain; charset=utf-8", NULL, 0, "allow:", "GET, HEAD");
    }
    bool authorized = admin_key_ok(srv, wsi);
    if (!post) {
        if (!authorized)
            return http_admin_unauthorized(wsi, p);
        if (r.kind != ROUTE_ADMIN_RUN)
            return r.kind == ROUTE_ADMIN_NONE ? http_api_error(wsi, p, 404, "not_found", "no such route")
                                              : http_admin_method_not_allowed(wsi, p, "GET, POST");
        struct server_session *ss = net_find_session(srv, r.code);
        if (!ss)
            return http_api_error(wsi, p, 404, "unknown_session", "no session has that code");
        return admin_runs_delete(srv, wsi, p, ss, r.run);
    }
    /* A POST: its body arrives next (http_admin_body), and the route is
     * answered once it is complete, whatever it holds. */
    hu_buf_free(&p->in);
    hu_buf_init(&p->in, HTTP_ADMIN_BODY_MAX);
    p->in_route = (int)r.kind;
    p->in_authorized = authorized;
    snprintf(p->in_code, sizeof p->in_code, "%s", r.code);
    char name[sizeof p->in_name];
    const char *got = lws_get_urlarg_by_name(wsi, "name=", name, sizeof name);
    snprintf(p->in_name, sizeof p->in_name, "%s", got ? got : "");
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
        return http_admin_body_done(srv, wsi, p);
    return 0;
}

int http_admin_body(struct lws *wsi, struct http_pss *p, const void *in, size_t len)
{
    (void)wsi;
    if (!p->in_route)
        return 0;
    /* Past the cap the rest is read and dropped; the answer says why. */
    if (p->in.len <= p->in.max && hu_buf_append(&p->in, in, len) != HU_OK)
        p->in.len = p->in.max + 1;
    return 0;
}

int http_admin_body_done(struct server *srv, struct lws *wsi, struct http_pss *p)
{
    enum route_kind kind = (enum route_kind)p->in_route;
    p->in_route = 0;
    if (kind == ROUTE_NONE)
        return 0;
    if (!p->in_authorized)
        return http_admin_unauthorized(wsi, p);
    if (p->in.len > p->in.max)
        return http_api_error(wsi, p, 413, "too_large", "the body is larger than 1 MiB");
    switch (kind) {
    case ROUTE_ADMIN_DECKS: return admin_upload(srv, wsi, p);
    case ROUTE_ADMIN_RUNS: {
        struct server_session *ss = net_find_session(srv, p->in_code);
        if (!ss)
            return http_api_error(wsi, p, 404, "unknown_session", "no session has that code");
        return admin_runs_new(srv, wsi, p, ss);
    }
    case ROUTE_ADMIN_NONE: return http_api_error(wsi, p, 404, "not_found", "no such route");
    case ROUTE_ADMIN_RUN: return http_admin_method_not_allowed(wsi, p, "DELETE");
    default: return http_admin_method_not_allowed(wsi, p, "GET, HEAD");
    }
}
