/* blocklist_words.c -- the built-in blocklist: abusive English words and
 * slurs that should never reach a projector unseen.
 *
 * Deliberately short and blunt: a match only holds a text back for the
 * presenter (blocklist.h), so a false positive costs a click, and a
 * facilitator who needs more (another language, a local slur, a name)
 * extends or replaces the list with --blocklist FILE.  Entries ending in "*"
 * match every word that starts with them. */
#include <stddef.h>

const char *const blocklist_builtin_words[] = {
    "arsehole*", "asshole*", "bastard*",  "bitch*",   "bollocks",   "bullshit*", "chink",   "chinks",
    "cock",      "cocks",    "cocksucker*", "cunt*",  "dickhead*",  "dyke",      "dykes",   "fag",
    "fags",      "faggot*",  "fuck*",     "fucker*",  "kike*",      "kill yourself", "kys", "motherfuck*",
    "nigga*",    "nigger*",  "paki",      "pakis",    "piss off",   "prick",     "pricks",  "retard",
    "retards",   "retarded", "shit*",     "slut*",    "spastic",    "spaz",      "tranny*", "twat*",
    "wank*",     "whore*",
};

const size_t blocklist_builtin_count = sizeof blocklist_builtin_words / sizeof blocklist_builtin_words[0];
