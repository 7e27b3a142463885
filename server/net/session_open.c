/* session_open.c -- a deck's session, from the data file to the room.
 *
 * The run rule (DESIGN section 10): a deck served again the next day used
 * to resume silently, showing yesterday's room to a new one.  Now a new
 * session gets run 1; an existing one resumes its newest run only when that
 * run was live within HU_RUN_STALE_HOURS (a restart during a workshop), and
 * otherwise serve stops and asks for --new-run or --resume. */
#include "session_open.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"
#include "base/token.h"
#include "net.h"
#include "store/store_run.h"

#define SESSION_OPEN_CODE_TRIES 16

/* "2026-11-22 09:14 +0100" in local time, or "" for 0. */
static void session_open_time(int64_t ms, char *out, size_t outlen)
{
    out[0] = '\0';
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    if (ms > 0 && localtime_r(&secs, &tm) && strftime(out, outlen, "%Y-%m-%d %H:%M %z", &tm) == 0)
        out[0] = '\0';
}

/* The session row: found, or created with a code of the deck's or a random one. */
static int session_open_row(struct store *st, const struct deck *deck, const char *deck_abs,
                            const char *presenter_key, int64_t now_ms, struct store_session_row *row, bool *found)
{
    memset(row, 0, sizeof *row);
    int rc = store_session_find(st, deck->has_code ? deck->code : NULL, deck_abs, row);
    *found = rc == HU_OK;
    if (rc == HU_OK) {
        if (presenter_key)
            snprintf(row->key, sizeof row->key, "%s", presenter_key);
        else
            row->key[0] = '\0'; /* keep the stored one */
        snprintf(row->deck_path, sizeof row->deck_path, "%s", deck_abs);
        snprintf(row->title, sizeof row->title, "%s", deck->title);
        if ((rc = store_session_update(st, row)) != HU_OK)
            return rc;
        /* Read back, for the stored key. */
        return store_session_find(st, row->code, NULL, row);
    }
    if (rc != HU_ERR_NOT_FOUND)
        return rc;
    rc = presenter_key ? (snprintf(row->key, sizeof row->key, "%s", presenter_key), HU_OK)
                       : token_random_hex(row->key, sizeof row->key, HU_KEY_LEN / 2);
    snprintf(row->deck_path, sizeof row->deck_path, "%s", deck_abs);
    snprintf(row->title, sizeof row->title, "%s", deck->title);
    row->created_at = now_ms;
    /* A random code that another session of the file holds is drawn again. */
    for (int tries = 0; rc == HU_OK; tries++) {
        if (deck->has_code)
            snprintf(row->code, sizeof row->code, "%s", deck->code);
        else if ((rc = token_random_code(row->code)) != HU_OK)
            break;
        rc = store_session_create(st, row);
        if (rc != HU_ERR_EXISTS || deck->has_code || tries == SESSION_OPEN_CODE_TRIES)
            break;
        rc = HU_OK;
    }
    /* Cluster mode: another node starting at the same moment made the
     * deck's session first; it is this node's too. */
    if (rc == HU_ERR_EXISTS && deck->has_code && store_is_cluster(st)) {
        char code[HU_CODE_LEN + 1];
        snprintf(code, sizeof code, "%s", deck->code);
        rc = store_session_find(st, code, NULL, row);
        *found = rc == HU_OK;
    }
    return rc;
}

int session_open_plan(struct store *st, const struct deck *deck, const char *deck_abs, const char *presenter_key,
                      enum session_run_mode mode, const char *label, int64_t now_ms, struct session_plan *out,
                      char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    bool found = false;
    int rc = session_open_row(st, deck, deck_abs, presenter_key, now_ms, &out->row, &found);
    if (rc) {
        snprintf(err, errlen, "%s: cannot record the session in the data file: %s", deck->path, hu_strerror(rc));
        return rc;
    }
    struct store_run_row run;
    rc = found ? store_run_latest(st, out->row.id, &run) : HU_ERR_NOT_FOUND;
    /* Cluster mode: the node that created the session a moment ago creates
     * its run just after.  Creating one here too made two runs, each node
     * serving its own and skipping the other's notices as another run's: a
     * benchmark's two nodes started together diverged silently (the
     * tallies of each showed its own phones' votes only, slide moves and
     * tokens never crossed).  So wait for that run, up to 2 s, and resume
     * it; past that the creator is gone, and this node creates one. */
    for (int wait = 0; found && rc == HU_ERR_NOT_FOUND && mode != SESSION_RUN_NEW && store_is_cluster(st) &&
                       wait < 40;
         wait++) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        (void)nanosleep(&pause, NULL); /* an interrupted pause only retries sooner */
        rc = store_run_latest(st, out->row.id, &run);
    }
    if (rc == HU_OK && mode == SESSION_RUN_AUTO &&
        now_ms - run.active_at > (int64_t)HU_RUN_STALE_HOURS * 3600 * 1000) {
        char when[48];
        session_open_time(run.active_at, when, sizeof when);
        snprintf(err, errlen,
                 "%s: session %.4s %.4s was last served on %s (run %d%s%s%s, %u joined). Start a new run "
                 "of this deck with --new-run [--run-label TEXT], or continue run %d with --resume.",
                 deck->path, out->row.code, out->row.code + 4, when, run.number, run.label[0] ? ", \"" : "",
                 run.label, run.label[0] ? "\"" : "", (unsigned)run.participants, run.number);
        return HU_ERR_EXISTS;
    }
    bool resume = rc == HU_OK && mode != SESSION_RUN_NEW;
    if (resume) {
        rc = store_run_resume(st, run.id, label && *label ? label : NULL);
        if (rc == HU_OK && label && *label)
            snprintf(run.label, sizeof run.label, "%s", label);
    } else if (rc == HU_OK || rc == HU_ERR_NOT_FOUND) {
        rc = store_run_create(st, out->row.id, label, now_ms, &run);
    }
    if (rc) {
        snprintf(err, errlen, "%s: cannot record the run in the data file: %s", deck->path, hu_strerror(rc));
        return rc;
    }
    out->run.id = run.id;
    out->run.number = run.number;
    snprintf(out->run.label, sizeof out->run.label, "%s", run.label);
    out->run.started_at = run.started_at;
    out->run.resumed = resume;
    out->current_slide = run.current_slide;
    out->restore = resume;
    return HU_OK;
}

