/* admin_key.c -- the organisers' key: settled at start-up, checked per
 * request (admin_key.h). */
#include "admin_key.h"

#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/token.h"
#include "net.h"
#include "session_open.h"
#include "store/store_run.h"

#define ADMIN_KEY_SETTING "admin_key"

int admin_key_setup(struct server *srv, char *err, size_t errlen)
{
    int rc;
    if (srv->cfg.admin_key) {
        snprintf(srv->admin_key, sizeof srv->admin_key, "%s", srv->cfg.admin_key);
        rc = store_setting_set(srv->store, ADMIN_KEY_SETTING, srv->admin_key);
    } else {
        rc = store_setting_get(srv->store, ADMIN_KEY_SETTING, srv->admin_key, sizeof srv->admin_key);
        if (rc == HU_ERR_NOT_FOUND || (rc == HU_OK && !srv->admin_key[0])) {
            rc = token_random_hex(srv->admin_key, sizeof srv->admin_key, HU_KEY_LEN / 2);
            if (rc == HU_OK)
                rc = store_setting_set(srv->store, ADMIN_KEY_SETTING, srv->admin_key);
        }
    }
    if (rc != HU_OK) {
        snprintf(err, errlen, "cannot settle the organisers' key in %s: %s", srv->cfg.data_path, hu_strerror(rc));
        return rc;
    }
    /* A presenter key equal to it would open the organiser's page. */
    for (size_t i = 0; i < srv->n_sessions; i++)
        if (session_key_ok(srv->sessions[i].session, srv->admin_key, strlen(srv->admin_key))) {
            snprintf(err, errlen, "the organisers' key is also the presenter key of session %s: give another "
                                  "--admin-key", session_code(srv->sessions[i].session));
            return HU_ERR_EXISTS;
        }
    srv->cfg.admin_key = srv->admin_key;
    return HU_OK;
}

bool admin_key_ok(struct server *srv, struct lws *wsi)
{
    return srv->admin_key[0] && net_bearer_ok(wsi, srv->admin_key);
}

int admin_key_url(struct server *srv, char *out, size_t outlen)
{
    char enc[3 * HU_KEY_MAX + 1];
    if (!session_open_url_encode(srv->admin_key, enc, sizeof enc))
        return HU_ERR_INTERNAL;
    int n = snprintf(out, outlen, "%s/admin/#%s", srv->base_url, enc);
    return n < 0 || (size_t)n >= outlen ? HU_ERR_INTERNAL : HU_OK;
}
