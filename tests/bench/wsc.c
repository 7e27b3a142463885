/* wsc.c -- the load generator's WebSocket client: non-blocking connects from
 * several loopback source addresses, a hand-written HTTP upgrade, and RFC 6455
 * framing (client frames masked, pings answered), on one epoll set.
 *
 * Handshakes in flight are capped; phones beyond the cap wait in a ring.
 * Complete text messages go to phone_on_message (phone.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

#define WSC_SCRATCH (256 * 1024)
#define WSC_MSG_MAX (1024 * 1024)     /* a larger server message is a protocol error */
#define WSC_HANDSHAKE_TIMEOUT_S 15.0
#define WSC_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

int wsc_init(struct bench *b)
{
    b->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (b->epfd < 0)
        return -1;
    b->scratch_cap = WSC_SCRATCH;
    b->scratch = malloc(b->scratch_cap);
    b->queue = malloc(sizeof *b->queue * (size_t)(b->cfg.n + 1));
    if (!b->scratch || !b->queue)
        return -1;
    return 0;
}

static void wsc_close(struct bench *b, struct phone *p, bool unexpected)
{
    if (p->fd >= 0)
        close(p->fd); /* also leaves the epoll set */
    p->fd = -1;
    if (p->state == PH_CONNECTING || p->state == PH_UPGRADING)
        b->inflight--;
    if (p->state == PH_OPEN && !p->presenter)
        b->open_attendees--;
    if (p->ready && !p->presenter)
        b->ready_attendees--;
    if (unexpected && !p->closing)
        b->unexpected_closes++;
    p->state = PH_IDLE;
    p->ready = p->welcomed = false;
    bbuf_free(&p->rx);
    bbuf_free(&p->tx);
    bbuf_free(&p->frag);
}

void wsc_fini(struct bench *b)
{
    for (int i = 0; i < b->n_phones; i++) {
        b->phones[i].closing = true;
        wsc_close(b, &b->phones[i], false);
    }
    if (b->epfd >= 0)
        close(b->epfd);
    free(b->scratch);
    free(b->queue);
}

void wsc_drop(struct bench *b, struct phone *p)
{
    p->closing = true;
    wsc_close(b, p, false);
}

void wsc_enqueue(struct bench *b, int i)
{
    struct phone *p = &b->phones[i];
    if (p->state != PH_IDLE)
        return;
    p->state = PH_QUEUED;
    p->closing = false;
    b->queue[(b->q_head + b->q_len) % (b->cfg.n + 1)] = i;
    b->q_len++;
}

static int wsc_watch(struct bench *b, struct phone *p, int op, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)(p - b->phones)};
    return epoll_ctl(b->epfd, op, p->fd, &ev);
}

static void wsc_start(struct bench *b, int i)
{
    struct phone *p = &b->phones[i];
    p->state = PH_IDLE;
    p->t_connect = bench_now();
    p->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p->fd < 0) {
        b->connect_failures++;
        return;
    }
    int one = 1;
    if (setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        goto fail;
    if (!p->presenter && b->cfg.sources > 0) {
        /* The port is then chosen at connect time per 4-tuple, so each source
         * address offers the whole ephemeral range to this one server. */
        if (setsockopt(p->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) != 0)
            goto fail;
        struct sockaddr_in src = {.sin_family = AF_INET};
        src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(i % b->cfg.sources));
        if (bind(p->fd, (struct sockaddr *)&src, sizeof src) != 0)
            goto fail;
    }
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)b->cfg.port)};
    if (inet_pton(AF_INET, b->cfg.host, &dst.sin_addr) != 1)
        goto fail;
    if (connect(p->fd, (struct sockaddr *)&dst, sizeof dst) != 0 && errno != EINPROGRESS)
        goto fail;
    if (wsc_watch(b, p, EPOLL_CTL_ADD, EPOLLOUT) != 0)
        goto fail;
    p->state = PH_CONNECTING;
    b->inflight++;
    return;
fail:
    b->connect_failures++;
    close(p->fd);
    p->fd = -1;
}

static void wsc_base64(const unsigned char *in, int len, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, len);
}

