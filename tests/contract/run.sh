#!/usr/bin/env bash
# Contract test: schemathesis (property-based, from PyPI, pinned in requirements.txt) against
# the real binary on the demo data, anonymously and with an editor's token, in the coverage,
# fuzzing and stateful phases. Passes only with 0 failures. Run after `cargo build`:
#   bash tests/contract/run.sh
# A failure prints `st replay <id>`, which reproduces it against a running server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${WEGWIJZER_BIN:-$root/target/debug/wegwijzer}"
venv="${CONTRACT_VENV:-$root/target/contract-venv}"
examples="${CONTRACT_EXAMPLES:-25}"

if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
password="contract-test-wachtwoord"
WEGWIJZER_PASSWORD="$password" "$bin" --data-dir "$data" user add \
  --email redactie@contract.example --naam "Redactie" --rol redacteur >/dev/null
# Many generated logins come from one address: lift the per-address limit for this run only.
WEGWIJZER_LOG=warn "$bin" --data-dir "$data" --bind "127.0.0.1:$port" \
  --login-attempts-per-minute 100000 serve --demo &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do
  curl -sf "$base/api/v1/health" >/dev/null && break
  sleep 0.2
done

token="$(curl -sf "$base/api/v1/sessies" -H 'content-type: application/json' \
  -d "{\"email\":\"redactie@contract.example\",\"wachtwoord\":\"$password\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

run() {
  "$venv/bin/st" --config-file "$here/schemathesis.toml" --no-color \
    run "$base/api/v1/openapi.json" \
    --phases coverage,fuzzing,stateful \
    --max-examples "$examples" --seed 20261202 --workers 1 "$@"
}
status=0
echo "== schemathesis, anonymous"
run --exclude-path-regex '^/(beheer|sessies/huidige|verwijslijsten)' || status=1
echo "== schemathesis, as an editor"
run -H "Authorization: Bearer $token" --exclude-path '/sessies/huidige' || status=1
echo "== schemathesis, the HSDS API (its own document)"
"$venv/bin/st" --config-file "$here/schemathesis.toml" --no-color \
  run "$base/api/v1/hsds/openapi.json" --url "$base/api/v1/hsds" \
  --phases coverage,fuzzing \
  --max-examples "$examples" --seed 20261202 --workers 1 || status=1
exit $status
