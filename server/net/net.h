/* net.h -- the server context, shared by the network edge (net/) and the
 * start-up glue above it (server.c).
 *
 * All mutable state of a running server hangs off struct server, which is
 * reached from lws callbacks through the vhost's user pointer: there are no
 * globals.  Everything here is touched only by the event loop thread.  It
 * lives here, below server.c, so that the edge's files never include a
 * header of the layer that starts them. */
#ifndef HU_NET_H
#define HU_NET_H

#include <ev.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdint.h>

#include "clientaddr.h"
#include "config.h"
#include "listener.h"
#include "metrics.h"
#include "origin.h"
#include "peers.h"
#include "proto.h"
#include "room/session.h"
#include "store/store.h"
#include "store/store_run.h"
#include "base/buf.h"

struct conn;
struct server_session;

/* A vote, answer, withdrawal, question or upvote waiting for its commit:
 * the store's cookie. */
struct ws_pending_vote {
    struct ws_pending_vote *prev, *next; /* in server.pending */
    struct conn *conn;          /* the connection that sent it; NULL once closed */
    struct ws_pending_vote *conn_prev, *conn_next; /* in conn->votes */
    struct server_session *ss;
    struct session_act act;     /* what it does, for the participant act.participant */
    struct proto_id id;         /* the request id, echoed in its ack or error */
    uint64_t at_us;             /* metrics_now_us() when it was handed to the store */
    /* Cluster mode: a new participant waiting for Redis to give it an index
     * (store_join) rather than a vote; act is unused then. */
    bool join;
    bool lookup;                /* the token is the phone's own, looked up (not a new one) */
    char token[HU_TOKEN_LEN + 1];
};

/* One queued reply (welcome, ack, error, pong), framed when it is sent. */
struct outmsg {
    struct outmsg *next;
    size_t len;
    char text[]; /* len bytes, no terminator */
};

/* A list version no release has: a connection that must get the next list
 * whatever was released before (it joined, or a presenter acted). */
#define CONN_NOTHING_SENT UINT64_MAX

/* Per-connection state, allocated by lws (per_session_data_size) and zeroed. */
struct conn {
    struct lws *wsi;
    struct server_session *ss;  /* NULL until joined */
    struct conn *prev, *next;   /* in ss->attendees or ss->presenters */
    struct conn *all_prev, *all_next; /* in srv->conns: every open WebSocket */
    uint32_t participant;       /* attendees: index in the session */
    bool presenter;
    bool closing;               /* send what is queued, drain, then close (ws_linger.c) */
    bool lingering;             /* in srv->lingering, waiting for the peer to go quiet */
    uint16_t close_status;
    uint32_t close_ms;          /* monotonic ms the close was decided (wraps) */
    uint16_t outq_len;
    struct outmsg *head, *tail; /* queued replies, oldest first */
    uint64_t sent_version;      /* session version of the last state sent */
    uint64_t sent_tally;        /* tally version of the last tally sent */
    uint64_t sent_qa;           /* released questions version last sent, CONN_NOTHING_SENT at first */
    uint64_t sent_answers;      /* presenters: released answers version last sent, likewise */
    struct peer *peer;          /* its source address's counters (peers.h) */
    struct ws_pending_vote *votes; /* its votes waiting for the store */
    char *rx;                   /* a message arriving in fragments. From malloc() */
    uint16_t rx_len;
    uint16_t strikes;           /* rate-limited messages so far */
    float tokens;               /* rate limit bucket */
    uint32_t refill_ms;         /* monotonic ms of the last refill (wraps) */
    uint32_t seen_ms;           /* monotonic ms of the last frame received (wraps) */
    uint32_t ping_extra_ms;     /* this connection's random share of the keepalive spread */
    bool ping_due;              /* the keepalive sweep wants a ping sent */
    bool ping_sent;             /* a ping went out since the last frame received */
    bool write_listed;          /* in srv->writes (ws_out.c) */
    struct conn *write_next;
    struct conn *linger_next;   /* in srv->lingering */
};

