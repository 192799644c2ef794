-- wrk script: 95% searches (as in load.lua), 5% writes through the partner/editor API:
-- new items (POST /beheer/aanbod) and "nog actueel" confirmations of existing ones. Every write
-- waits for the index (read your own writes), so writes cost more than reads.
-- Needs TOKEN (an editor's bearer token), ORG (an organisation id) and ITEMS (highest item id).
local queries = {
  "/api/v1/aanbod?q=schulden", "/api/v1/aanbod?q=hulp+bij+schulden&wijk=hamersveld",
  "/api/v1/aanbod?q=vrijwilligers&soort=vacature", "/api/v1/aanbod?thema=ontmoeting&leeftijd=70",
  "/api/v1/aanbod", "/api/v1/aanbod?q=taal&pageSize=20", "/api/v1/aanbod?q=mantelzorger+respijt",
  "/api/v1/suggesties?q=vrijw", "/api/v1/aanbod?q=koken&wijk=achterveld,stoutenburg",
  "/api/v1/aanbod?postcode=3831&straal=3&sorteer=afstand",
}
local token = os.getenv("TOKEN")
local org = os.getenv("ORG")
local items = tonumber(os.getenv("ITEMS"))
local i = 0
local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("seed", thread_id)
end
init = function()
  math.randomseed(seed * 7919)
end
request = function()
  i = i + 1
  if i % 20 == 0 then
    local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
    if (i / 20) % 2 == 0 then
      local body = string.format('{"organisatieId":%s,"soort":"initiatief","titel":"Belasting %d-%d",'
        .. '"samenvatting":"Een schrijfactie uit de belastingtest.","themas":["ontmoeting"],'
        .. '"heleGemeente":true,"kosten":"gratis"}', org, seed, i)
      return wrk.format("POST", "/api/v1/beheer/aanbod", headers, body)
    end
    return wrk.format("POST", "/api/v1/beheer/aanbod/" .. math.random(1, items) .. "/controles", headers)
  end
  return wrk.format("GET", queries[(i % #queries) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f socket_errors=%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
