#!/bin/sh
# cluster-smoke.sh -- ctest for the cluster scenario of the load generator
# (docs/benchmarks.md "Cluster mode"): a private redis-server (AOF, fsync
# always), two nodes sharing one port with --reuse-port, two generator
# processes of 100 phones each (--peers 2): one burst, two slide moves, and
# node A killed after every phone voted, with --check so a lost ack, a wrong
# tally, a missed phone or a phone not back with its vote fails the test.
# Skipped (77) without redis-server or without a handsup built with --redis.
# Usage: cluster-smoke.sh HANDSUP_BIN BENCH_BIN DECK
set -eu
server_bin=$1 bench_bin=$2 deck=$3
command -v redis-server >/dev/null 2>&1 || { echo "redis-server is not installed: skipped"; exit 77; }
"$server_bin" --help 2>&1 | grep -q -- '--redis' || { echo "$server_bin has no --redis: skipped"; exit 77; }
dir=$(mktemp -d)
key=bench-smoke-key-0123456789
pids=""
cleanup() {
    for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rport=$(free_port)
hport=$(free_port)
mkdir "$dir/redis" "$dir/sync"
redis-server --port "$rport" --bind 127.0.0.1 --dir "$dir/redis" --appendonly yes --appendfsync always --save '' \
    --daemonize no --logfile "$dir/redis.log" &
pids="$pids $!"
for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$rport" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
done
for n in A B; do
    "$server_bin" serve --host 127.0.0.1 --port "$hport" --reuse-port --redis "redis://127.0.0.1:$rport" \
        --presenter-key "$key" "$deck" >"$dir/node$n.log" 2>&1 &
    eval "pid$n=$!"
    pids="$pids $!"
    for _ in $(seq 1 100); do
        grep -q '^listening on port' "$dir/node$n.log" && break
        sleep 0.1
    done
    grep -q '^listening on port' "$dir/node$n.log" || { echo "node $n did not start"; cat "$dir/node$n.log"; exit 1; }
done
common="--port $hport --code 12345678 --key $key --n 100 --steps 100 --moves 2 --inflight 32 --peers 2 --sync $dir/sync
    --scenarios burst,fanout,failover --check"
# shellcheck disable=SC2086 # one word per option on purpose
"$bench_bin" $common --rank 0 --label cluster-r0 --pid "$pidA" --kill-pid "$pidA" >"$dir/r0.log" 2>&1 &
g0=$!
# shellcheck disable=SC2086
"$bench_bin" $common --rank 1 --label cluster-r1 --pid "$pidB" >"$dir/r1.log" 2>&1 &
g1=$!
rc=0
wait "$g0" || rc=1
wait "$g1" || rc=1
if [ "$rc" -eq 0 ]; then grep -hv "^{" "$dir/r0.log" "$dir/r1.log"; else cat "$dir/r0.log" "$dir/r1.log"; fi
exit "$rc"
