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

#include "model/ballot.h"

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
    X(PROTO_TIMER, "timer", true)       \
    X(PROTO_ANSWER, "answer", false)    \
    X(PROTO_WITHDRAW, "withdraw", false) \
    X(PROTO_ASK, "ask", false)          \
    X(PROTO_UPVOTE, "upvote", false)    \
    X(PROTO_MODERATE, "moderate", true) \
    X(PROTO_QUESTION, "question", true) \
    X(PROTO_BLANK, "blank", true)

enum proto_type {
#define PROTO_ENUM(name, wire, priv) name,
    PROTO_MSG_TABLE(PROTO_ENUM)
#undef PROTO_ENUM
    PROTO_TYPE_COUNT
};

/* A request's "id": whatever the client chose to match replies with, echoed
 * back in ack and error with the same JSON type and value.  A client may
 * count (any JSON integer that fits 64 bits, negative too) or use strings
 * (at most PROTO_ID_STR_MAX bytes, e.g. a UUID). */
#define PROTO_ID_STR_MAX 64

enum proto_id_kind { PROTO_ID_NONE, PROTO_ID_INT, PROTO_ID_STR };

struct proto_id {
    enum proto_id_kind kind;
    int64_t num;                      /* INT */
    size_t len;                       /* STR: bytes in str, without the terminator */
    char str[PROTO_ID_STR_MAX + 1];   /* STR: UTF-8 as jansson decoded it, NUL-terminated */
};

/* The "action" of a timer command (docs/protocol.md, "Presenter to server"). */
enum proto_timer_action { PROTO_TIMER_START, PROTO_TIMER_STOP, PROTO_TIMER_ADD, PROTO_TIMER_PAUSE, PROTO_TIMER_RESUME };

/* The most a timer add may move a timer, in seconds either way. */
#define PROTO_TIMER_ADD_MAX 3600

struct proto_msg {
    enum proto_type type;
    struct proto_id id;         /* NONE when the message had no usable "id" */
    const char *code;           /* join: 8 digits, spaces already removed (points into code_buf) */
    char code_buf[16];
    const char *participant;    /* join: optional token */
    size_t participant_len;
    const char *key;            /* join: presenter key, optional */
    size_t key_len;
    const char *poll;           /* vote, answer, withdraw, moderate */
    const char *choice;         /* vote: "choice" (also in ballot) */
    struct ballot_in ballot;    /* vote: "choice", "choices" or "value" */
    const char *text;           /* answer, ask */
    size_t text_len;
    const char *answer;         /* withdraw, moderate: an answer id */
    const char *question;       /* upvote, question: a question id */
    bool on;                    /* upvote: true unless "on" is false */
    int action;                 /* moderate: 1 approve, 0 hide; question: enum session_qa_action */
    int slide;                  /* goto: >= 0; the deck's range is the session's to check */
    enum proto_timer_action timer_action; /* timer */
    int timer_seconds;          /* timer add: seconds to add, negative to take off */
    bool blank_on;              /* blank: blank the projectors (true) or show the slide */
    json_t *root;               /* owned; freed by proto_msg_free */
};

/* Decodes one text frame.  Returns HU_OK, HU_ERR_BAD_JSON or
 * HU_ERR_BAD_MESSAGE; on error writes a sentence naming the problem into
 * err, and sets msg->id when the frame had a usable "id" so the error can
 * echo it (an "id" of another type is itself the error, and not echoed).
 * Call proto_msg_free in every case. */
int proto_decode(const char *buf, size_t len, struct proto_msg *msg, char *err, size_t errlen);
void proto_msg_free(struct proto_msg *msg);

/* Decoders of the presenter's room controls (proto_room.c), called by
 * proto_decode with the parsed message in m->root: HU_OK or
 * HU_ERR_BAD_MESSAGE with a sentence in err. */
int proto_timer_decode(struct proto_msg *m, char *err, size_t errlen);
int proto_blank_decode(struct proto_msg *m, char *err, size_t errlen);

/* True for commands that need the presenter key. */
bool proto_presenter_only(enum proto_type type);
const char *proto_type_name(enum proto_type type);

/* Encoders: malloc()ed JSON text, or NULL when out of memory.  id may be
 * NULL (no id); a message that is NULL or empty takes err's default text. */
char *proto_error_id(int err, const struct proto_id *id, const char *message);
char *proto_ack(const struct proto_id *id, const char *poll, const char *choice);
/* The same ack written into buf, without jansson or an allocation, for the
 * common case (an integer id or none, identifier poll and choice: nothing
 * to escape), since every vote gets one.  Returns its length, or 0 when the
 * case is not that one or buf is too small: then use proto_ack. */
size_t proto_ack_write(char *buf, size_t cap, const struct proto_id *id, const char *poll, const char *choice);
char *proto_pong(const struct proto_id *id, int64_t server_time);
/* proto_error_id for an integer id or none, for callers that have no
 * request at hand (ws_out.c). */
char *proto_error(int err, bool has_id, int64_t id, const char *message);
/* Adds id to o (consumed) when there is one; NULL when out of memory. */
json_t *proto_ack_id(json_t *o, const struct proto_id *id);
/* Serialises and consumes the reference to o (compact, UTF-8). */
char *proto_dump(json_t *o);

#endif
