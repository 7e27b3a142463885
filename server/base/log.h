/* log.h -- one line per event, in logfmt, on standard error.
 *
 *   ts=2026-05-04T09:12:03.481Z level=warn msg="checkpoint failed" file=handsup.db error="disk I/O error"
 *
 * A line is an event: a fixed message (what happened, the same text every
 * time, so it can be grepped and counted) followed by typed key=value pairs
 * (the particulars).  Values are quoted and escaped as logfmt wants, so any
 * text is safe to pass.  Never log a presenter or admin key, a participant
 * token or a client address: docs/deployment.md promises logs free of them.
 *
 *   log_event(LOG_WARN, "checkpoint failed", LOG_S("file", path), LOG_S("error", msg), LOG_END);
 *
 * The level threshold and the stream are set once by the command line
 * before any thread starts (log_setup) and only read afterwards, which is
 * why this module, alone in base/, keeps them in file-scope variables, as
 * libwebsockets does with lws_set_log_level.  A line is formatted into a
 * buffer and written with one fwrite, so lines of the store's writer thread
 * and of the loop never interleave. */
#ifndef HU_LOG_H
#define HU_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* The types of a key=value pair, for the LOG_* macros below. */
enum log_type { LOG_T_END, LOG_T_STR, LOG_T_INT, LOG_T_NUM };

/* A pair per macro: the key is a C string literal, [a-z_] only. */
#define LOG_S(k, v) LOG_T_STR, (const char *)(k), (const char *)(v)
#define LOG_I(k, v) LOG_T_INT, (const char *)(k), (long long)(v)
#define LOG_F(k, v) LOG_T_NUM, (const char *)(k), (double)(v)
#define LOG_END LOG_T_END

/* Lines below min are dropped; they go to out (stderr when NULL).  Call
 * before starting threads; the default is LOG_INFO on stderr. */
void log_setup(enum log_level min, FILE *out);

/* "debug", "info", "warn" (or "warning"), "error", "off": 0, else -1. */
int log_parse_level(const char *name, enum log_level *out);

/* The level's name as printed ("warn"). */
const char *log_level_name(enum log_level lvl);

/* True when a line of this level would be written (to skip costly
 * arguments). */
bool log_enabled(enum log_level lvl);

/* Writes one line: ts, level, msg, then the pairs up to LOG_END.  A NULL
 * string value is written as an empty one.  Lines longer than
 * LOG_LINE_MAX are cut, ending in "...". */
void log_event(enum log_level lvl, const char *msg, ...);

/* Formats the same line into out without the ts= pair (for tests); returns
 * its length, at most outlen - 1. */
size_t log_format(char *out, size_t outlen, enum log_level lvl, const char *msg, ...);

#define LOG_LINE_MAX 2048

#endif
