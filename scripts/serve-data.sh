# Sourced by the load scripts: starts `wegwijzer serve` on an existing data directory and waits
# until its index is ready. Needs $dir, $bin and $port; sets $server (the pid, stopped on exit),
# $base (the URL) and cpu (the server's user + system ticks so far).
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
WEGWIJZER_LOG=warn "$bin" --data-dir "$dir" --bind "127.0.0.1:$port" serve & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -s "http://127.0.0.1:$port/api/v1/health" | grep -q gereed && break
  sleep 0.5
done
base="http://127.0.0.1:$port"
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
