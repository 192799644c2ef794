#!/usr/bin/env bash
# Crash safety: 8 concurrent clients make 1,000 acknowledged writes while the server is killed
# with SIGKILL at 20 random moments and restarted. Afterwards no acknowledged write may be
# missing from the database, and search must agree with the database (no missing, extra or
# stale items) within 30 s.
#   scripts/crash-test.sh
# The clients write with `wegwijzer import` (a write is acknowledged when it exits 0); the
# partner write API arrives with the self-service issue.
set -euo pipefail
cd "$(dirname "$0")/.."
port=18081
dir=target/crash-data
rm -rf "$dir" && mkdir -p "$dir/writes"
cargo build --release --quiet
bin=target/release/wegwijzer
export WEGWIJZER_LOG=error
start() { "$bin" --data-dir "$dir" --bind "127.0.0.1:$port" serve --demo >>"$dir/server.log" 2>&1 & echo $! > "$dir/server.pid"; }
if curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1; then
  echo "port $port is in use: stop whatever listens there first" >&2; exit 1
fi
trap 'kill "$(cat "$dir/server.pid")" 2>/dev/null || true' EXIT
start
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.5; done

writer() {
  local w=$1
  for i in $(seq 1 125); do
    # Every third write changes the title of this writer's previous item: stale results show up.
    local n=$i; [ $((i % 3)) -eq 0 ] && n=$((i - 1))
    local f="$dir/writes/w$w-$i.json"
    printf '{"aanbod":[{"externId":"crash-%s-%s","soort":"initiatief","organisatie":"org-samen-leusden","titel":"Crashtest %s %s versie %s","samenvatting":"Schrijven tijdens een crash.","themas":["veiligheid"],"heleGemeente":true,"minLeeftijd":0,"maxLeeftijd":120,"kosten":"gratis"}]}' \
      "$w" "$n" "$w" "$n" "$i" > "$f"
    until "$bin" --data-dir "$dir" import "$f" >/dev/null 2>&1; do sleep 0.05; done
    echo "crash-$w-$n Crashtest $w $n versie $i" >> "$dir/acked-$w.txt"
  done
}
for w in $(seq 1 8); do writer "$w" & done

for k in $(seq 1 20); do
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$(cat "$dir/server.pid")" 2>/dev/null || true
  wait "$(cat "$dir/server.pid")" 2>/dev/null || true
  start
done
while [ "$(cat "$dir"/acked-*.txt 2>/dev/null | wc -l)" -lt 1000 ]; do sleep 0.5; done
echo "1000 writes acknowledged; 20 kills done"

python3 - "$dir" "$port" <<'PY'
import json, sqlite3, sys, time, urllib.request
d, port = sys.argv[1], sys.argv[2]
acked = {}
for w in range(1, 9):
    for line in open(f"{d}/acked-{w}.txt"):
        ext, title = line.rstrip("\n").split(" ", 1)
        acked[ext] = title  # the last acknowledged title per item wins
db = sqlite3.connect(f"{d}/wegwijzer.db")
rows = dict(db.execute("SELECT external_id, title FROM listings WHERE external_id LIKE 'crash-%'"))
missing = [e for e in acked if e not in rows]
wrong = [e for e, t in acked.items() if rows.get(e) != t]
print(f"acknowledged items: {len(acked)}; missing from the database: {len(missing)}; not the last acknowledged version: {len(wrong)}")
# What the public may see: published, and for vacancies not past their end date.
public = {r[0]: r[1] for r in db.execute(
    "SELECT id, title FROM listings WHERE status = 'gepubliceerd' "
    "AND (end_date IS NULL OR end_date >= date('now', '+1 hour'))")}
deadline = time.time() + 30
while True:
    found, page = {}, 1
    try:
        while True:
            body = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/aanbod?pageSize=100&page={page}&sorteer=titel"))
            found.update({r["id"]: r["titel"] for r in body["resultaten"]})
            if page * 100 >= body["totaal"]:
                break
            page += 1
    except Exception as e:  # still starting
        found = {"error": str(e)}
    extra = set(found) - set(public)
    absent = set(public) - set(found)
    stale = [i for i in public if i in found and found[i] != public[i]]
    if not extra and not absent and not stale:
        print(f"search agrees with the database: {len(found)} items, after {30 - (deadline - time.time()):.1f} s")
        break
    if time.time() > deadline:
        print(f"FAIL after 30 s: extra {len(extra)}, missing {len(absent)}, stale {len(stale)}")
        sys.exit(1)
    time.sleep(0.5)
if missing or wrong:
    sys.exit(1)
PY
echo "restarts that failed to start: $(grep -c 'kan niet' "$dir/server.log" || true)"