static int wsc_send_upgrade(struct bench *b, struct phone *p)
{
    unsigned char nonce[16];
    for (int k = 0; k < 16; k += 8) {
        uint64_t r = bench_rand(b);
        memcpy(nonce + k, &r, 8);
    }
    wsc_base64(nonce, 16, p->ws_key);
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
                     b->cfg.host, b->cfg.port, p->ws_key);
    if (n < 0 || (size_t)n >= sizeof req)
        return -1;
    ssize_t w = send(p->fd, req, (size_t)n, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN)
        return -1;
    if (w < 0)
        w = 0;
    if (w < n && bbuf_append(&p->tx, req + w, (size_t)(n - w)) != 0)
        return -1;
    return wsc_watch(b, p, EPOLL_CTL_MOD, p->tx.len ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

/* Checks the 101 answer and its Sec-WebSocket-Accept; returns the header
 * length, 0 while incomplete, -1 when refused. */
static int wsc_check_upgrade(struct phone *p)
{
    const char *end = memmem(p->rx.data, p->rx.len, "\r\n\r\n", 4);
    if (!end)
        return p->rx.len > 8192 ? -1 : 0;
    size_t hlen = (size_t)(end - p->rx.data) + 4;
    if (p->rx.len < 12 || memcmp(p->rx.data, "HTTP/1.1 101", 12) != 0)
        return -1;
    char concat[64];
    int n = snprintf(concat, sizeof concat, "%s%s", p->ws_key, WSC_GUID);
    if (n < 0 || (size_t)n >= sizeof concat)
        return -1;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(concat, (size_t)n, md, &mdlen, EVP_sha1(), NULL))
        return -1;
    char want[32];
    wsc_base64(md, (int)mdlen, want);
    /* Header lines: look for the accept field, case-insensitively. */
    const char *line = memchr(p->rx.data, '\n', hlen);
    static const char field[] = "sec-websocket-accept:";
    while (line && line + 1 < p->rx.data + hlen) {
        line++;
        size_t rest = hlen - (size_t)(line - p->rx.data);
        if (rest > sizeof field - 1 && strncasecmp(line, field, sizeof field - 1) == 0) {
            const char *v = line + sizeof field - 1;
            while (*v == ' ')
                v++;
            size_t wl = strlen(want);
            return (size_t)(p->rx.data + hlen - v) >= wl && memcmp(v, want, wl) == 0 ? (int)hlen : -1;
        }
        line = memchr(line, '\n', rest);
    }
    return -1;
}

/* Frames one masked message with opcode op. */
static int wsc_send_frame(struct bench *b, struct phone *p, int op, const char *payload, size_t len)
{
    if (p->state != PH_OPEN)
        return -1;
    char stackbuf[1024];
    size_t total = len + 14;
    char *f = total <= sizeof stackbuf ? stackbuf : malloc(total);
    if (!f)
        return -1;
    size_t h = 0;
    f[h++] = (char)(0x80 | op);
    if (len < 126) {
        f[h++] = (char)(0x80 | len);
    } else if (len < 65536) {
        f[h++] = (char)(0x80 | 126);
        f[h++] = (char)(len >> 8);
        f[h++] = (char)len;
    } else {
        f[h++] = (char)(0x80 | 127);
        for (int s = 56; s >= 0; s -= 8)
            f[h++] = (char)((uint64_t)len >> s);
    }
    uint32_t mask = (uint32_t)bench_rand(b);
    unsigned char m[4];
    memcpy(m, &mask, 4);
    memcpy(f + h, m, 4);
    h += 4;
    for (size_t k = 0; k < len; k++)
        f[h + k] = (char)(payload[k] ^ m[k & 3]);
    total = h + len;
    int rc = 0;
    size_t off = 0;
    if (p->tx.len == 0) {
        ssize_t w = send(p->fd, f, total, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN)
            rc = -1;
        else
            off = w < 0 ? 0 : (size_t)w;
    }
    if (rc == 0 && off < total) {
        bool was_empty = p->tx.len == 0;
        if (bbuf_append(&p->tx, f + off, total - off) != 0)
            rc = -1;
        else if (was_empty)
            rc = wsc_watch(b, p, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
    }
    if (f != stackbuf)
        free(f);
    if (rc != 0)
        wsc_close(b, p, true);
    return rc;
}

int wsc_send(struct bench *b, struct phone *p, const char *text, size_t len)
{
    return wsc_send_frame(b, p, 1, text, len);
}

/* Parses complete frames from data; returns the bytes consumed, or -1 when
 * the phone was closed (by a close frame or a protocol error). */
static long wsc_frames(struct bench *b, struct phone *p, const unsigned char *d, size_t len)
{
    size_t pos = 0;
    while (len - pos >= 2) {
        const unsigned char *f = d + pos;
        int fin = f[0] & 0x80, op = f[0] & 0x0f;
        uint64_t plen = f[1] & 0x7f;
        size_t h = 2;
        if (f[1] & 0x80) { /* a server must not mask */
            b->protocol_errors++;
            wsc_close(b, p, true);
            return -1;
        }
        if (plen == 126) {
            if (len - pos < 4)
                break;
            plen = ((uint64_t)f[2] << 8) | f[3];
            h = 4;
        } else if (plen == 127) {
            if (len - pos < 10)
                break;
            plen = 0;
            for (int k = 2; k < 10; k++)
                plen = (plen << 8) | f[k];
            h = 10;
        }
        if (plen > WSC_MSG_MAX) {
            b->protocol_errors++;
            wsc_close(b, p, true);
            return -1;
        }
        if (len - pos < h + plen)
            break;
        const char *payload = (const char *)f + h;
        pos += h + (size_t)plen;
        if (op == 0x9) {
            if (wsc_send_frame(b, p, 0xA, payload, (size_t)plen) != 0)
                return -1;
        } else if (op == 0x8) {
            bool ours = p->closing;
            if (!ours)
                wsc_send_frame(b, p, 0x8, payload, plen >= 2 ? 2 : 0);
            wsc_close(b, p, true);
            return -1;
        } else if (op == 0x1 || op == 0x0 || op == 0x2) {
            if (fin && op != 0 && p->frag.len == 0) {
                phone_on_message(b, p, payload, (size_t)plen);
            } else {
                if (bbuf_append(&p->frag, payload, (size_t)plen) != 0) {
                    wsc_close(b, p, true);
                    return -1;
                }
                if (fin) {
                    phone_on_message(b, p, p->frag.data, p->frag.len);
                    bbuf_free(&p->frag);
                }
            }
            if (p->fd < 0)
                return -1;
        }
    }
    return (long)pos;
}

static void wsc_readable(struct bench *b, struct phone *p)
{
    for (;;) {
        ssize_t n = recv(p->fd, b->scratch, b->scratch_cap, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            wsc_close(b, p, true);
            return;
        }
        if (n < 0)
            return;
        if (p->state == PH_UPGRADING || p->rx.len > 0) {
            if (bbuf_append(&p->rx, b->scratch, (size_t)n) != 0) {
                wsc_close(b, p, true);
                return;
            }
            if (p->state == PH_UPGRADING) {
                int hl = wsc_check_upgrade(p);
                if (hl < 0) {
                    b->connect_failures++;
                    wsc_close(b, p, false);
                    return;
                }
                if (hl == 0)
                    continue;
                bbuf_consume(&p->rx, (size_t)hl);
                p->state = PH_OPEN;
                b->inflight--;
                if (!p->presenter)
                    b->open_attendees++;
                if (phone_on_open(b, p) != 0 || p->fd < 0)
                    return;
            }
            long used = wsc_frames(b, p, (const unsigned char *)p->rx.data, p->rx.len);
            if (used < 0)
                return;
            bbuf_consume(&p->rx, (size_t)used);
        } else {
            long used = wsc_frames(b, p, (const unsigned char *)b->scratch, (size_t)n);
            if (used < 0)
                return;
            if ((size_t)used < (size_t)n && bbuf_append(&p->rx, b->scratch + used, (size_t)n - (size_t)used) != 0) {
                wsc_close(b, p, true);
                return;
            }
        }
        if ((size_t)n < b->scratch_cap)
            return;
    }
}

static void wsc_writable(struct bench *b, struct phone *p)
{
    if (p->state == PH_CONNECTING) {
        int err = 0;
        socklen_t sl = sizeof err;
        if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0 || err != 0) {
            b->connect_failures++;
            wsc_close(b, p, false);
            return;
        }
        p->state = PH_UPGRADING;
        if (wsc_send_upgrade(b, p) != 0) {
            b->connect_failures++;
            wsc_close(b, p, false);
        }
        return;
    }
    while (p->tx.len > 0) {
        ssize_t w = send(p->fd, p->tx.data, p->tx.len, MSG_NOSIGNAL);
        if (w < 0 && errno == EAGAIN)
            return;
        if (w < 0) {
            wsc_close(b, p, true);
            return;
        }
        bbuf_consume(&p->tx, (size_t)w);
    }
    if (wsc_watch(b, p, EPOLL_CTL_MOD, EPOLLIN) != 0)
        wsc_close(b, p, true);
}

