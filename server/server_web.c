/* server_web.c -- the web server: our listening socket, the lws context on
 * our libev loop, its mounts and headers, TLS and its reload.
 *
 * The vhost has no listener of its own (CONTEXT_PORT_NO_LISTEN_SERVER):
 * net/listener.c accepts and every connection is adopted here, over TLS
 * when --tls-cert is given, so --reuse-port and cluster nodes share a port
 * (lws 4.1.6 cannot, LWS-NOTES.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "base/token.h"
#include "export/export.h"
#include "net/net.h"
#include "net/tls.h"
#include "server_impl.h"

static void server_mount(struct lws_http_mount *m, struct lws_http_mount *next, const char *point,
                         const char *origin, enum lws_mount_protocols proto, const char *def)
{
    memset(m, 0, sizeof *m);
    m->mount_next = next;
    m->mountpoint = point;
    m->mountpoint_len = (unsigned char)strlen(point);
    m->origin = origin;
    m->origin_protocol = (unsigned char)proto;
    m->def = def;
    m->protocol = "handsup-http"; /* HTTP callbacks of file mounts go to http.c too */
    /* Pages are small and change with releases; revalidate rather than guess. */
    m->cache_max_age = 0;
}

static const struct lws_protocols server_protocols[] = {
    /* First: the protocol an upgrade without Sec-WebSocket-Protocol gets. */
    /* The send size must be set: left at 0, lws caps each send() at the rx
     * buffer size and buffers the rest of every message. */
    {"handsup", ws_callback, sizeof(struct conn), HU_RX_CHUNK, 0, NULL, HU_TX_CHUNK},
    {"handsup-http", http_callback, sizeof(struct http_pss), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ws_keepalive.c pings idle phones.  lws's own validity timer is turned off
 * explicitly (a hang-up of 0): without a policy lws applies its default
 * (ping after 300 s), and re-arms it on every received frame by walking one
 * sorted list of every timer, O(connections) per message. */
static const lws_retry_bo_t server_no_validity = {
    .secs_since_valid_ping = 0,
    .secs_since_valid_hangup = 0,
};

/* The policy of every response: scripts and styles only from our files,
 * plus the one inline style of the results report, allowed by its hash. */
static int server_csp(struct server *srv)
{
    const char *style = export_html_style();
    unsigned char digest[HU_HASH_LEN];
    char b64[64];
    if (token_hash(style, strlen(style), digest) != HU_OK ||
        lws_b64_encode_string((const char *)digest, HU_HASH_LEN, b64, sizeof b64) < 0)
        return HU_ERR_INTERNAL;
    int n = snprintf(srv->csp, sizeof srv->csp,
                     "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-%s'; "
                     "img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; "
                     "form-action 'self'; frame-ancestors 'none'",
                     b64);
    return n < 0 || (size_t)n >= sizeof srv->csp ? HU_ERR_INTERNAL : HU_OK;
}

/* HSTS only over TLS (RFC 6797 8.1: a browser ignores it on plain HTTP).
 * A year, without includeSubDomains or preload: handsup may share its name's
 * domain with hosts an organiser does not control. */
#define SERVER_HSTS "max-age=31536000"

static void server_headers(struct server *srv)
{
    const char *const hdr[][2] = {
        {"content-security-policy:", srv->csp},
        {"x-content-type-options:", "nosniff"},
        {"referrer-policy:", "no-referrer"},
        {"x-frame-options:", "DENY"},
        {"strict-transport-security:", SERVER_HSTS},
    };
    size_t n = sizeof hdr / sizeof hdr[0] - (srv->cfg.tls_cert ? 0 : 1);
    _Static_assert(sizeof hdr / sizeof hdr[0] <= sizeof srv->headers / sizeof srv->headers[0],
                   "room for every header");
    for (size_t i = 0; i < n; i++) {
        memset(&srv->headers[i], 0, sizeof srv->headers[i]);
        srv->headers[i].next = i + 1 < n ? &srv->headers[i + 1] : NULL;
        srv->headers[i].name = hdr[i][0];
        srv->headers[i].value = hdr[i][1];
    }
}

/* libwebsockets' own messages, as logfmt lines of ours.  lws passes the
 * message without its time stamp; its trailing newline is dropped. */
static void server_lws_log(int level, const char *line)
{
    char text[LOG_LINE_MAX / 2];
    snprintf(text, sizeof text, "%s", line);
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    log_event(level == LLL_ERR ? LOG_ERROR : level == LLL_WARN ? LOG_WARN : LOG_INFO, "libwebsockets",
              LOG_S("detail", text), LOG_END);
}

int server_web_bind(struct server *srv, char *err, size_t errlen)
{
    if (srv->cfg.tls_cert) {
        /* Before anything else: a bad certificate stops the start at once. */
        struct tls_info ti;
        if (tls_check(srv->cfg.tls_cert, srv->cfg.tls_key, &ti, err, errlen) != HU_OK)
            return HU_ERR_PARSE;
        srv->tls_not_after = ti.not_after;
        server_tls_warn_expiry(srv);
    }
    struct listener_config lc = {.host = srv->cfg.host, .port = srv->cfg.port, .reuse_port = srv->cfg.reuse_port};
    int rc = listener_open(&lc, &srv->listener, err, errlen);
    if (rc == HU_OK)
        srv->port = listener_port(srv->listener);
    return rc;
}

int server_web_start(struct server *srv, char *err, size_t errlen)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    struct lws_http_mount *m = srv->mounts;
    _Static_assert(sizeof srv->mounts / sizeof srv->mounts[0] >= 9, "room for every mount");
    /* The organiser's page (DESIGN section 10): files only; its API is /api. */
    server_mount(&m[8], NULL, "/metrics", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[7], &m[2], "/admin", srv->admin_dir, LWSMPRO_FILE, "index.html");
    server_mount(&m[6], srv->cfg.metrics ? &m[8] : NULL, "/media", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[5], &m[6], "/healthz", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[4], &m[5], "/api", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[3], &m[4], "/qr", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[2], &m[3], "/j", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[1], &m[7], "/present", srv->presenter_dir, LWSMPRO_FILE, "index.html");
    server_mount(&m[0], &m[1], "/", srv->web_dir, LWSMPRO_FILE, "index.html");
    if (server_csp(srv) != HU_OK) {
        snprintf(err, errlen, "cannot build the Content-Security-Policy");
        return HU_ERR_INTERNAL;
    }
    server_headers(srv);

    /* Our listener accepts (server_web_accept); the vhost only adopts. */
    info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
    info.protocols = server_protocols;
    info.mounts = m;
    info.headers = srv->headers;
    if (!srv->loop) /* cluster mode made it already, for Redis */
        srv->loop = ev_loop_new(EVBACKEND_EPOLL);
    if (!srv->loop) {
        snprintf(err, errlen, "cannot create the event loop (epoll)");
        return HU_ERR_IO;
    }
    srv->foreign_loops[0] = srv->loop;
    ws_linger_init(srv);
    info.foreign_loops = srv->foreign_loops;
    info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_VALIDATE_UTF8;
    if (srv->cfg.tls_cert) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = srv->cfg.tls_cert;
        info.ssl_private_key_filepath = srv->cfg.tls_key;
        /* TLS 1.2 and up: every phone of the last decade speaks it. */
        info.ssl_options_set = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
        /* HTTP/1.1 only: lws would otherwise offer h2, and WebSockets over
         * h2 (RFC 8441) would take code paths of lws 4.1.6 that plain HTTP
         * never exercises -- the Origin check, the caps and the tests all
         * assume an HTTP/1.1 upgrade.  Pages are a few small files. */
        info.alpn = "http/1.1";
    }
    info.retry_and_idle_policy = &server_no_validity;
    info.timeout_secs = 10;
    info.timeout_secs_ah_idle = 10;
    info.keepalive_timeout = 5;
    /* Header slots are taken by connections still sending their request:
     * enough that a few hundred slowloris sockets cannot starve real phones
     * (each slot is allocated only while in use). */
    info.max_http_header_pool = 1024;
    info.user = srv; /* how the callbacks find the server: lws_context_user() */
    lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, server_lws_log);
    srv->context = lws_create_context(&info);
    if (!srv->context) {
        snprintf(err, errlen, "cannot start the web server (is the package libwebsockets-evlib-ev installed?%s)",
                 srv->cfg.tls_cert ? " or could lws not load the certificate?" : "");
        return HU_ERR_IO;
    }
    srv->vhost = lws_get_vhost_by_name(srv->context, "default");
    if (!srv->vhost) {
        snprintf(err, errlen, "cannot create the web server's vhost");
        return HU_ERR_IO;
    }
    return HU_OK;
}

