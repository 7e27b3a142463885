/* phone.c -- the JSON side of a phone and of the presenter: joins, votes and
 * commands going out; welcome, state, ack, tally and error coming in.
 *
 * Messages are parsed with jansson and only the fields the scenarios measure
 * are kept (docs/protocol.md): the token, slide.index, myVote, the poll id
 * and status, ack ids, and the presenter's tally counts.  The two messages
 * every vote brings back (its ack and the state showing it) are read by a
 * scan for their few fields instead: parsing each whole, at 50,000 votes a
 * second, made the generator the bottleneck it is meant to measure.  A
 * message that does not look as expected goes through jansson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t bench_rand(struct bench *b)
{
    /* xorshift64*: keys and masks need to vary, not to be secret. */
    b->rng ^= b->rng >> 12;
    b->rng ^= b->rng << 25;
    b->rng ^= b->rng >> 27;
    return b->rng * 0x2545F4914F6CDD1Dull;
}

/* Sends o (reference stolen) as one text message from p. */
static int phone_send_json(struct bench *b, struct phone *p, json_t *o)
{
    if (!o)
        return -1;
    char buf[1024];
    size_t n = json_dumpb(o, buf, sizeof buf, JSON_COMPACT);
    json_decref(o);
    if (n == 0 || n > sizeof buf)
        return -1;
    return wsc_send(b, p, buf, n);
}

int phone_on_open(struct bench *b, struct phone *p)
{
    json_t *o;
    if (p->presenter)
        o = json_pack("{s:s, s:s, s:s}", "type", "join", "code", b->cfg.code, "key", b->cfg.key);
    else if (p->token[0])
        o = json_pack("{s:s, s:s, s:s}", "type", "join", "code", b->cfg.code, "participant", p->token);
    else
        o = json_pack("{s:s, s:s}", "type", "join", "code", b->cfg.code);
    return phone_send_json(b, p, o);
}

static char phone_choice(const char *s)
{
    if (!s)
        return 0;
    return strcmp(s, "yes") == 0 ? 'y' : strcmp(s, "no") == 0 ? 'n' : '?';
}

