/* admin_upload.c -- a deck uploaded on the organiser's page becomes a
 * session at once (POST /api/admin/decks, DESIGN section 10).
 *
 * The body is the deck's Markdown (Content-Type: text/markdown).  The worker
 * parses it with the same reader as `serve` and `check` (a broken deck is a
 * 400 naming file:line, and nothing is written; its images and PDFs are
 * looked up beside the data file, where uploads are stored), stores it next to the data file under
 * its own name (never over an existing file: "-2", "-3" ... are added), and
 * records its session and first run; the loop then opens the room, and a
 * phone can join with the new code in the same second.  The answer is 201
 * with the code, the URLs and the deck's warnings. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "http_impl.h"
#include "session_open.h"

#define ADMIN_UPLOAD_NAME_TRIES 100

struct admin_upload_job {
    struct http_job http;        /* first: the request */
    struct store *store;
    const char *presenter_key;   /* the server's --presenter-key, or NULL; lives as long as it */
    char data_path[PATH_MAX];
    char name[128];              /* the file name asked for, checked, or "" */
    char *text;                  /* the deck. From malloc() */
    size_t len;
    char (*served)[HU_CODE_LEN + 1]; /* codes served when the upload came. From malloc() */
    size_t n_served;
    /* OUT of the worker: */
    unsigned status;             /* 201 on success */
    char message[1024];
    int line;                    /* of a broken deck, else 0 */
    struct deck *deck;
    struct session_plan plan;
    struct store_run_row *runs;  /* From malloc() */
    size_t n_runs;
};

/* A file name of letters, digits, '.', '-' and '_' ending in ".md", made
 * from what was asked for or else from the title; "deck.md" at worst. */
