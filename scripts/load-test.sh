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
WEGWIJZER_PASSWORD=belasting-wachtwoord "$bin" --data-dir "$dir" user add --email last@test.example --naam Belasting --rol redacteur >/dev/null
WEGWIJZER_LOG=warn "$bin" --data-dir "$dir" --bind "127.0.0.1:$port" serve & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
echo "== steady: 50 connections, ${secs}s, $items items =="
wrk -t2 -c50 -d"${secs}s" --latency -s scripts/load.lua "$base" | tee "$dir/steady.txt" | grep -E "RESULT|Requests/sec|Non-2xx"
echo "== mix: 95% searches, 5% writes (new items, confirmations), 50 connections, ${secs}s =="
TOKEN=$(curl -s "$base/api/v1/sessies" -H 'content-type: application/json' \
  -d '{"email":"last@test.example","wachtwoord":"belasting-wachtwoord"}' | jq -r .token)
ORG=$(curl -s "$base/api/v1/organisaties?pageSize=1" | jq '.resultaten[0].id')
before=$(curl -s "$base/metrics" | awk '/wegwijzer_http_requests_total.*method="POST".*status="20[012]"/ {s+=$2} END {print s+0}')
TOKEN=$TOKEN ORG=$ORG ITEMS=$items wrk -t2 -c50 -d"${secs}s" --latency -s scripts/load-mix.lua "$base" \
  | tee "$dir/mix.txt" | grep -E "RESULT|Requests/sec|Non-2xx"
after=$(curl -s "$base/metrics" | awk '/wegwijzer_http_requests_total.*method="POST".*status="20[012]"/ {s+=$2} END {print s+0}')
echo "writes acknowledged (2xx): $((after - before))"
# Write latency per route, from the server's histogram (bucket upper bounds).
curl -s "$base/metrics" | python3 -c '
import re, sys
buckets = {}
for line in sys.stdin:
    m = re.match(r"wegwijzer_http_request_duration_seconds_bucket\{route=\"([^\"]+)\",le=\"([^\"]+)\"\} (\d+)", line)
    if m and "beheer" in m.group(1):
        buckets.setdefault(m.group(1), []).append((float("inf") if m.group(2) == "+Inf" else float(m.group(2)), int(m.group(3))))
for route, bs in buckets.items():
    total = bs[-1][1]
    q = lambda p: next(b for b, n in bs if n >= p * total) * 1000
    print(f"{route}: {total} requests, p50 <= {q(0.5):g} ms, p95 <= {q(0.95):g} ms, p99 <= {q(0.99):g} ms")
' 
echo "== overload: 1000 connections, 20s =="
ulimit -n 65536 2>/dev/null || true
wrk -t2 -c1000 -d20s --timeout 10s -s scripts/load.lua "$base" | tee "$dir/overload.txt" | grep -E "RESULT|Requests/sec|Non-2xx"
shed=$(curl -s "$base/metrics" | awk '/^wegwijzer_requests_shed_total/ {print $2}')
busy=$(curl -s "$base/metrics" | awk '/wegwijzer_http_requests_total.*status="503"/ {s+=$2} END {print s+0}')
echo "shed at the door (503): $shed; searches refused after waiting for a permit (503): $busy"
echo "== recovery: 50 connections, 10s =="
wrk -t2 -c50 -d10s --latency -s scripts/load.lua "$base" | tee "$dir/recovery.txt" | grep -E "RESULT|Requests/sec|Non-2xx"
kill -0 $server && echo "server still running: ok"
