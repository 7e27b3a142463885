/* test_route.c -- request paths to routes, including hostile ones. */
#include <string.h>

#include "../check.h"
#include "net/route.h"

static void expect(const char *path, enum route_kind kind, const char *code)
{
    struct route r;
    route_parse(path, &r);
    if (r.kind != kind)
        fprintf(stderr, "%s: kind %d, expected %d\n", path, (int)r.kind, (int)kind);
    CHECK(r.kind == kind);
    CHECK_STR(r.code, code);
}

static void test_media(void)
{
    struct route r;
    route_parse("/media/12345678/images/map.png", &r);
    CHECK(r.kind == ROUTE_MEDIA);
    CHECK_STR(r.code, "12345678");
    CHECK_STR(r.media, "images/map.png");
    route_parse("/media/1234 5678/a b.png", &r);
    CHECK(r.kind == ROUTE_MEDIA);
    CHECK_STR(r.media, "a b.png");
    const char *bad[] = {"/media/12345678/", "/media/12345678", "/media/12345678/../x.png", "/media/12345678/a/../b",
                         "/media/12345678//etc/passwd", "/media/12345678/a\\b", "/media/1234567/x.png",
                         "/media/12345678/./x.png", "/media/12345678/x/", "/media/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        route_parse(bad[i], &r);
        CHECK(r.kind == ROUTE_NONE);
        CHECK_STR(r.code, "");
    }
}

int main(void)
{
    test_media();
    expect("/j/40455687", ROUTE_JOIN, "40455687");
    expect("/j/40455687/", ROUTE_JOIN, "40455687");
    expect("/j/4045568", ROUTE_NONE, "");
    expect("/j/404556877", ROUTE_NONE, "");
    expect("/j/4045568a", ROUTE_NONE, "");
    expect("/j/40455687/../../etc/passwd", ROUTE_NONE, "");
    expect("/j/%3440455687", ROUTE_NONE, "");
    /* lws hands over the path %-decoded: a code read out with a space. */
    expect("/j/4045 5687", ROUTE_JOIN, "40455687");
    expect("/j/ 4045 5687 /", ROUTE_JOIN, "40455687");
    expect("/j/4 0 4 5 5 6 8 7", ROUTE_JOIN, "40455687");
    expect("/j/4045 56877", ROUTE_NONE, "");
    expect("/j/4045 568", ROUTE_NONE, "");
    expect("/j/        ", ROUTE_NONE, "");
    expect("/j/4045\t5687", ROUTE_NONE, "");
    expect("/qr/4045 5687.svg", ROUTE_QR, "40455687");
    expect("/api/sessions/4045 5687/results.csv", ROUTE_RESULTS, "40455687");
    expect("/j/", ROUTE_NONE, "");
    expect("/j", ROUTE_NONE, "");
    expect("/qr/40455687.svg", ROUTE_QR, "40455687");
    expect("/qr/40455687.png", ROUTE_NONE, "");
    expect("/qr/40455687.svgx", ROUTE_NONE, "");
    expect("/api/sessions/40455687/results.csv", ROUTE_RESULTS, "40455687");
    expect("/api/sessions/40455687/results.json", ROUTE_RESULTS, "40455687");
    expect("/api/sessions/40455687/results.html", ROUTE_RESULTS, "40455687");
    expect("/api/sessions/40455687/results.xml", ROUTE_API_NONE, "");
    expect("/api/sessions/40455687/results.csv/", ROUTE_API_NONE, "");
    expect("/api/sessions/4045/results.csv", ROUTE_API_NONE, "");
    expect("/api/", ROUTE_API_NONE, "");
    expect("/healthz", ROUTE_HEALTH, "");
    expect("/healthz/", ROUTE_HEALTH, "");
    expect("/metrics", ROUTE_METRICS, "");
    expect("/metrics/", ROUTE_NONE, "");
    expect("/metricsx", ROUTE_NONE, "");
    expect("/healthzz", ROUTE_NONE, "");
    expect("", ROUTE_NONE, "");
    expect("/", ROUTE_NONE, "");

    /* The organiser's API: every path under /api/admin/ is one of its
     * routes, so that a wrong key is 401 even for a route that is not. */
    expect("/api/admin/sessions", ROUTE_ADMIN_SESSIONS, "");
    expect("/api/admin/decks", ROUTE_ADMIN_DECKS, "");
    expect("/api/admin/sessions/40455687/runs", ROUTE_ADMIN_RUNS, "40455687");
    expect("/api/admin/sessions/4045 5687/runs", ROUTE_ADMIN_RUNS, "40455687");
    expect("/api/admin/sessions/40455687/runs/3", ROUTE_ADMIN_RUN, "40455687");
    expect("/api/admin/sessions/40455687/runs/999999", ROUTE_ADMIN_RUN, "40455687");
    expect("/api/admin/sessions/40455687/runs/1000000", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/sessions/40455687/runs/0", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/sessions/40455687/runs/03", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/sessions/40455687/runs/-1", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/sessions/40455687/runs/1/", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/sessions/4045568/runs", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/sessions/", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/report.csv", ROUTE_ADMIN_REPORT, "");
    expect("/api/admin/report.pdf", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/report.xlsx", ROUTE_ADMIN_NONE, "");
    expect("/api/admin/", ROUTE_ADMIN_NONE, "");
    expect("/api/admin", ROUTE_API_NONE, "");
    expect("/api/adminx/sessions", ROUTE_API_NONE, "");
    expect("/api/sessions/40455687/results.xlsx", ROUTE_RESULTS, "40455687");

    struct route r;
    route_parse("/api/admin/sessions/40455687/runs/42", &r);
    CHECK(r.run == 42);
    CHECK(route_is_admin(r.kind));
    route_parse("/api/admin/sessions/40455687/runs", &r);
    CHECK(r.run == 0);
    route_parse("/api/admin/report.json", &r);
    CHECK(r.format == EXPORT_JSON);
    CHECK(!route_is_admin(ROUTE_RESULTS) && !route_is_admin(ROUTE_METRICS));

    int run = -5;
    CHECK(route_run_arg("7", true, &run) == 0 && run == 7);
    CHECK(route_run_arg("all", true, &run) == 0 && run == 0);
    CHECK(route_run_arg("all", false, &run) == -1);
    CHECK(route_run_arg("", true, &run) == -1);
    CHECK(route_run_arg("0", true, &run) == -1);
    CHECK(route_run_arg(" 1", true, &run) == -1);
    CHECK(route_run_arg("1e3", true, &run) == -1);
    CHECK(route_run_arg(NULL, true, &run) == -1);

    route_parse("/api/sessions/12345678/results.json", &r);
    CHECK(r.format == EXPORT_JSON);
    return check_done();
}
