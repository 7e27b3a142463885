/* pollspec.c -- a poll's kind and parameters: defaults, option ids, and the
 * JSON form shown to clients and kept in the data file. */
#include "pollspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"

/* The longest id a label yields before any hash: room is left for "-" and
 * eight hex digits. */
#define POLLSPEC_SLUG_MAX (HU_OPTION_ID_MAX - 9)

_Static_assert(HU_SCALE_TOP + 1 <= HU_OPTION_MAX, "every value of a scale is an option of the tally");
_Static_assert(HU_CHOICE_MAX <= HU_OPTION_MAX, "every option of a choice poll fits a tally");

void pollspec_init(struct pollspec *p, const struct pollkind *kind)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->multiple = 1;
    p->max_chars = HU_TEXT_MAX_DEFAULT;
    p->answers = 1;
    p->show = POLLSPEC_SHOW_CLOUD;
    for (unsigned i = 0; i < kind->n_fixed && i < HU_OPTION_MAX; i++) {
        snprintf(p->ids[i], sizeof p->ids[i], "%s", kind->fixed_ids[i]);
        snprintf(p->labels[i], sizeof p->labels[i], "%s", kind->fixed_labels[i]);
        p->n_options = i + 1;
    }
    if (kind->numeric)
        (void)pollspec_set_range(p, 1, 5);
}

int pollspec_set_range(struct pollspec *p, int min, int max)
{
    if (min < 0 || min >= max || max > HU_SCALE_TOP)
        return HU_ERR_BAD_MESSAGE;
    p->min = min;
    p->max = max;
    p->n_options = (unsigned)(max - min + 1);
    for (unsigned i = 0; i < p->n_options; i++) {
        snprintf(p->ids[i], sizeof p->ids[i], "%d", min + (int)i);
        snprintf(p->labels[i], sizeof p->labels[i], "%d", min + (int)i);
    }
    return HU_OK;
}

int pollspec_add_option(struct pollspec *p, const char *label, size_t len)
{
    if (p->n_options >= HU_OPTION_MAX)
        return HU_ERR_FULL;
    if (len > HU_LABEL_MAX)
        return HU_ERR_TOO_LARGE;
    memcpy(p->labels[p->n_options], label, len);
    p->labels[p->n_options][len] = '\0';
    p->ids[p->n_options][0] = '\0';
    p->n_options++;
    return HU_OK;
}

/* FNV-1a: small, stable across builds and machines, enough to tell labels
 * apart in an id. */
static uint32_t pollspec_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void pollspec_slug(const char *label, char out[HU_OPTION_ID_MAX + 1])
{
    size_t n = 0;
    bool dash = false;
    for (const unsigned char *s = (const unsigned char *)label; *s && n < POLLSPEC_SLUG_MAX; s++) {
        char ch = (char)*s;
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (ch >= 'A' && ch <= 'Z') {
            ch = (char)(ch - 'A' + 'a');
            alnum = true;
        }
        if (!alnum) {
            dash = n > 0;
            continue;
        }
        if (dash && n + 1 < POLLSPEC_SLUG_MAX)
            out[n++] = '-';
        dash = false;
        out[n++] = ch;
    }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, HU_OPTION_ID_MAX + 1, "opt-%08x", (unsigned)pollspec_hash(label));
}

int pollspec_finish(struct pollspec *p, unsigned *twin_a, unsigned *twin_b)
{
    if (!p->kind->listed)
        return HU_OK;
    for (unsigned i = 0; i < p->n_options; i++)
        for (unsigned j = i + 1; j < p->n_options; j++)
            if (strcmp(p->labels[i], p->labels[j]) == 0) {
                *twin_a = i;
                *twin_b = j;
                return HU_ERR_EXISTS;
            }
    char slugs[HU_OPTION_MAX][HU_OPTION_ID_MAX + 1];
    for (unsigned i = 0; i < p->n_options; i++)
        pollspec_slug(p->labels[i], slugs[i]);
    for (unsigned i = 0; i < p->n_options; i++) {
        bool twin = false;
        for (unsigned j = 0; j < p->n_options && !twin; j++)
            twin = j != i && strcmp(slugs[i], slugs[j]) == 0;
        if (twin)
            snprintf(p->ids[i], sizeof p->ids[i], "%.*s-%08x", POLLSPEC_SLUG_MAX - 5, slugs[i],
                     (unsigned)pollspec_hash(p->labels[i]));
        else
            memcpy(p->ids[i], slugs[i], sizeof p->ids[i]);
    }
    return HU_OK;
}

int pollspec_option(const struct pollspec *p, const char *id, size_t len)
{
    for (unsigned i = 0; i < p->n_options; i++)
        if (strlen(p->ids[i]) == len && memcmp(p->ids[i], id, len) == 0)
            return (int)i;
    return -1;
}

static const char *const pollspec_show_names[] = {"cloud", "wall"};

