#!/bin/sh
# smoke.sh -- ctest for the load generator: a fresh server, 100 phones, one
# burst, a short steady rate, two slide moves and a reconnect storm, with
# --check so lost acks, a wrong tally or a missed phone fail the test.
# Usage: smoke.sh HANDSUP_BIN BENCH_BIN DECK
set -eu
server_bin=$1 bench_bin=$2 deck=$3
dir=$(mktemp -d)
key=bench-smoke-key-0123456789
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
"$server_bin" serve --port 0 --host 127.0.0.1 --data "$dir/bench.db" --presenter-key "$key" "$deck" \
    >"$dir/server.log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/^listening on port \([0-9][0-9]*\).*/\1/p' "$dir/server.log" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log"; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { echo "the server did not say which port"; cat "$dir/server.log"; exit 1; }
"$bench_bin" --port "$port" --pid "$pid" --code 12345678 --key "$key" --label smoke \
    --n 100 --steps 50,100 --rates 500 --steady-secs 1 --moves 2 --inflight 32 --check
