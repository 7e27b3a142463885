/* server.c -- start-up, the event loop and shutdown.
 *
 * One lws context on the libev back end (the default poll() loop scans every
 * socket per event; see DESIGN section 5).  Start-up loads every deck first
 * and only then touches the data file, so a broken deck never leaves a
 * half-created session behind. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "base/log.h"
#include "base/token.h"
#include "export/export.h"
#include "export/qr.h"
#include "store/store_run.h"
#include "net/net.h"
#include "net/admin_key.h"
#include "net/job.h"
#include "net/netaddr.h"
#include "net/session_open.h"
#include "server.h"

/* --- start-up --- */

/* Resumes the deck's session from the data file, or creates it, and picks
 * its run (net/session_open.c). */
static int server_open_session(struct server *srv, struct server_session *ss, struct deck *deck,
                               char *err, size_t errlen)
{
    char abs[4096];
    if (!realpath(deck->path, abs))
        snprintf(abs, sizeof abs, "%s", deck->path);
    struct session_plan plan;
    int rc = session_open_plan(srv->store, deck, abs, srv->cfg.presenter_key, srv->cfg.run_mode,
                               srv->cfg.run_label, net_now_ms(), &plan, err, errlen);
    if (rc) {
        deck_free(deck);
        return rc;
    }
    if ((rc = session_open_attach(srv, ss, deck, &plan, err, errlen)) != HU_OK)
        return rc;
    ss->store_session_id = plan.row.id;
    return store_runs_list(srv->store, plan.row.id, &ss->runs, &ss->n_runs);
}

static void server_wake(void *arg)
{
    struct server *srv = arg;
    lws_cancel_service(srv->context);
}

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

static void server_headers(struct server *srv)
{
    const char *const hdr[][2] = {
        {"content-security-policy:", srv->csp},
        {"x-content-type-options:", "nosniff"},
        {"referrer-policy:", "no-referrer"},
        {"x-frame-options:", "DENY"},
    };
    size_t n = sizeof hdr / sizeof hdr[0];
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

static int server_listen(struct server *srv, char *err, size_t errlen)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    struct lws_http_mount *m = srv->mounts;
    server_mount(&m[6], NULL, "/admin", srv->admin_dir, LWSMPRO_FILE, "index.html");
    server_mount(&m[5], &m[6], "/healthz", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[4], &m[5], "/api", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[3], &m[4], "/qr", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[2], &m[3], "/j", "handsup-http", LWSMPRO_CALLBACK, NULL);
    server_mount(&m[1], &m[2], "/present", srv->presenter_dir, LWSMPRO_FILE, "index.html");
    server_mount(&m[0], &m[1], "/", srv->web_dir, LWSMPRO_FILE, "index.html");
    if (server_csp(srv) != HU_OK) {
        snprintf(err, errlen, "cannot build the Content-Security-Policy");
        return HU_ERR_INTERNAL;
    }
    server_headers(srv);

    info.port = srv->cfg.port;
    info.iface = srv->cfg.host;
    info.protocols = server_protocols;
    info.mounts = m;
    info.headers = srv->headers;
    srv->loop = ev_loop_new(EVBACKEND_EPOLL);
    if (!srv->loop) {
        snprintf(err, errlen, "cannot create the event loop (epoll)");
        return HU_ERR_IO;
    }
    srv->foreign_loops[0] = srv->loop;
    ws_linger_init(srv);
    info.foreign_loops = srv->foreign_loops;
    info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_VALIDATE_UTF8;
    if (!netaddr_listen_ipv6(srv->cfg.host))
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
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
        snprintf(err, errlen, "cannot start the web server (is port %d free, and is the package "
                              "libwebsockets-evlib-ev installed?)", srv->cfg.port);
        return HU_ERR_IO;
    }
    srv->vhost = lws_get_vhost_by_name(srv->context, "default");
    if (!srv->vhost) {
        snprintf(err, errlen, "cannot listen on port %d", srv->cfg.port);
        return HU_ERR_IO;
    }
    srv->port = lws_get_vhost_listen_port(srv->vhost);
    return HU_OK;
}

static int server_base_url(struct server *srv)
{
    int n;
    if (srv->cfg.public_url) {
        size_t len = strlen(srv->cfg.public_url);
        while (len > 0 && srv->cfg.public_url[len - 1] == '/')
            len--;
        n = snprintf(srv->base_url, sizeof srv->base_url, "%.*s", (int)len, srv->cfg.public_url);
    } else {
        char addr[64];
        const char *host = srv->cfg.host;
        if (host && strcmp(host, "0.0.0.0") != 0 && strcmp(host, "::") != 0)
            snprintf(addr, sizeof addr, strchr(host, ':') ? "[%s]" : "%s", host);
        else if (netaddr_lan_ipv4(addr, sizeof addr) != HU_OK)
            snprintf(addr, sizeof addr, "127.0.0.1");
        n = snprintf(srv->base_url, sizeof srv->base_url, "http://%s:%d", addr, srv->port);
    }
    return n < 0 || (size_t)n >= sizeof srv->base_url ? HU_ERR_PARSE : HU_OK;
}

