/* ws_impl.h -- shared by the WebSocket files: ws.c (receiving and
 * dispatch), ws_out.c (the reply queue and writing) and ws_vote.c (votes
 * waiting for their commit), and admin_runs.c, which hangs up on a
 * session's connections when a new run starts.  Nothing else includes it. */
#ifndef HU_WS_IMPL_H
#define HU_WS_IMPL_H

#include "net.h"

/* ws_out.c */
/* Queues text (malloc()ed; ownership passes here) for c, or drops c when
 * its queue is full.  NULL text is ignored (out of memory upstream). */
void ws_queue_text(struct conn *c, char *text);
/* Queues a copy of len bytes of text (which stays the caller's). */
void ws_queue_copy(struct conn *c, const char *text, size_t len);
void ws_queue_error(struct conn *c, int err, bool has_id, int64_t id, const char *message);
/* Queues the error err answering the request id (counted in the metrics). */
void ws_queue_err(struct conn *c, int err, const struct proto_id *id, const char *message);
/* Queues the ack of a committed vote. */
void ws_queue_ack(struct conn *c, const struct proto_id *id, const char *poll, const char *choice);
void ws_outq_free(struct conn *c);
/* Drops c from the collected writes (it is closing). */
void ws_forget_write(struct server *srv, struct conn *c);
/* The LWS_CALLBACK_SERVER_WRITEABLE handler: 0, or -1 to close. */
int ws_writeable(struct server *srv, struct conn *c);

/* ws_vote.c */
/* A vote, answer, withdraw, ask or upvote from c: checked, handed to the
 * store, acknowledged in ws_store_done. */
void ws_vote(struct server *srv, struct conn *c, const struct proto_msg *m);
/* Acknowledges (or refuses) every vote the store has finished. */
void ws_store_done(struct server *srv);

/* Cluster mode: a participant on c asks Redis for its index: a new one
 * (token NULL), or the one of the token the phone brought back, which this
 * node has not heard of yet (HU_TOKEN_LEN characters, well formed).  The
 * join completes in ws_store_done with ws_join_attendee, or ws_join_new for
 * a token no node issued. */
void ws_join_cluster(struct server *srv, struct conn *c, struct server_session *ss, const char *token,
                     const struct proto_id *id);

/* ws.c: c joins ss as a new participant (the per-address limit applies). */
void ws_join_new(struct server *srv, struct conn *c, struct server_session *ss, const struct proto_id *id);

/* ws.c: c joins ss as participant idx with token: tracked, counted and
 * welcomed (id echoed), then sent a fresh state. */
void ws_join_attendee(struct server *srv, struct conn *c, struct server_session *ss, uint32_t idx,
                      const char *token, const struct proto_id *id);
/* Forgets c in its votes still waiting, so their completion does not reach
 * a closed connection. */
void ws_vote_orphan(struct conn *c);

/* ws_linger.c */
/* Decides to close c with status, after its queued replies (first call wins). */
void ws_close_soon(struct conn *c, uint16_t status);
/* For ws_writeable, once a closing c has nothing left to send: true when
 * the peer has gone quiet (or lingered long enough) and the close frame may
 * go; otherwise c waits and gets a writable callback when it may. */
bool ws_linger_done(struct server *srv, struct conn *c);
/* Drops a closed c from the waiting list. */
void ws_linger_forget(struct server *srv, struct conn *c);

/* ws_keepalive.c: the list of open connections the sweep walks, and the
 * timestamp every received frame (data or pong) refreshes. */
void ws_keepalive_add(struct server *srv, struct conn *c);
void ws_keepalive_remove(struct server *srv, struct conn *c);
void ws_keepalive_seen(struct conn *c);

#endif
