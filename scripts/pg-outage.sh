#!/usr/bin/env bash
# PostgreSQL outage under load: a node on PostgreSQL serves 20 connections for 60 s; after 10 s
# PostgreSQL stops for 30 s. Expected: 503 problem+json (never 500) for what needs the
# database, search keeps answering from the local index, no panic, and recovery without a
# restart.
#   scripts/pg-outage.sh        (stops and starts the local PostgreSQL cluster!)
set -euo pipefail
cd "$(dirname "$0")/.."
port=18084
dir=target/outage-data
admin=${WEGWIJZER_TEST_POSTGRES:-postgres://root@127.0.0.1:5432/postgres}
db=wegwijzer_outage
version=$(ls /etc/postgresql | sort -n | tail -1)
pg() { pg_ctlcluster --skip-systemctl-redirect "$version" main "$1"; }
psql "$admin" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
cargo build --release --quiet
rm -rf "$dir" && mkdir -p "$dir"
WEGWIJZER_LOG=warn WEGWIJZER_DATABASE_URL="${admin%/*}/$db" target/release/wegwijzer \
  --data-dir "$dir" --bind "127.0.0.1:$port" serve --demo >"$dir/server.log" 2>&1 & server=$!
trap 'pg start 2>/dev/null || true; kill $server 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do curl -sf "$base/api/v1/health" >/dev/null && break; sleep 0.5; done
wrk -t2 -c20 -d60s --timeout 15s -s scripts/outage.lua "$base" >"$dir/wrk.txt" & load=$!
sleep 10
pg stop
echo "PostgreSQL stopped"
sleep 3
echo "during the outage: health $(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/health"), search $(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/aanbod?q=hulp"), detail $(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$base/api/v1/aanbod/3")"
sleep 27
pg start
echo "PostgreSQL started"
t0=$(date +%s.%N)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/aanbod/3")" = 200 ]; do sleep 0.2; done
echo "database pages recovered $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4) s after PostgreSQL came back"
wait $load
grep -E "Requests/sec|Non-2xx|requests in" "$dir/wrk.txt"
curl -s "$base/metrics" | awk '/^wegwijzer_http_requests_total/ {split($1, a, "status=\""); s=substr(a[2],1,3); n[s]+=$2} END {for (k in n) print "status " k ": " n[k]}' | sort
kill -0 $server && echo "server still running, no restart"
if grep -q "panicked" "$dir/server.log"; then echo "FAIL: panic in the log"; exit 1; fi
fives=$(curl -s "$base/metrics" | awk '/^wegwijzer_http_requests_total.*status="500"/ {s+=$2} END {print s+0}')
[ "$fives" -eq 0 ] || { echo "FAIL: $fives responses with status 500"; exit 1; }
echo "ok: no 500s, no panics"
