/* http.c -- the dynamic HTTP routes: /j/<code>, /qr/<code>.svg, /healthz and
 * the results API.
 *
 * Static pages are lws file mounts (server.c); this file answers the routes
 * that need a session.  Responses are built whole in memory (they are small)
 * and sent in chunks when the socket is writable.  GET and HEAD are
 * answered (HEAD with the same status and headers, and no body); any other
 * method gets 405. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "export/export.h"
#include "export/qr.h"
#include "admin_key.h"
#include "http_impl.h"
#include "http_media.h"
#include "net.h"
#include "route.h"

#define HTTP_CHUNK 16384

int http_respond(struct lws *wsi, struct http_pss *p, unsigned status, const char *type, char *body, size_t len,
                 const char *hname, const char *hvalue)
{
    unsigned char hdr[LWS_PRE + 2048];
    unsigned char *start = hdr + LWS_PRE, *pos = start, *end = hdr + sizeof hdr - 1;
    p->body = body;
    p->len = len;
    p->sent = 0;
    /* HEAD announces the length GET would send (RFC 9110 9.3.2). */
    if (lws_add_http_common_headers(wsi, status, type, len, &pos, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &pos, end) ||
        (hname && lws_add_http_header_by_name(wsi, (const unsigned char *)hname,
                                              (const unsigned char *)hvalue, (int)strlen(hvalue), &pos,
                                              end)) ||
        lws_finalize_write_http_header(wsi, start, &pos, end))
        return -1;
    if (len == 0 || p->head) {
        free(p->body);
        p->body = NULL;
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    lws_callback_on_writable(wsi);
    return 0;
}

int http_text(struct lws *wsi, struct http_pss *p, unsigned status, const char *type, const char *text)
{
    char *body = strdup(text);
    if (!body)
        return -1;
    return http_respond(wsi, p, status, type, body, strlen(body), NULL, NULL);
}

/* JSON error body of the API: {"error":{"code":...,"message":...}}. */
int http_api_error(struct lws *wsi, struct http_pss *p, unsigned status, const char *code, const char *message)
{
    json_t *o = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!body)
        return -1;
    if (status == 401)
        return http_respond(wsi, p, status, "application/json", body, strlen(body), "www-authenticate:",
                            "Bearer realm=\"handsup\"");
    return http_respond(wsi, p, status, "application/json", body, strlen(body), NULL, NULL);
}

static const char http_not_found_page[] =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
    "content=\"width=device-width, initial-scale=1\"><title>Session not found - handsup</title>"
    "<link rel=\"stylesheet\" href=\"/style.css\"></head><body><main><h1>No session with that code</h1>"
    "<p>Check the code on the screen and <a href=\"/\">try again</a>.</p></main></body></html>\n";

static int http_join_page(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *r)
{
    if (!net_find_session(srv, r->code))
        return http_text(wsi, p, 404, "text/html; charset=utf-8", http_not_found_page);
    char path[4200];
    int n = snprintf(path, sizeof path, "%s/index.html", srv->web_dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    n = lws_serve_http_file(wsi, path, "text/html; charset=utf-8", NULL, 0);
    if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi)))
        return -1;
    return 0;
}

static int http_qr(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *r)
{
    struct server_session *ss = net_find_session(srv, r->code);
    if (!ss)
        return http_text(wsi, p, 404, "text/plain; charset=utf-8", "no session with that code\n");
    char *svg = NULL;
    size_t len = 0;
    if (qr_svg(ss->join_url, &svg, &len) != HU_OK)
        return http_text(wsi, p, 500, "text/plain; charset=utf-8", "cannot draw the QR code\n");
    return http_respond(wsi, p, 200, "image/svg+xml", svg, len, NULL, NULL);
}

