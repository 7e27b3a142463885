/* proto_room.c -- decoders of the presenter's room controls: the discussion
 * timer and the projectors' blank screen.
 *
 * "timer" grew from start/stop to the speaker console's +1 min, -1 min,
 * pause and resume; the first release's two actions keep their meaning, so
 * a client written for it works unchanged (docs/protocol.md). */
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "proto.h"

static const struct {
    const char *name;
    enum proto_timer_action action;
} proto_timer_actions[] = {
    {"start", PROTO_TIMER_START}, {"stop", PROTO_TIMER_STOP},     {"add", PROTO_TIMER_ADD},
    {"pause", PROTO_TIMER_PAUSE}, {"resume", PROTO_TIMER_RESUME},
};

int proto_timer_decode(struct proto_msg *m, char *err, size_t errlen)
{
    json_t *a = json_object_get(m->root, "action");
    const char *name = json_is_string(a) ? json_string_value(a) : NULL;
    size_t n = json_is_string(a) ? json_string_length(a) : 0;
    int found = -1;
    for (size_t i = 0; name && i < sizeof proto_timer_actions / sizeof proto_timer_actions[0]; i++)
        if (strlen(proto_timer_actions[i].name) == n && memcmp(proto_timer_actions[i].name, name, n) == 0)
            found = (int)i;
    if (!a) {
        snprintf(err, errlen, "missing field \"action\"");
        return HU_ERR_BAD_MESSAGE;
    }
    if (found < 0) {
        snprintf(err, errlen, "field \"action\" must be \"start\", \"stop\", \"add\", \"pause\" or \"resume\"");
        return HU_ERR_BAD_MESSAGE;
    }
    m->timer_action = proto_timer_actions[found].action;
    json_t *sec = json_object_get(m->root, "seconds");
    if (m->timer_action != PROTO_TIMER_ADD)
        return HU_OK; /* "seconds" means nothing to the other actions, as any unknown field */
    if (!sec) {
        snprintf(err, errlen, "missing field \"seconds\" (timer add)");
        return HU_ERR_BAD_MESSAGE;
    }
    if (!json_is_integer(sec) || json_integer_value(sec) == 0 || json_integer_value(sec) > PROTO_TIMER_ADD_MAX ||
        json_integer_value(sec) < -PROTO_TIMER_ADD_MAX) {
        snprintf(err, errlen, "field \"seconds\" must be a whole number of seconds from -%d to %d, not 0",
                 PROTO_TIMER_ADD_MAX, PROTO_TIMER_ADD_MAX);
        return HU_ERR_BAD_MESSAGE;
    }
    m->timer_seconds = (int)json_integer_value(sec);
    return HU_OK;
}

int proto_blank_decode(struct proto_msg *m, char *err, size_t errlen)
{
    json_t *on = json_object_get(m->root, "on");
    /* An explicit state, not a toggle: two windows pressing B at once must
     * agree on the outcome. */
    if (!json_is_boolean(on)) {
        snprintf(err, errlen, "field \"on\" must be true or false");
        return HU_ERR_BAD_MESSAGE;
    }
    m->blank_on = json_is_true(on);
    return HU_OK;
}
