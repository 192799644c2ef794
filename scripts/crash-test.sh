#!/usr/bin/env bash
# Crash safety through the HTTP write API: 8 concurrent clients make 1,000 acknowledged writes
# (create, publish, edit) while the server is killed with SIGKILL at 20 random moments and
# restarted. Afterwards no acknowledged write may be missing from the database, and search must
# agree with the database (no missing, extra or stale items) within 30 s.
#   scripts/crash-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=18081
dir=target/crash-data
rm -rf "$dir" && mkdir -p "$dir"
cargo build --release --quiet
bin=target/release/wegwijzer
export WEGWIJZER_LOG=error
if curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1; then
  echo "port $port is in use: stop whatever listens there first" >&2; exit 1
fi
# The demo data and one admin account for the clients.
"$bin" --data-dir "$dir" import demo/*.json >/dev/null
WEGWIJZER_PASSWORD=crashtest-wachtwoord "$bin" --data-dir "$dir" user add \
  --email crash@test.example --naam Crashtest >/dev/null
start() { "$bin" --data-dir "$dir" --bind "127.0.0.1:$port" serve >>"$dir/server.log" 2>&1 & echo $! > "$dir/server.pid"; }
trap 'kill "$(cat "$dir/server.pid")" 2>/dev/null || true' EXIT
start
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.5; done

python3 scripts/crash_clients.py "$port" "$dir" & clients=$!
kills=0
started=$(date +%s.%N)
while [ $kills -lt 20 ] && kill -0 $clients 2>/dev/null; do
  # A random moment 50-450 ms after the server came back: mid-request, mid-commit, mid-index.
  sleep "$(printf "0.%03d" $((50 + RANDOM % 400)))"
  kill -9 "$(cat "$dir/server.pid")" 2>/dev/null || true
  wait "$(cat "$dir/server.pid")" 2>/dev/null || true
  kills=$((kills + 1))
  start
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.05; done
done
echo "$kills kills while the clients were writing"
wait $clients
echo "writing took $(echo "$(date +%s.%N) - $started" | bc) s"
[ $kills -eq 20 ] || { echo "FAIL: the clients finished before 20 kills" >&2; exit 1; }
python3 scripts/crash_clients.py "$port" "$dir" --verify
echo "restarts that failed to start: $(grep -c 'kan niet' "$dir/server.log" || true)"
