/* serve_org.c -- the options of `serve` for organisers (serve_org.h). */
#include "serve_org.h"

#include <stdio.h>
#include <string.h>

#include "base/hu_limits.h"
#include "cli.h"
#include "net/session_open.h"

const struct option serve_org_options[] = {
    {"new-run", no_argument, NULL, SERVE_ORG_NEW_RUN},
    {"resume", no_argument, NULL, SERVE_ORG_RESUME},
    {"run-label", required_argument, NULL, SERVE_ORG_RUN_LABEL},
    {"admin-key", required_argument, NULL, SERVE_ORG_ADMIN_KEY},
    {NULL, 0, NULL, 0},
};

/* A label is shown in reports and on the projector: one line of text. */
static bool serve_org_label_ok(const char *s)
{
    if (strlen(s) > HU_RUN_LABEL_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < ' ' || *p == 0x7f)
            return false;
    return true;
}

int serve_org_option(int c, const char *arg, struct server_config *cfg)
{
    switch (c) {
    case SERVE_ORG_NEW_RUN:
    case SERVE_ORG_RESUME: {
        int mode = c == SERVE_ORG_NEW_RUN ? SESSION_RUN_NEW : SESSION_RUN_RESUME;
        if (cfg->run_mode != SESSION_RUN_AUTO && cfg->run_mode != mode)
            return cli_usage_error("%s", "--new-run and --resume exclude each other: a run is either new or "
                                         "continued");
        cfg->run_mode = mode;
        return 0;
    }
    case SERVE_ORG_RUN_LABEL:
        if (!serve_org_label_ok(arg))
            return cli_usage_error("--run-label needs one line of at most %d bytes", HU_RUN_LABEL_MAX);
        cfg->run_label = arg;
        return 0;
    case SERVE_ORG_ADMIN_KEY:
        if (!cli_key_ok(arg))
            return cli_usage_error("%s", "--admin-key needs 1 to 128 printable ASCII characters, without spaces");
        cfg->admin_key = arg;
        return 0;
    default: return cli_usage_error("%s", "unknown option");
    }
}

int serve_org_finish(struct server_config *cfg)
{
    if (cfg->admin_key && cfg->presenter_key && strcmp(cfg->admin_key, cfg->presenter_key) == 0)
        return cli_usage_error("%s", "--admin-key must differ from --presenter-key: a presenter key must not "
                                     "open the organiser's page");
    if (cfg->run_label && cfg->run_mode == SESSION_RUN_AUTO)
        return cli_usage_error("%s", "--run-label names a run: use it with --new-run (or --resume to rename "
                                     "the run being continued)");
    return 0;
}