static void wsc_timeouts(struct bench *b, double now)
{
    for (int i = 0; i < b->n_phones; i++) {
        struct phone *p = &b->phones[i];
        if ((p->state == PH_CONNECTING || p->state == PH_UPGRADING) &&
            now - p->t_connect > WSC_HANDSHAKE_TIMEOUT_S) {
            b->connect_failures++;
            wsc_close(b, p, false);
        }
    }
}

int wsc_pump(struct bench *b, int timeout_ms)
{
    while (b->q_len > 0 && b->inflight < b->cfg.inflight) {
        int i = b->queue[b->q_head];
        b->q_head = (b->q_head + 1) % (b->cfg.n + 1);
        b->q_len--;
        wsc_start(b, i);
    }
    struct epoll_event ev[512];
    int n = epoll_wait(b->epfd, ev, 512, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    for (int k = 0; k < n; k++) {
        uint32_t idx = ev[k].data.u32;
        if (idx >= (uint32_t)b->n_phones)
            continue;
        struct phone *p = &b->phones[idx];
        if (p->fd < 0)
            continue;
        bool connecting = p->state == PH_CONNECTING;
        if ((ev[k].events & EPOLLOUT) || (connecting && (ev[k].events & (EPOLLERR | EPOLLHUP))))
            wsc_writable(b, p);
        if (!connecting && p->fd >= 0 && (ev[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            wsc_readable(b, p);
    }
    static const double scan_every = 1.0;
    double now = bench_now();
    if (b->inflight > 0 && now - b->last_scan > scan_every) {
        b->last_scan = now;
        wsc_timeouts(b, now);
    }
    return n;
}
