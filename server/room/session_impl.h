/* session_impl.h -- the session's fields, shared by session*.c only.
 *
 * Nothing outside session*.c includes this: other modules see struct session
 * as opaque through session.h. */
#ifndef HU_SESSION_IMPL_H
#define HU_SESSION_IMPL_H

#include "model/answers.h"
#include "model/qa.h"
#include "model/tally.h"
#include "session.h"

struct session_poll {
    const struct deck_slide *slide; /* in the deck, owned by it */
    const struct pollspec *spec;    /* slide->spec */
    int slide_index;
    enum session_poll_status status;
    bool revealed;
    int64_t opened_at, closed_at;   /* unix ms, 0 = never */
    uint32_t participants_at_close;
    uint32_t epoch;                 /* resets so far: votes checked earlier are void */
    struct tally *tally;            /* option kinds; NULL for text. Owned */
    struct answers answers;         /* text kinds (empty otherwise) */
    /* Arrival time (unix ms) when arriving at the slide opened this poll and
     * nothing has confirmed it since (an explicit open, a vote); 0 else.
     * Leaving within SESSION_PASS_MS of it undoes the opening. */
    int64_t auto_opened_at;
    uint32_t votes_taken;           /* votes handed to the store since it was opened */
};

/* The discussion timer of one slide, on the server clock.  Each discussion
 * slide keeps its own, so stepping away and back finds it as it was. */
struct session_timer {
    bool started;                   /* arrived at (or started) at least once */
    bool running;
    int64_t ends_at;                /* unix ms, when running */
    int64_t remaining;              /* ms, when not running */
};

/* A poll the data file has and the deck no longer does: its results as
 * replayed at start-up, so a running server's exports keep them too. */
struct session_removed {
    struct store_poll_row row;
    struct pollspec spec;
    bool known;                     /* a kind this build knows (else only its row is exported) */
    struct tally *tally;            /* known option kinds. Owned */
    struct answers answers;         /* known text kinds */
    uint32_t epoch;                 /* the poll's resets when a reload removed it (votes in flight) */
};

struct session {
    struct deck *deck;              /* owned */
    char code[HU_CODE_LEN + 1];
    char key[HU_KEY_MAX + 1];
    char *join_url;                 /* From malloc() */
    struct store *store;            /* not owned; NULL = no persistence */
    int64_t store_id;
    int64_t created_at;             /* unix ms */

    int current;                    /* slide index */
    uint64_t version;
    uint64_t tally_version;

    struct session_poll *polls;     /* deck->n_polls entries, deck order. From malloc() */
    int *slide_poll;                /* per slide: index into polls, or -1. From malloc() */

    struct session_timer *timers;   /* one per slide. From malloc() */
    bool blank;                     /* the projectors show a black screen */

    /* Participants: token hashes by index, plus an open-addressing table from
     * hash to index + 1 (0 = empty slot). */
    unsigned char (*hashes)[HU_HASH_LEN]; /* From malloc() */
    uint32_t n_participants;
    uint32_t cap_participants;
    uint32_t *table;                /* From malloc() */
    uint32_t table_size;            /* power of two */
    uint32_t connected;
    uint32_t connected_elsewhere;   /* cluster mode: phones on the other nodes (heartbeats) */

    struct session_removed *removed; /* From malloc() */
    size_t n_removed;

    /* Audience questions (deck->qa says whether they are open). */
    struct qa qa;
    uint64_t qa_version;
    uint64_t answers_version;
    const struct blocklist *blocklist; /* not owned; NULL = none */
    /* The top of the questions' list as sent to phones, built once per
     * qa_version (session_qa_json.c). */
    struct hu_buf qa_cache;         /* each item's JSON up to its "mine" field */
    size_t qa_cache_ends[HU_QA_TOP]; /* where each item ends in qa_cache */
    uint32_t qa_cache_ids[HU_QA_TOP];
    size_t qa_cache_n;
    uint64_t qa_cache_version;      /* 0 = not built */

    struct session_run run;         /* the run served (session_run.c) */
    uint32_t run_epoch;             /* runs started while serving: questions checked before are void */

    int fragment;                   /* list items shown so far on the current slide */
    uint32_t generation;            /* deck reloads so far (session_reload.c) */
    struct deck **retired;          /* decks replaced by a reload: votes in flight point into
                                       them. Owned, freed with the session. From malloc() */
    size_t n_retired;
};

/* session_people.c */
int session_people_find(const struct session *s, const unsigned char hash[HU_HASH_LEN]);
int session_people_add(struct session *s, const unsigned char hash[HU_HASH_LEN], uint32_t *idx);
/* Cluster mode: participant idx as Redis allocated it, which may arrive
 * before lower ones (another node's joins still on their way): those become
 * holes (a zero hash, in no table slot) until they come.  Idempotent. */
int session_people_put(struct session *s, uint32_t idx, const unsigned char hash[HU_HASH_LEN]);
void session_people_free(struct session *s);
/* session_run.c: forgets what the room learnt of its run (participants,
 * poll states, votes, answers, questions), moving every epoch on so that
 * completions in flight are not applied twice. */
void session_run_clear(struct session *s);

/* session_act.c: replays of answers, questions and upvotes at start-up. */
void session_restore_answer(struct session *s, const char *poll_id, uint32_t id, uint32_t participant,
                            const char *text, int status, int64_t at, int *err);

/* session.c: the poll with poll_id, or NULL. */
struct session_poll *session_find_poll(const struct session *s, const char *poll_id);

/* session_timer.c */
/* Arriving at the current slide: starts its timer the first time. */
void session_timer_arrive(struct session *s, int64_t now_ms);
/* The "discuss" object of a state for the current slide. */
json_t *session_timer_json(const struct session *s, int64_t now_ms);

/* session.c: the poll shown on the current slide, or NULL. */
struct session_poll *session_current_poll(const struct session *s);
/* Saves a poll's row to the store (no-op without a store). */
void session_save_poll(struct session *s, const struct session_poll *p);
/* The row session_save_poll saves.  HU_OK, or HU_ERR_NOMEM (logged). */
int session_poll_row(const struct session *s, const struct session_poll *p, struct store_poll_row *row);

/* session_reload.c: applies act (checked before a deck reload, committed
 * or not as ok says) to its poll by id wherever the poll is now: in the
 * deck, with its options read again by id, or among the removed polls.
 * Returns whether anything a participant sees changed. */
bool session_reload_act_done(struct session *s, const struct session_act *a, bool ok);

#endif
