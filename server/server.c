/* server.c -- start-up, the event loop and shutdown.
 *
 * One lws context on the libev back end (the default poll() loop scans every
 * socket per event; see DESIGN section 5).  Start-up loads every deck first
 * and only then touches the data file, so a broken deck never leaves a
 * half-created session behind. */
#include <errno.h>
#include <limits.h>
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
#include "net/cluster.h"
#include "net/job.h"
#include "net/netaddr.h"
#include "net/session_open.h"
#include "server.h"
#include "server_watch.h"
#include "server_impl.h"

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
        n = snprintf(srv->base_url, sizeof srv->base_url, "%s://%s:%d", srv->cfg.tls_cert ? "https" : "http", addr,
                     srv->port);
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
    /* Every deck parses before anything else happens; PDF pages are
     * rendered here, before the loop, into the cache beside the data file. */
    char pdf_cache[PATH_MAX];
    double pdf_seconds = 0;
    struct deck_opts dopts = {pdf_cache, &pdf_seconds};
    if (!deck_pdf_cache_path(cfg->data_path, pdf_cache, sizeof pdf_cache)) {
        snprintf(err, errlen, "--data path too long");
        goto fail;
    }
    for (size_t i = 0; i < cfg->n_decks; i++) {
        if ((*why = deck_load_opts(cfg->decks[i], &dopts, stderr, &decks[i], err, errlen)) != HU_OK)
            goto fail;
        if (decks[i]->n_pdf_pages)
            log_event(LOG_INFO, "PDF pages ready", LOG_S("deck", cfg->decks[i]), LOG_I("pages", decks[i]->n_pdf_pages),
                      LOG_F("render_seconds", pdf_seconds), LOG_END);
        pdf_seconds = 0;
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
    /* The certificate is checked and the port bound before the data file
     * is opened: with --reuse-port the port is ours while the old process
     * drains and releases the file (docs/deployment.md, "Upgrades"). */
    if ((*why = server_web_bind(srv, err, errlen)) != HU_OK) {
        if (*why == HU_ERR_PARSE)
            *why = HU_ERR_IO; /* not a deck's file:line */
        goto fail;
    }
    *why = HU_ERR_INTERNAL;
    /* The writer thread inherits a mask without SIGINT/SIGTERM/SIGHUP, so
     * the loop thread is the one that sees them. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int src;
    if (cfg->redis_url) {
        /* Cluster mode: the Redis connections live on the loop lws will run,
         * so it is made now (server_web_start lends it to lws). */
        struct store_redis_opts ro = {cfg->redis_url, cfg->redis_timeout_ms, cfg->redis_allow_unsafe,
                                      srv->loop = ev_loop_new(EVBACKEND_EPOLL)};
        src = srv->loop ? store_open_redis(&ro, &srv->store, err, errlen) : HU_ERR_IO;
        if (!srv->loop)
            snprintf(err, errlen, "cannot create the event loop (epoll)");
        if (src == HU_ERR_EXISTS)
            *why = HU_ERR_FORBIDDEN; /* an unsafe Redis: exit status 2 */
    } else {
        src = store_open_wait(cfg->data_path, cfg->reuse_port ? SERVER_TAKEOVER_WAIT_MS : 0, &srv->store, err,
                              errlen);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (src != HU_OK)
        goto fail;
    if (server_web_start(srv, err, errlen) != HU_OK || server_base_url(srv) != HU_OK)
        goto fail;
    srv->metrics.started = net_now_ms() / 1000;
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
    if (cluster_start(srv) != HU_OK) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (cfg->watch && server_watch_start(srv, err, errlen) != HU_OK)
        goto fail;
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

/* The first SIGTERM or SIGINT starts a graceful stop (net/ws_drain.c); a
 * second one, from someone who will not wait, ends the loop at once
 * (what the store holds is still committed by server_free). */
static void server_on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)revents;
    struct server *srv = w->data;
    if (srv->draining) {
        log_event(LOG_WARN, "stopping now: a second signal cut the goodbye short", LOG_END);
        ev_break(loop, EVBREAK_ALL);
        return;
    }
    ws_drain_start(srv, w->signum == SIGTERM ? "restart" : "shutdown");
}

static void server_on_hup(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)loop;
    (void)revents;
    struct server *srv = w->data;
    if (srv->cfg.tls_cert)
        server_tls_reload(srv);
    else
        log_event(LOG_INFO, "SIGHUP ignored: no --tls-cert to reload", LOG_END);
}

int server_run(struct server *srv)
{
    /* libev turns the signals into loop events, so stopping and reloading
     * happen between callbacks, never inside one. */
    ev_signal_init(&srv->sigint, server_on_signal, SIGINT);
    ev_signal_init(&srv->sigterm, server_on_signal, SIGTERM);
    ev_signal_init(&srv->sighup, server_on_hup, SIGHUP);
    srv->sigint.data = srv->sigterm.data = srv->sighup.data = srv;
    ev_signal_start(srv->loop, &srv->sigint);
    ev_signal_start(srv->loop, &srv->sigterm);
    ev_signal_start(srv->loop, &srv->sighup);
    ws_keepalive_start(srv);
    server_web_listen(srv);
    log_event(LOG_INFO, "serving", LOG_I("port", srv->port), LOG_I("sessions", (long long)srv->n_sessions),
              LOG_S("tls", srv->cfg.tls_cert ? "on" : "off"), LOG_S("reuse_port", srv->cfg.reuse_port ? "on" : "off"),
              LOG_I("trusted_proxies", (long long)srv->n_trusted), LOG_S("metrics", srv->cfg.metrics ? "on" : "off"),
              LOG_S("assets", srv->cfg.asset_dir), LOG_END);
    ev_run(srv->loop, 0);
    ws_drain_stop(srv);
    ws_keepalive_stop(srv);
    ev_signal_stop(srv->loop, &srv->sigint);
    ev_signal_stop(srv->loop, &srv->sigterm);
    ev_signal_stop(srv->loop, &srv->sighup);
    return 0;
}

void server_free(struct server *srv)
{
    if (!srv)
        return;
    /* First: the watcher hands decks to the sessions freed below. */
    server_watch_stop(srv);
    listener_free(srv->listener);
    if (srv->context)
        lws_context_destroy(srv->context);
    /* The organisers' worker: its last jobs finish, their answers go nowhere. */
    if (srv->loop)
        job_stop(srv);
    /* Closing connections above may have armed tally timers. */
    ws_linger_stop(srv);
    for (size_t i = 0; srv->loop && i < srv->n_sessions; i++)
        fanout_stop(&srv->sessions[i]);
    store_cluster_stop(srv->store);
    if (srv->loop)
        ev_loop_destroy(srv->loop);
    /* After the context: closing connections still reaches the sessions.
     * Closing the store commits what it holds; votes whose completion was
     * never collected are freed here, as nobody is left to acknowledge. */
    /* A run stopped cleanly has an end: the next serve knows how old it is
     * (a graceful stop recorded it already, before releasing the file). */
    admin_runs_end_all(srv);
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
