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

/* A poll opened by arriving at its slide and left again less than this many
 * ms later, before any vote and without an explicit open, goes back to never
 * opened instead of closing (docs/protocol.md, "Passing through a poll"): a
 * clicker's double press must not close it. */
#define SESSION_PASS_MS 3000

int session_goto(struct session *s, int slide, int64_t now_ms);
int session_open(struct session *s, int64_t now_ms);
int session_close(struct session *s, int64_t now_ms);
int session_reveal(struct session *s, bool revealed);
int session_reset(struct session *s);

/* The discussion timer of the current slide (session_timer.c).  START runs
 * it from the deck's length; STOP and PAUSE freeze it where it is; RESUME
 * runs it on from there; ADD moves its end by seconds (negative: earlier),
 * never below zero left.  HU_ERR_BAD_MESSAGE on a slide without a timer. */
enum session_timer_action {
    SESSION_TIMER_START,
    SESSION_TIMER_STOP,
    SESSION_TIMER_ADD,
    SESSION_TIMER_PAUSE,
    SESSION_TIMER_RESUME
};
int session_timer(struct session *s, enum session_timer_action action, int seconds, int64_t now_ms);

/* Blanks the projectors (presenter states carry "blank"); a change of
 * slide shows them again.  Always HU_OK. */
int session_blank(struct session *s, bool on);

struct session_vote;

/* --- look and reload (session_look.c, session_reload.c) --- */

/* "next" and "prev" of the presenter: a slide's fragmented list items are
 * revealed one by one before the next slide, and hidden again going back
 * (DESIGN section 8, as Marp's presenter does). */
int session_next(struct session *s, int64_t now_ms);
int session_prev(struct session *s, int64_t now_ms);

/* Replaces the deck (ownership passes) as a restart with the changed deck
 * would: polls matched by id keep their votes and status, removed polls keep
 * their results for export (a warning on stderr), the position follows the
 * current poll or stays, and a pending poll arrived at opens.  The old deck
 * is kept until the session ends: votes in flight point into it.  HU_OK or
 * HU_ERR_NOMEM (then the session is unchanged and deck freed). */
int session_reload(struct session *s, struct deck *deck, int64_t now_ms);

/* A vote checked before a reload, committed after it (session_reload.c). */
void session_reload_commit(struct session *s, uint32_t participant, const struct session_vote *v);

/* The look of slide i for JSON: "bg", "split", "fragments", "look" and
 * "pdfPage" added to o. */
void session_slide_look_json(const struct session *s, size_t i, json_t *o);
/* The deck's theme, accent and logo URL added to o. */
void session_deck_look_json(const struct session *s, json_t *o);

/* --- votes --- */

struct session_vote {
    int poll;            /* index into the session's polls of this generation */
    uint32_t generation; /* the session's deck reloads when the vote was checked */
    int choice;          /* option index */
    uint32_t epoch;      /* the poll's reset count when the vote was checked */
    const char *poll_id; /* static for the session's lifetime (reloaded decks are kept) */
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

/* Fills *out with the session's results (caller frees the fields with
 * results_free on the containing struct results).  HU_OK or HU_ERR_NOMEM. */
int session_results(const struct session *s, struct results_session *out, int64_t now_ms);

#endif
