#!/usr/bin/env bash
# Scale of the open-data paths (#15 part 5): N synthetic items (scripts/gen-items.py) imported
# as JSON, exported as CSV and as HSDS, and each export imported into a fresh instance, all with
# the release binary and SQLite. Prints wall time and peak memory of every step.
#   bash scripts/bench-open-data.sh [N]     (default 100000; build with cargo build --release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${WEGWIJZER_BIN:-$root/target/release/wegwijzer}"
n="${1:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
python3 scripts/gen-items.py "$n" "$work/items.json"

step() {
  local name="$1"; shift
  /usr/bin/time -f "$name: %e s, peak %M KiB" "$@" >/dev/null 2>"$work/time.err" || {
    cat "$work/time.err"; exit 1; }
  tail -1 "$work/time.err"
}

step "import demo" "$bin" --data-dir "$work/a" import demo/00-taxonomie.json demo/10-organisaties.json
step "import JSON ($n items)" "$bin" --data-dir "$work/a" import "$work/items.json"
step "export CSV" "$bin" --data-dir "$work/a" export --format csv "$work/csv"
step "export HSDS" "$bin" --data-dir "$work/a" export --format hsds "$work/hsds"
du -sh "$work/csv" "$work/hsds" | sed 's/^/size: /'
step "taxonomy into b" "$bin" --data-dir "$work/b" import demo/00-taxonomie.json
step "import CSV ($n items)" "$bin" --data-dir "$work/b" import "$work/csv"
step "import HSDS ($n items, empty instance)" "$bin" --data-dir "$work/c" import "$work/hsds"
