/* admin_runs.c -- starting and deleting runs from the organiser's API.
 *
 * POST /api/admin/sessions/<code>/runs starts a new run of a session being
 * served: the worker records it in the data file, then the loop switches the
 * room to it (session_new_run) and hangs up on every phone and presenter of
 * the session with a "bye", so that each comes back into the new run (a
 * phone's old token is unknown there and it gets a new one; a presenter gets
 * a welcome naming the new run).
 *
 * DELETE /api/admin/sessions/<code>/runs/<n> deletes a run that is not live
 * (409 for the live one: start a new run first), with store_run_delete's
 * secure deletion; its results routes answer 404 from then on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "http_impl.h"
#include "ws_impl.h"

/* The close code phones see: the server restarts this session (RFC 6455
 * 1012 "Service Restart"); they reconnect at once. */
#define ADMIN_RUNS_CLOSE 1012

json_t *admin_runs_json(const struct server_session *ss)
{
    json_t *a = json_array();
    const struct session_run *live = session_run(ss->session);
    for (size_t i = 0; a && i < ss->n_runs; i++) {
        const struct store_run_row *r = &ss->runs[i];
        bool is_live = r->number == live->number;
        json_t *o = json_pack("{s:i, s:s, s:o, s:o, s:I, s:b}", "number", r->number, "label", r->label,
                              "startedAt", http_admin_time(r->started_at), "endedAt",
                              is_live ? json_null() : http_admin_time(r->ended_at ? r->ended_at : r->active_at),
                              "participants",
                              (json_int_t)(is_live ? session_participants(ss->session) : r->participants), "live",
                              is_live);
        if (json_array_append_new(a, o) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a ? a : json_null();
}

/* What a run job carries between the worker and the loop. */
struct admin_run_job {
    struct http_job http;        /* first: the request */
    struct server_session *ss;   /* sessions never move or go while serving */
    struct store *store;
    int64_t session_id;
    int number;                  /* delete: the run's number */
    char label[HU_RUN_LABEL_MAX + 1];
    int64_t now;
    int err;                     /* OUT of the worker */
    char message[512];
    struct store_run_row made;   /* new: the run started */
    struct store_run_row *runs;  /* OUT: the runs now. From malloc() */
    size_t n_runs;
};

static void admin_runs_swap(struct admin_run_job *j)
{
    free(j->ss->runs);
    j->ss->runs = j->runs;
    j->ss->n_runs = j->n_runs;
    j->runs = NULL;
}

static void admin_runs_new_work(void *arg)
{
    struct admin_run_job *j = arg;
    j->err = store_run_create(j->store, j->session_id, j->label[0] ? j->label : NULL, j->now, &j->made);
    if (j->err == HU_OK)
        j->err = store_runs_list(j->store, j->session_id, &j->runs, &j->n_runs);
}

/* Hangs up on everyone in the session, saying why. */
void admin_runs_hang_up(struct server *srv, struct server_session *ss)
{
    static const char bye[] = "{\"type\":\"bye\",\"reason\":\"new_run\"}";
    struct conn *lists[2] = {ss->attendees, ss->presenters};
    for (int l = 0; l < 2; l++)
        for (struct conn *c = lists[l]; c; c = c->next) {
            char *text = strdup(bye);
            if (text)
                ws_queue_text(c, text);
            ws_close_soon(c, ADMIN_RUNS_CLOSE);
            ws_want_write(srv, c);
        }
    /* Participant numbers start again: nobody of the old run is anyone now. */
    if (ss->by_participant)
        memset(ss->by_participant, 0, ss->by_participant_cap * sizeof *ss->by_participant);
}

static void admin_runs_new_done(struct server *srv, void *arg, bool ran)
{
    struct admin_run_job *j = arg;
    if (ran && j->err == HU_OK) {
        struct session_run run = {.id = j->made.id, .number = j->made.number, .started_at = j->made.started_at};
        snprintf(run.label, sizeof run.label, "%s", j->made.label);
        session_new_run(j->ss->session, &run, net_now_ms());
        if (store_is_cluster(srv->store) &&
            store_cluster_watch(srv->store, session_code(j->ss->session), run.id) != HU_OK)
            log_event(LOG_ERROR, "cannot follow the new run", LOG_S("session", session_code(j->ss->session)),
                      LOG_END);
        admin_runs_swap(j);
        ws_defer_begin(srv);
        admin_runs_hang_up(srv, j->ss);
        fanout_notify(j->ss);
        ws_defer_end(srv);
        log_event(LOG_INFO, "new run", LOG_S("session", session_code(j->ss->session)), LOG_I("run", run.number),
                  LOG_END);
        http_job_json(&j->http, 201,
                      json_pack("{s:s, s:i, s:s, s:o}", "code", session_code(j->ss->session), "number", run.number,
                                "label", run.label, "startedAt", http_admin_time(run.started_at)));
    } else if (ran) {
        http_job_error(&j->http, 500, "internal", "cannot record the new run in the data file");
    }
    free(j->runs);
    free(j);
}

/* The new run's label from the optional JSON body {"label": "..."}. */
static int admin_runs_label(const struct hu_buf *in, char *out, size_t outlen, const char **why)
{
    out[0] = '\0';
    if (!in->len)
        return 0;
    json_error_t e;
    json_t *o = json_loadb(in->data, in->len, JSON_REJECT_DUPLICATES, &e);
    json_t *label = o ? json_object_get(o, "label") : NULL;
    int rc = 0;
    if (!json_is_object(o)) {
        *why = "the body must be a JSON object, such as {\"label\":\"Cardiff\"}";
        rc = -1;
    } else if (label && !json_is_null(label)) {
        const char *s = json_string_value(label);
        size_t n = s ? strlen(s) : 0;
        bool ok = s && n <= HU_RUN_LABEL_MAX;
        for (size_t i = 0; ok && i < n; i++)
            ok = (unsigned char)s[i] >= ' ' && s[i] != 0x7f;
        if (!ok) {
            *why = "label must be one line of text of at most 200 bytes";
            rc = -1;
        } else {
            snprintf(out, outlen, "%s", s);
        }
    }
    json_decref(o);
    return rc;
}

int admin_runs_new(struct server *srv, struct lws *wsi, struct http_pss *p, struct server_session *ss)
{
    struct admin_run_job *j = calloc(1, sizeof *j);
    if (!j)
        return http_api_error(wsi, p, 500, "internal", "out of memory");
    const char *why = NULL;
    if (admin_runs_label(&p->in, j->label, sizeof j->label, &why) != 0) {
        free(j);
        return http_api_error(wsi, p, 400, "bad_input", why);
    }
    j->ss = ss;
    j->store = srv->store;
    j->session_id = ss->store_session_id;
    j->now = net_now_ms();
    bool submitted;
    int rc = http_job_start(srv, wsi, p, &j->http, admin_runs_new_work, admin_runs_new_done, &submitted);
    if (!submitted)
        free(j);
    return rc;
}

static void admin_runs_delete_work(void *arg)
{
    struct admin_run_job *j = arg;
    struct store_run_row row;
    j->err = store_run_find(j->store, j->session_id, j->number, &row);
    if (j->err == HU_OK)
        j->err = store_run_delete(j->store, row.id, j->message, sizeof j->message);
    if (j->err == HU_OK || j->err == HU_ERR_IO)
        (void)store_runs_list(j->store, j->session_id, &j->runs, &j->n_runs);
}

static void admin_runs_delete_done(struct server *srv, void *arg, bool ran)
{
    (void)srv;
    struct admin_run_job *j = arg;
    if (ran && j->runs)
        admin_runs_swap(j);
    if (!ran) {
        /* the server is stopping: nobody to answer */
    } else if (j->err == HU_OK) {
        log_event(LOG_INFO, "run deleted", LOG_S("session", session_code(j->ss->session)), LOG_I("run", j->number),
                  LOG_END);
        http_job_json(&j->http, 200,
                      json_pack("{s:s, s:i, s:b}", "code", session_code(j->ss->session), "deleted", j->number,
                                "walEmptied", true));
    } else if (j->err == HU_ERR_NOT_FOUND) {
        http_job_error(&j->http, 404, "not_found", "this session has no run with that number");
    } else {
        http_job_error(&j->http, 500, "internal", j->message[0] ? j->message : "cannot delete the run");
    }
    free(j->runs);
    free(j);
}

int admin_runs_delete(struct server *srv, struct lws *wsi, struct http_pss *p, struct server_session *ss, int run)
{
    /* Secure deletion is the data file's (store_run_delete); in Redis the
     * operator archives the event, then deletes its keys (docs/storage.md). */
    if (store_is_cluster(srv->store))
        return http_api_error(wsi, p, 409, "conflict",
                              "deleting a run is not available in cluster mode (--redis): archive the event "
                              "with handsup export --redis URL --data FILE --format sqlite, then delete its "
                              "keys in Redis");
    if (run == session_run(ss->session)->number)
        return http_api_error(wsi, p, 409, "conflict",
                              "this run is live: start a new run first, then delete this one");
    struct admin_run_job *j = calloc(1, sizeof *j);
    if (!j)
        return http_api_error(wsi, p, 500, "internal", "out of memory");
    j->ss = ss;
    j->store = srv->store;
    j->session_id = ss->store_session_id;
    j->number = run;
    bool submitted;
    int rc = http_job_start(srv, wsi, p, &j->http, admin_runs_delete_work, admin_runs_delete_done, &submitted);
    if (!submitted)
        free(j);
    return rc;
}

void admin_runs_end_all(struct server *srv)
{
    /* In cluster mode the other nodes may well go on serving the run. */
    if (store_is_cluster(srv->store))
        return;
    int64_t now = net_now_ms();
    for (size_t i = 0; srv->store && i < srv->n_sessions; i++) {
        const struct session_run *run = srv->sessions[i].session ? session_run(srv->sessions[i].session) : NULL;
        if (run && run->id)
            (void)store_run_end(srv->store, run->id, now);
    }
}
