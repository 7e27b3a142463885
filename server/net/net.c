/* net.c -- small services of the server context that every file of the
 * network edge uses: the clocks, the session registry by join code, and the
 * one Upgrade the server accepts.  Kept apart from server.c (start-up, at the
 * top of the tree) so that the edge never reaches up for them. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/token.h"
#include "net.h"

int64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t net_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

struct server_session *net_find_session(struct server *srv, const char *code)
{
    for (size_t i = 0; i < srv->n_sessions; i++)
        if (strcmp(session_code(srv->sessions[i].session), code) == 0)
            return &srv->sessions[i];
    return NULL;
}

bool net_upgrade_ok(const char *upgrade)
{
    return upgrade && strcasecmp(upgrade, "websocket") == 0;
}

bool net_client_addr(struct server *srv, struct lws *wsi, unsigned char out[CLIENTADDR_LEN])
{
    unsigned char peer[CLIENTADDR_LEN];
    if (!clientaddr_of_fd(lws_get_socket_fd(wsi), peer))
        return false;
    /* A header too long for the buffer is ignored: the peer stays the client. */
    char xff[1024];
    int n = srv->n_trusted ? lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR) : 0;
    bool have = n > 0 && (size_t)n < sizeof xff && lws_hdr_copy(wsi, xff, sizeof xff, WSI_TOKEN_X_FORWARDED_FOR) >= 0;
    clientaddr_resolve(srv->trusted, srv->n_trusted, peer, have ? xff : NULL, out);
    return true;
}

bool net_bearer_ok(struct lws *wsi, const char *key)
{
    char auth[HU_KEY_MAX + 32];
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (n <= 0 || (size_t)n >= sizeof auth || lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) < 0)
        return false;
    if (strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    const char *given = auth + 7;
    while (*given == ' ')
        given++;
    return token_equal(key, strlen(key), given, strlen(given));
}
