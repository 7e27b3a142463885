/* bench.h -- the load generator's shared types: one process plays N phones and
 * one presenter against a handsup (or baseline) server over real WebSockets.
 *
 * Single-threaded: one epoll set, one monotonic clock, every latency measured
 * by the same clock that stamped the request.  Modules: hist.c (latency
 * histograms), wsc.c (sockets, HTTP upgrade, RFC 6455 frames), phone.c (the
 * JSON protocol), scen_*.c (the scenarios), report.c (figures and /proc),
 * main.c (options). */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* --- histograms (hist.c) --- */

#define HIST_BUCKETS 2304

/* Latencies in microseconds, log-linear buckets (under 1/64 relative error). */
struct hist {
    uint32_t counts[HIST_BUCKETS];
    uint64_t n;
    uint64_t max_us;
    double sum_us;
};

void hist_reset(struct hist *h);
void hist_add(struct hist *h, double seconds);
/* q in [0,1]; returns milliseconds (0 for an empty histogram). */
double hist_quantile_ms(const struct hist *h, double q);
double hist_max_ms(const struct hist *h);
double hist_mean_ms(const struct hist *h);

/* --- a growable byte buffer --- */

struct bbuf {
    char *data;   /* from malloc(), or NULL while empty and never used */
    uint32_t len;
    uint32_t cap;
};

int bbuf_append(struct bbuf *b, const void *p, size_t n);
void bbuf_consume(struct bbuf *b, size_t n);
void bbuf_free(struct bbuf *b);

/* --- phones --- */

enum phone_state {
    PH_IDLE,       /* no socket */
    PH_QUEUED,     /* waiting for a handshake slot */
    PH_CONNECTING, /* TCP connect in progress */
    PH_UPGRADING,  /* HTTP upgrade sent, waiting for 101 */
    PH_OPEN,       /* WebSocket open, join sent */
};

struct phone {
    int fd;
    uint8_t state;        /* enum phone_state */
    bool presenter;
    bool welcomed;        /* a welcome arrived since the last connect */
    bool ready;           /* welcome and a state arrived since the last connect */
    bool closing;         /* we closed it on purpose */
    bool got_mark;        /* saw the slide the fan-out waits for */
    char voted;           /* last choice sent on the current poll: 'y', 'n' or 0 */
    char acked;           /* last acknowledged choice on the current poll */
    char my_vote;         /* myVote of the last state: 'y', 'n' or 0 */
    char token[33];       /* participant token from welcome, "" before */
    char ws_key[25];      /* Sec-WebSocket-Key of the current upgrade */
    uint32_t qa_lists;    /* "questions" messages since the counters were reset */
    double qa_last;       /* when the last one arrived, 0 = none yet */
    double qa_min_gap;    /* shortest time between two of them, seconds */
    int slide;            /* slide.index of the last state, -1 before */
    double t_slide;       /* when a state first showed that slide */
    double t_connect;     /* when the current connect started */
    struct bbuf rx;       /* bytes of an incomplete frame or HTTP response */
    struct bbuf tx;       /* bytes the socket would not take yet */
    struct bbuf frag;     /* a fragmented message being reassembled */
};

/* --- the generator --- */

struct bench_config {
    const char *label;     /* "handsup" or "baseline", copied into every figure */
    const char *host;      /* server address (127.0.0.1) */
    int port;
    int pid;               /* server process, for RSS and CPU; 0 = unknown */
    const char *code;      /* join code */
    const char *key;       /* presenter key */
    int n;                 /* attendees at most */
    int steps[8];          /* connect ramp */
    int n_steps;
    int rates[8];          /* steady vote rates, votes/s */
    int n_rates;
    double steady_secs;
    int moves;             /* fan-out moves */
    int inflight;          /* handshakes in flight at most */
    int sources;           /* loopback source addresses 127.0.0.2 ... */
    unsigned scenarios;    /* bit set of SCEN_* */
    const char *json_path; /* append the JSON lines here too, or NULL */
    /* Cluster mode (scen_cluster.c): generator processes, this one's rank,
     * the folder of their barrier files, and the node rank 0 kills. */
    int peers;
    int rank;
    const char *sync_dir;
    int kill_pid;
    int failover_n;        /* phones this generator keeps for the failover, 0 = all */
};

#define SCEN_CONNECT 1u
#define SCEN_BURST 2u
#define SCEN_STEADY 4u
#define SCEN_FANOUT 8u
#define SCEN_RECONNECT 16u
/* Poll kinds beyond yes/no (scen_kinds.c), on a deck with those polls. */
#define SCEN_MULTIPLE 32u
#define SCEN_SCALE 64u
#define SCEN_TEXT 128u
#define SCEN_QA 256u
#define SCEN_KINDS (SCEN_MULTIPLE | SCEN_SCALE | SCEN_TEXT | SCEN_QA)
/* Cluster mode: a node killed under voting phones (scen_cluster.c). */
#define SCEN_FAILOVER 512u

/* The presenter's view of the room, from its state and tally messages. */
struct room_view {
    int slide;
    int count;              /* slides in the deck */
    char poll[65];          /* current poll id, "" when the slide has none */
    bool poll_open;
    long long yes, no, voters, connected; /* last tally */
    long long tallies;      /* tally messages received */
};

