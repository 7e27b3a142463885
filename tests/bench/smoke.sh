#!/bin/sh
# smoke.sh -- ctest for the load generator: a fresh server, 100 phones, one
# burst, a short steady rate, two slide moves and a reconnect storm, with
# --check so lost acks, a wrong tally or a missed phone fail the test; then,
# on the poll kinds deck, one burst of each kind and the questions stream.
# Usage: smoke.sh HANDSUP_BIN BENCH_BIN DECK KINDS_DECK
set -eu
server_bin=$1 bench_bin=$2 deck=$3 kinds_deck=$4
dir=$(mktemp -d)
key=bench-smoke-key-0123456789
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
# start DECK DATA: a server on a free port; sets pid and port.
start() {
    "$server_bin" serve --port 0 --host 127.0.0.1 --data "$2" --presenter-key "$key" "$1" \
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
}
start "$deck" "$dir/bench.db"
"$bench_bin" --port "$port" --pid "$pid" --code 12345678 --key "$key" --label smoke \
    --n 100 --steps 50,100 --rates 500 --steady-secs 1 --moves 2 --inflight 32 --check
kill "$pid"
wait "$pid" 2>/dev/null || true
start "$kinds_deck" "$dir/kinds.db"
"$bench_bin" --port "$port" --pid "$pid" --code 12345678 --key "$key" --label smoke \
    --n 100 --steps 100 --scenarios burst,kinds --steady-secs 2 --inflight 32 --check
