/* hu_err.h -- the one error enum of handsup.
 *
 * Every fallible function returns HU_OK (0) or a negative hu_err.  The same
 * table gives the machine code sent in a protocol "error" message and a
 * default human text, so a new error is added in exactly one place. */
#ifndef HU_ERR_H
#define HU_ERR_H

/* X(name, value, protocol code, default message) */
#define HU_ERR_TABLE(X)                                                              \
    X(HU_OK, 0, "ok", "success")                                                     \
    X(HU_ERR_NOMEM, -1, "internal", "out of memory")                                 \
    X(HU_ERR_BAD_JSON, -2, "bad_json", "the message is not valid JSON")              \
    X(HU_ERR_BAD_MESSAGE, -3, "bad_message", "the message does not match its schema")\
    X(HU_ERR_UNKNOWN_SESSION, -4, "unknown_session", "no session has that code")     \
    X(HU_ERR_NOT_JOINED, -5, "not_joined", "join a session first")                   \
    X(HU_ERR_UNKNOWN_POLL, -6, "unknown_poll", "no such poll in this session")       \
    X(HU_ERR_POLL_CLOSED, -7, "poll_closed", "voting on this poll is closed")        \
    X(HU_ERR_FORBIDDEN, -8, "forbidden", "this needs the presenter key")             \
    X(HU_ERR_RATE_LIMITED, -9, "rate_limited", "too many messages, slow down")       \
    X(HU_ERR_TOO_LARGE, -10, "too_large", "the message is too large")                \
    X(HU_ERR_STORE, -11, "store_failed", "the vote could not be saved; try again")   \
    X(HU_ERR_FULL, -12, "server_busy", "the server is at capacity")                  \
    X(HU_ERR_IO, -13, "internal", "input/output error")                              \
    X(HU_ERR_PARSE, -14, "bad_input", "the input could not be parsed")               \
    X(HU_ERR_EXISTS, -15, "conflict", "it already exists")                           \
    X(HU_ERR_NOT_FOUND, -16, "not_found", "not found")                               \
    X(HU_ERR_INTERNAL, -17, "internal", "internal error")                           \
    X(HU_ERR_TOO_LONG, -18, "too_long", "the text is longer than this question allows")   \
    X(HU_ERR_LIMIT, -19, "limit_reached", "you have given as many answers as allowed") \
    X(HU_ERR_QA_CLOSED, -20, "qa_closed", "this session takes no audience questions")

typedef enum {
#define HU_ERR_ENUM(name, value, code, text) name = value,
    HU_ERR_TABLE(HU_ERR_ENUM)
#undef HU_ERR_ENUM
} hu_err;

/* Default human-readable text for err.  Never NULL; static storage. */
const char *hu_strerror(int err);

/* Machine code for the protocol's "error" message.  Never NULL; static. */
const char *hu_err_code(int err);

#endif
