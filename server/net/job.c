/* job.c -- the worker thread behind the organiser's API (job.h).
 *
 * One thread, one FIFO of waiting jobs and one list of finished ones, under
 * one mutex.  The worker moves a job from the first to the second and sends
 * the loop an ev_async; the loop's callback takes the finished list whole and
 * calls each job's done.  ev_async_send is the one libev call that is safe
 * from another thread, and several sends before the loop wakes coalesce,
 * which is why the finished list, not the signal, is what counts. */
#include "job.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "base/hu_err.h"
#include "net.h"

struct job {
    struct job *next;
    job_work_fn *work;
    job_done_fn *done;
    void *arg;
};

struct jobs {
    struct server *srv;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* signalled on a new job and on stop */
    struct job *head, *tail;    /* waiting, oldest first (under mu) */
    size_t n_waiting;
    struct job *done_head, *done_tail; /* finished, oldest first (under mu) */
    bool stopping;              /* under mu */
    ev_async wake;              /* the worker tells the loop a job finished */
};

static void job_append(struct job **head, struct job **tail, struct job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static void *job_main(void *arg)
{
    struct jobs *js = arg;
    pthread_mutex_lock(&js->mu);
    for (;;) {
        while (!js->head && !js->stopping)
            pthread_cond_wait(&js->cv, &js->mu);
        if (!js->head)
            break; /* stopping, and nothing left that was accepted before */
        struct job *j = js->head;
        js->head = j->next;
        if (!js->head)
            js->tail = NULL;
        js->n_waiting--;
        pthread_mutex_unlock(&js->mu);
        j->work(j->arg);
        pthread_mutex_lock(&js->mu);
        job_append(&js->done_head, &js->done_tail, j);
        ev_async_send(js->srv->loop, &js->wake);
    }
    pthread_mutex_unlock(&js->mu);
    return NULL;
}

/* Runs done for every finished job, on the loop thread; ran false at the
 * stop, when the server is past changing its rooms or answering anyone. */
static void job_collect(struct jobs *js, bool ran)
{
    pthread_mutex_lock(&js->mu);
    struct job *j = js->done_head;
    js->done_head = js->done_tail = NULL;
    pthread_mutex_unlock(&js->mu);
    while (j) {
        struct job *next = j->next;
        j->done(js->srv, j->arg, ran);
        free(j);
        j = next;
    }
}

static void job_on_wake(struct ev_loop *loop, ev_async *w, int revents)
{
    (void)loop;
    (void)revents;
    job_collect(w->data, true);
}

static struct jobs *job_start(struct server *srv)
{
    struct jobs *js = calloc(1, sizeof *js);
    if (!js)
        return NULL;
    js->srv = srv;
    if (pthread_mutex_init(&js->mu, NULL) != 0) {
        free(js);
        return NULL;
    }
    if (pthread_cond_init(&js->cv, NULL) != 0) {
        pthread_mutex_destroy(&js->mu);
        free(js);
        return NULL;
    }
    ev_async_init(&js->wake, job_on_wake);
    js->wake.data = js;
    ev_async_start(srv->loop, &js->wake);
    /* The worker must not take SIGINT/SIGTERM from the loop thread. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&js->thread, NULL, job_main, js);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        ev_async_stop(srv->loop, &js->wake);
        pthread_cond_destroy(&js->cv);
        pthread_mutex_destroy(&js->mu);
        free(js);
        return NULL;
    }
    return js;
}

int job_submit(struct server *srv, job_work_fn *work, job_done_fn *done, void *arg)
{
    if (!srv->jobs && !(srv->jobs = job_start(srv)))
        return HU_ERR_NOMEM;
    struct jobs *js = srv->jobs;
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return HU_ERR_NOMEM;
    j->work = work;
    j->done = done;
    j->arg = arg;
    pthread_mutex_lock(&js->mu);
    int rc = HU_OK;
    if (js->n_waiting >= JOB_QUEUE_MAX || js->stopping) {
        rc = HU_ERR_FULL;
    } else {
        job_append(&js->head, &js->tail, j);
        js->n_waiting++;
        pthread_cond_signal(&js->cv);
    }
    pthread_mutex_unlock(&js->mu);
    if (rc != HU_OK)
        free(j);
    return rc;
}

void job_stop(struct server *srv)
{
    struct jobs *js = srv->jobs;
    if (!js)
        return;
    /* Jobs not yet started are given back unrun: the server is going. */
    pthread_mutex_lock(&js->mu);
    js->stopping = true;
    struct job *unrun = js->head;
    js->head = js->tail = NULL;
    js->n_waiting = 0;
    pthread_cond_signal(&js->cv);
    pthread_mutex_unlock(&js->mu);
    pthread_join(js->thread, NULL);
    job_collect(js, false);
    while (unrun) {
        struct job *next = unrun->next;
        unrun->done(srv, unrun->arg, false);
        free(unrun);
        unrun = next;
    }
    ev_async_stop(srv->loop, &js->wake);
    pthread_cond_destroy(&js->cv);
    pthread_mutex_destroy(&js->mu);
    free(js);
    srv->jobs = NULL;
}