/* Percent-encodes s into out (room for outlen bytes) as JavaScript's
 * encodeURIComponent does, so the presenter page's decodeURIComponent gives
 * back exactly s, whatever a --presenter-key holds ('/', '#', '%', ...).
 * False when out is too small. */
bool session_open_url_encode(const char *s, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                     strchr("-_.!~*'()", ch) != NULL;
        if (k + (plain ? 1 : 3) >= outlen)
            return false;
        if (plain) {
            out[k++] = (char)ch;
        } else {
            out[k++] = '%';
            out[k++] = hex[ch >> 4];
            out[k++] = hex[ch & 15];
        }
    }
    out[k] = '\0';
    return true;
}

/* The attendee and presenter URLs of a session.  The key travels in the
 * fragment, which browsers never send to a server; code and key are
 * percent-encoded there, as "#<code>/<key>" must split at the first '/'. */
static int session_open_urls(struct server *srv, struct server_session *ss, const char *code, const char *key)
{
    char buf[1024], code_enc[3 * HU_CODE_LEN + 1], key_enc[3 * HU_KEY_MAX + 1];
    int n = snprintf(buf, sizeof buf, "%s/j/%s", srv->base_url, code);
    if (n < 0 || (size_t)n >= sizeof buf || !(ss->join_url = strdup(buf)))
        return HU_ERR_NOMEM;
    if (!session_open_url_encode(code, code_enc, sizeof code_enc) ||
        !session_open_url_encode(key, key_enc, sizeof key_enc))
        return HU_ERR_INTERNAL;
    n = snprintf(buf, sizeof buf, "%s/present/#%s/%s", srv->base_url, code_enc, key_enc);
    if (n < 0 || (size_t)n >= sizeof buf || !(ss->presenter_url = strdup(buf)))
        return HU_ERR_NOMEM;
    return HU_OK;
}

int session_open_attach(struct server *srv, struct server_session *ss, struct deck *deck,
                        const struct session_plan *plan, char *err, size_t errlen)
{
    const struct store_session_row *row = &plan->row;
    if (net_find_session(srv, row->code)) {
        snprintf(err, errlen, "%s: join code %s is already used by another deck", deck->path, row->code);
        deck_free(deck);
        return HU_ERR_EXISTS;
    }
    ss->srv = srv;
    fanout_init(ss);
    int rc = session_open_urls(srv, ss, row->code, row->key);
    if (rc != HU_OK) {
        deck_free(deck);
        return rc;
    }
    ss->session = session_new(deck, row->code, row->key, ss->join_url, srv->store, plan->run.id, row->created_at);
    if (!ss->session) {
        deck_free(deck);
        return HU_ERR_NOMEM;
    }
    session_set_blocklist(ss->session, srv->cfg.blocklist);
    session_set_run(ss->session, &plan->run);
    if (plan->restore && (rc = session_restore(ss->session, plan->current_slide)) != HU_OK) {
        snprintf(err, errlen, "%s: cannot resume the session from the data file: %s", deck->path, hu_strerror(rc));
        return rc;
    }
    session_start(ss->session, net_now_ms());
    return HU_OK;
}

void session_open_describe(const struct session *s, int64_t now_ms, char *out, size_t outlen)
{
    (void)now_ms;
    const struct session_run *run = session_run(s);
    char since[48];
    session_open_time(run->started_at, since, sizeof since);
    snprintf(out, outlen, "run %d%s%s%s, %s %s", run->number, run->label[0] ? " (" : "", run->label,
             run->label[0] ? ")" : "", run->resumed ? "resumed; live since" : "new; live since", since);
}