static long long phone_int(json_t *o, const char *key, long long dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

static void phone_welcome(struct bench *b, struct phone *p, json_t *m)
{
    if (!p->presenter) {
        const char *tok = json_string_value(json_object_get(m, "participant"));
        if (!tok || strlen(tok) >= sizeof p->token) {
            b->protocol_errors++;
            return;
        }
        if (p->token[0] && strcmp(p->token, tok) != 0)
            b->tokens_lost++;
        memcpy(p->token, tok, strlen(tok) + 1);
    }
    p->welcomed = true;
}

static void phone_presenter_state(struct bench *b, json_t *m)
{
    json_t *poll = json_object_get(m, "poll");
    b->room.slide = (int)phone_int(json_object_get(m, "slide"), "index", -1);
    b->room.count = (int)phone_int(json_object_get(m, "slide"), "count", 0);
    const char *id = json_string_value(json_object_get(poll, "id"));
    size_t len = id ? strlen(id) : 0;
    if (len >= sizeof b->room.poll)
        len = 0;
    memcpy(b->room.poll, id ? id : "", len);
    b->room.poll[len] = '\0';
    const char *status = json_string_value(json_object_get(poll, "status"));
    b->room.poll_open = status && strcmp(status, "open") == 0;
}

static void phone_attendee_state(struct bench *b, struct phone *p, int slide, char my_vote, double now);
static void phone_acked(struct bench *b, struct phone *p, long long id, char choice, double now);

static void phone_state(struct bench *b, struct phone *p, json_t *m, double now)
{
    if (p->presenter) {
        phone_presenter_state(b, m);
        p->ready = true;
        return;
    }
    phone_attendee_state(b, p, (int)phone_int(json_object_get(m, "slide"), "index", -1),
                         phone_choice(json_string_value(json_object_get(m, "myVote"))), now);
}

static void phone_attendee_state(struct bench *b, struct phone *p, int slide, char my_vote, double now)
{
    if (p->slide != slide)
        p->t_slide = now;
    p->slide = slide;
    p->my_vote = my_vote;
    if (!p->ready && p->welcomed) {
        p->ready = true;
        b->ready_attendees++;
        b->last_ready = now;
        hist_add(&b->connect_hist, now - p->t_connect);
    }
    if (b->mark_slide >= 0 && p->slide == b->mark_slide && !p->got_mark) {
        p->got_mark = true;
        b->mark_got++;
        b->mark_last = now;
        hist_add(&b->mark_hist, now - b->mark_sent);
    }
}

static void phone_ack(struct bench *b, struct phone *p, json_t *m, double now)
{
    phone_acked(b, p, phone_int(m, "id", -1), phone_choice(json_string_value(json_object_get(m, "choice"))), now);
}

static void phone_acked(struct bench *b, struct phone *p, long long id, char choice, double now)
{
    if (id >= b->id_base && id < b->next_id) {
        double *t = &b->sent_at[id - b->id_base];
        if (*t > 0) {
            hist_add(&b->ack_hist, now - *t);
            *t = 0;
            b->acks++;
            b->last_ack = now;
        }
    }
    p->acked = choice;
}

static void phone_tally(struct bench *b, json_t *m, double now)
{
    const char *poll = json_string_value(json_object_get(m, "poll"));
    if (!poll || strcmp(poll, b->room.poll) != 0)
        return;
    json_t *counts = json_object_get(m, "counts");
    b->room.yes = phone_int(counts, "yes", 0);
    b->room.no = phone_int(counts, "no", 0);
    b->room.voters = phone_int(m, "voters", 0);
    b->room.connected = phone_int(m, "connected", -1);
    b->room.tallies++;
    bool exact = b->tally_check ? b->tally_check(b, m)
                                : b->room.yes == b->expect_yes && b->room.no == b->expect_no &&
                                      b->room.voters == b->expect_yes + b->expect_no;
    if (b->tally_armed && b->tally_exact_at == 0 && exact)
        b->tally_exact_at = now;
}

static void phone_error(struct bench *b, struct phone *p, json_t *m)
{
    const char *code = json_string_value(json_object_get(m, "code"));
    b->errors++;
    snprintf(b->last_error, sizeof b->last_error, "%s", code ? code : "?");
    if (!p->welcomed && code && strcmp(code, "store_failed") == 0 && b->join_retries < 10L * b->cfg.n) {
        /* The page's "cannot join now; try again in a moment" (cluster mode,
         * Redis slower than --redis-timeout): the phone joins again, behind
         * every connect already queued. */
        if (b->join_retries++ == 0)
            fprintf(stderr, "bench: a join was answered store_failed; the phone tries again (counted)\n");
        wsc_drop(b, p);
        wsc_enqueue(b, (int)(p - b->phones));
        return;
    }
    if (!p->welcomed) {
        /* A refused join (a per-address cap, say): the phone gives up, so
         * the ramp counts it as a failure instead of waiting for it. */
        if (b->join_refusals++ == 0)
            fprintf(stderr, "bench: a join was refused (%s); counted as connect failures\n", b->last_error);
        b->connect_failures++;
        wsc_drop(b, p);
        return;
    }
    long long id = phone_int(m, "id", -1);
    if (id >= b->id_base && id < b->next_id)
        b->sent_at[id - b->id_base] = 0; /* refused: it will never be acknowledged */
}

/* The value after the first "key": in text (key includes its quotes and the
 * colon).  A key is found only where JSON puts one: inside a string every
 * quote is escaped, so "key": cannot appear there. */
static const char *scan_value(const char *text, size_t len, const char *key)
{
    size_t klen = strlen(key);
    const char *v = memmem(text, len, key, klen);
    return v ? v + klen : NULL;
}

static bool scan_int(const char *text, size_t len, const char *key, long long *out)
{
    const char *v = scan_value(text, len, key);
    if (!v)
        return false;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (end == v || end >= text + len || (*end != ',' && *end != '}'))
        return false;
    *out = n;
    return true;
}

/* A choice value: "yes" or "no" gives 'y' or 'n', null gives 0. */
static bool scan_choice(const char *text, size_t len, const char *key, char *out)
{
    const char *v = scan_value(text, len, key);
    size_t left = v ? (size_t)(text + len - v) : 0;
    if (left >= 5 && memcmp(v, "\"yes\"", 5) == 0)
        *out = 'y';
    else if (left >= 4 && memcmp(v, "\"no\"", 4) == 0)
        *out = 'n';
    else if (left >= 4 && memcmp(v, "null", 4) == 0)
        *out = 0;
    else
        return false;
    return true;
}

static bool phone_fast_message(struct bench *b, struct phone *p, const char *text, size_t len, double now)
{
    static const char ack[] = "{\"type\":\"ack\",", state[] = "{\"type\":\"state\",";
    long long id, slide;
    char choice;
    /* The acks and states of other poll kinds ("choices":[...], "value":4,
     * "answer":"17") are read the same way: only a yes/no choice is kept,
     * anything else counts as none, which is all the kinds' scenarios need. */
    if (len > sizeof ack && memcmp(text, ack, sizeof ack - 1) == 0) {
        if (!scan_int(text, len, "\"id\":", &id))
            return false;
        if (!scan_choice(text, len, "\"choice\":", &choice))
            choice = 0;
        phone_acked(b, p, id, choice, now);
        return true;
    }
    if (!p->presenter && len > sizeof state && memcmp(text, state, sizeof state - 1) == 0) {
        if (!scan_int(text, len, "\"slide\":{\"index\":", &slide) || !scan_value(text, len, "\"myVote\":"))
            return false;
        if (!scan_choice(text, len, "\"myVote\":", &choice))
            choice = 0;
        phone_attendee_state(b, p, (int)slide, choice, now);
        return true;
    }
    return false;
}

/* A question list to a phone: counted, timed and measured, never parsed
 * (19,000 of them a second would make the generator the bottleneck). */
static bool phone_questions(struct bench *b, struct phone *p, const char *text, size_t len, double now)
{
    static const char questions[] = "{\"type\":\"questions\",";
    if (p->presenter || len < sizeof questions || memcmp(text, questions, sizeof questions - 1) != 0)
        return false;
    if (p->qa_last > 0 && (p->qa_min_gap == 0 || now - p->qa_last < p->qa_min_gap))
        p->qa_min_gap = now - p->qa_last;
    p->qa_last = now;
    p->qa_lists++;
    b->qa_bytes += (long long)len;
    return true;
}

void phone_on_message(struct bench *b, struct phone *p, const char *text, size_t len)
{
    double now = bench_now();
    if (phone_fast_message(b, p, text, len, now) || phone_questions(b, p, text, len, now))
        return;
    json_error_t jerr;
    json_t *m = json_loadb(text, len, 0, &jerr);
    const char *type = json_string_value(json_object_get(m, "type"));
    if (!type)
        b->protocol_errors++;
    else if (strcmp(type, "state") == 0)
        phone_state(b, p, m, now);
    else if (strcmp(type, "ack") == 0)
        phone_ack(b, p, m, now);
    else if (strcmp(type, "tally") == 0 && p->presenter)
        phone_tally(b, m, now);
    else if (strcmp(type, "welcome") == 0)
        phone_welcome(b, p, m);
    else if (strcmp(type, "error") == 0)
        phone_error(b, p, m);
    json_decref(m);
}

/* Gives a request its id and records when it was due; -1 when out of memory. */
static long long phone_track(struct bench *b, double when)
{
    size_t slot = (size_t)(b->next_id - b->id_base);
    if (slot >= b->sent_cap) {
        size_t cap = b->sent_cap ? b->sent_cap * 2 : 65536;
        double *s = realloc(b->sent_at, cap * sizeof *s);
        if (!s)
            return -1;
        memset(s + b->sent_cap, 0, (cap - b->sent_cap) * sizeof *s);
        b->sent_at = s;
        b->sent_cap = cap;
    }
    b->sent_at[slot] = when;
    return b->next_id++;
}

int phone_vote(struct bench *b, struct phone *p, char choice, double when)
{
    if (p->state != PH_OPEN || !b->room.poll[0])
        return -1;
    long long id = phone_track(b, when);
    if (id < 0)
        return -1;
    p->voted = choice;
    /* Poll ids are [A-Za-z0-9_-] (docs/protocol.md), so this needs no
     * escaping; the cost of json_pack per vote showed at 50,000 a second. */
    char buf[160];
    int n = strspn(b->room.poll, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
                    strlen(b->room.poll)
                ? snprintf(buf, sizeof buf, "{\"type\":\"vote\",\"poll\":\"%s\",\"choice\":\"%s\",\"id\":%lld}",
                           b->room.poll, choice == 'y' ? "yes" : "no", id)
                : -1;
    if (n > 0 && (size_t)n < sizeof buf)
        return wsc_send(b, p, buf, (size_t)n);
    return phone_send_json(b, p,
                           json_pack("{s:s, s:s, s:s, s:I}", "type", "vote", "poll", b->room.poll, "choice",
                                     choice == 'y' ? "yes" : "no", "id", (json_int_t)id));
}

int phone_request(struct bench *b, struct phone *p, const char *text, double when)
{
    if (p->state != PH_OPEN)
        return -1;
    long long id = phone_track(b, when);
    char buf[512];
    int n = id < 0 ? -1 : snprintf(buf, sizeof buf, "%s,\"id\":%lld}", text, id);
    if (n <= 0 || (size_t)n >= sizeof buf)
        return -1;
    return wsc_send(b, p, buf, (size_t)n);
}

void phone_votes_reset(struct bench *b)
{
    b->id_base = b->next_id;
    if (b->sent_at)
        memset(b->sent_at, 0, b->sent_cap * sizeof *b->sent_at);
    b->acks = 0;
    b->last_ack = 0;
    hist_reset(&b->ack_hist);
}

int phone_command(struct bench *b, const char *type)
{
    return phone_send_json(b, &b->phones[0], json_pack("{s:s}", "type", type));
}

int phone_goto(struct bench *b, int slide)
{
    return phone_send_json(b, &b->phones[0], json_pack("{s:s, s:i}", "type", "goto", "slide", slide));
}

void bench_idle(struct bench *b, double secs)
{
    double end = bench_now() + secs;
    for (double now = bench_now(); now < end; now = bench_now())
        if (wsc_pump(b, (int)((end - now) * 1000) + 1) < 0)
            return;
}

bool bench_wait(struct bench *b, bool (*done)(struct bench *), double timeout_s)
{
    double deadline = bench_now() + timeout_s;
    while (!done(b)) {
        if (bench_now() > deadline)
            return false;
        if (wsc_pump(b, 5) < 0)
            return done(b);
    }
    return true;
}