static void admin_upload_file_name(const char *asked, const char *title, char *out, size_t outlen)
{
    const char *src = asked && *asked ? asked : title;
    size_t k = 0;
    bool dash = false;
    for (const char *s = src ? src : ""; *s && k + 4 < outlen && k < 64; s++) {
        char ch = *s;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  (ch == '.' && k > 0);
        if (ok) {
            out[k++] = asked && *asked ? ch : (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
            dash = false;
        } else if (k > 0 && !dash) {
            out[k++] = '-';
            dash = true;
        }
    }
    while (k > 0 && (out[k - 1] == '-' || out[k - 1] == '.'))
        k--;
    out[k] = '\0';
    if (k >= 3 && strcasecmp(out + k - 3, ".md") == 0)
        out[k - 3] = '\0';
    if (!out[0])
        snprintf(out, outlen, "deck");
    size_t n = strlen(out);
    if (n + 4 <= outlen)
        memcpy(out + n, ".md", 4);
}

/* Writes the deck into the data file's folder under a name no file has;
 * the path written goes to out. */
static int admin_upload_store_file(struct admin_upload_job *j, const char *base, char *out, size_t outlen)
{
    char dir[PATH_MAX];
    if (!realpath(j->data_path, dir))
        return HU_ERR_IO;
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    char stem[160];
    snprintf(stem, sizeof stem, "%s", base);
    stem[strlen(stem) - 3] = '\0'; /* without ".md" */
    for (int i = 1; i <= ADMIN_UPLOAD_NAME_TRIES; i++) {
        int n = i == 1 ? snprintf(out, outlen, "%s/%s.md", dir, stem)
                       : snprintf(out, outlen, "%s/%s-%d.md", dir, stem, i);
        if (n < 0 || (size_t)n >= outlen)
            return HU_ERR_IO;
        int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return HU_ERR_IO;
        size_t done = 0;
        while (done < j->len) {
            ssize_t w = write(fd, j->text + done, j->len - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        int rc = done == j->len && fsync(fd) == 0 ? HU_OK : HU_ERR_IO;
        if (close(fd) != 0)
            rc = HU_ERR_IO;
        if (rc != HU_OK)
            unlink(out);
        return rc;
    }
    return HU_ERR_EXISTS;
}

/* The line of "name:LINE: ..." in a deck error, or 0. */
static int admin_upload_line(const char *name, const char *msg)
{
    size_t n = strlen(name);
    if (strncmp(msg, name, n) != 0 || msg[n] != ':')
        return 0;
    long line = strtol(msg + n + 1, NULL, 10);
    return line > 0 && line < INT_MAX ? (int)line : 0;
}

static void admin_upload_work(void *arg)
{
    struct admin_upload_job *j = arg;
    char shown[160];
    admin_upload_file_name(j->name, NULL, shown, sizeof shown);
    if (!j->name[0])
        snprintf(shown, sizeof shown, "upload.md");
    /* The reader `serve` and `check` use: images and PDFs are looked up in
     * the data file's folder, where the deck will be stored, and PDF pages
     * rendered into the data file's page cache (on this worker, never on
     * the loop). */
    char pdf_cache[PATH_MAX];
    struct deck_opts opts = {pdf_cache, NULL};
    int rc = deck_pdf_cache_path(j->data_path, pdf_cache, sizeof pdf_cache)
                 ? deck_parse_beside(shown, j->text, j->len, j->data_path, &opts, &j->deck, j->message,
                                     sizeof j->message)
                 : HU_ERR_IO;
    if (rc == HU_ERR_IO && !j->message[0])
        snprintf(j->message, sizeof j->message, "the data file's path is too long");
    if (rc != HU_OK) {
        j->status = rc == HU_ERR_PARSE ? 400 : 500;
        j->line = admin_upload_line(shown, j->message);
        j->deck = NULL;
        return;
    }
    if (j->deck->has_code)
        for (size_t i = 0; i < j->n_served; i++)
            if (strcmp(j->served[i], j->deck->code) == 0) {
                j->status = 409;
                snprintf(j->message, sizeof j->message, "%s: join code %s (from its front matter) is already being "
                         "served", shown, j->deck->code);
                return;
            }
    char file[PATH_MAX], base[160];
    admin_upload_file_name(j->name, j->deck->title, base, sizeof base);
    rc = admin_upload_store_file(j, base, file, sizeof file);
    char *path = rc == HU_OK ? strdup(file) : NULL;
    if (!path) {
        j->status = 500;
        snprintf(j->message, sizeof j->message, "cannot store the deck next to the data file: %s",
                 rc == HU_OK ? "out of memory" : strerror(errno));
        return;
    }
    free(j->deck->path);
    j->deck->path = path;
    rc = session_open_plan(j->store, j->deck, path, j->presenter_key, SESSION_RUN_NEW, NULL, net_now_ms(), &j->plan,
                           j->message, sizeof j->message);
    if (rc == HU_OK)
        rc = store_runs_list(j->store, j->plan.row.id, &j->runs, &j->n_runs);
    j->status = rc == HU_OK ? 201 : 500;
}

/* The 201 body: what the organiser's page shows of the new session. */
static json_t *admin_upload_created(struct server_session *ss, const struct deck *deck)
{
    json_t *warnings = json_array();
    for (size_t i = 0; warnings && i < deck->n_warnings; i++)
        json_array_append_new(warnings, json_string(deck->warnings[i]));
    const struct session_run *run = session_run(ss->session);
    const char *slash = strrchr(deck->path, '/');
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:i, s:o}, s:o}", "code", session_code(ss->session), "title",
                     session_title(ss->session), "deck", slash ? slash + 1 : deck->path, "joinUrl", ss->join_url,
                     "presenterUrl", ss->presenter_url, "run", "number", run->number, "startedAt",
                     http_admin_time(run->started_at), "warnings", warnings ? warnings : json_array());
}

