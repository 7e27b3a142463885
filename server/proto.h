/* proto.h -- the WebSocket messages of docs/protocol.md: decode and encode.
 *
 * Decoding validates a frame against the schema of its type and yields a
 * struct proto_msg whose strings point into the parsed JSON (valid until
 * proto_msg_free).  Encoding returns malloc()ed, NUL-terminated text. */
#ifndef HU_PROTO_H
#define HU_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1

/* X(enum name, wire name, presenter only) */
#define PROTO_MSG_TABLE(X)              \
    X(PROTO_JOIN, "join", false)        \
    X(PROTO_VOTE, "vote", false)        \
    X(PROTO_PING, "ping", false)        \
    X(PROTO_GOTO, "goto", true)         \
    X(PROTO_NEXT, "next", true)         \
    X(PROTO_PREV, "prev", true)         \
    X(PROTO_OPEN, "open", true)         \
    X(PROTO_CLOSE, "close", true)       \
    X(PROTO_REVEAL, "reveal", true)     \
    X(PROTO_HIDE, "hide", true)         \
    X(PROTO_RESET, "reset", true)       \
    X(PROTO_TIMER, "timer", true)

enum proto_type {
#define PROTO_ENUM(name, wire, priv) name,
    PROTO_MSG_TABLE(PROTO_ENUM)
#undef PROTO_ENUM
    PROTO_TYPE_COUNT
};

struct proto_msg {
    enum proto_type type;
    bool has_id;
    int64_t id;                 /* client counter, echoed; 0..2^53 */
    const char *code;           /* join: 8 digits, spaces already removed (points into code_buf) */
    char code_buf[16];
    const char *participant;    /* join: optional token */
    size_t participant_len;
    const char *key;            /* join: presenter key, optional */
    size_t key_len;
    const char *poll;           /* vote */
    const char *choice;         /* vote */
    int slide;                  /* goto */
    bool timer_start;           /* timer: start (true) or stop */
    json_t *root;               /* owned; freed by proto_msg_free */
};

/* Decodes one text frame.  Returns HU_OK, HU_ERR_BAD_JSON or
 * HU_ERR_BAD_MESSAGE; on error writes a sentence naming the problem into
 * err, and sets msg->has_id/id when the frame had a usable "id" so the
 * error can echo it.  Call proto_msg_free in every case. */
int proto_decode(const char *buf, size_t len, struct proto_msg *msg, char *err, size_t errlen);
void proto_msg_free(struct proto_msg *msg);

/* True for commands that need the presenter key. */
bool proto_presenter_only(enum proto_type type);
const char *proto_type_name(enum proto_type type);

/* Encoders: malloc()ed JSON text, or NULL when out of memory. */
char *proto_error(int err, bool has_id, int64_t id, const char *message);
char *proto_ack(bool has_id, int64_t id, const char *poll, const char *choice);
char *proto_pong(bool has_id, int64_t id, int64_t server_time);
/* Serialises and consumes the reference to o (compact, UTF-8). */
char *proto_dump(json_t *o);

#endif
