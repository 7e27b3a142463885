/* server_watch.c -- `handsup serve --watch`: a changed deck reaches the room
 * within a second, as a restart with the changed deck would.
 *
 * A thread of its own waits on inotify for the folders of each deck, of its
 * images and of its PDFs, and reloads a deck (parse, image checks, PDF pages
 * rendered into the cache) 100 ms after the last change to one of its files,
 * so editors that write in several steps cause one reload.  Loading never
 * happens on the event loop.  A deck that loads is handed to the loop through
 * a slot per session and an ev_async; the loop swaps it in
 * (session_reload) and tells presenters and phones (fanout_deck).  A broken
 * edit prints its file:line error and the running deck stays.  The thread is
 * stopped through an eventfd and joined before the sessions are freed. */
#include "server_watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "base/log.h"

#define WATCH_QUIET_MS 100   /* a reload waits for this much quiet after a change */
#define WATCH_MAX_DIRS 256   /* folders watched in all */
#define WATCH_MAX_FILES 1024 /* files that matter, in all */

struct watch_file {
    int wd;               /* its folder's watch */
    char name[NAME_MAX + 1];
    size_t session;
};

struct server_watch {
    struct server *srv;
    pthread_t thread;
    bool started;
    int inotify_fd, stop_fd;
    ev_async async;
    pthread_mutex_t lock;
    struct deck **pending;      /* per session: a loaded deck for the loop, or NULL. Owned */
    struct watch_file *files;   /* From malloc() */
    size_t n_files;
    char pdf_cache[PATH_MAX];
    char (*deck_paths)[PATH_MAX]; /* per session, as given. From malloc() */
    char (*codes)[HU_CODE_LEN + 1];
    size_t n;                   /* sessions watched: those started with the server (srv->sessions[0..n));
                                   decks organisers upload later are not files anyone edits */
};

/* Watches the folder of path (relative to base when not absolute) and
 * remembers its file name for session i. */
static void watch_add(struct server_watch *w, const char *base, const char *path, size_t i)
{
    char full[PATH_MAX * 2 + 2], dir[PATH_MAX * 2 + 2];
    int n = path[0] == '/' || !base ? snprintf(full, sizeof full, "%s", path)
                                    : snprintf(full, sizeof full, "%s/%s", base, path);
    if (n < 0 || (size_t)n >= sizeof full || w->n_files >= WATCH_MAX_FILES)
        return;
    const char *slash = strrchr(full, '/');
    const char *name = slash ? slash + 1 : full;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", slash == full ? 1 : (int)(slash - full), full);
    else
        snprintf(dir, sizeof dir, ".");
    int wd = inotify_add_watch(w->inotify_fd, dir,
                               IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB);
    if (wd < 0 || strlen(name) > NAME_MAX)
        return;
    for (size_t k = 0; k < w->n_files; k++)
        if (w->files[k].wd == wd && w->files[k].session == i && strcmp(w->files[k].name, name) == 0)
            return;
    struct watch_file *f = &w->files[w->n_files++];
    f->wd = wd;
    f->session = i;
    memcpy(f->name, name, strlen(name) + 1); /* at most NAME_MAX, checked above */
}

/* The deck file, its images and its PDFs (a page's key is "<pdf>/page-N.png"). */
static void watch_deck(struct server_watch *w, size_t i, const struct deck *d)
{
    char dir[PATH_MAX];
    watch_add(w, NULL, w->deck_paths[i], i);
    snprintf(dir, sizeof dir, "%s", w->deck_paths[i]);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    for (size_t k = 0; k < d->n_media; k++) {
        char key[HU_MEDIA_PATH_MAX + 1];
        snprintf(key, sizeof key, "%s", d->media[k].key);
        char *page = d->media[k].cached ? strstr(key, "/page-") : NULL;
        if (page)
            *page = '\0';
        if (!d->media[k].cached || page)
            watch_add(w, dir, key, i);
    }
}

static void watch_reload(struct server_watch *w, size_t i)
{
    struct deck_opts opts = {w->pdf_cache, NULL};
    struct deck *d = NULL;
    char err[1024];
    int rc = deck_load_opts(w->deck_paths[i], &opts, stderr, &d, err, sizeof err);
    if (rc == HU_OK && d->has_code && strcmp(d->code, w->codes[i]) != 0) {
        snprintf(err, sizeof err, "%s: the join code cannot change while serving (restart to use %s)",
                 w->deck_paths[i], d->code);
        deck_free(d);
        d = NULL;
        rc = HU_ERR_PARSE;
    }
    if (rc != HU_OK) {
        /* As at start-up: the "file:line: what" line first, for editors. */
        fprintf(stderr, "%s\n", err);
        fflush(stderr);
        log_event(LOG_ERROR, "deck not reloaded; the running version stays", LOG_S("deck", w->deck_paths[i]),
                  LOG_S("error", err), LOG_END);
        return;
    }
    log_event(LOG_INFO, "deck reloaded", LOG_S("deck", w->deck_paths[i]), LOG_I("slides", d->n_slides),
              LOG_I("polls", d->n_polls), LOG_END);
    watch_deck(w, i, d);
    pthread_mutex_lock(&w->lock);
    deck_free(w->pending[i]);
    w->pending[i] = d;
    pthread_mutex_unlock(&w->lock);
    ev_async_send(w->srv->loop, &w->async);
}

