/* redis_util.h -- the pure parts of the Redis back end: its URL, its key
 * names, run ids and the change notices nodes publish to each other.
 *
 * Nothing here talks to Redis, so all of it is unit-tested
 * (tests/unit/store/test_redis_util.c). */
#ifndef HU_REDIS_UTIL_H
#define HU_REDIS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hu_limits.h"
#include "store.h"

#define RUTIL_HOST_MAX 255
/* "hu:{12345678}" and a NUL. */
#define RUTIL_PREFIX_MAX 16

/* Parses redis://HOST:PORT[/DB] (port optional, 6379; db optional, 0;
 * a bracketed IPv6 host allowed).  HU_OK, or HU_ERR_PARSE with a sentence
 * in err. */
int rutil_parse_url(const char *url, char host[RUTIL_HOST_MAX + 1], int *port, int *db, char *err, size_t errlen);

/* The prefix of every key of session code: "hu:{CODE}", the braces being
 * Redis Cluster's hash tag.  HU_OK, or HU_ERR_PARSE for a code that is not
 * HU_CODE_LEN digits. */
int rutil_prefix(const char *code, char out[RUTIL_PREFIX_MAX]);

/* A session's id in Redis mode is its code read as a number, and a run's id
 * packs the code and the run's number, so ids need no table and no global
 * counter (which could not share the session's hash tag). */
int64_t rutil_session_id(const char *code);
int64_t rutil_run_id(int64_t session_id, int number);
/* The code (zero-padded) and number of a run id; HU_ERR_PARSE if not one. */
int rutil_run_split(int64_t run_id, char code[HU_CODE_LEN + 1], int *number);
void rutil_session_code(int64_t session_id, char code[HU_CODE_LEN + 1]);

/* Decodes the notice msg (len bytes, "seq\tkind\trun\tfields...", see
 * redis_lib.lua), splitting it in place: n's strings point into msg.
 * HU_OK or HU_ERR_PARSE. */
int rutil_notice_parse(char *msg, size_t len, struct store_notice *n);

/* Parses a run's stored view ("slide fragment blank started running ends
 * remaining", hu_view).  HU_OK or HU_ERR_PARSE. */
int rutil_view_parse(const char *s, struct store_view *v);

/* Whether a node counts Redis as lost: commands are waiting for replies
 * (n_waiting, those past their own deadline included) and nothing at all came
 * back for timeout_ms since last_heard_ms, the last reply or the moment the
 * connection went from idle to busy.  A slow Redis that still answers, even
 * late, is not lost: only its late commands fail (redis_async.c). */
bool rutil_redis_lost(size_t n_waiting, int64_t last_heard_ms, int64_t now_ms, unsigned timeout_ms);

/* The heartbeat's check that a node follows its session: each beat's reply
 * brings the session's seq in Redis; a notice published by then must be
 * applied (or re-read) within limit_ms, else the node is stuck somewhere and
 * re-reads.  b starts zeroed. */
struct rutil_follow {
    uint64_t seq;      /* Redis's seq at the beat since_ms */
    int64_t since_ms;
};
/* Given the seq applied and Redis's seq at now_ms: true when the seq recorded
 * limit_ms or more ago is still not applied (and the check starts over). */
bool rutil_follow_check(struct rutil_follow *b, uint64_t applied, uint64_t redis_seq, int64_t now_ms,
                        int64_t limit_ms);

/* Parses a decimal integer in [min, max] from s (len bytes, all digits but a
 * leading '-'): HU_OK or HU_ERR_PARSE. */
int rutil_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

#endif