struct bench {
    struct bench_config cfg;
    int epfd;
    uint64_t rng;           /* xorshift state for keys and masks */
    struct phone *phones;   /* [0] is the presenter, [1..n] attendees */
    int n_phones;           /* 1 + attendees created so far */
    int *queue;             /* phones waiting for a handshake slot (ring) */
    int q_head, q_len;
    int inflight;           /* phones in CONNECTING or UPGRADING */
    double last_scan;       /* last handshake timeout scan */
    int open_attendees;     /* attendees in PH_OPEN */
    int ready_attendees;    /* attendees with welcome and state */
    long long connect_failures, unexpected_closes, protocol_errors;
    long long errors;       /* error messages received */
    long long join_refusals; /* joins answered with an error */
    long long join_retries; /* joins answered store_failed and sent again */
    long long tokens_lost;  /* a welcome brought a different token than we sent */
    bool insane;            /* a scenario saw figures that cannot be right */
    char last_error[64];    /* code of the last one */
    struct room_view room;
    /* Votes in flight: send time by vote id (id - id_base). */
    double *sent_at;
    size_t sent_cap;
    long long id_base, next_id;
    long long acks;
    double last_ack;
    struct hist ack_hist;
    /* What the presenter's tally must show to be exact: yes/no counts, or,
     * for other kinds, whatever tally_check says of the whole message. */
    long long expect_yes, expect_no;
    bool (*tally_check)(struct bench *b, json_t *tally);
    double tally_exact_at;  /* first exact tally since armed, 0 = not yet */
    bool tally_armed;
    /* Fan-out: the slide every phone waits for, and when it was sent. */
    int mark_slide;
    double mark_sent;
    int mark_got;
    struct hist mark_hist;
    double mark_last;
    struct hist connect_hist; /* connect start to ready */
    double last_ready;        /* when the last attendee became ready */
    const void *wait_arg;   /* what a bench_wait predicate may look at */
    long long qa_bytes;     /* bytes of "questions" messages to attendees since reset */
    char *scratch;          /* read buffer */
    size_t scratch_cap;
};

double bench_now(void);
uint64_t bench_rand(struct bench *b);

/* --- wsc.c: connections --- */

int wsc_init(struct bench *b);
void wsc_fini(struct bench *b);
/* Queues phone i for a connect; the pump starts it when a slot frees. */
void wsc_enqueue(struct bench *b, int i);
/* Starts queued connects, waits up to timeout_ms for events and handles them. */
int wsc_pump(struct bench *b, int timeout_ms);
/* Sends one masked text frame; the rest waits for EPOLLOUT.  0 or -1. */
int wsc_send(struct bench *b, struct phone *p, const char *text, size_t len);
/* Closes the socket without a close frame (a network blip). */
void wsc_drop(struct bench *b, struct phone *p);

/* --- phone.c: the protocol --- */

/* Called by wsc.c for every complete text message. */
void phone_on_message(struct bench *b, struct phone *p, const char *text, size_t len);
/* Called by wsc.c when the upgrade completed: sends the join. */
int phone_on_open(struct bench *b, struct phone *p);
/* Sends a vote on the presenter's current poll; records its send time. */
int phone_vote(struct bench *b, struct phone *p, char choice, double when);
/* Sends text (a JSON object without its closing brace) with a fresh id
 * appended, and records its send time like a vote's.  0 or -1. */
int phone_request(struct bench *b, struct phone *p, const char *text, double when);
/* Sends a presenter command with no arguments ("next", "open", ...). */
int phone_command(struct bench *b, const char *type);
int phone_goto(struct bench *b, int slide);
/* Forgets the send times of earlier votes; ids continue. */
void phone_votes_reset(struct bench *b);
/* Pumps until done(b) is true or timeout_s passes; returns done(b). */
bool bench_wait(struct bench *b, bool (*done)(struct bench *), double timeout_s);
/* Pumps for secs seconds. */
void bench_idle(struct bench *b, double secs);

/* --- scenarios --- */

int scen_presenter(struct bench *b);
int scen_connect(struct bench *b);
int scen_burst(struct bench *b);
/* A burst reported under another scenario name (the reconnect storm's setup). */
int scen_burst_named(struct bench *b, const char *name);
int scen_steady(struct bench *b);
int scen_fanout(struct bench *b);
int scen_reconnect(struct bench *b);
/* Bursts on a multiple choice, a scale and a text poll, and questions with a
 * stream of upvotes (scen_kinds.c); each runs when its bit is set. */
int scen_kinds(struct bench *b);
/* Cluster mode: every rank waits here until all have arrived (pumping). */
int cluster_barrier(struct bench *b, const char *name);
int cluster_move_announce(struct bench *b, int m, int target, double t);
int scen_fanout_follow(struct bench *b);
int scen_failover(struct bench *b);

/* --- report.c --- */

/* Server RSS in KiB from /proc/<pid>/status, or -1. */
long report_rss_kib(int pid);
/* Server CPU ticks (utime + stime) from /proc/<pid>/stat, or -1. */
long long report_cpu_ticks(int pid);
/* Prints o as one JSON line (with "server" and "scenario" added) to stdout
 * and to cfg.json_path; steals the reference to o. */
void report_json(struct bench *b, const char *scenario, json_t *o);
/* Prints a readable row "label  scenario  name  value". */
void report_row(struct bench *b, const char *scenario, const char *name, double value, const char *unit);

#endif
