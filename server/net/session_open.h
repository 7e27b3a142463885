/* session_open.h -- opening a deck's session: its row and run in the data
 * file, then the room and its URLs in the server.
 *
 * Two halves, because a deck uploaded on the organiser's page is opened
 * while phones are served: session_open_plan does the data file's part
 * (synchronous store calls: at start-up, or on the worker thread of job.h),
 * session_open_attach the loop's part (no disk).  At start-up serve runs
 * both in a row for every deck on its command line. */
#ifndef HU_SESSION_OPEN_H
#define HU_SESSION_OPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "room/session.h"
#include "store/store.h"

struct server;
struct server_session;

/* What serve was told to do with a deck's earlier runs (DESIGN section 10). */
enum session_run_mode {
    SESSION_RUN_AUTO,   /* resume a run live in the last HU_RUN_STALE_HOURS, else stop and ask */
    SESSION_RUN_NEW,    /* --new-run: start a new run */
    SESSION_RUN_RESUME, /* --resume: continue the newest run, however old */
};

/* The data file's answer for one deck. */
struct session_plan {
    struct store_session_row row;  /* the session's row (code, key, deck, title) */
    struct session_run run;        /* the run to serve */
    int current_slide;             /* where the run stood */
    bool restore;                  /* the run has state to replay */
};

/* Finds the deck's session in st (by the code its front matter fixes, else
 * by deck_abs, its absolute path) or creates one with a random code, then
 * picks or starts its run as mode says; label (NULL: none) names a new run
 * or relabels a resumed one.  presenter_key, when not NULL, replaces the
 * stored key.  HU_ERR_EXISTS with a sentence in err when mode is AUTO and the
 * newest run was last live more than HU_RUN_STALE_HOURS before now_ms; any
 * other failure also writes err. */
int session_open_plan(struct store *st, const struct deck *deck, const char *deck_abs, const char *presenter_key,
                      enum session_run_mode mode, const char *label, int64_t now_ms, struct session_plan *out,
                      char *err, size_t errlen);

/* Builds ss from deck (owned from here, freed on failure) and plan: its
 * URLs, the room, the run's saved state when plan->restore, and the start.
 * HU_ERR_EXISTS when another session already has the code. */
int session_open_attach(struct server *srv, struct server_session *ss, struct deck *deck,
                        const struct session_plan *plan, char *err, size_t errlen);

/* Percent-encodes s into out as JavaScript's encodeURIComponent does (the
 * pages decode URL fragments with decodeURIComponent).  False when out, of
 * outlen bytes, is too small. */
bool session_open_url_encode(const char *s, char *out, size_t outlen);

/* "4045 5687, run 2 (Cardiff), live since 2026-11-22 09:14 +0100" style
 * description of the run served, for the banner; writes into out. */
void session_open_describe(const struct session *s, int64_t now_ms, char *out, size_t outlen);

#endif
