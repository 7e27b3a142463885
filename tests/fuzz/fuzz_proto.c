/* fuzz_proto.c -- libFuzzer target for the WebSocket message decoder.
 *
 * Feeds arbitrary bytes to proto_decode as one text frame, then pushes what
 * came out (the decoded fields, or the error sentence) through the encoders
 * the server would use to answer, so both directions meet hostile text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "net/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every encoder answer must be non-NULL JSON text (out of memory aside,
 * which a fuzzer does not simulate) and is freed at once. */
static void fuzz_check_reply(char *text)
{
    if (!text || text[0] != '{')
        __builtin_trap();
    free(text);
}

static void fuzz_encode_decoded(const struct proto_msg *msg)
{
    const char *name = proto_type_name(msg->type);
    if (!name || !*name)
        __builtin_trap();
    (void)proto_presenter_only(msg->type);
    const struct proto_id *id = &msg->id;
    if (id->kind == PROTO_ID_STR && (id->len > PROTO_ID_STR_MAX || id->str[id->len] != '\0'))
        __builtin_trap();
    fuzz_check_reply(proto_pong(id, 0));
    fuzz_check_reply(proto_error_id(HU_ERR_BAD_MESSAGE, id, name));
    switch (msg->type) {
    case PROTO_JOIN:
        /* The decoder promises exactly 8 digits in code. */
        if (!msg->code || strlen(msg->code) != 8)
            __builtin_trap();
        for (size_t i = 0; i < 8; i++)
            if (msg->code[i] < '0' || msg->code[i] > '9')
                __builtin_trap();
        fuzz_check_reply(proto_error_id(HU_ERR_UNKNOWN_SESSION, id, msg->code));
        if (msg->participant)
            fuzz_check_reply(proto_error_id(HU_ERR_FORBIDDEN, id, msg->participant));
        if (msg->key)
            fuzz_check_reply(proto_error_id(HU_ERR_FORBIDDEN, id, msg->key));
        break;
    case PROTO_VOTE:
        /* A poll, and at least one of choice, choices or value. */
        if (!msg->poll || strlen(msg->poll) > HU_POLL_ID_MAX ||
            (!msg->choice && !msg->ballot.has_choices && !msg->ballot.has_value))
            __builtin_trap();
        if (msg->ballot.choice != msg->choice || msg->ballot.n_choices > HU_OPTION_MAX)
            __builtin_trap();
        for (size_t i = 0; i < msg->ballot.n_choices; i++)
            if (!msg->ballot.choices[i] || !msg->ballot.choices[i][0])
                __builtin_trap();
        if (msg->choice)
            fuzz_check_reply(proto_ack(id, msg->poll, msg->choice));
        fuzz_check_reply(proto_error_id(HU_ERR_UNKNOWN_POLL, id, msg->poll));
        break;
    case PROTO_ANSWER:
    case PROTO_ASK:
        /* Text of the length jansson gave, without a NUL inside. */
        if (!msg->text || msg->text_len == 0 || strlen(msg->text) != msg->text_len ||
            (msg->type == PROTO_ANSWER && !msg->poll))
            __builtin_trap();
        fuzz_check_reply(proto_error_id(HU_ERR_TOO_LONG, id, msg->text));
        break;
    case PROTO_WITHDRAW:
    case PROTO_MODERATE:
        if (!msg->poll || !msg->answer || (msg->type == PROTO_MODERATE && (msg->action < 0 || msg->action > 1)))
            __builtin_trap();
        break;
    case PROTO_UPVOTE:
    case PROTO_QUESTION:
        if (!msg->question || (msg->type == PROTO_QUESTION && (msg->action < 0 || msg->action > 4)))
            __builtin_trap();
        break;
    case PROTO_GOTO:
        if (msg->slide < 0)
            __builtin_trap();
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct proto_msg msg;
    char err[256];
    memset(&msg, 0, sizeof msg);
    err[0] = '\0';
    int rc = proto_decode((const char *)data, size, &msg, err, sizeof err);
    if (rc == HU_OK) {
        fuzz_encode_decoded(&msg);
    } else {
        if (rc != HU_ERR_BAD_JSON && rc != HU_ERR_BAD_MESSAGE && rc != HU_ERR_TOO_LARGE)
            __builtin_trap();
        /* The error sentence may quote the input (jansson does), so it is
         * exactly what the server echoes back in an "error" message. */
        if (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
            __builtin_trap();
        fuzz_check_reply(proto_error_id(rc, &msg.id, err));
    }
    proto_msg_free(&msg);
    return 0;
}
