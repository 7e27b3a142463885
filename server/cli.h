/* cli.h -- what the commands of the command line share.
 *
 * Each command lives in cmd_<name>.c with an entry point, a synopsis (one
 * usage line, without "handsup ") and a help paragraph; main.c dispatches
 * on the first word and prints them all for --help.  Options are parsed
 * with getopt_long, GNU style: they may follow the decks and codes, and
 * "--" ends them.  Usage errors exit with 2, failures with 1. */
#ifndef HU_CLI_H
#define HU_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/hu_limits.h"

#define CLI_DEFAULT_DATA "handsup.db"

/* The commands: argv[0] is the command's name. */
int cmd_serve(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_prune(int argc, char **argv);
extern const char cmd_serve_synopsis[], cmd_serve_usage[];
extern const char cmd_check_synopsis[], cmd_check_usage[];
extern const char cmd_export_synopsis[], cmd_export_usage[];
extern const char cmd_report_synopsis[], cmd_report_usage[];
extern const char cmd_prune_synopsis[], cmd_prune_usage[];

/* Prints the whole --help text to standard output; returns 0. */
int cli_help(void);

/* Prints "handsup: <message>" and the hint to --help on stderr; returns 2,
 * the exit status of a usage error. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The folder holding web/, presenter/ and slides/: $HANDSUP_ASSETS, else
 * ../share/handsup beside the executable when it holds them (an installed
 * binary), else the source tree it was built from.  buf (len bytes) may be
 * used for the answer. */
const char *cli_asset_dir(char *buf, size_t len);

/* Decimal integers within [min, max], the whole string: 0, or -1 with *out
 * unchanged. */
int cli_parse_long(const char *s, long min, long max, long *out);
int cli_parse_port(const char *s, int *port);
int cli_parse_uint(const char *s, long min, long max, unsigned *out);

/* A key for --presenter-key or --admin-key: 1 to HU_KEY_MAX printable
 * ASCII characters without spaces, which a shell, a URL fragment (the
 * printed links percent-encode it) and an Authorization header all carry
 * unchanged. */
bool cli_key_ok(const char *k);

/* Copies a join code given on the command line into out without its
 * spaces ("4045 5687", as it is read out); false unless 8 digits remain. */
bool cli_code(const char *arg, char out[HU_CODE_LEN + 1]);

/* Join codes from the arguments, as people type them after hearing them:
 * "86475705", "8647 5705" or "8647" "5705" (digits are gathered across
 * arguments until eight are read).  codes has room for n_args codes.
 * Returns 0, or -1 with *bad pointing at the argument where the code that
 * could not be read began. */
int cli_codes(char **args, size_t n_args, char (*codes)[HU_CODE_LEN + 1], size_t *n_codes, const char **bad);

#endif
