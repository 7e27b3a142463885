/* serve_org.h -- the options of `serve` for organisers (DESIGN section 10):
 * runs (--new-run, --resume, --run-label) and the organiser's page
 * (--admin-key).
 *
 * Kept apart from cmd_serve.c as serve_ops.h is: cmd_serve appends
 * serve_org_options to its getopt table and hands every option value at or
 * above SERVE_ORG_FIRST to serve_org_option. */
#ifndef HU_SERVE_ORG_H
#define HU_SERVE_ORG_H

#include <getopt.h>

#include "net/config.h"

/* getopt_long values of these options: above serve_ops.h's. */
enum {
    SERVE_ORG_FIRST = 1100,
    SERVE_ORG_NEW_RUN = SERVE_ORG_FIRST,
    SERVE_ORG_RESUME,
    SERVE_ORG_RUN_LABEL,
    SERVE_ORG_ADMIN_KEY,
};

/* Terminated by a zero row. */
extern const struct option serve_org_options[];

#define SERVE_ORG_USAGE \
    "         --new-run           start a new run of each deck: same code and key, nobody\n" \
    "                             joined, no votes; earlier runs are kept for reports\n" \
    "         --resume            continue each deck's latest run, however old it is\n" \
    "                             (with neither, serve resumes a run live in the last 12\n" \
    "                             hours and otherwise stops and asks for one of the two)\n" \
    "         --run-label TEXT    name the run (\"Cardiff, March\"), shown in reports\n" \
    "         --admin-key KEY     key of the organiser's page /admin/ and its API (default:\n" \
    "                             the data file's, else random; printed in the banner)\n"

/* Takes the option c (>= SERVE_ORG_FIRST) with its argument.  Returns 0, or
 * the exit status of a usage error after printing it. */
int serve_org_option(int c, const char *arg, struct server_config *cfg);

/* After every option: checks what only makes sense together.  Returns 0 or
 * the exit status of a usage error. */
int serve_org_finish(struct server_config *cfg);

#endif
