/* jitter.c -- how long this machine takes the CPU away from a busy thread.
 *
 * Spins on the monotonic clock for a few seconds and reports the longest gap
 * between two readings and how many gaps exceeded 1 and 5 ms.  On an idle
 * virtual machine these are the hypervisor's pauses, which no server can
 * hide from a latency percentile; tests/bench/run records them next to the
 * figures.  Usage: handsup-jitter [SECONDS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double jitter_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? strtod(argv[1], NULL) : 5.0;
    if (!(secs > 0 && secs <= 600)) {
        fprintf(stderr, "usage: handsup-jitter [SECONDS (0-600)]\n");
        return 2;
    }
    double last = jitter_now(), end = last + secs, max = 0;
    long over1 = 0, over5 = 0;
    for (double t = last; t < end; last = t) {
        t = jitter_now();
        double gap = t - last;
        if (gap > max)
            max = gap;
        over1 += gap > 0.001;
        over5 += gap > 0.005;
    }
    printf("max %.2f ms, %ld gaps over 1 ms, %ld over 5 ms in %.0f s\n", max * 1e3, over1, over5, secs);
    return 0;
}
