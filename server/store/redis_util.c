/* redis_util.c -- URL, key names, run ids and change notices of the Redis
 * back end: pure functions, no I/O (see redis_util.h). */
#include "redis_util.h"

#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"

int rutil_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (len && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == len || len - i > 18)
        return HU_ERR_PARSE;
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return HU_ERR_PARSE;
        v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < min || v > max)
        return HU_ERR_PARSE;
    *out = v;
    return HU_OK;
}

int rutil_parse_url(const char *url, char host[RUTIL_HOST_MAX + 1], int *port, int *db, char *err, size_t errlen)
{
    static const char scheme[] = "redis://";
    *port = 6379;
    *db = 0;
    if (!url || strncmp(url, scheme, sizeof scheme - 1) != 0) {
        snprintf(err, errlen, "--redis takes redis://HOST:PORT[/DB], not \"%s\"", url ? url : "");
        return HU_ERR_PARSE;
    }
    const char *h = url + sizeof scheme - 1, *end;
    if (strchr(h, '@')) {
        snprintf(err, errlen, "--redis: a password in the URL is not supported (bind Redis to a private address)");
        return HU_ERR_PARSE;
    }
    if (*h == '[') {
        end = strchr(h, ']');
        if (!end) {
            snprintf(err, errlen, "--redis: \"%s\" opens an IPv6 address with [ and does not close it", url);
            return HU_ERR_PARSE;
        }
        h++;
    } else {
        end = h + strcspn(h, ":/");
    }
    size_t hl = (size_t)(end - h);
    if (hl == 0 || hl > RUTIL_HOST_MAX) {
        snprintf(err, errlen, "--redis: \"%s\" has no host", url);
        return HU_ERR_PARSE;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    const char *p = *end == ']' ? end + 1 : end;
    int64_t v;
    if (*p == ':') {
        size_t n = strcspn(p + 1, "/");
        if (rutil_int(p + 1, n, 1, 65535, &v) != HU_OK) {
            snprintf(err, errlen, "--redis: \"%s\" has no valid port (1 to 65535)", url);
            return HU_ERR_PARSE;
        }
        *port = (int)v;
        p += 1 + n;
    }
    if (*p == '/' && p[1]) {
        if (rutil_int(p + 1, strlen(p + 1), 0, 1000000, &v) != HU_OK) {
            snprintf(err, errlen, "--redis: \"%s\" has no valid database number after the /", url);
            return HU_ERR_PARSE;
        }
        *db = (int)v;
    } else if (*p && !(p[0] == '/' && !p[1])) {
        snprintf(err, errlen, "--redis takes redis://HOST:PORT[/DB], not \"%s\"", url);
        return HU_ERR_PARSE;
    }
    return HU_OK;
}

static bool rutil_code_ok(const char *code)
{
    if (!code || strlen(code) != HU_CODE_LEN)
        return false;
    for (int i = 0; i < HU_CODE_LEN; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return true;
}

int rutil_prefix(const char *code, char out[RUTIL_PREFIX_MAX])
{
    if (!rutil_code_ok(code))
        return HU_ERR_PARSE;
    memcpy(out, "hu:{", 4);
    memcpy(out + 4, code, HU_CODE_LEN);
    out[4 + HU_CODE_LEN] = '}';
    out[5 + HU_CODE_LEN] = '\0';
    return HU_OK;
}

/* Room for run numbers: 2^20 runs of a session. */
#define RUTIL_RUN_BITS 20

int64_t rutil_session_id(const char *code)
{
    int64_t v;
    if (!rutil_code_ok(code) || rutil_int(code, HU_CODE_LEN, 0, 99999999, &v) != HU_OK)
        return -1;
    /* + 1: row ids are positive, and code 00000000 is a code too. */
    return v + 1;
}

int64_t rutil_run_id(int64_t session_id, int number)
{
    return (session_id << RUTIL_RUN_BITS) | (int64_t)number;
}

void rutil_session_code(int64_t session_id, char code[HU_CODE_LEN + 1])
{
    uint64_t v = session_id > 0 ? (uint64_t)(session_id - 1) % 100000000u : 0;
    for (int i = HU_CODE_LEN - 1; i >= 0; i--) {
        code[i] = (char)('0' + v % 10);
        v /= 10;
    }
    code[HU_CODE_LEN] = '\0';
}

int rutil_run_split(int64_t run_id, char code[HU_CODE_LEN + 1], int *number)
{
    int64_t sid = run_id >> RUTIL_RUN_BITS;
    int n = (int)(run_id & ((1 << RUTIL_RUN_BITS) - 1));
    if (run_id <= 0 || sid < 1 || sid > 100000000 || n < 1)
        return HU_ERR_PARSE;
    rutil_session_code(sid, code);
    *number = n;
    return HU_OK;
}

#define RUTIL_FIELDS_MAX 10

static int rutil_hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One numeric field f[i] in [min, max]. */
#define RUTIL_NUM(i, min, max, dst)                                                                                \
    do {                                                                                                           \
        int64_t v_;                                                                                                \
        if ((i) >= nf || rutil_int(f[i], flen[i], (min), (max), &v_) != HU_OK)                                   \
            return HU_ERR_PARSE;                                                                                   \
        (dst) = v_;                                                                                                \
    } while (0)

int rutil_notice_parse(char *msg, size_t len, struct store_notice *n)
{
    memset(n, 0, sizeof *n);
    n->poll_id = n->text = "";
    /* Fields are split on tabs; the last one of an answer or question is
     * the cleaned text, which holds no control character (hu_text), so no
     * tab either, but it is taken whole all the same. */
    char *f[RUTIL_FIELDS_MAX];
    size_t flen[RUTIL_FIELDS_MAX];
    size_t nf = 0, start = 0;
    for (size_t i = 0; i <= len && nf < RUTIL_FIELDS_MAX; i++) {
        if (i == len || msg[i] == '\t') {
            f[nf] = msg + start;
            flen[nf] = i - start;
            nf++;
            start = i + 1;
        }
    }
    if (nf < 3 || flen[1] != 1)
        return HU_ERR_PARSE;
    /* The last field runs to the end of the message. */
    flen[nf - 1] = len - (size_t)(f[nf - 1] - msg);
    for (size_t i = 0; i < nf; i++)
        f[i][flen[i]] = '\0';
    int64_t seq, run;
    RUTIL_NUM(0, 1, INT64_MAX, seq);
    RUTIL_NUM(2, 1, 1 << 20, run);
    n->seq = (uint64_t)seq;
    n->run = (int)run;
    int64_t a = 0, b = 0, c = 0;
    switch (f[1][0]) {
    case 'P':
        n->kind = STORE_NOTICE_PARTICIPANT;
        RUTIL_NUM(3, 0, UINT32_MAX - 1, a);
        n->participant = (uint32_t)a;
        if (nf != 5 || flen[4] != 2 * HU_HASH_LEN)
            return HU_ERR_PARSE;
        for (size_t i = 0; i < HU_HASH_LEN; i++) {
            int hi = rutil_hex(f[4][2 * i]), lo = rutil_hex(f[4][2 * i + 1]);
            if (hi < 0 || lo < 0)
                return HU_ERR_PARSE;
            n->hash[i] = (unsigned char)(hi << 4 | lo);
        }
        return HU_OK;
    case 'V':
        n->kind = STORE_NOTICE_VOTE;
        if (nf != 6)
            return HU_ERR_PARSE;
        n->poll_id = f[3];
        RUTIL_NUM(4, 0, UINT32_MAX - 1, a);
        n->participant = (uint32_t)a;
        n->text = f[5];
        return HU_OK;
    case 'S':
        n->kind = STORE_NOTICE_SLIDE;
        RUTIL_NUM(3, 0, INT32_MAX, a);
        n->slide = (int)a;
        return nf == 4 ? HU_OK : HU_ERR_PARSE;
    case 'O':
        n->kind = STORE_NOTICE_POLL;
        if (nf != 10)
            return HU_ERR_PARSE;
        n->poll_id = f[3];
        RUTIL_NUM(4, -1, INT32_MAX, a);
        n->slide = (int)a;
        RUTIL_NUM(5, 0, 2, a);
        n->status = (int)a;
        RUTIL_NUM(6, 0, 1, a);
        n->on = a != 0;
        RUTIL_NUM(7, 0, INT64_MAX, n->opened);
        RUTIL_NUM(8, 0, INT64_MAX, n->closed);
        RUTIL_NUM(9, 0, UINT32_MAX, a);
        n->item = (uint32_t)a;
        return HU_OK;
    case 'A':
        n->kind = STORE_NOTICE_ANSWER;
        if (nf != 9)
            return HU_ERR_PARSE;
        n->poll_id = f[3];
        RUTIL_NUM(4, 1, UINT32_MAX - 1, a);
        RUTIL_NUM(5, 0, UINT32_MAX - 1, b);
        RUTIL_NUM(6, 0, 16, c);
        RUTIL_NUM(7, 0, INT64_MAX, n->at);
        n->item = (uint32_t)a;
        n->participant = (uint32_t)b;
        n->status = (int)c;
        n->text = f[8];
        return HU_OK;
    case 'a':
        n->kind = STORE_NOTICE_ANSWER_STATUS;
        if (nf != 6)
            return HU_ERR_PARSE;
        n->poll_id = f[3];
        RUTIL_NUM(4, 1, UINT32_MAX - 1, a);
        RUTIL_NUM(5, 0, 16, b);
        n->item = (uint32_t)a;
        n->status = (int)b;
        return HU_OK;
    case 'Q':
        n->kind = STORE_NOTICE_QUESTION;
        if (nf != 8)
            return HU_ERR_PARSE;
        RUTIL_NUM(3, 1, UINT32_MAX - 1, a);
        RUTIL_NUM(4, 0, UINT32_MAX - 1, b);
        RUTIL_NUM(5, 0, 16, c);
        RUTIL_NUM(6, 0, INT64_MAX, n->at);
        n->item = (uint32_t)a;
        n->participant = (uint32_t)b;
        n->status = (int)c;
        n->text = f[7];
        return HU_OK;
    case 'q':
        n->kind = STORE_NOTICE_QUESTION_STATUS;
        if (nf != 5)
            return HU_ERR_PARSE;
        RUTIL_NUM(3, 1, UINT32_MAX - 1, a);
        RUTIL_NUM(4, 0, 16, b);
        n->item = (uint32_t)a;
        n->status = (int)b;
        return HU_OK;
    case 'U':
        n->kind = STORE_NOTICE_UPVOTE;
        if (nf != 6)
            return HU_ERR_PARSE;
        RUTIL_NUM(3, 1, UINT32_MAX - 1, a);
        RUTIL_NUM(4, 0, UINT32_MAX - 1, b);
        RUTIL_NUM(5, 0, 1, c);
        n->item = (uint32_t)a;
        n->participant = (uint32_t)b;
        n->on = c != 0;
        return HU_OK;
    case 'X':
        n->kind = STORE_NOTICE_RESET;
        if (nf != 5)
            return HU_ERR_PARSE;
        n->poll_id = f[4];
        return HU_OK;
    case 'W':
        n->kind = STORE_NOTICE_VIEW;
        if (nf != 10)
            return HU_ERR_PARSE;
        RUTIL_NUM(3, 0, INT32_MAX, a);
        n->view.slide = n->slide = (int)a;
        RUTIL_NUM(4, 0, INT32_MAX, a);
        n->view.fragment = (int)a;
        RUTIL_NUM(5, 0, 1, a);
        n->view.blank = a != 0;
        RUTIL_NUM(6, 0, 1, a);
        n->view.timer_started = a != 0;
        RUTIL_NUM(7, 0, 1, a);
        n->view.timer_running = a != 0;
        RUTIL_NUM(8, 0, INT64_MAX, n->view.timer_ends_at);
        RUTIL_NUM(9, INT64_MIN + 1, INT64_MAX, n->view.timer_remaining);
        return HU_OK;
    case 'N':
        n->kind = STORE_NOTICE_RUN;
        return nf == 3 ? HU_OK : HU_ERR_PARSE;
    default:
        return HU_ERR_PARSE;
    }
}

int64_t store_cluster_run_id(int64_t run_id, int number)
{
    return rutil_run_id(run_id >> RUTIL_RUN_BITS, number);
}

int rutil_view_parse(const char *s, struct store_view *v)
{
    int64_t f[7];
    const int64_t lo[7] = {0, 0, 0, 0, 0, 0, INT64_MIN + 1};
    const int64_t hi[7] = {INT32_MAX, INT32_MAX, 1, 1, 1, INT64_MAX, INT64_MAX};
    for (int i = 0; i < 7; i++) {
        size_t n = strcspn(s, " ");
        if (rutil_int(s, n, lo[i], hi[i], &f[i]) != HU_OK || (i < 6 && s[n] != ' ') || (i == 6 && s[n]))
            return HU_ERR_PARSE;
        s += n + (i < 6);
    }
    memset(v, 0, sizeof *v);
    v->slide = (int)f[0];
    v->fragment = (int)f[1];
    v->blank = f[2] != 0;
    v->timer_started = f[3] != 0;
    v->timer_running = f[4] != 0;
    v->timer_ends_at = f[5];
    v->timer_remaining = f[6];
    return HU_OK;
}

bool rutil_redis_lost(size_t n_waiting, int64_t last_heard_ms, int64_t now_ms, unsigned timeout_ms)
{
    return n_waiting > 0 && now_ms - last_heard_ms > (int64_t)timeout_ms;
}

bool rutil_follow_check(struct rutil_follow *b, uint64_t applied, uint64_t redis_seq, int64_t now_ms,
                        int64_t limit_ms)
{
    if (applied >= b->seq) {
        /* Caught up with the last beat's seq: watch the newest. */
        b->seq = redis_seq;
        b->since_ms = now_ms;
        return false;
    }
    if (now_ms - b->since_ms < limit_ms)
        return false; /* notices on their way (a busy loop, a burst) */
    b->seq = redis_seq;
    b->since_ms = now_ms;
    return true;
}
