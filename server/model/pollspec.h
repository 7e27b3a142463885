/* pollspec.h -- one poll's kind and parameters, as the deck set them.
 *
 * A pollspec is what a poll *is*: its kind (pollkind.h), its options with
 * their ids and labels, and the parameters of its kind (picks allowed, the
 * scale's range and end labels, a text poll's length, answers per person,
 * display and moderation).  The deck reader builds it, the room checks votes
 * against it, the store keeps it beside the poll (so `handsup export` can
 * name options without the deck), and the protocol shows it.  Plain data:
 * copying the struct copies the poll. */
#ifndef HU_POLLSPEC_H
#define HU_POLLSPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/hu_limits.h"
#include "pollkind.h"

enum pollspec_show { POLLSPEC_SHOW_CLOUD, POLLSPEC_SHOW_WALL };

struct pollspec {
    const struct pollkind *kind;                  /* static */
    unsigned n_options;                           /* options a tally counts; 0 for text */
    char ids[HU_OPTION_MAX][HU_OPTION_ID_MAX + 1];  /* sent on the wire, stored with votes */
    char labels[HU_OPTION_MAX][HU_LABEL_MAX + 1];  /* shown to people */
    unsigned multiple;                            /* picks allowed, 1..n_options (1: single choice) */
    int min, max;                                 /* numeric kinds: option i is the value min + i */
    char low_label[HU_LABEL_MAX + 1];             /* numeric: label of min, "" when none */
    char high_label[HU_LABEL_MAX + 1];            /* numeric: label of max, "" when none */
    unsigned max_chars;                           /* text: characters per answer */
    unsigned answers;                             /* text: answers per participant */
    enum pollspec_show show;                      /* text: cloud or wall */
    bool moderate;                                /* text: answers wait for approval */
};

/* Sets p to kind's defaults: yes/no's two options; a 1-5 scale; a text poll
 * of 140 characters, one answer, a cloud, no moderation; a choice poll with
 * no options yet. */
void pollspec_init(struct pollspec *p, const struct pollkind *kind);

/* Numeric kinds: the range min..max (0 <= min < max <= HU_SCALE_TOP), whose
 * options are the values ("1".."5").  HU_OK or HU_ERR_BAD_MESSAGE. */
int pollspec_set_range(struct pollspec *p, int min, int max);

/* Listed kinds: appends an option labelled label[0..len) (at most
 * HU_LABEL_MAX bytes; UTF-8).  Ids are given by pollspec_finish.  HU_OK,
 * HU_ERR_FULL past HU_OPTION_MAX, HU_ERR_TOO_LARGE for a long label. */
int pollspec_add_option(struct pollspec *p, const char *label, size_t len);

/* Derives each listed option's id from its label: lower-case ASCII letters
 * and digits, other runs as one "-", at most HU_OPTION_ID_MAX - 9 bytes; a
 * label with none of those gets "opt-" and a hash of the label.  Labels
 * whose ids would be equal both get "-" and a hash of their own label, so
 * an id depends on its label (and on a twin, if any), never on the order.
 * Returns HU_OK, or HU_ERR_EXISTS with *twin_a and *twin_b the indexes of two
 * options with the same label. */
int pollspec_finish(struct pollspec *p, unsigned *twin_a, unsigned *twin_b);

/* Index of option id[0..len), or -1. */
int pollspec_option(const struct pollspec *p, const char *id, size_t len);

/* The kind's parameters as the protocol shows them in state.poll and the
 * presenter's deck: "kind", "options" [{"id","label"}], then "multiple" for
 * choice; "min", "max", "labels" [low, high] for numeric kinds;
 * "maxLength", "answers", "show", "moderate" for text.  New reference, or
 * NULL when out of memory. */
json_t *pollspec_json(const struct pollspec *p);

/* The parameters as stored beside the poll (pollspec_json's text, compact).
 * malloc()ed; NULL when out of memory. */
char *pollspec_encode(const struct pollspec *p);

/* Rebuilds a pollspec from its kind name and stored parameters (an empty
 * params gives the kind's defaults: what a first-release file holds).
 * HU_OK, HU_ERR_NOT_FOUND for a kind this build lacks, HU_ERR_PARSE for
 * parameters it cannot read. */
int pollspec_decode(const char *kind, const char *params, struct pollspec *p);

/* Value of option i of a numeric poll. */
static inline int pollspec_value(const struct pollspec *p, unsigned i) { return p->min + (int)i; }

#endif
