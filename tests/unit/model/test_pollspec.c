/* test_pollspec.c -- a poll's kind and parameters (server/model/pollspec.c
 * and the kind table): defaults per kind, option ids derived from labels
 * (stable when options are reordered), ranges, and the stored JSON form. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "model/pollkind.h"
#include "model/pollspec.h"

static const struct pollkind *kind(const char *name) { return pollkind_find(name, strlen(name)); }

static void choice(struct pollspec *p, const char *const *labels, size_t n)
{
    pollspec_init(p, kind("choice"));
    for (size_t i = 0; i < n; i++)
        CHECK(pollspec_add_option(p, labels[i], strlen(labels[i])) == HU_OK);
    unsigned a, b;
    CHECK(pollspec_finish(p, &a, &b) == HU_OK);
}

/* The id given to label in p. */
static const char *id_of(const struct pollspec *p, const char *label)
{
    for (unsigned i = 0; i < p->n_options; i++)
        if (strcmp(p->labels[i], label) == 0)
            return p->ids[i];
    return "?";
}

int main(void)
{
    CHECK(kind("yesno") && kind("choice") && kind("scale") && kind("text") && !kind("multi"));
    CHECK(kind("scale")->numeric && kind("text")->text && kind("choice")->listed && kind("choice")->may_multiple);

    struct pollspec p, q;
    pollspec_init(&p, kind("yesno"));
    CHECK(p.n_options == 2 && strcmp(p.ids[0], "yes") == 0 && strcmp(p.labels[1], "No") == 0 && p.multiple == 1);
    pollspec_init(&p, kind("scale"));
    CHECK(p.min == 1 && p.max == 5 && p.n_options == 5 && strcmp(p.ids[4], "5") == 0);
    CHECK(pollspec_set_range(&p, 0, 10) == HU_OK && p.n_options == 11 && strcmp(p.ids[10], "10") == 0);
    CHECK(pollspec_set_range(&p, 5, 1) == HU_ERR_BAD_MESSAGE && pollspec_set_range(&p, 0, 11) == HU_ERR_BAD_MESSAGE);
    CHECK(pollspec_set_range(&p, 3, 3) == HU_ERR_BAD_MESSAGE && p.n_options == 11);
    pollspec_init(&p, kind("text"));
    CHECK(p.n_options == 0 && p.max_chars == 140 && p.answers == 1 && p.show == POLLSPEC_SHOW_CLOUD && !p.moderate);

    /* Ids from labels: lower case, runs of other characters as one "-". */
    const char *labels[] = {"Peer review", "  Case-studies!! ", "Caf\xc3\xa9 culture", "\xe6\x97\xa5\xe6\x9c\xac", "C++", "C#"};
    choice(&p, labels, 6);
    CHECK_STR(id_of(&p, "Peer review"), "peer-review");
    CHECK_STR(id_of(&p, "  Case-studies!! "), "case-studies");
    CHECK_STR(id_of(&p, "Caf\xc3\xa9 culture"), "caf-culture");
    CHECK(strncmp(id_of(&p, "\xe6\x97\xa5\xe6\x9c\xac"), "opt-", 4) == 0);
    /* Twins ("c" and "c") both get a hash of their own label. */
    CHECK(strncmp(id_of(&p, "C++"), "c-", 2) == 0 && strncmp(id_of(&p, "C#"), "c-", 2) == 0);
    CHECK(strcmp(id_of(&p, "C++"), id_of(&p, "C#")) != 0);
    /* Reordered, every option keeps its id. */
    const char *reordered[] = {"C#", "\xe6\x97\xa5\xe6\x9c\xac", "Peer review", "C++", "Caf\xc3\xa9 culture", "  Case-studies!! "};
    choice(&q, reordered, 6);
    for (size_t i = 0; i < 6; i++)
        CHECK_STR(id_of(&q, labels[i]), id_of(&p, labels[i]));
    CHECK(pollspec_option(&p, "peer-review", 11) == 0 && pollspec_option(&p, "peer", 4) == -1);

    /* The same label twice is named, not guessed. */
    pollspec_init(&p, kind("choice"));
    pollspec_add_option(&p, "A", 1);
    pollspec_add_option(&p, "B", 1);
    pollspec_add_option(&p, "A", 1);
    unsigned a = 9, b = 9;
    CHECK(pollspec_finish(&p, &a, &b) == HU_ERR_EXISTS && a == 0 && b == 2);
    char long_label[HU_LABEL_MAX + 2];
    memset(long_label, 'x', sizeof long_label);
    CHECK(pollspec_add_option(&p, long_label, HU_LABEL_MAX + 1) == HU_ERR_TOO_LARGE);
    for (int i = 0; i < HU_OPTION_MAX; i++)
        pollspec_add_option(&p, "z", 1);
    CHECK(p.n_options == HU_OPTION_MAX && pollspec_add_option(&p, "z", 1) == HU_ERR_FULL);

    /* Stored and read back: every parameter of every kind. */
    choice(&p, labels, 4);
    p.multiple = 2;
    char *enc = pollspec_encode(&p);
    CHECK(enc && pollspec_decode("choice", enc, &q) == HU_OK);
    CHECK(q.n_options == 4 && q.multiple == 2 && strcmp(q.ids[1], "case-studies") == 0 &&
          strcmp(q.labels[2], "Caf\xc3\xa9 culture") == 0);
    free(enc);
    pollspec_init(&p, kind("scale"));
    pollspec_set_range(&p, 0, 10);
    snprintf(p.low_label, sizeof p.low_label, "Not at all");
    snprintf(p.high_label, sizeof p.high_label, "\"Completely\"");
    enc = pollspec_encode(&p);
    CHECK(enc && pollspec_decode("scale", enc, &q) == HU_OK && q.min == 0 && q.max == 10 && q.n_options == 11);
    CHECK(strcmp(q.high_label, "\"Completely\"") == 0);
    free(enc);
    pollspec_init(&p, kind("text"));
    p.max_chars = 500;
    p.answers = 10;
    p.show = POLLSPEC_SHOW_WALL;
    p.moderate = true;
    enc = pollspec_encode(&p);
    CHECK(enc && pollspec_decode("text", enc, &q) == HU_OK && q.max_chars == 500 && q.answers == 10 &&
          q.show == POLLSPEC_SHOW_WALL && q.moderate);
    free(enc);
    /* A first-release file stores no parameters: the kind's defaults. */
    CHECK(pollspec_decode("yesno", "", &q) == HU_OK && q.n_options == 2 && strcmp(q.ids[1], "no") == 0);
    CHECK(pollspec_decode("hologram", "", &q) == HU_ERR_NOT_FOUND);
    CHECK(pollspec_decode("choice", "{\"options\":7}", &q) == HU_ERR_PARSE);
    CHECK(pollspec_decode("scale", "{\"min\":4,\"max\":2}", &q) == HU_ERR_PARSE);
    CHECK(pollspec_decode("text", "{\"answers\":99}", &q) == HU_ERR_PARSE);
    CHECK(pollspec_decode("choice", "{\"options\":[{\"id\":\"a\",\"label\":\"A\"}],\"multiple\":2}", &q) == HU_ERR_PARSE);
    CHECK(pollspec_decode("choice", "not json", &q) == HU_ERR_PARSE);
    return check_done();
}
