/* redis_ops.h -- the Redis back end as the rest of the store sees it: the
 * operations of store.h (redis_ops.c) and the synchronous calls
 * (redis_rows.c, redis_sync.c) that store.c, store_session.c, store_run.c
 * and store_text.c hand over to when st->redis is set.  Same contracts as
 * their store.h and store_run.h counterparts. */
#ifndef HU_REDIS_OPS_H
#define HU_REDIS_OPS_H

#include "redis_impl.h"
#include "store_run.h"

int rops_vote(struct rstore *rs, int64_t run_id, const char *poll_id, uint32_t participant, const char *choice,
              void *cookie);
int rops_join(struct rstore *rs, int64_t run_id, const unsigned char hash[HU_HASH_LEN], bool create, void *cookie);
int rops_slide(struct rstore *rs, int64_t run_id, int slide);
int rops_view(struct rstore *rs, int64_t run_id, const struct store_view *v);
int rops_poll(struct rstore *rs, int64_t run_id, const struct store_poll_row *row);
int rops_reset(struct rstore *rs, int64_t run_id, const char *poll_id);
int rops_answer(struct rstore *rs, int64_t run_id, const char *poll_id, uint32_t answer_id, uint32_t participant,
                const char *text, int status, int64_t at, void *cookie);
int rops_answer_status(struct rstore *rs, int64_t run_id, const char *poll_id, uint32_t answer_id, int status,
                       void *cookie);
int rops_question(struct rstore *rs, int64_t run_id, uint32_t question_id, uint32_t participant, const char *text,
                  int status, int64_t at, void *cookie);
int rops_question_status(struct rstore *rs, int64_t run_id, uint32_t question_id, int status);
int rops_upvote(struct rstore *rs, int64_t run_id, uint32_t question_id, uint32_t participant, bool on,
                void *cookie);
size_t rops_take_done(struct rstore *rs, struct store_done *out, size_t max);

int rrows_session_find(struct rstore *rs, const char *code, const char *deck_path, struct store_session_row *row);
int rrows_session_create(struct rstore *rs, struct store_session_row *row);
int rrows_session_update(struct rstore *rs, const struct store_session_row *row);
int rrows_runs_list(struct rstore *rs, int64_t session_id, struct store_run_row **out, size_t *n);
/* number <= 0: the latest. */
int rrows_run_find(struct rstore *rs, int64_t session_id, int number, struct store_run_row *out);
int rrows_run_create(struct rstore *rs, int64_t session_id, const char *label, int64_t at,
                     struct store_run_row *out);
/* hu_run_resume (arg: label or "") or hu_run_end (arg: the time). */
int rrows_run_set(struct rstore *rs, int64_t run_id, const char *fn, const char *arg);
int rrows_session_load(struct rstore *rs, int64_t run_id, const struct store_load_cb *cb, void *ctx);
/* value NULL: GET into out; else SET. */
int rrows_setting(struct rstore *rs, const char *name, const char *value, char *out, size_t outlen);

/* redis_archive.c: store_read_results on a Redis store. */
int rarch_read_results(struct store *st, const char *const *codes, size_t n_codes, int run, struct results **out,
                       char *err, size_t errlen);

#endif
