/* ballot.c -- a vote's picks between the wire, the tally and the data file. */
#include "ballot.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"

static int ballot_fail(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int ballot_fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (whylen)
        vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return HU_ERR_BAD_MESSAGE;
}

int ballot_parse(const struct pollspec *p, const struct ballot_in *in, tally_mask *picks, char *why,
                 size_t whylen)
{
    if (p->kind->text)
        return ballot_fail(why, whylen, "this poll takes answers: send {\"type\":\"answer\",\"text\":...}");
    int given = (in->choice != NULL) + in->has_choices + in->has_value;
    if (given != 1)
        return ballot_fail(why, whylen, "a vote has exactly one of \"choice\", \"choices\" or \"value\"");
    *picks = TALLY_NONE;
    if (in->has_value) {
        if (!p->kind->numeric)
            return ballot_fail(why, whylen, "\"value\" is for scale polls; this poll takes \"choice\"");
        if (in->value < p->min || in->value > p->max)
            return ballot_fail(why, whylen, "\"value\" must be an integer from %d to %d", p->min, p->max);
        *picks = (tally_mask)(1u << (unsigned)(in->value - p->min));
        return HU_OK;
    }
    if (in->choice) {
        int i = pollspec_option(p, in->choice, strlen(in->choice));
        if (i < 0)
            return ballot_fail(why, whylen, "that choice is not an option of this poll");
        *picks = (tally_mask)(1u << (unsigned)i);
        return HU_OK;
    }
    if (in->n_choices > p->multiple)
        return ballot_fail(why, whylen, "this poll takes at most %u pick%s", p->multiple, p->multiple == 1 ? "" : "s");
    for (size_t k = 0; k < in->n_choices; k++) {
        int i = pollspec_option(p, in->choices[k], strlen(in->choices[k]));
        if (i < 0)
            return ballot_fail(why, whylen, "choice %zu is not an option of this poll", k + 1);
        if (*picks & (1u << (unsigned)i))
            return ballot_fail(why, whylen, "choice %zu repeats an earlier pick", k + 1);
        *picks = (tally_mask)(*picks | (1u << (unsigned)i));
    }
    return HU_OK;
}

void ballot_encode(const struct pollspec *p, tally_mask picks, char buf[BALLOT_TEXT_MAX])
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < p->n_options; i++) {
        if (!(picks & (1u << i)))
            continue;
        size_t len = strlen(p->ids[i]);
        if (n)
            buf[n++] = ' ';
        memcpy(buf + n, p->ids[i], len);
        n += len;
        buf[n] = '\0';
    }
}

int ballot_decode(const struct pollspec *p, const char *stored, tally_mask *picks)
{
    *picks = TALLY_NONE;
    unsigned n = 0;
    for (const char *s = stored; *s;) {
        size_t len = strcspn(s, " ");
        int i = pollspec_option(p, s, len);
        if (i < 0 || (*picks & (1u << (unsigned)i)))
            return HU_ERR_PARSE;
        *picks = (tally_mask)(*picks | (1u << (unsigned)i));
        n++;
        s += len;
        while (*s == ' ')
            s++;
    }
    return n <= p->multiple ? HU_OK : HU_ERR_PARSE;
}

const char *ballot_field(const struct pollspec *p)
{
    return p->multiple > 1 ? "choices" : p->kind->numeric ? "value" : "choice";
}

size_t ballot_write(const struct pollspec *p, tally_mask picks, char buf[BALLOT_TEXT_MAX])
{
    size_t n = 0;
    if (picks == TALLY_NONE) {
        memcpy(buf, "null", 5);
        return 4;
    }
    if (p->multiple > 1)
        buf[n++] = '[';
    for (unsigned i = 0; i < p->n_options; i++) {
        if (!(picks & (1u << i)))
            continue;
        size_t len = strlen(p->ids[i]);
        if (n > 1)
            buf[n++] = ',';
        if (!p->kind->numeric || p->multiple > 1)
            buf[n++] = '"';
        memcpy(buf + n, p->ids[i], len);
        n += len;
        if (!p->kind->numeric || p->multiple > 1)
            buf[n++] = '"';
    }
    if (p->multiple > 1)
        buf[n++] = ']';
    buf[n] = '\0';
    return n;
}
