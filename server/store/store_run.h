/* store_run.h -- the runs of a session in the data file (DESIGN section 10).
 *
 * A session (code, presenter key, deck) is run again and again: in several
 * localities, or six months later.  Each run has its own participants, poll
 * states, votes, answers and questions; the room works on one run at a time,
 * and every per-run call of store.h takes the run's row id (the run_id of
 * struct store_run_row) where it says "run".
 *
 * Every call here is synchronous.  The ones that read are for start-up,
 * exports and reports; the ones that write (create, resume, end, delete,
 * settings) take the connection between two of the writer's batches and are
 * for start-up, shutdown and the organiser's worker thread (net/job.h), never
 * for the event loop. */
#ifndef HU_STORE_RUN_H
#define HU_STORE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "base/hu_limits.h"

struct store;

struct store_run_row {
    int64_t id;                        /* runs.id: the run argument of store.h's calls */
    int64_t session_id;                /* sessions.id */
    char code[HU_CODE_LEN + 1];        /* the session's join code */
    int number;                        /* 1, 2, ... within the session, never reused */
    char label[HU_RUN_LABEL_MAX + 1];  /* "" when none */
    int64_t started_at;                /* unix ms */
    int64_t ended_at;                  /* unix ms; 0 while live, or when the server was killed */
    int64_t active_at;                 /* unix ms of the last sign of life: start, end, slide, join, vote */
    int current_slide;
    uint32_t participants;
};

/* The session's runs, oldest first, in *out (caller frees; NULL when none)
 * and their number in *n.  HU_OK or a hu_err. */
int store_runs_list(struct store *st, int64_t session_id, struct store_run_row **out, size_t *n);

/* Every run of every session, by session and number (for prune). */
int store_runs_all(struct store *st, struct store_run_row **out, size_t *n);

/* The session's newest run: HU_OK, or HU_ERR_NOT_FOUND when it has none. */
int store_run_latest(struct store *st, int64_t session_id, struct store_run_row *out);

/* The run numbered number of the session: HU_OK or HU_ERR_NOT_FOUND. */
int store_run_find(struct store *st, int64_t session_id, int number, struct store_run_row *out);

/* Starts a run of the session, numbered one past every run it ever had,
 * labelled label (NULL or "" for none), started at at (unix ms); a run of the
 * session still marked live is ended at at.  Fills *out. */
int store_run_create(struct store *st, int64_t session_id, const char *label, int64_t at,
                     struct store_run_row *out);

/* Marks a run live again (a resumed run has no end); a non-NULL label
 * replaces its label. */
int store_run_resume(struct store *st, int64_t run_id, const char *label);

/* Records that a run stopped being served at at (a clean shutdown). */
int store_run_end(struct store *st, int64_t run_id, int64_t at);

/* Waits until every operation queued before the call is committed or given
 * up.  Not from the event loop. */
void store_flush(struct store *st);

/* Deletes a run with everything it holds (participants, polls, votes,
 * answers, questions), overwriting the deleted content with zeros
 * (secure_delete) and emptying the write-ahead log into the file, so no
 * copy of it stays in either.  Flushes the queue first, so nothing queued
 * for the run lands after it.  HU_OK, HU_ERR_NOT_FOUND, or a hu_err with a
 * sentence in err. */
int store_run_delete(struct store *st, int64_t run_id, char *err, size_t errlen);

/* A setting of the data file (the admin key): HU_OK with value in out,
 * HU_ERR_NOT_FOUND, or a hu_err. */
int store_setting_get(struct store *st, const char *name, char *out, size_t outlen);
int store_setting_set(struct store *st, const char *name, const char *value);

#endif