/* A connection our listener accepted: lws serves it from here on, over TLS
 * when the vhost has a certificate (lws_adopt_socket_vhost allows it). */
static void server_web_accept(void *arg, int fd)
{
    struct server *srv = arg;
    /* On failure lws has closed fd. */
    if (!lws_adopt_socket_vhost(srv->vhost, fd))
        srv->metrics.adopt_failed++;
}

void server_web_listen(struct server *srv)
{
    listener_start(srv->listener, srv->loop, server_web_accept, srv);
}

void server_tls_warn_expiry(struct server *srv)
{
    int64_t left = srv->tls_not_after - net_now_ms() / 1000;
    if (left < SERVER_TLS_WARN_DAYS * 86400)
        log_event(LOG_WARN, "the TLS certificate expires soon", LOG_S("cert", srv->cfg.tls_cert),
                  LOG_I("days_left", left / 86400), LOG_END);
}

void server_tls_reload(struct server *srv)
{
    if (!srv->cfg.tls_cert)
        return;
    char err[1024];
    struct tls_info ti;
    /* A bad new pair keeps the old one serving: refusing every phone until
     * someone notices would be worse than an old certificate. */
    if (tls_check(srv->cfg.tls_cert, srv->cfg.tls_key, &ti, err, sizeof err) != HU_OK) {
        log_event(LOG_ERROR, "TLS reload refused; still serving the previous certificate", LOG_S("error", err),
                  LOG_END);
        srv->metrics.tls_reload_failed++;
        return;
    }
    if (lws_tls_cert_updated(srv->context, srv->cfg.tls_cert, srv->cfg.tls_key, NULL, 0, NULL, 0) != 0) {
        log_event(LOG_ERROR, "TLS reload failed in libwebsockets; still serving the previous certificate",
                  LOG_S("cert", srv->cfg.tls_cert), LOG_END);
        srv->metrics.tls_reload_failed++;
        return;
    }
    srv->tls_not_after = ti.not_after;
    srv->metrics.tls_reloads++;
    log_event(LOG_INFO, "TLS certificate reloaded", LOG_S("cert", srv->cfg.tls_cert), LOG_S("subject", ti.subject),
              LOG_I("expires", ti.not_after), LOG_END);
    server_tls_warn_expiry(srv);
}