/* Who may open WebSockets: --public-url's origin, --allow-origin, --allow-host. */
static int server_origins(struct server *srv, char *err, size_t errlen)
{
    const struct server_config *cfg = &srv->cfg;
    if (cfg->public_url) {
        const char *auth = strstr(cfg->public_url, "://");
        size_t len = auth ? (size_t)(auth + 3 - cfg->public_url) + strcspn(auth + 3, "/?#") : 0;
        if (!auth || len >= sizeof srv->public_origin) {
            snprintf(err, errlen, "--public-url %s is not an http(s) URL", cfg->public_url);
            return HU_ERR_PARSE;
        }
        memcpy(srv->public_origin, cfg->public_url, len);
        srv->public_origin[len] = '\0';
        if (origin_allow_origin(&srv->origins, srv->public_origin) != 0) {
            snprintf(err, errlen, "--public-url %s is not an http(s) URL", cfg->public_url);
            return HU_ERR_PARSE;
        }
    }
    for (size_t i = 0; i < cfg->n_allow_origins; i++)
        if (origin_allow_origin(&srv->origins, cfg->allow_origins[i]) != 0) {
            snprintf(err, errlen, "--allow-origin %s: expected http(s)://host[:port] (at most %d)",
                     cfg->allow_origins[i], ORIGIN_MAX_ENTRIES);
            return HU_ERR_PARSE;
        }
    for (size_t i = 0; i < cfg->n_allow_hosts; i++)
        if (origin_allow_host(&srv->origins, cfg->allow_hosts[i]) != 0) {
            snprintf(err, errlen, "--allow-host %s: not a host name (at most %d)", cfg->allow_hosts[i],
                     ORIGIN_MAX_ENTRIES);
            return HU_ERR_PARSE;
        }
    for (size_t i = 0; i < cfg->n_trust_proxies; i++) {
        if (srv->n_trusted == sizeof srv->trusted / sizeof srv->trusted[0] ||
            clientaddr_parse_net(cfg->trust_proxies[i], &srv->trusted[srv->n_trusted]) != 0) {
            snprintf(err, errlen, "--trust-proxy %s: expected an address or ADDR/BITS (at most %zu)",
                     cfg->trust_proxies[i], sizeof srv->trusted / sizeof srv->trusted[0]);
            return HU_ERR_PARSE;
        }
        srv->n_trusted++;
    }
    srv->peers = peers_new(cfg->max_conns_per_ip ? cfg->max_conns_per_ip : HU_CONNS_PER_IP,
                           cfg->max_joins_burst ? cfg->max_joins_burst : HU_JOINS_BURST, HU_JOINS_PER_S);
    if (!srv->peers) {
        snprintf(err, errlen, "out of memory");
        return HU_ERR_NOMEM;
    }
    return HU_OK;
}

struct server *server_new(const struct server_config *cfg, int *why, char *err, size_t errlen)
{
    *why = HU_ERR_INTERNAL;
    struct server *srv = calloc(1, sizeof *srv);
    struct deck **decks = calloc(cfg->n_decks ? cfg->n_decks : 1, sizeof *decks);
    if (!srv || !decks) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    srv->cfg = *cfg;
    if (!srv->cfg.ping_secs)
        srv->cfg.ping_secs = HU_PING_SECS;
    if (server_origins(srv, err, errlen) != HU_OK)
        goto fail;
    /* Every deck parses before anything else happens. */
    for (size_t i = 0; i < cfg->n_decks; i++) {
        if ((*why = deck_load(cfg->decks[i], &decks[i], err, errlen)) != HU_OK)
            goto fail;
        *why = HU_ERR_INTERNAL;
        for (size_t j = 0; j < i; j++)
            if (decks[i]->has_code && decks[j]->has_code && strcmp(decks[i]->code, decks[j]->code) == 0) {
                snprintf(err, errlen, "%s: join code %s is also fixed by %s", cfg->decks[i], decks[i]->code,
                         cfg->decks[j]);
                goto fail;
            }
    }
    int n = snprintf(srv->web_dir, sizeof srv->web_dir, "%s/web", cfg->asset_dir);
    int m = snprintf(srv->presenter_dir, sizeof srv->presenter_dir, "%s/presenter", cfg->asset_dir);
    int a = snprintf(srv->admin_dir, sizeof srv->admin_dir, "%s/admin", cfg->asset_dir);
    if (n < 0 || m < 0 || a < 0 || (size_t)n >= sizeof srv->web_dir || (size_t)m >= sizeof srv->presenter_dir ||
        (size_t)a >= sizeof srv->admin_dir) {
        snprintf(err, errlen, "asset folder path too long");
        goto fail;
    }
    /* The writer thread inherits a mask without SIGINT/SIGTERM, so the loop
     * thread is the one that sees them. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int src = store_open(cfg->data_path, false, &srv->store, err, errlen);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (src != HU_OK)
        goto fail;
    if (server_listen(srv, err, errlen) != HU_OK || server_base_url(srv) != HU_OK)
        goto fail;
    /* Room for the decks organisers upload while serving (net/http_admin.c):
     * a session never moves, as connections and votes point at it. */
    srv->sessions = calloc(HU_SESSIONS_MAX, sizeof *srv->sessions);
    if (!srv->sessions) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < cfg->n_decks; i++) {
        struct deck *d = decks[i];
        decks[i] = NULL; /* server_open_session owns it from here, even on failure */
        if (server_open_session(srv, &srv->sessions[i], d, err, errlen) != HU_OK) {
            /* Counted for the clean-up only once its room was being set up. */
            srv->n_sessions = i + (srv->sessions[i].srv ? 1 : 0);
            goto fail;
        }
        srv->n_sessions = i + 1;
    }
    if (admin_key_setup(srv, err, errlen) != HU_OK)
        goto fail;
    store_set_wakeup(srv->store, server_wake, srv);
    free(decks);
    *why = HU_OK;
    return srv;
