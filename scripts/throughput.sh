#!/usr/bin/env bash
# #14's throughput goal: 50 connections on the b/c/d/browse mix against an existing data
# directory (the benchmark leaves target/bench-data/100000 and .../1000000 behind), load
# generator on the same machine. Prints requests/s, p50, p99 and the server's CPU time per
# request (user + system, from /proc).
#   scripts/throughput.sh DATA_DIR [seconds] [binary]
# MIX_CLASSES=b (or c, d, f, any combination) measures some classes only; the warm-up always
# runs the whole mix.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
secs=${2:-30}
bin=${3:-target/release/wegwijzer}
port=18090
source scripts/serve-data.sh
# Warm up: caches, page cache, the prepared summaries.
MIX_CLASSES=bcdf wrk -t2 -c8 -d5s -s scripts/mix-bcdf.lua "$base" >/dev/null
before=$(cpu)
out=$(wrk -t2 -c50 -d"${secs}s" -s scripts/mix-bcdf.lua "$base" | grep RESULT)
after=$(cpu)
echo "$out"
requests=$(echo "$out" | sed -E 's/.*requests=([0-9]+).*/\1/')
python3 -c "print('server CPU per request: %.2f ms' % (($after - $before) / $ticks * 1000 / $requests))"
echo "server RSS: $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/$server/status")"