static int http_health(struct server *srv, struct lws *wsi, struct http_pss *p)
{
    char why[256];
    const char *failing = store_last_error(srv->store, why, sizeof why);
    json_t *o = json_pack("{s:s, s:I}", "status", failing ? "degraded" : "ok", "sessions",
                          (json_int_t)srv->n_sessions);
    if (o && failing)
        json_object_set_new(o, "error", json_string(failing));
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!body)
        return -1;
    return http_respond(wsi, p, failing ? 503 : 200, "application/json", body, strlen(body), NULL, NULL);
}

/* True when the request carries "Authorization: Bearer <the session's key>"
 * (or the organisers' key, which opens every session's results). */
static bool http_authorized(struct server *srv, struct lws *wsi, const struct session *s)
{
    if (admin_key_ok(srv, wsi))
        return true;
    char auth[HU_KEY_MAX + 32];
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (n <= 0 || (size_t)n >= sizeof auth || lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) < 0)
        return false;
    if (strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    const char *key = auth + 7;
    while (*key == ' ')
        key++;
    return session_key_ok(s, key, strlen(key));
}

static int http_results(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *route)
{
    enum export_format fmt = route->format;
    struct server_session *ss = net_find_session(srv, route->code);
    if (!ss)
        return http_api_error(wsi, p, 404, "unknown_session", "no session has that code");
    if (!http_authorized(srv, wsi, ss->session))
        return http_api_error(wsi, p, 401, "forbidden", "this needs Authorization: Bearer <presenter key>");
    /* Another run than the live one, or a workbook: from the data file or
     * through a temporary file, on the organisers' worker (http_admin.c). */
    int run = -1;
    if (http_query_run(wsi, &run) != 0)
        return http_api_error(wsi, p, 400, "bad_input", "run must be a run number or all");
    if ((run >= 0 && run != session_run(ss->session)->number) || fmt == EXPORT_XLSX)
        return http_admin_results(srv, wsi, p, ss, run, fmt);
    struct results *r = calloc(1, sizeof *r);
    char *body = NULL;
    size_t len = 0;
    int rc = HU_ERR_NOMEM;
    if (r && (r->sessions = calloc(1, sizeof *r->sessions))) {
        r->n_sessions = 1;
        rc = session_results(ss->session, &r->sessions[0], net_now_ms());
    }
    if (rc == HU_OK)
        rc = export_render(r, fmt, &body, &len);
    results_free(r);
    if (rc)
        return http_api_error(wsi, p, 500, "internal", hu_strerror(rc));
    return http_respond(wsi, p, 200, export_mime(fmt), body, len, NULL, NULL);
}

/* GET /metrics (metrics.c): with --metrics, to a loopback client (the
 * real client, behind a --trust-proxy), or with the admin key once the
 * organisers' --admin-key sets cfg.admin_key. */
static int http_metrics(struct server *srv, struct lws *wsi, struct http_pss *p)
{
    if (!srv->cfg.metrics)
        return http_text(wsi, p, 404, "text/plain; charset=utf-8", "--metrics is off\n");
    unsigned char addr[CLIENTADDR_LEN];
    bool local = net_client_addr(srv, wsi, addr) && clientaddr_is_loopback(addr);
    if (!local && !(srv->cfg.admin_key && net_bearer_ok(wsi, srv->cfg.admin_key)))
        return http_text(wsi, p, 403, "text/plain; charset=utf-8",
                         "metrics are served to loopback clients (or with the admin key)\n");
    char *body = NULL;
    size_t len = 0;
    if (metrics_render(srv, &body, &len) != HU_OK)
        return http_text(wsi, p, 500, "text/plain; charset=utf-8", "cannot render the metrics\n");
    return http_respond(wsi, p, 200, "text/plain; version=0.0.4; charset=utf-8", body, len, NULL, NULL);
}

static const char http_missing_page[] =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
    "content=\"width=device-width, initial-scale=1\"><title>Not found - handsup</title>"
    "<link rel=\"stylesheet\" href=\"/style.css\"></head><body><main><h1>Page not found</h1>"
    "<p>To vote, <a href=\"/\">enter the code</a> shown on the screen.</p></main></body></html>\n";

