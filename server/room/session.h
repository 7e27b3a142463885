/* session.h -- one deck being presented: slide position, polls, participants.
 *
 * The session is the room's state machine and nothing else: it knows no
 * sockets.  Every change that must survive a crash is handed to the store
 * (when one is attached) in the same call that makes it, so memory and the
 * data file see changes in the same order.  Votes are the exception: they
 * are checked here, written by the store, and only applied here once the
 * store has committed them (session_act_done). */
#ifndef HU_SESSION_H
#define HU_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/hu_limits.h"
#include "deck/deck.h"
#include "model/ballot.h"
#include "model/blocklist.h"
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

/* Answers and questions matching bl are held for the presenter (blocklist.h).
 * bl is not owned and outlives s; NULL checks nothing. */
void session_set_blocklist(struct session *s, const struct blocklist *bl);

/* Replays the session's saved polls, participants and votes from st, and
 * moves to saved_slide.  Polls saved but no longer in the deck are reported
 * on stderr and kept in the data file for exports.  HU_OK or a hu_err. */
int session_restore(struct session *s, int saved_slide);

/* --- cluster mode (session_remote.c) --- */

/* Rebuilds the run's room from a dump of Redis (store_cluster_ops.reload):
 * forgets what it knew and replays the dump; slide (>= 0) is the current
 * slide there. */
int session_resync(struct session *s, const void *dump, int slide);

/* Applies one change notice.  HU_OK when the room changed (the server then
 * pushes it), HU_ERR_NOT_FOUND when it changed nothing (known already, or a
 * poll this deck lacks), or another hu_err (out of memory: re-read).
 * *author is the participant whose own phone shows the change (a vote, an
 * answer or its moderation), else UINT32_MAX. */
int session_remote_apply(struct session *s, const struct store_notice *n, uint32_t *author);

/* What the projectors show beyond the slide (fragment, blank, the current
 * slide's discussion timer), for the other nodes (store_view). */
void session_view_get(const struct session *s, struct store_view *v);

/* Phones connected to the other nodes, counted in "connected". */
void session_set_connected_elsewhere(struct session *s, uint32_t n);

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
/* Grows whenever an answer is added, withdrawn or moderated, or the slide
 * changes: the presenters' "answers" list of the current poll is stale. */
uint64_t session_answers_version(const struct session *s);
/* Grows whenever a question is asked, upvoted or moderated. */
uint64_t session_qa_version(const struct session *s);
/* Audience questions of the session (the deck's front matter). */
enum deck_qa session_qa(const struct session *s);
/* Does the current slide have a text poll (whose answers presenters see)? */
bool session_has_answers(const struct session *s);

/* --- participants --- */

/* Finds the participant holding token: HU_OK with *idx, or HU_ERR_NOT_FOUND
 * for anything this session did not issue (NULL, empty, malformed, unknown). */
int session_rejoin(const struct session *s, const char *token, size_t token_len, uint32_t *idx);

/* Creates a participant with a fresh random token, written to out_token.
 * HU_OK, HU_ERR_FULL, HU_ERR_NOMEM or HU_ERR_IO. */
int session_join_new(struct session *s, char out_token[HU_TOKEN_LEN + 1], uint32_t *idx);

uint32_t session_participants(const struct session *s);
/* Phones connected to this process (without the other nodes'). */
uint32_t session_connected_here(const struct session *s);

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

/* The look of slide i for JSON: "bg", "split", "fragments", "look" and
 * "pdfPage" added to o. */
void session_slide_look_json(const struct session *s, size_t i, json_t *o);
/* The deck's theme, accent and logo URL added to o. */
void session_deck_look_json(const struct session *s, json_t *o);

/* --- what participants send: votes, answers, withdrawals, questions, upvotes ---
 *
 * Each is checked here (nothing changes yet, but answers and questions
 * reserve an id), handed to the store with session_act_save, and applied with
 * session_act_done once the store has committed it, or released if the
 * store failed.  The caller acknowledges it only after a commit. */

enum session_act_type { SESSION_ACT_VOTE, SESSION_ACT_ANSWER, SESSION_ACT_WITHDRAW, SESSION_ACT_ASK, SESSION_ACT_UPVOTE };

struct session_act {
    enum session_act_type type;
    uint32_t participant;
    int poll;            /* vote, answer, withdraw: index into the session's polls of this
                            generation; else -1 */
    uint32_t generation; /* the session's deck reloads when checked (session_reload.c) */
    const struct pollspec *spec; /* vote, answer, withdraw: the poll's, static for the session's
                                    lifetime (a deck replaced by a reload is kept); else NULL */
    uint32_t epoch;      /* the poll's reset count when checked; ask, upvote: the session's run count */
    const char *poll_id; /* static for the session's lifetime (as spec), or NULL */
    tally_mask picks;    /* vote */
    uint32_t item;       /* answer, withdraw: answer id; ask, upvote: question id */
    int status;          /* answer, ask: the status it starts with (enum answer_status, question_status) */
    bool on;             /* upvote: given (true) or taken back */
    int64_t at;          /* unix ms when checked */
    char *text;          /* answer, ask: the cleaned text. From malloc(); session_act_done frees it */
};

/* A vote on poll_id: HU_ERR_UNKNOWN_POLL, HU_ERR_BAD_MESSAGE (with a
 * sentence in why: an unknown option, too many picks, ...), or
 * HU_ERR_POLL_CLOSED; else HU_OK and *a filled. */
