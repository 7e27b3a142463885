/* main.c -- the handsup command line: dispatch on the command's name.
 *
 * Every command is a row of main_commands (cmd_<name>.c), so a new one adds
 * a row and its file, and --help lists it.  SIGINT/SIGTERM end `serve`
 * cleanly; its loop watches them. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "net/versions.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *synopsis;
    const char *usage;
} main_commands[] = {
    {"serve", cmd_serve, cmd_serve_synopsis, cmd_serve_usage},
    {"export", cmd_export, cmd_export_synopsis, cmd_export_usage},
    {"check", cmd_check, cmd_check_synopsis, cmd_check_usage},
    {"report", cmd_report, cmd_report_synopsis, cmd_report_usage},
    {"prune", cmd_prune, cmd_prune_synopsis, cmd_prune_usage},
};

#define MAIN_N_COMMANDS (sizeof main_commands / sizeof main_commands[0])

int cli_help(void)
{
    for (size_t i = 0; i < MAIN_N_COMMANDS; i++)
        printf("%s handsup %s\n", i == 0 ? "usage:" : "      ", main_commands[i].synopsis);
    printf("       handsup --help | --version\n"
           "Options may come before or after the decks and codes; '--' ends them.\n");
    for (size_t i = 0; i < MAIN_N_COMMANDS; i++)
        printf("\n%s", main_commands[i].usage);
    return 0;
}

/* "serve or export" for error messages. */
static void main_names(char *out, size_t len)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < MAIN_N_COMMANDS && k < len; i++) {
        const char *sep = i == 0 ? "" : i + 1 == MAIN_N_COMMANDS ? " or " : ", ";
        int n = snprintf(out + k, len - k, "%s%s", sep, main_commands[i].name);
        if (n < 0)
            break;
        k += (size_t)n;
    }
}

int main(int argc, char **argv)
{
    char names[256];
    main_names(names, sizeof names);
    if (argc < 2)
        return cli_usage_error("a command is needed: %s", names);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
        return cli_help();
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        /* First line as before ("handsup 0.1.0"), then the libraries as
         * loaded now, for a bug report or a security notice. */
        struct versions_row rows[VERSIONS_MAX];
        int n = versions_list(rows);
        printf("handsup %s\n", rows[0].version);
        for (int i = 1; i < n; i++)
            printf("  %-14s %s\n", rows[i].name, rows[i].version);
        return 0;
    }
    for (size_t i = 0; i < MAIN_N_COMMANDS; i++)
        if (strcmp(argv[1], main_commands[i].name) == 0)
            return main_commands[i].run(argc - 1, argv + 1);
    return cli_usage_error("unknown command '%s' (expected %s)", argv[1], names);
}