json_t *pollspec_json(const struct pollspec *p)
{
    json_t *options = json_array();
    json_t *o = json_object();
    if (!options || !o) {
        json_decref(options);
        json_decref(o);
        return NULL;
    }
    for (unsigned i = 0; i < p->n_options; i++)
        json_array_append_new(options, json_pack("{s:s, s:s}", "id", p->ids[i], "label", p->labels[i]));
    int rc = json_object_set_new(o, "kind", json_string(p->kind->name));
    rc |= json_object_set_new(o, "options", options);
    if (p->kind->may_multiple)
        rc |= json_object_set_new(o, "multiple", json_integer(p->multiple));
    if (p->kind->numeric) {
        rc |= json_object_set_new(o, "min", json_integer(p->min));
        rc |= json_object_set_new(o, "max", json_integer(p->max));
        rc |= json_object_set_new(o, "labels", json_pack("[s, s]", p->low_label, p->high_label));
    }
    if (p->kind->text) {
        rc |= json_object_set_new(o, "maxLength", json_integer(p->max_chars));
        rc |= json_object_set_new(o, "answers", json_integer(p->answers));
        rc |= json_object_set_new(o, "show", json_string(pollspec_show_names[p->show]));
        rc |= json_object_set_new(o, "moderate", json_boolean(p->moderate));
    }
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *pollspec_encode(const struct pollspec *p)
{
    json_t *o = pollspec_json(p);
    if (!o)
        return NULL;
    /* The kind has a column of its own. */
    json_object_del(o, "kind");
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* Copies string field name of o into dst (cap bytes), "" when absent. */
static int pollspec_copy(json_t *o, const char *name, char *dst, size_t cap)
{
    json_t *v = json_object_get(o, name);
    if (!v) {
        dst[0] = '\0';
        return HU_OK;
    }
    if (!json_is_string(v) || json_string_length(v) >= cap)
        return HU_ERR_PARSE;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return HU_OK;
}

static int pollspec_int(json_t *o, const char *name, int lo, int hi, int *out)
{
    json_t *v = json_object_get(o, name);
    if (!v)
        return HU_OK;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return HU_ERR_PARSE;
    *out = (int)json_integer_value(v);
    return HU_OK;
}

static int pollspec_decode_json(json_t *o, struct pollspec *p)
{
    int rc = HU_OK;
    if (p->kind->listed) {
        json_t *opts = json_object_get(o, "options");
        size_t i;
        json_t *v;
        if (!json_is_array(opts) || json_array_size(opts) > HU_OPTION_MAX)
            return HU_ERR_PARSE;
        p->n_options = 0;
        json_array_foreach(opts, i, v) {
            if (!json_is_object(v))
                return HU_ERR_PARSE;
            rc = pollspec_copy(v, "id", p->ids[i], sizeof p->ids[i]);
            if (rc == HU_OK)
                rc = pollspec_copy(v, "label", p->labels[i], sizeof p->labels[i]);
            if (rc != HU_OK || !p->ids[i][0])
                return HU_ERR_PARSE;
            p->n_options = (unsigned)i + 1;
        }
        int multiple = (int)p->multiple;
        rc = pollspec_int(o, "multiple", 1, HU_OPTION_MAX, &multiple);
        p->multiple = (unsigned)multiple;
    }
    if (rc == HU_OK && p->kind->numeric) {
        int min = p->min, max = p->max;
        rc = pollspec_int(o, "min", 0, HU_SCALE_TOP, &min);
        if (rc == HU_OK)
            rc = pollspec_int(o, "max", 0, HU_SCALE_TOP, &max);
        if (rc == HU_OK)
            rc = pollspec_set_range(p, min, max) == HU_OK ? HU_OK : HU_ERR_PARSE;
        json_t *labels = json_object_get(o, "labels");
        if (rc == HU_OK && labels) {
            json_t *lo = json_array_get(labels, 0), *hi = json_array_get(labels, 1);
            if (!json_is_string(lo) || !json_is_string(hi) || json_string_length(lo) > HU_LABEL_MAX ||
                json_string_length(hi) > HU_LABEL_MAX)
                return HU_ERR_PARSE;
            memcpy(p->low_label, json_string_value(lo), json_string_length(lo) + 1);
            memcpy(p->high_label, json_string_value(hi), json_string_length(hi) + 1);
        }
    }
    if (rc == HU_OK && p->kind->text) {
        int max_chars = (int)p->max_chars, answers = (int)p->answers;
        rc = pollspec_int(o, "maxLength", 1, HU_TEXT_MAX, &max_chars);
        if (rc == HU_OK)
            rc = pollspec_int(o, "answers", 1, HU_ANSWERS_MAX, &answers);
        p->max_chars = (unsigned)max_chars;
        p->answers = (unsigned)answers;
        json_t *show = json_object_get(o, "show");
        if (rc == HU_OK && show)
            p->show = json_is_string(show) && strcmp(json_string_value(show), "wall") == 0 ? POLLSPEC_SHOW_WALL
                                                                                            : POLLSPEC_SHOW_CLOUD;
        p->moderate = json_is_true(json_object_get(o, "moderate"));
    }
    if (rc == HU_OK && p->multiple > (p->n_options ? p->n_options : 1))
        rc = HU_ERR_PARSE;
    return rc;
}

int pollspec_decode(const char *kind, const char *params, struct pollspec *p)
{
    const struct pollkind *k = pollkind_find(kind, strlen(kind));
    if (!k)
        return HU_ERR_NOT_FOUND;
    pollspec_init(p, k);
    if (!params || !*params)
        return HU_OK;
    json_t *o = json_loads(params, JSON_REJECT_DUPLICATES, NULL);
    int rc = json_is_object(o) ? pollspec_decode_json(o, p) : HU_ERR_PARSE;
    json_decref(o);
    return rc;
}