fail:
    if (decks)
        for (size_t i = 0; i < cfg->n_decks; i++)
            deck_free(decks[i]);
    free(decks);
    server_free(srv);
    return NULL;
}

void server_print_banner(struct server *srv, FILE *f, bool ansi)
{
    fprintf(f, "handsup %s, listening on port %d\n", HANDSUP_VERSION, srv->port);
    for (size_t i = 0; i < srv->n_sessions; i++) {
        struct server_session *ss = &srv->sessions[i];
        const char *code = session_code(ss->session);
        fprintf(f, "\n== %s\n", session_title(ss->session));
        /* Plain digits first, so a script finds the code with \d{8}; then
         * the grouping people read out. */
        fprintf(f, "   join code:     %s  (read out as %.4s %.4s)\n", code, code, code + 4);
        fprintf(f, "   attendees:     %s\n", ss->join_url);
        char *qr = NULL;
        size_t qlen = 0;
        if (qr_terminal(ss->join_url, ansi, &qr, &qlen) == HU_OK) {
            fputs(qr, f);
            free(qr);
        }
        fprintf(f, "   presenter:     %s\n", ss->presenter_url);
        fprintf(f, "                  (keep this link private: it drives the deck and exports results)\n");
        char run[512];
        session_open_describe(ss->session, net_now_ms(), run, sizeof run);
        fprintf(f, "   run:           %s\n", run);
    }
    char admin[1024];
    if (admin_key_url(srv, admin, sizeof admin) == HU_OK)
        fprintf(f, "\n== organisers:   %s\n"
                   "                  (keep this link private: it opens every session, its results and runs)\n",
                admin);
    fprintf(f, "\nlistening on port %d\n", srv->port);
    fflush(f);
}

static void server_on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)w;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

int server_run(struct server *srv)
{
    /* libev turns SIGINT and SIGTERM into loop events, so stopping happens
     * between callbacks, never inside one. */
    ev_signal_init(&srv->sigint, server_on_signal, SIGINT);
    ev_signal_init(&srv->sigterm, server_on_signal, SIGTERM);
    ev_signal_start(srv->loop, &srv->sigint);
    ev_signal_start(srv->loop, &srv->sigterm);
    ws_keepalive_start(srv);
    ev_run(srv->loop, 0);
    ws_keepalive_stop(srv);
    ev_signal_stop(srv->loop, &srv->sigint);
    ev_signal_stop(srv->loop, &srv->sigterm);
    return 0;
}

void server_free(struct server *srv)
{
    if (!srv)
        return;
    if (srv->context)
        lws_context_destroy(srv->context);
    /* The organisers' worker: its last jobs finish, their answers go nowhere. */
    if (srv->loop)
        job_stop(srv);
    /* Closing connections above may have armed tally timers. */
    ws_linger_stop(srv);
    for (size_t i = 0; srv->loop && i < srv->n_sessions; i++)
        fanout_stop(&srv->sessions[i]);
    if (srv->loop)
        ev_loop_destroy(srv->loop);
    /* After the context: closing connections still reaches the sessions.
     * Closing the store commits what it holds; votes whose completion was
     * never collected are freed here, as nobody is left to acknowledge. */
    /* A run stopped cleanly has an end: the next serve knows how old it is. */
    for (size_t i = 0; srv->store && i < srv->n_sessions; i++)
        if (srv->sessions[i].session && session_run(srv->sessions[i].session)->id)
            (void)store_run_end(srv->store, session_run(srv->sessions[i].session)->id, net_now_ms());
    store_close(srv->store);
    ws_pending_free_all(srv);
    for (size_t i = 0; i < srv->n_sessions; i++) {
        struct server_session *ss = &srv->sessions[i];
        session_free(ss->session);
        free(ss->by_participant);
        free(ss->state_prefix);
        free(ss->join_url);
        free(ss->presenter_url);
        free(ss->runs);
    }
    free(srv->sessions);
    peers_free(srv->peers);
    free(srv->scratch);
    free(srv);
}
