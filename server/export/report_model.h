/* report_model.h -- the report's one shape, built once and written by each
 * format (report_csv.c, report_json.c, report_html.c); private to report*.c.
 *
 * Runs of every source, put in the order they started; polls matched by id
 * across them, in the order they were first met (data file, session, slide);
 * for each poll, the runs that opened it and, per option label, where that
 * label sits in each run's options. */
#ifndef HU_REPORT_MODEL_H
#define HU_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export_internal.h"
#include "report.h"

/* One run of one session of one data file. */
struct report_run {
    const char *data_file;           /* borrowed from the source */
    const struct results_session *s; /* borrowed */
    size_t source;                   /* index of its data file */
    char name[HU_RUN_LABEL_MAX + 32]; /* what a committee reads: its label, else "Run N" */
};

/* One run's results of one poll. */
struct report_entry {
    const struct report_run *run;    /* borrowed */
    const struct results_poll *p;    /* borrowed */
    int label_of[HU_OPTION_MAX];     /* option i of p -> index into the poll's labels */
    int option_of[HU_OPTION_MAX * 2]; /* label j -> option of p, or -1 when not offered in this run */
};

/* The labels a poll may have across runs: a poll's options may change
 * between runs, and each label has its own row. */
#define REPORT_LABELS_MAX (HU_OPTION_MAX * 2)

struct report_poll {
    const char *id;                  /* borrowed */
    const char *question;            /* the wording of its newest run. Borrowed */
    const char *kind;                /* of its newest run. Borrowed */
    bool question_changed;           /* worded differently in some run */
    bool options_changed;            /* some run did not offer every label */
    const char *labels[REPORT_LABELS_MAX]; /* borrowed, in order of first appearance */
    size_t n_labels;
    struct report_entry *entries;    /* runs that opened it, in order. From malloc() */
    size_t n_entries;
};

struct report_model {
    struct report_run *runs;         /* every run, in the order they started. From malloc() */
    size_t n_runs;
    struct report_poll *polls;       /* From malloc() */
    size_t n_polls;
    size_t n_sources;
    const struct report_source *sources; /* borrowed */
    const struct report_opts *opts;  /* borrowed */
};

/* Builds m from the sources (borrowed: they must outlive m).  HU_OK or
 * HU_ERR_NOMEM. */
int report_model_build(const struct report_source *src, size_t n_src, const struct report_opts *opts,
                       struct report_model *m);
void report_model_free(struct report_model *m);

/* The label of option i of p, never NULL. */
const char *report_option_label(const struct results_poll *p, unsigned i, char spare[16]);

/* The run's start, or the session's when the run's is unknown. */
int64_t report_run_start(const struct report_run *r);

int report_csv(const struct report_model *m, struct hu_buf *b);
int report_json(const struct report_model *m, struct hu_buf *b);
int report_html(const struct report_model *m, struct hu_buf *b);

#endif