int session_vote_check(const struct session *s, uint32_t participant, const char *poll_id,
                       const struct ballot_in *in, struct session_act *a, char *why, size_t whylen);

/* An open answer: HU_ERR_UNKNOWN_POLL, HU_ERR_BAD_MESSAGE (not a text poll,
 * text not UTF-8 or empty once cleaned), HU_ERR_POLL_CLOSED, HU_ERR_TOO_LONG
 * (over the poll's "max" characters), HU_ERR_LIMIT (the participant's
 * "answers" are used up); else HU_OK with an answer id reserved. */
int session_answer_check(struct session *s, uint32_t participant, const char *poll_id, const char *text,
                         size_t len, int64_t now_ms, struct session_act *a);

/* Withdrawing one's own answer while the poll is open: HU_ERR_UNKNOWN_POLL,
 * HU_ERR_BAD_MESSAGE (no such answer of this participant),
 * HU_ERR_POLL_CLOSED. */
int session_withdraw_check(const struct session *s, uint32_t participant, const char *poll_id,
                           const char *answer_id, struct session_act *a);

/* An audience question: HU_ERR_QA_CLOSED, HU_ERR_BAD_MESSAGE, HU_ERR_TOO_LONG
 * (over HU_ASK_MAX characters), HU_ERR_LIMIT; else HU_OK with a question id
 * reserved. */
int session_ask_check(struct session *s, uint32_t participant, const char *text, size_t len, int64_t now_ms,
                      struct session_act *a);

/* An upvote given or taken back: HU_ERR_QA_CLOSED, HU_ERR_BAD_MESSAGE (no
 * such question, or one not open for votes: pending or hidden). */
int session_upvote_check(const struct session *s, uint32_t participant, const char *question_id, bool on,
                         struct session_act *a);

/* Hands a checked act to the store; cookie comes back in its completion.
 * HU_OK, or the store's error (HU_ERR_STORE without a store).  On an error
 * the caller still calls session_act_done(s, a, false). */
int session_act_save(struct session *s, const struct session_act *a, void *cookie);

/* Applies a committed act (ok) or releases what its check reserved (not
 * ok), and frees a->text.  A vote or answer checked before a reset of its
 * poll is dropped, as the reset deleted it from the data file too.  When the
 * act changed what a participant other than its sender sees, nothing more
 * is needed: versions tell the fan-out. */
void session_act_done(struct session *s, struct session_act *a, bool ok);

/* The ack of a committed act as JSON text without its closing brace and
 * without "id" ({"type":"ack","poll":"q1","choice":"yes" ...), written
 * into buf (cap bytes; SESSION_ACK_MAX always suffice) without an
 * allocation, as every vote of a burst gets one.  Returns its length. */
#define SESSION_ACK_MAX (BALLOT_TEXT_MAX + HU_POLL_ID_MAX + 96)
size_t session_act_ack(const struct session *s, const struct session_act *a, char *buf, size_t cap);

/* The option id of a committed vote when its ack is the first release's
 * {"poll","choice"} (one pick, not a scale), else NULL: the fast path of
 * the commonest ack.  Static for the session's lifetime. */
const char *session_act_choice(const struct session *s, const struct session_act *a);

/* --- moderation (presenter): HU_OK or a hu_err for the "error" message --- */

/* approve or hide answer_id of text poll poll_id; *author is its author,
 * whose phone should get a fresh state.  HU_ERR_UNKNOWN_POLL,
 * HU_ERR_BAD_MESSAGE (no such answer, or withdrawn). */
int session_moderate(struct session *s, const char *poll_id, const char *answer_id, bool approve,
                     uint32_t *author);

enum session_qa_action { SESSION_QA_APPROVE, SESSION_QA_HIDE, SESSION_QA_ANSWERED, SESSION_QA_PIN, SESSION_QA_UNPIN };

/* Changes question_id's status.  HU_ERR_QA_CLOSED, HU_ERR_BAD_MESSAGE. */
int session_question_action(struct session *s, const char *question_id, enum session_qa_action action);

/* --- messages: new jansson references, caller decrefs; NULL when out of memory --- */

/* The "state" message without "myVote"; presenter states always carry results. */
json_t *session_state_json(const struct session *s, bool presenter, int64_t now_ms);
/* What one phone's state adds to the shared part: ,"myVote":... and, on a
 * text poll, ,"myAnswers":[...], then the closing brace.  HU_OK or a hu_buf
 * error. */
int session_attendee_tail(const struct session *s, uint32_t participant, struct hu_buf *out);
/* The same tail when the current slide has no text poll (then it is only
 * ,"myVote":...}), written into buf without an allocation: the fan-out to a
 * whole room writes one per phone.  Returns its length. */
#define SESSION_VOTE_TAIL_MAX (BALLOT_TEXT_MAX + 16)
size_t session_attendee_vote_tail(const struct session *s, uint32_t participant, char buf[SESSION_VOTE_TAIL_MAX]);
/* The "questions" message: for a presenter (presenter true) every
 * question, else the top HU_QA_TOP visible ones plus participant's own, with
 * "mine" and "upvoted".  Appended to out as JSON text.  HU_OK or an error. */
int session_questions_write(struct session *s, bool presenter, uint32_t participant, struct hu_buf *out);
/* The "answers" message of the current slide's text poll (newest first, at
 * most HU_ANSWERS_LIST_MAX), or NULL when the slide has none. */
json_t *session_answers_json(const struct session *s);
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
