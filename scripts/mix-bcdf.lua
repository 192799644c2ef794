-- wrk script for #14's throughput goal: the benchmark's (b) two words, (c) two words + theme +
-- wijk, (d) (c) with 20 results, and browsing without text, in turn.
local two = { "hulp+schulden", "ouderen+bewegen", "taal+maatje", "koken+samen",
  "vrijwilligers+tuin", "computer+hulp", "jongeren+sport", "mantelzorger+respijt",
  "geld+administratie", "kinderen+opvoeding" }
local filters = { "thema=geldzaken&wijk=hamersveld", "thema=ontmoeting&wijk=achterveld",
  "thema=zorg-gezondheid&wijk=leusden-centrum", "thema=sport-bewegen&wijk=rozendaal",
  "thema=leren-taal&wijk=stoutenburg" }
-- MIX_CLASSES picks classes (default "bcdf", all four): "b" alone gives one class's cost.
local classes = os.getenv("MIX_CLASSES") or "bcdf"
local function has(c) return string.find(classes, c, 1, true) ~= nil end
local paths = {}
for i, q in ipairs(two) do
  local f = filters[((i - 1) % #filters) + 1]
  if has("b") then table.insert(paths, "/api/v1/aanbod?q=" .. q) end
  if has("c") then table.insert(paths, "/api/v1/aanbod?q=" .. q .. "&" .. f) end
  if has("d") then table.insert(paths, "/api/v1/aanbod?q=" .. q .. "&" .. f .. "&pageSize=20") end
  if has("f") then table.insert(paths, "/api/v1/aanbod") end
end
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
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f non200=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
