/* cli_config.c -- `--config FILE` turned into arguments (cli_config.h). */
#include "cli_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* A config file is a few dozen lines; these bound a mistaken --config /dev/zero. */
#define CLI_CONFIG_MAX_ARGS 256
#define CLI_CONFIG_MAX_LINE 4096

struct cli_config {
    char **argv;                /* the new vector. From malloc() */
    char **owned;               /* strings we made. From malloc() */
    size_t n_owned;
};

void cli_config_free(struct cli_config *mem)
{
    if (!mem)
        return;
    for (size_t i = 0; i < mem->n_owned; i++)
        free(mem->owned[i]);
    free(mem->owned);
    free(mem->argv);
    free(mem);
}

static char *cli_config_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static const struct option *cli_config_find(const struct option *opts, const char *name)
{
    for (; opts->name; opts++)
        if (strcmp(opts->name, name) == 0)
            return opts;
    return NULL;
}

/* yes/no and friends: 1, 0, or -1 for anything else. */
static int cli_config_bool(const char *v)
{
    static const char *const yes[] = {"yes", "true", "on", "1", ""};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    return -1;
}

static int cli_config_own(struct cli_config *mem, char *s)
{
    if (!s)
        return -1;
    mem->owned[mem->n_owned++] = s;
    return 0;
}

/* Reads path into mem->owned, one string per argument: options first (in
 * file order), decks after them.  Returns 0 or the exit status. */
static int cli_config_read(const char *path, const struct option *opts, struct cli_config *mem, size_t *n_opts)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "handsup: cannot read --config %s: %s\n", path, strerror(errno));
        return 1;
    }
    char *decks[CLI_CONFIG_MAX_ARGS];
    size_t n_decks = 0;
    char line[CLI_CONFIG_MAX_LINE];
    int status = 0;
    for (unsigned lineno = 1; !status && fgets(line, sizeof line, f); lineno++) {
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            status = cli_usage_error("%s:%u: line too long (at most %d characters)", path, lineno,
                                     CLI_CONFIG_MAX_LINE - 2);
            break;
        }
        char *s = cli_config_trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            status = cli_usage_error("%s:%u: expected 'option = value', not '%s'", path, lineno, s);
            break;
        }
        *eq = '\0';
        char *name = cli_config_trim(s), *value = cli_config_trim(eq + 1);
        size_t vlen = strlen(value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
            value[vlen - 1] = '\0';
            value++;
        }
        if (mem->n_owned + n_decks + 1 >= CLI_CONFIG_MAX_ARGS) {
            status = cli_usage_error("%s:%u: too many lines (at most %d settings)", path, lineno,
                                     CLI_CONFIG_MAX_ARGS - 1);
            break;
        }
        if (strcmp(name, "deck") == 0) {
            if (!*value || !(decks[n_decks] = strdup(value))) {
                status = *value ? 1 : cli_usage_error("%s:%u: deck needs a file name", path, lineno);
                break;
            }
            n_decks++;
            continue;
        }
        const struct option *o = cli_config_find(opts, name);
        if (!o || strcmp(name, "config") == 0 || strcmp(name, "help") == 0) {
            status = cli_usage_error("%s:%u: unknown option '%s'%s", path, lineno, name,
                                     o ? " here" : " (names are those of the command line, without --)");
            break;
        }
        size_t n = strlen(name) + vlen + 4;
        char *arg = malloc(n);
        if (!arg) {
            status = 1;
            break;
        }
        if (o->has_arg == no_argument) {
            int b = cli_config_bool(value);
            if (b < 0) {
                free(arg);
                status = cli_usage_error("%s:%u: %s takes yes or no, not '%s'", path, lineno, name, value);
                break;
            }
            if (b == 0) {
                free(arg);
                continue;
            }
            snprintf(arg, n, "--%s", name);
        } else {
            if (!*value && o->has_arg == required_argument) {
                free(arg);
                status = cli_usage_error("%s:%u: %s needs a value", path, lineno, name);
                break;
            }
            /* One word "--name=value": a value starting with '-' stays a value. */
            snprintf(arg, n, "--%s=%s", name, value);
        }
        (void)cli_config_own(mem, arg);
    }
    if (!status && ferror(f)) {
        fprintf(stderr, "handsup: cannot read --config %s: %s\n", path, strerror(errno));
        status = 1;
    }
    fclose(f);
    *n_opts = mem->n_owned;
    for (size_t i = 0; i < n_decks; i++) {
        if (status)
            free(decks[i]);
        else
            (void)cli_config_own(mem, decks[i]);
    }
    return status;
}

int cli_config_expand(int argc, char **argv, const struct option *opts, int *out_argc, char ***out_argv,
                      struct cli_config **mem_out)
{
    *mem_out = NULL;
    *out_argc = argc;
    *out_argv = argv;
    int at = -1;
    const char *path = NULL;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("%s", "--config needs a file name");
            path = argv[i + 1];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            path = argv[i] + 9;
        } else {
            continue;
        }
        if (at >= 0)
            return cli_usage_error("%s", "--config may be given once");
        at = i;
    }
    if (at < 0)
        return 0;
    struct cli_config *mem = calloc(1, sizeof *mem);
    if (!mem || !(mem->owned = calloc(CLI_CONFIG_MAX_ARGS, sizeof *mem->owned))) {
        cli_config_free(mem);
        fprintf(stderr, "handsup: out of memory\n");
        return 1;
    }
    size_t n_opts = 0;
    int status = cli_config_read(path, opts, mem, &n_opts);
    if (status) {
        cli_config_free(mem);
        return status;
    }
    /* argv[0], the file's options, the command line without --config, then
     * the file's decks: after any "--" they would still be decks, and before
     * it getopt moves them behind the options anyway. */
    size_t skip = strcmp(argv[at], "--config") == 0 ? 2 : 1;
    bool dashes = false;
    for (int i = 1; i < argc; i++)
        dashes = dashes || strcmp(argv[i], "--") == 0;
    size_t n = 1 + mem->n_owned + (size_t)argc - 1 - skip + 1;
    if (!(mem->argv = calloc(n + 1, sizeof *mem->argv))) {
        cli_config_free(mem);
        fprintf(stderr, "handsup: out of memory\n");
        return 1;
    }
    size_t k = 0;
    mem->argv[k++] = argv[0];
    for (size_t i = 0; i < n_opts; i++)
        mem->argv[k++] = mem->owned[i];
    for (int i = 1; i < argc; i++)
        if (i < at || i >= at + (int)skip)
            mem->argv[k++] = argv[i];
    /* A deck named "-x.md" in the file is a deck, not an option. */
    if (!dashes && n_opts < mem->n_owned)
        mem->argv[k++] = (char *)"--";
    for (size_t i = n_opts; i < mem->n_owned; i++)
        mem->argv[k++] = mem->owned[i];
    mem->argv[k] = NULL;
    *out_argc = (int)k;
    *out_argv = mem->argv;
    *mem_out = mem;
    return 0;
}
