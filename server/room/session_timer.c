/* session_timer.c -- the discussion timers: one per discussion slide, on the
 * server's clock.
 *
 * A timer starts the first time its slide is shown and then belongs to the
 * slide, not to the visit: a facilitator who steps back to check a figure
 * and returns finds the room's countdown where it is, not restarted (the
 * first release re-armed it on every arrival).  The speaker console moves
 * it: add or take off time, pause, resume; "start" still restarts it from
 * the deck's length.  Timers are not saved: after a restart the current
 * slide's timer starts again, as on arrival. */
#include "base/hu_err.h"
#include "session_impl.h"

/* A timer never shows more than the longest one a deck may ask for. */
#define SESSION_TIMER_MAX_MS ((int64_t)HU_DECK_MAX_DISCUSS_SECONDS * 1000)

static int session_timer_seconds(const struct session *s)
{
    const struct deck_slide *sl = &s->deck->slides[s->current];
    return sl->kind == DECK_SLIDE_DISCUSS ? sl->discuss_seconds : 0;
}

static void session_timer_restart(struct session *s, struct session_timer *t, int64_t now_ms)
{
    int64_t ms = (int64_t)session_timer_seconds(s) * 1000;
    t->started = true;
    t->running = true;
    t->ends_at = now_ms + ms;
    t->remaining = ms;
}

/* Milliseconds left, never negative. */
static int64_t session_timer_left(const struct session_timer *t, int64_t now_ms)
{
    int64_t left = t->running ? t->ends_at - now_ms : t->remaining;
    return left > 0 ? left : 0;
}

void session_timer_arrive(struct session *s, int64_t now_ms)
{
    struct session_timer *t = &s->timers[s->current];
    if (session_timer_seconds(s) > 0 && !t->started)
        session_timer_restart(s, t, now_ms);
}

int session_timer(struct session *s, enum session_timer_action action, int seconds, int64_t now_ms)
{
    if (session_timer_seconds(s) <= 0)
        return HU_ERR_BAD_MESSAGE;
    struct session_timer *t = &s->timers[s->current];
    int64_t left = session_timer_left(t, now_ms);
    switch (action) {
    case SESSION_TIMER_START:
        session_timer_restart(s, t, now_ms);
        break;
    case SESSION_TIMER_STOP:
    case SESSION_TIMER_PAUSE:
        if (!t->running)
            return HU_OK;
        t->running = false;
        t->remaining = left;
        break;
    case SESSION_TIMER_RESUME:
        /* A timer that ran out stays out: "+1 min" is how to give more. */
        if (t->running || left == 0)
            return HU_OK;
        t->running = true;
        t->ends_at = now_ms + left;
        break;
    case SESSION_TIMER_ADD: {
        /* From what is left now, so that +1 min on a timer that ran out
         * gives one minute from now, not from when it ran out. */
        left += (int64_t)seconds * 1000;
        if (left < 0)
            left = 0;
        if (left > SESSION_TIMER_MAX_MS)
            left = SESSION_TIMER_MAX_MS;
        t->ends_at = now_ms + left;
        t->remaining = left;
        break;
    }
    default:
        return HU_ERR_BAD_MESSAGE;
    }
    s->version++;
    return HU_OK;
}

json_t *session_timer_json(const struct session *s, int64_t now_ms)
{
    const struct session_timer *t = &s->timers[s->current];
    int64_t left = session_timer_left(t, now_ms);
    return json_pack("{s:i, s:b, s:o, s:I}", "seconds", session_timer_seconds(s), "running", t->running,
                     "endsAt", t->running ? json_integer(t->ends_at) : json_null(), "remaining",
                     (json_int_t)((left + 999) / 1000));
}