/* Routes on the request's full path.  ("in" is not used: lws passes the
 * path relative to the mount for some mounts and whole for others.) */
static int http_route(struct server *srv, struct lws *wsi, struct http_pss *p)
{
    char path[512];
    enum lws_token_indexes method = WSI_TOKEN_GET_URI;
    p->head = false;
    /* The organiser's API also takes POST and DELETE (http_admin.c). */
    if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0 || lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI) > 0)
        return http_admin_method(srv, wsi, p);
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
        /* No body: lws 4.1 never asks to write one while it expects a
         * request body (a POST with "Content-Length: 0" hung), and Allow
         * says everything. */
        if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) <= 0)
            return http_respond(wsi, p, 405, "text/plain; charset=utf-8", NULL, 0, "allow:", "GET, HEAD");
        method = WSI_TOKEN_HEAD_URI;
        p->head = true;
    }
    /* lws_hdr_copy fails on a path longer than the buffer: no route is. */
    if (lws_hdr_copy(wsi, path, sizeof path, method) <= 0)
        return http_text(wsi, p, 404, "text/html; charset=utf-8", http_missing_page);
    struct route r;
    route_parse(path, &r);
    switch (r.kind) {
    case ROUTE_JOIN: return http_join_page(srv, wsi, p, &r);
    case ROUTE_QR: return http_qr(srv, wsi, p, &r);
    case ROUTE_RESULTS: return http_results(srv, wsi, p, &r);
    case ROUTE_API_NONE: return http_api_error(wsi, p, 404, "not_found", "no such route");
    case ROUTE_HEALTH: return http_health(srv, wsi, p);
    case ROUTE_MEDIA: {
        int rc = http_media(srv, wsi, p, &r);
        return rc == HTTP_MEDIA_NOT_FOUND ? http_text(wsi, p, 404, "text/plain; charset=utf-8", "not found\n") : rc;
    }
    case ROUTE_METRICS: return http_metrics(srv, wsi, p);
    case ROUTE_ADMIN_NONE:
    case ROUTE_ADMIN_SESSIONS:
    case ROUTE_ADMIN_DECKS:
    case ROUTE_ADMIN_RUNS:
    case ROUTE_ADMIN_RUN:
    case ROUTE_ADMIN_REPORT: return http_admin_get(srv, wsi, p, &r);
    case ROUTE_NONE: break;
    }
    /* Also reached when a file mount has no such file. */
    return http_text(wsi, p, 404, "text/html; charset=utf-8", http_missing_page);
}

static int http_writeable(struct lws *wsi, struct http_pss *p)
{
    if (p->file_open)
        return http_media_writeable(wsi, p);
    if (p->answer)
        return http_answer_send(wsi, p);
    if (!p->body)
        return 0;
    size_t chunk = p->len - p->sent;
    if (chunk > HTTP_CHUNK)
        chunk = HTTP_CHUNK;
    unsigned char buf[LWS_PRE + HTTP_CHUNK];
    memcpy(buf + LWS_PRE, p->body + p->sent, chunk);
    bool last = p->sent + chunk == p->len;
    if (lws_write(wsi, buf + LWS_PRE, chunk, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)chunk)
        return -1;
    p->sent += chunk;
    if (!last) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    free(p->body);
    p->body = NULL;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    struct http_pss *p = user;
    struct server *srv = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        free(p->body);
        p->body = NULL;
        http_media_close(p);
        http_admin_forget(p);
        return http_route(srv, wsi, p);
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        /* See ws.c: only WebSocket upgrades, never h2c or unknown values. */
        return net_upgrade_ok(in) ? 0 : -1;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return http_writeable(wsi, p);
    case LWS_CALLBACK_HTTP_BODY:
        return http_admin_body(wsi, p, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return http_admin_body_done(srv, wsi, p);
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (p) {
            free(p->body);
            p->body = NULL;
            http_media_close(p);
            http_admin_forget(p);
        }
        break;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}