static void admin_upload_done(struct server *srv, void *arg, bool ran)
{
    struct admin_upload_job *j = arg;
    if (ran && j->status == 201) {
        struct server_session *ss = srv->n_sessions < HU_SESSIONS_MAX ? &srv->sessions[srv->n_sessions] : NULL;
        struct deck *deck = j->deck;
        j->deck = NULL; /* session_open_attach owns it from here, even on failure */
        int rc = ss ? session_open_attach(srv, ss, deck, &j->plan, j->message, sizeof j->message) : HU_ERR_FULL;
        if (rc == HU_OK) {
            srv->n_sessions++;
            ss->store_session_id = j->plan.row.id;
            ss->runs = j->runs;
            ss->n_runs = j->n_runs;
            j->runs = NULL;
            log_event(LOG_INFO, "deck uploaded", LOG_S("session", session_code(ss->session)),
                      LOG_S("deck", session_deck(ss->session)->path), LOG_END);
            http_job_json(&j->http, 201, admin_upload_created(ss, session_deck(ss->session)));
        } else {
            if (ss) {
                /* Whatever attach had set up before it failed. */
                fanout_stop(ss);
                session_free(ss->session);
                free(ss->join_url);
                free(ss->presenter_url);
                memset(ss, 0, sizeof *ss);
            }
            http_job_error(&j->http, rc == HU_ERR_EXISTS ? 409 : 503, rc == HU_ERR_EXISTS ? "conflict" : "server_busy",
                           rc == HU_ERR_FULL ? "no room for another session on this server" : j->message);
        }
    } else if (ran && j->status == 400) {
        json_t *o = json_pack("{s:{s:s, s:s, s:i}}", "error", "code", "bad_input", "message", j->message, "line",
                              j->line);
        http_job_json(&j->http, 400, o);
    } else if (ran) {
        http_job_error(&j->http, j->status, j->status == 409 ? "conflict" : "internal", j->message);
    }
    deck_free(j->deck);
    free(j->text);
    free(j->served);
    free(j->runs);
    free(j);
}

int admin_upload(struct server *srv, struct lws *wsi, struct http_pss *p)
{
    char type[128] = "";
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
    if (n > 0 && (size_t)n < sizeof type && lws_hdr_copy(wsi, type, sizeof type, WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
        type[0] = '\0';
    size_t tl = strcspn(type, "; ");
    if (!(tl == 13 && strncasecmp(type, "text/markdown", 13) == 0))
        return http_api_error(wsi, p, 415, "bad_input", "send the deck's Markdown as Content-Type: text/markdown");
    /* Every node serves the same decks; a deck uploaded to one would be a
     * session the others do not have. */
    if (store_is_cluster(srv->store))
        return http_api_error(wsi, p, 409, "conflict",
                              "uploading a deck is not available in cluster mode (--redis): start every node "
                              "with the new deck instead");
    if (srv->n_sessions >= HU_SESSIONS_MAX)
        return http_api_error(wsi, p, 503, "server_busy", "no room for another session on this server");
    if (!p->in.len)
        return http_api_error(wsi, p, 400, "bad_input", "the body is empty: send the deck's Markdown");
    struct admin_upload_job *j = calloc(1, sizeof *j);
    if (!j || !(j->served = calloc(srv->n_sessions + 1, sizeof *j->served))) {
        free(j);
        return http_api_error(wsi, p, 500, "internal", "out of memory");
    }
    j->store = srv->store;
    j->presenter_key = srv->cfg.presenter_key;
    snprintf(j->data_path, sizeof j->data_path, "%s", srv->cfg.data_path);
    snprintf(j->name, sizeof j->name, "%s", p->in_name);
    for (size_t i = 0; i < srv->n_sessions; i++)
        snprintf(j->served[i], sizeof j->served[i], "%s", session_code(srv->sessions[i].session));
    j->n_served = srv->n_sessions;
    j->len = p->in.len;
    j->text = hu_buf_steal(&p->in);
    bool submitted;
    int rc = http_job_start(srv, wsi, p, &j->http, admin_upload_work, admin_upload_done, &submitted);
    if (!submitted) {
        free(j->text);
        free(j->served);
        free(j);
    }
    return rc;
}
