#!/usr/bin/env bash
# Load test against a release build with 10k items: steady search load at 50 connections for 60 s,
# overload at 1,000 connections, then recovery. Needs wrk (apt-get install wrk).
#   scripts/load-test.sh [items] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
items=${1:-10000}
secs=${2:-60}
port=18080
dir=target/load-data
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet
rm -rf "$dir" && mkdir -p "$dir"
python3 scripts/gen-items.py "$items" "$dir/items.json"
bin=target/release/wegwijzer
WEGWIJZER_LOG=warn "$bin" --data-dir "$dir" import demo/00-taxonomie.json demo/10-organisaties.json "$dir/items.json" >/dev/null
WEGWIJZER_LOG=warn "$bin" --data-dir "$dir" --bind "127.0.0.1:$port" serve & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
echo "== steady: 50 connections, ${secs}s, $items items =="
wrk -t2 -c50 -d"${secs}s" --latency -s scripts/load.lua "$base" | tee "$dir/steady.txt" | grep -E "RESULT|Requests/sec|Non-2xx"
echo "== overload: 1000 connections, 20s =="
ulimit -n 65536 2>/dev/null || true
wrk -t2 -c1000 -d20s --timeout 10s -s scripts/load.lua "$base" | tee "$dir/overload.txt" | grep -E "RESULT|Requests/sec|Non-2xx"
shed=$(curl -s "$base/metrics" | awk '/^wegwijzer_requests_shed_total/ {print $2}')
busy=$(curl -s "$base/metrics" | awk '/wegwijzer_http_requests_total.*status="503"/ {s+=$2} END {print s+0}')
echo "shed at the door (503): $shed; searches refused after waiting for a permit (503): $busy"
echo "== recovery: 50 connections, 10s =="
wrk -t2 -c50 -d10s --latency -s scripts/load.lua "$base" | tee "$dir/recovery.txt" | grep -E "RESULT|Requests/sec|Non-2xx"
kill -0 $server && echo "server still running: ok"
