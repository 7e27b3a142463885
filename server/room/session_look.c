/* session_look.c -- how a slide looks, as JSON for the pages: Marp
 * backgrounds and splits, fragmented lists, header, footer, page numbers,
 * colours and classes, and the deck's theme, accent and logo
 * (docs/protocol.md "Slide look").  Image URLs are the session's
 * /media/<code>/ ones (deck_media_url). */
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "session_impl.h"

static json_t *session_media_url(const struct session *s, int media)
{
    char url[HU_MEDIA_PATH_MAX * 3 + 128];
    if (media < 0 || !deck_media_url(s->deck, (size_t)media, s->code, url, sizeof url) || !url[0])
        return json_null();
    return json_string(url);
}

static json_t *session_str_or_null(const char *v) { return v ? json_string(v) : json_null(); }

void session_slide_look_json(const struct session *s, size_t i, json_t *o)
{
    const struct deck_slide *sl = &s->deck->slides[i];
    json_t *bg = json_array();
    for (size_t k = 0; bg && k < sl->n_bgs; k++) {
        json_t *url = session_media_url(s, sl->bgs[k].media);
        if (json_is_null(url))
            continue;
        json_array_append_new(bg, json_pack("{s:o, s:s}", "url", url, "size", sl->bgs[k].size));
    }
    json_object_set_new(o, "bg", bg ? bg : json_array());
    json_object_set_new(o, "split",
                        sl->split == DECK_SPLIT_NONE
                            ? json_null()
                            : json_pack("{s:s, s:i}", "side", sl->split == DECK_SPLIT_LEFT ? "left" : "right",
                                        "width", sl->split_pct));
    json_object_set_new(o, "fragments", json_integer(sl->fragments));
    if (sl->pdf_page)
        json_object_set_new(o, "pdfPage", json_integer(sl->pdf_page));
    const struct deck_look *l = &sl->look;
    json_object_set_new(o, "look",
                        json_pack("{s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "paginate", l->paginate, "header",
                                  session_str_or_null(l->header), "footer", session_str_or_null(l->footer),
                                  "backgroundColor", session_str_or_null(l->bg_color), "color",
                                  session_str_or_null(l->color), "backgroundImage", session_str_or_null(l->bg_css),
                                  "class", session_str_or_null(l->classes)));
}

void session_deck_look_json(const struct session *s, json_t *o)
{
    static const char *const themes[] = {"light", "dark", "contrast"};
    json_object_set_new(o, "theme", json_string(themes[s->deck->theme]));
    json_object_set_new(o, "accent", s->deck->accent[0] ? json_string(s->deck->accent) : json_null());
    json_object_set_new(o, "logo", session_media_url(s, s->deck->logo));
}