/* A session plus its connections. */
struct server_session {
    struct server *srv;
    struct session *session;    /* owned */
    struct conn *attendees;     /* list of joined attendee connections */
    struct conn *presenters;    /* list of joined presenter connections */
    struct conn **by_participant; /* participant index -> its newest connection. From malloc() */
    uint32_t by_participant_cap;
    uint64_t notified_version;  /* version whose writable requests went out */
    uint64_t notified_tally;
    ev_timer tally_timer;       /* coalesces tallies to presenters */
    bool tally_pending;
    int64_t tally_last_ms;
    /* Question lists (to everyone) and answer lists (to presenters) go out at
     * most once per HU_QA_INTERVAL_MS: the timer releases the versions that
     * connections catch up with. */
    ev_timer qa_timer;
    bool qa_pending;
    int64_t qa_last_ms;
    uint64_t released_qa, released_answers;
    uint64_t notified_qa, notified_answers;
    /* The attendee state of cached_version, without its closing brace, so
     * each phone's copy only appends its own "myVote". From malloc() */
    char *state_prefix;
    size_t state_prefix_len;
    uint64_t cached_version;
    uint64_t changed_us;        /* metrics_now_us() when notified_version last moved */
    char *join_url;             /* From malloc() */
    char *presenter_url;        /* From malloc() */
    /* Its row and runs in the data file, as the organiser's page lists them
     * (refreshed by the jobs that start and delete runs). */
    int64_t store_session_id;
    struct store_run_row *runs; /* oldest first. From malloc() */
    size_t n_runs;
};

struct server {
    struct server_config cfg;
    /* Our own libev loop, lent to lws as a foreign loop, so that stopping
     * on SIGINT/SIGTERM is ours to do: lws's internal loop offers no
     * clean way out of lws_service(). */
    struct ev_loop *loop;
    ev_signal sigint, sigterm;
    void *foreign_loops[1];
    struct lws_context *context;
    struct lws_vhost *vhost;
    struct peers *peers;        /* per-address limits. Owned */
    struct origin_policy origins; /* who may open a WebSocket */
    struct clientaddr_net trusted[16]; /* --trust-proxy */
    size_t n_trusted;
    struct store *store;
    struct conn *conns;         /* every open WebSocket, for the keepalive sweep */
    unsigned defer_depth;       /* inside ws_defer_begin/end: writes are collected */
    struct conn *writes;        /* connections with something to write, collected */
    ev_timer keepalive;         /* that sweep (ws_keepalive.c) */
    struct conn *lingering;     /* closing connections draining their peer (ws_linger.c) */
    ev_timer linger;            /* looks at them while there are any */
    uint32_t keepalive_rng;     /* spreads the connections' pings */
    struct server_session *sessions; /* From malloc() */
    size_t n_sessions;
    int port;
    char base_url[512];         /* http://host:port, no trailing slash */
    char public_origin[512];    /* scheme://host[:port] of --public-url, or "" */
    char web_dir[4096], presenter_dir[4096];
    struct lws_http_mount mounts[9];
    struct lws_protocol_vhost_options headers[5];
    char csp[512];              /* Content-Security-Policy of every response */
    struct ws_pending_vote *pending; /* votes handed to the store, not yet completed */
    struct server_watch *watch; /* --watch (server_watch.c), or NULL. Owned */
    unsigned char *scratch;     /* frames being written, after LWS_PRE headroom. From malloc() */
    size_t scratch_cap;
    struct listener *listener;  /* our listening socket (listener.h). Owned */
    struct metrics metrics;     /* counters of GET /metrics */
    int64_t tls_not_after;      /* unix seconds the served certificate expires; 0 without TLS */
    ev_signal sighup;           /* reloads the certificate */
    /* A graceful stop (ws_drain.c): goodbyes sent, acks flushed, the data
     * file released, connections closed, within HU_DRAIN_MS. */
    bool draining;
    int drain_phase;
    uint32_t drain_start_ms;    /* monotonic ms */
    ev_timer drain;
    const char *drain_reason;   /* "restart" (SIGTERM) or "shutdown" (SIGINT) */
    /* Organisers (DESIGN section 10): the page's folder, its key, and the
     * worker that does their disk work (job.h). */
    char admin_dir[4096];
    char admin_key[HU_KEY_MAX + 1]; /* --admin-key, the data file's, or random; cfg.admin_key points here */
    struct jobs *jobs;          /* started on first use. Owned */
};

