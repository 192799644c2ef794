-- wrk script: rotates realistic searches and counts responses by status.
local queries = {
  "/api/v1/aanbod?q=schulden", "/api/v1/aanbod?q=hulp+bij+schulden&wijk=hamersveld",
  "/api/v1/aanbod?q=vrijwilligers&soort=vacature", "/api/v1/aanbod?thema=ontmoeting&leeftijd=70",
  "/api/v1/aanbod", "/api/v1/aanbod?q=taal&pageSize=20", "/api/v1/aanbod?q=mantelzorger+respijt",
  "/api/v1/suggesties?q=vrijw", "/api/v1/aanbod?q=koken&wijk=achterveld,stoutenburg",
  "/api/v1/aanbod?postcode=3831&straal=3&sorteer=afstand",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end
local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f socket_errors=%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
