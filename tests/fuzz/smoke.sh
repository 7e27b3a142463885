#!/bin/sh
# smoke.sh -- one short libFuzzer run for ctest (fuzz.smoke.<target>).
#
#   smoke.sh FUZZER WORKDIR SECONDS DICT SEED_DIR...
#
# New inputs go to WORKDIR/corpus, a fresh directory each run, so the
# checked-in seed directories are only read.  A crash leaves its input in
# WORKDIR/artifacts and fails the test; minimise it with -minimize_crash=1
# and save it under tests/fuzz/regressions/<target>/.
set -eu

if [ "$#" -lt 5 ]; then
    echo "usage: $0 FUZZER WORKDIR SECONDS DICT SEED_DIR..." >&2
    exit 2
fi
fuzzer=$1
work=$2
seconds=$3
dict=$4
shift 4

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$dict" -artifact_prefix="$work/artifacts/" "$work/corpus" "$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "smoke: $fuzzer failed ($status); inputs kept in $work/artifacts:" >&2
    ls -l "$work/artifacts" >&2 || true
fi
exit "$status"
