/* job.h -- work the event loop must not do itself, done on one worker thread.
 *
 * The organiser's API writes uploaded decks, creates sessions and runs in the
 * data file, reads past runs back and renders reports and xlsx files: disk
 * work that could stall every phone if the loop did it.  job_submit queues
 * work(arg) for the worker; once it has returned, done(srv, arg, true) runs on
 * the loop thread, woken through an ev_async watcher.  Jobs run one at a
 * time, in the order they were submitted, and at most JOB_QUEUE_MAX wait.
 *
 * done is called exactly once per accepted job: with ran == false when the
 * server stops before its done could run on a live loop (the work may have
 * happened: the data file has it, the rooms and connections do not).  It
 * owns arg and frees it.  The worker never touches the server: work sees
 * only its arg. */
#ifndef HU_JOB_H
#define HU_JOB_H

#include <stdbool.h>

struct server;
struct jobs;

/* Jobs waiting beyond this are refused (HU_ERR_FULL): organisers are few. */
#define JOB_QUEUE_MAX 64

typedef void job_work_fn(void *arg);
typedef void job_done_fn(struct server *srv, void *arg, bool ran);

/* Queues a job, starting the worker on first use.  HU_OK, HU_ERR_FULL, or
 * HU_ERR_NOMEM when the worker cannot start; on failure done is not called
 * and arg stays the caller's. */
int job_submit(struct server *srv, job_work_fn *work, job_done_fn *done, void *arg);

/* Waits for the running job, stops the worker and calls done for every job
 * left, with ran == false.  Before the loop is destroyed.
 * Accepts a server that never submitted a job. */
void job_stop(struct server *srv);

#endif
