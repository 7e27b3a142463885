/* cli_config.h -- `--config FILE`: a file of options, turned into arguments.
 *
 *     # /etc/handsup/handsup.conf
 *     port = 8080
 *     public-url = https://vote.example.org
 *     trust-proxy = 127.0.0.1
 *     metrics = yes
 *     deck = /etc/handsup/decks/workshop.md
 *
 * One `option = value` a line, where option is any long option of the
 * command without its dashes, '#' starts a comment line, and `deck = path`
 * names a deck (repeatable).  The file is not parsed for meaning: each line
 * becomes "--option=value" in front of the rest of the command line, so every
 * option the command has, including ones added later, works in the file and
 * is checked by the same code, and the command line wins over the file for
 * an option given once.  A flag (an option without a value) takes yes/no,
 * true/false, on/off or 1/0. */
#ifndef HU_CLI_CONFIG_H
#define HU_CLI_CONFIG_H

#include <getopt.h>

struct cli_config;

/* When argv (argv[0] is the command) holds --config FILE or --config=FILE,
 * reads FILE against the command's option table opts (ending in a zero row)
 * and sets *out_argc and *out_argv to argv[0], the file's arguments, then the
 * rest of argv without the --config.  Without --config, passes argv through.
 * Returns 0, or prints "handsup: FILE:LINE: ..." and returns the exit status
 * (2).  *mem owns the new vector and its strings (cli_config_free). */
int cli_config_expand(int argc, char **argv, const struct option *opts, int *out_argc, char ***out_argv,
                      struct cli_config **mem);

/* Frees what cli_config_expand allocated.  Accepts NULL. */
void cli_config_free(struct cli_config *mem);

#endif