static void *watch_main(void *arg)
{
    struct server_watch *w = arg;
    size_t n = w->n;
    bool *dirty = calloc(n ? n : 1, sizeof *dirty);
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool any = false;
    for (;;) {
        struct pollfd pf[2] = {{w->inotify_fd, POLLIN, 0}, {w->stop_fd, POLLIN, 0}};
        int r = poll(pf, 2, any ? WATCH_QUIET_MS : -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || (pf[1].revents & POLLIN))
            break;
        if (r == 0) {
            for (size_t i = 0; i < n; i++)
                if (dirty && dirty[i]) {
                    dirty[i] = false;
                    watch_reload(w, i);
                }
            any = false;
            continue;
        }
        ssize_t len = read(w->inotify_fd, buf, sizeof buf);
        for (char *p = buf; len > 0 && p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            for (size_t k = 0; dirty && ev->len && k < w->n_files; k++)
                if (w->files[k].wd == ev->wd && strcmp(w->files[k].name, ev->name) == 0) {
                    dirty[w->files[k].session] = true;
                    any = true;
                }
            p += sizeof *ev + ev->len;
        }
    }
    free(dirty);
    return NULL;
}

/* On the loop: swaps in every deck the thread has loaded. */
static void watch_on_async(struct ev_loop *loop, ev_async *a, int revents)
{
    (void)loop;
    (void)revents;
    struct server_watch *w = a->data;
    struct server *srv = w->srv;
    for (size_t i = 0; i < w->n; i++) {
        pthread_mutex_lock(&w->lock);
        struct deck *d = w->pending[i];
        w->pending[i] = NULL;
        pthread_mutex_unlock(&w->lock);
        if (!d)
            continue;
        struct server_session *ss = &srv->sessions[i];
        if (session_reload(ss->session, d, net_now_ms()) != HU_OK) {
            log_event(LOG_ERROR, "out of memory reloading; the running version stays", LOG_S("deck", srv->cfg.decks[i]),
                      LOG_END);
            continue;
        }
        fanout_deck(ss);
    }
}

int server_watch_start(struct server *srv, char *err, size_t errlen)
{
    struct server_watch *w = calloc(1, sizeof *w);
    size_t n = srv->n_sessions;
    if (!w || !(w->pending = calloc(n ? n : 1, sizeof *w->pending)) ||
        !(w->files = calloc(WATCH_MAX_FILES, sizeof *w->files)) ||
        !(w->deck_paths = calloc(n ? n : 1, sizeof *w->deck_paths)) || !(w->codes = calloc(n ? n : 1, sizeof *w->codes))) {
        if (w) {
            free(w->pending);
            free(w->files);
            free(w->deck_paths);
            free(w->codes);
        }
        free(w);
        snprintf(err, errlen, "out of memory");
        return HU_ERR_NOMEM;
    }
    srv->watch = w;
    w->srv = srv;
    w->n = n;
    w->stop_fd = -1;
    pthread_mutex_init(&w->lock, NULL);
    w->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    w->stop_fd = eventfd(0, EFD_CLOEXEC);
    if (w->inotify_fd < 0 || w->stop_fd < 0 || !deck_pdf_cache_path(srv->cfg.data_path, w->pdf_cache, sizeof w->pdf_cache)) {
        snprintf(err, errlen, "--watch: cannot watch files: %s", strerror(errno));
        return HU_ERR_IO;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(w->deck_paths[i], sizeof w->deck_paths[i], "%s", srv->cfg.decks[i]);
        snprintf(w->codes[i], sizeof w->codes[i], "%s", session_code(srv->sessions[i].session));
        watch_deck(w, i, session_deck(srv->sessions[i].session));
    }
    ev_async_init(&w->async, watch_on_async);
    w->async.data = w;
    ev_async_start(srv->loop, &w->async);
    /* SIGINT and SIGTERM stay with the loop thread. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&w->thread, NULL, watch_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "--watch: cannot start a thread: %s", strerror(rc));
        return HU_ERR_IO;
    }
    w->started = true;
    return HU_OK;
}

void server_watch_stop(struct server *srv)
{
    struct server_watch *w = srv->watch;
    if (!w)
        return;
    if (w->started) {
        uint64_t one = 1;
        if (write(w->stop_fd, &one, sizeof one) != sizeof one)
            log_event(LOG_ERROR, "cannot stop the deck watcher", LOG_S("error", strerror(errno)), LOG_END);
        pthread_join(w->thread, NULL);
    }
    if (srv->loop)
        ev_async_stop(srv->loop, &w->async);
    for (size_t i = 0; i < w->n; i++)
        deck_free(w->pending[i]);
    if (w->inotify_fd >= 0)
        close(w->inotify_fd);
    if (w->stop_fd >= 0)
        close(w->stop_fd);
    pthread_mutex_destroy(&w->lock);
    free(w->pending);
    free(w->files);
    free(w->deck_paths);
    free(w->codes);
    free(w);
    srv->watch = NULL;
}
