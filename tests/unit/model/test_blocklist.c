/* test_blocklist.c -- words and phrases that hold text for moderation
 * (server/model/blocklist.c): the built-in list, whole words after folding,
 * prefixes, phrases, no match inside innocent words, and --blocklist files. */
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "model/blocklist.h"

static bool hit(const struct blocklist *bl, const char *s) { return blocklist_match(bl, s, strlen(s)); }

int main(void)
{
    struct blocklist *bl = blocklist_new();
    CHECK(bl && blocklist_add_builtin(bl) == HU_OK && blocklist_size(bl) > 30);
    CHECK(hit(bl, "what the FUCK"));
    CHECK(hit(bl, "fucking useless"));             /* a prefix entry */
    CHECK(hit(bl, "Piss   off!"));                 /* a phrase, any spacing and case */
    CHECK(hit(bl, "\xe2\x80\x9c" "Bitch\xe2\x80\x9d"));
    CHECK(!hit(bl, "Scunthorpe"));                 /* never inside a word */
    CHECK(!hit(bl, "a cocktail in the assessment"));
    CHECK(!hit(bl, "piss"));                       /* the phrase needs both words */
    CHECK(!hit(bl, ""));
    CHECK(!hit(NULL, "fuck"));

    /* A facilitator's file: extends the built-in list, or replaces it. */
    const char file[] = "# our words\n\nnincompoop\r\n  go away  \nBAFFLEGAB*\n";
    bool replace = true;
    int line = 0;
    CHECK(blocklist_add_text(bl, file, strlen(file), &replace, &line) == HU_OK && !replace);
    CHECK(hit(bl, "you nincompoop") && hit(bl, "please GO away") && hit(bl, "bafflegabbery") && hit(bl, "fuck"));
    CHECK(!hit(bl, "go") && !hit(bl, "our words"));
    blocklist_free(bl);

    bl = blocklist_new();
    const char only[] = "-builtin\nnincompoop\n";
    CHECK(blocklist_add_text(bl, only, strlen(only), &replace, &line) == HU_OK && replace);
    CHECK(hit(bl, "nincompoop") && !hit(bl, "fuck"));
    const char bad[] = "fine\nbad \xff byte\n";
    CHECK(blocklist_add_text(bl, bad, strlen(bad), &replace, &line) == HU_ERR_PARSE && line == 2);
    blocklist_free(bl);
    blocklist_free(NULL);
    return check_done();
}
