-- wrk script: requests the space-separated paths in $PATHS in turn, one after another, and
-- prints p50 and p90. Used by scripts/http-classes.sh.
local paths = {}
for p in string.gmatch(os.getenv("PATHS") or "/", "[^ ]+") do table.insert(paths, p) end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
local bad = 0
response = function(status)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d p50_ms=%.3f p90_ms=%.3f non200=%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(90) / 1000, bad))
end
