#!/usr/bin/env bash
# #14's latency goals, measured with a client in its own process: `wrk` on one keep-alive
# connection, one request after another, the benchmark's queries of each class in turn, against
# `wegwijzer serve` on an existing data directory (the benchmark leaves target/bench-data/100000
# and .../1000000 behind). Prints per class p50, p90 and the server's CPU time per request
# (user + system, from /proc). `cargo bench --bench search` measures HTTP with its client on the
# server's own tokio runtime, sharing the 2 cores with it; this is the other view.
#   scripts/http-classes.sh DATA_DIR [seconds per class] [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
secs=${2:-10}
bin=${3:-target/release/wegwijzer}
port=18091
source scripts/serve-data.sh
# The benchmark's queries (benches/search.rs).
one="schulden ouderen vrijwilligers taal koken eenzaamheid mantelzorger sport computer huiswerk"
two="hulp+schulden ouderen+bewegen taal+maatje koken+samen vrijwilligers+tuin computer+hulp
  jongeren+sport mantelzorger+respijt geld+administratie kinderen+opvoeding"
filters=(thema=geldzaken\&wijk=hamersveld thema=ontmoeting\&wijk=achterveld
  thema=zorg-gezondheid\&wijk=leusden-centrum thema=sport-bewegen\&wijk=rozendaal
  thema=leren-taal\&wijk=stoutenburg)
a=() b=() c=() d=() b10=()
for q in $one; do a+=("/api/v1/aanbod?q=$q"); done
i=0
for q in $two; do
  f=${filters[$((i % 5))]}
  b+=("/api/v1/aanbod?q=$q")
  c+=("/api/v1/aanbod?q=$q&$f")
  d+=("/api/v1/aanbod?q=$q&$f&pageSize=20")
  b10+=("/api/v1/aanbod?q=$q&page=10")
  i=$((i + 1))
done
suggest=()
for p in schu vrijw mantelz hulp+bij+for taalm oud koffie+och sp; do
  suggest+=("/api/v1/suggesties?q=$p")
done
run() {
  local class=$1
  shift
  PATHS="$*" wrk -t1 -c1 -d2s -s scripts/rotate.lua "$base" >/dev/null
  local before after out requests
  before=$(cpu)
  out=$(PATHS="$*" wrk -t1 -c1 -d"${secs}s" -s scripts/rotate.lua "$base" | grep RESULT)
  after=$(cpu)
  requests=$(echo "$out" | sed -E 's/.*requests=([0-9]+).*/\1/')
  python3 -c "import sys; print('| %s | %s | %.2f ms |' % (sys.argv[1], sys.argv[2], ($after - $before) / $ticks * 1000 / $requests))" \
    "$class" "$(echo "$out" | sed -E 's/.*p50_ms=([0-9.]+) p90_ms=([0-9.]+) non200=([0-9]+).*/\1 | \2 | \3/')"
}
echo "| class | p50 ms | p90 ms | non-200 | server CPU per request |"
echo "|---|---:|---:|---:|---:|"
run "(a) one word" "${a[@]}"
run "(b) two words" "${b[@]}"
run "(c) two words + theme + wijk" "${c[@]}"
run "(d) (c), 20 results, facets, snippets" "${d[@]}"
run "browse, all facets" "/api/v1/aanbod"
run "(b10) (b), page 10" "${b10[@]}"
run "suggestions" "${suggest[@]}"