/* net.c */
struct server_session *net_find_session(struct server *srv, const char *code);
int64_t net_now_ms(void);
uint32_t net_mono_ms(void);
/* True for an Upgrade to WebSocket (any letter case, RFC 6455): the only
 * upgrade we take, as lws 4.1.6 mishandles others (CVE-2025-11677). */
bool net_upgrade_ok(const char *upgrade);
/* The client of wsi (clientaddr.h): its peer, or whom a --trust-proxy peer
 * forwards for.  False when the socket has no peer address. */
bool net_client_addr(struct server *srv, struct lws *wsi, unsigned char out[CLIENTADDR_LEN]);
/* True when the request carries "Authorization: Bearer <key>" (compared in
 * constant time). */
bool net_bearer_ok(struct lws *wsi, const char *key);
/* fanout.c: requests writable callbacks for whatever a session change made
 * stale.  fanout_init prepares a session's tally timer before its first
 * notify; fanout_stop stops it before the loop is destroyed. */
void fanout_notify(struct server_session *ss);
void fanout_init(struct server_session *ss);
void fanout_stop(struct server_session *ss);
/* fanout.c: the session's deck was reloaded: presenters get the new deck
 * ({"type":"deck"}), everyone a new state. */
void fanout_deck(struct server_session *ss);

/* ws.c / http.c: the lws protocol callbacks. */
int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

/* ws_out.c: c has something to send.  Outside ws_defer_begin/end this asks
 * lws for a writable callback; inside, the request is collected, and
 * ws_defer_end writes at once to every socket that has nothing buffered. */
void ws_want_write(struct server *srv, struct conn *c);
void ws_defer_begin(struct server *srv);
void ws_defer_end(struct server *srv);

/* ws_linger.c: the timer behind closing connections; stopped before the
 * loop is destroyed. */
void ws_linger_init(struct server *srv);
void ws_linger_stop(struct server *srv);

/* ws_keepalive.c: pings idle connections and hangs up silent ones. */
void ws_keepalive_start(struct server *srv);
void ws_keepalive_stop(struct server *srv);

/* ws_drain.c: a graceful stop (SIGTERM, SIGINT): goodbye with reason,
 * acks flushed, the store finished, connections closed, then ev_break.
 * ws_drain_stop stops its timer before the loop is destroyed. */
void ws_drain_start(struct server *srv, const char *reason);
void ws_drain_stop(struct server *srv);

/* admin_runs.c: records that every session's run ended now (a clean stop),
 * so the next serve knows how old it is.  Before the store is finished;
 * synchronous (shutdown only). */
void admin_runs_end_all(struct server *srv);

/* Hangs up on every phone and presenter of ss with a "bye" (1012), so each
 * comes back into the session's new run. */
void admin_runs_hang_up(struct server *srv, struct server_session *ss);

/* ws.c: frees votes whose completion will never be collected (shutdown). */
void ws_pending_free_all(struct server *srv);

/* Per-request data of the HTTP protocol: a dynamic response being sent. */
struct http_pss {
    char *body;                 /* From malloc(); NULL when nothing is pending */
    size_t len, sent;
    bool head;                  /* a HEAD request: headers as for GET, no body */
    bool file_open;             /* an image being sent from file_fd (http_media.c) */
    int file_fd;
    uint64_t file_left;         /* bytes of it still to send */
    /* The organiser's API (http_admin.c): a request body being received,
     * the job answering it, and its answer once the job is done. */
    struct hu_buf in;
    int in_route;               /* enum route_kind of a POST whose body is arriving; 0 = none */
    char in_code[HU_CODE_LEN + 1];
    char in_name[128];          /* ?name= of a deck upload */
    bool in_authorized;
    struct http_job *job;       /* waiting for a job; it points back at this request's wsi */
    struct http_answer *answer; /* ready to be sent when writable. From malloc() */
};

#endif
