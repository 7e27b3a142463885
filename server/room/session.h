/* session.h -- one deck being presented: slide position, polls, participants.
 *
 * The session is the room's state machine and nothing else: it knows no
 * sockets.  Every change that must survive a crash is handed to the store
 * (when one is attached) in the same call that makes it, so memory and the
 * data file see changes in the same order.  Votes are the exception: they
 * are checked here, written by the store, and only applied here once the
 * store has committed them (session_vote_commit). */
#ifndef HU_SESSION_H
#define HU_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/hu_limits.h"
#include "deck/deck.h"
#include "model/results.h"
#include "store/store.h"

struct session;

enum session_poll_status { SESSION_POLL_PENDING, SESSION_POLL_OPEN, SESSION_POLL_CLOSED };

/* A new session presenting deck (ownership of deck passes to the session),
 * reachable at code, driven with key.  join_url is shown to presenters.  st
 * may be NULL (no persistence, for tests); store_id is the session's row and
 * created_at (unix ms) when it was first served, for exports.
 * Returns NULL when out of memory. */
struct session *session_new(struct deck *deck, const char *code, const char *key,
                            const char *join_url, struct store *st, int64_t store_id,
                            int64_t created_at);

/* Frees s and its deck.  Accepts NULL. */
void session_free(struct session *s);

/* Replays the session's saved polls, participants and votes from st, and
 * moves to saved_slide.  Polls saved but no longer in the deck are reported
 * on stderr and kept in the data file for exports.  HU_OK or a hu_err. */
int session_restore(struct session *s, int saved_slide);

/* Begins serving: records every poll of the deck in the store (so exports
 * list polls never opened) and arrives at the current slide, which opens its
 * poll if it was never opened. */
void session_start(struct session *s, int64_t now_ms);

const char *session_code(const struct session *s);
const char *session_title(const struct session *s);
const struct deck *session_deck(const struct session *s);
int session_current(const struct session *s);

/* Constant-time check of a presenter key. */
bool session_key_ok(const struct session *s, const char *key, size_t len);

/* Grows whenever anything an attendee sees changes. */
uint64_t session_version(const struct session *s);
/* Grows whenever the presenter's tally changes (votes, status, joins). */
uint64_t session_tally_version(const struct session *s);

/* --- participants --- */

/* Finds the participant holding token: HU_OK with *idx, or HU_ERR_NOT_FOUND
 * for anything this session did not issue (NULL, empty, malformed, unknown). */
int session_rejoin(const struct session *s, const char *token, size_t token_len, uint32_t *idx);

/* Creates a participant with a fresh random token, written to out_token.
 * HU_OK, HU_ERR_FULL, HU_ERR_NOMEM or HU_ERR_IO. */
int session_join_new(struct session *s, char out_token[HU_TOKEN_LEN + 1], uint32_t *idx);

uint32_t session_participants(const struct session *s);

/* Attendee connections open now; the server reports them with +1/-1. */
void session_connected_add(struct session *s, int delta);

/* --- presenter commands: HU_OK or a hu_err for the "error" message --- */

int session_goto(struct session *s, int slide, int64_t now_ms);
int session_open(struct session *s, int64_t now_ms);
int session_close(struct session *s, int64_t now_ms);
int session_reveal(struct session *s, bool revealed);
int session_reset(struct session *s);
int session_timer(struct session *s, bool start, int64_t now_ms);

/* --- votes --- */

struct session_vote {
    int poll;            /* index into the session's polls */
    int choice;          /* option index */
    uint32_t epoch;      /* the poll's reset count when the vote was checked */
    const char *poll_id; /* static for the session's lifetime */
    const char *option;  /* static */
};

/* Checks a vote for poll_id/choice: HU_ERR_UNKNOWN_POLL, HU_ERR_POLL_CLOSED
 * or HU_ERR_BAD_MESSAGE (no such option), else HU_OK and *v filled. */
int session_vote_check(const struct session *s, const char *poll_id, const char *choice,
                       struct session_vote *v);

/* Hands a checked vote to the store; cookie comes back in its completion.
 * HU_OK, or the store's error (HU_ERR_FULL, HU_ERR_STORE; HU_ERR_STORE too
 * when the session has no store). */
int session_vote_save(struct session *s, uint32_t participant, const struct session_vote *v,
                      void *cookie);

/* Applies a committed vote.  A vote checked before a reset of its poll is
 * dropped, as the reset deleted it from the data file too. */
void session_vote_commit(struct session *s, uint32_t participant, const struct session_vote *v);

/* Option id of participant's vote on the current slide's poll, or NULL. */
const char *session_my_vote(const struct session *s, uint32_t participant);

/* --- messages: new jansson references, caller decrefs; NULL when out of memory --- */

/* The "state" message without "myVote"; presenter states always carry results. */
json_t *session_state_json(const struct session *s, bool presenter, int64_t now_ms);
/* The "tally" message of the current slide's poll, or NULL when it has none. */
json_t *session_tally_json(const struct session *s);
/* The "room" message (joined and connected), for presenters on slides
 * without a poll, where no tally carries those counts. */
json_t *session_room_json(const struct session *s);
/* The "session" and "deck" objects of a presenter's welcome. */
json_t *session_info_json(const struct session *s, bool presenter);
json_t *session_deck_json(const struct session *s);

/* --- runs (session_run.c): the showing of the deck being served --- */

struct session_run {
    int64_t id;                       /* the run's row (store_run.h), where the session's state goes */
    int number;                       /* 1, 2, ... within the session; 0 without a store */
    char label[HU_RUN_LABEL_MAX + 1]; /* "" when none */
    int64_t started_at;               /* unix ms */
    bool resumed;                     /* it was served before this server started */
};

/* Says which run the session serves, before session_restore and
 * session_start: the store calls go to run->id from here on. */
void session_set_run(struct session *s, const struct session_run *run);
const struct session_run *session_run(const struct session *s);

/* Serves a new, empty run from here on: no participants (their tokens are
 * no longer recognised), every poll never opened, first slide.  Votes still
 * on their way to the store count for the run they were cast in and are not
 * applied here.  Records the polls in the new run as session_start does. */
void session_new_run(struct session *s, const struct session_run *run, int64_t now_ms);

/* Live figures for the organiser's page: joined, connected, slide (from 1)
 * and slides, the current poll with its status and voters, and the run.  A
 * new reference; NULL when out of memory. */
json_t *session_admin_json(const struct session *s);

/* Fills *out with the session's results (caller frees the fields with
 * results_free on the containing struct results).  HU_OK or HU_ERR_NOMEM. */
int session_results(const struct session *s, struct results_session *out, int64_t now_ms);

#endif
