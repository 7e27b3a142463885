/* http_impl.h -- what the HTTP files of the network edge share: http.c
 * (routes every request and sends answers), http_admin.c (the organiser's
 * API and answers that wait for a job), admin_*.c (the jobs).  Nothing else
 * includes it. */
#ifndef HU_HTTP_IMPL_H
#define HU_HTTP_IMPL_H

#include <jansson.h>
#include <stdbool.h>

#include "export/export.h"
#include "job.h"
#include "net.h"
#include "route.h"

/* --- http.c --- */

/* Sends status, type, body (len bytes, taken: freed here) and one optional
 * extra header; HEAD gets no body.  0, or -1 to close the connection. */
int http_respond(struct lws *wsi, struct http_pss *p, unsigned status, const char *type, char *body, size_t len,
                 const char *hname, const char *hvalue);
int http_text(struct lws *wsi, struct http_pss *p, unsigned status, const char *type, const char *text);
/* {"error":{"code":code,"message":message}}; 401 adds WWW-Authenticate. */
int http_api_error(struct lws *wsi, struct http_pss *p, unsigned status, const char *code, const char *message);

/* --- http_admin.c --- */

/* An answer made off the request's callback (by a job's done), sent when the
 * socket is writable.  All fields owned. */
struct http_answer {
    unsigned status;
    const char *type;           /* static */
    char *body;                 /* From malloc(); may be NULL with len 0 */
    size_t len;
    char hname[40];             /* one extra header ("content-disposition:"), "" for none */
    char hvalue[256];
};

/* The part of a job's argument that ties it to its request.  A job's own
 * struct starts with it.  wsi and pss turn NULL when the connection closes
 * first: the job still runs and its done then answers nobody. */
struct http_job {
    struct lws *wsi;
    struct http_pss *pss;
};

/* Submits a job answering the request: work on the worker, done on the
 * loop (job.h); done calls http_job_answer or http_job_error.  On failure
 * (queue full) the request is answered 503 here and arg stays the
 * caller's to free.  0, or -1 to close the connection. */
int http_job_start(struct server *srv, struct lws *wsi, struct http_pss *p, struct http_job *job,
                   job_work_fn *work, job_done_fn *done, bool *submitted);

/* From a job's done: answers its request (when still open) with status,
 * type and body (taken), plus an optional header. */
void http_job_answer(struct http_job *job, unsigned status, const char *type, char *body, size_t len,
                     const char *hname, const char *hvalue);
/* The same with the API's error body; json (stolen) with the json body. */
void http_job_error(struct http_job *job, unsigned status, const char *code, const char *message);
void http_job_json(struct http_job *job, unsigned status, json_t *json);

/* The ?run= of the request: 0 with *run = -1 when absent, the number, or 0
 * for "all"; -1 when malformed. */
int http_query_run(struct lws *wsi, int *run);

/* Methods and routes of the organiser's API, and the results routes that
 * need a job (another run than the live one, or xlsx). */
int http_admin_method(struct server *srv, struct lws *wsi, struct http_pss *p);
int http_admin_get(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *r);
int http_admin_results(struct server *srv, struct lws *wsi, struct http_pss *p, struct server_session *ss, int run,
                       enum export_format fmt);
int http_admin_body(struct lws *wsi, struct http_pss *p, const void *in, size_t len);
int http_admin_body_done(struct server *srv, struct lws *wsi, struct http_pss *p);
int http_answer_send(struct lws *wsi, struct http_pss *p);
/* Drops what a request of p left: its body, its answer, its job's link. */
void http_admin_forget(struct http_pss *p);

/* "2026-11-22T09:15:00Z", or null for 0: a new jansson reference. */
json_t *http_admin_time(int64_t ms);

/* --- admin_runs.c --- */

/* The session's runs as the API lists them (a new reference). */
json_t *admin_runs_json(const struct server_session *ss);
int admin_runs_new(struct server *srv, struct lws *wsi, struct http_pss *p, struct server_session *ss);
int admin_runs_delete(struct server *srv, struct lws *wsi, struct http_pss *p, struct server_session *ss, int run);

/* --- admin_upload.c --- */

int admin_upload(struct server *srv, struct lws *wsi, struct http_pss *p);

/* --- admin_report.c --- */

int admin_report(struct server *srv, struct lws *wsi, struct http_pss *p, enum export_format fmt);

#endif
