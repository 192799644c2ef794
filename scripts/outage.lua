-- wrk script for the outage test: searches (served from the index) and detail pages and
-- lists (served from the database).
local paths = {
  "/api/v1/aanbod?q=schulden", "/api/v1/aanbod/5", "/api/v1/organisaties",
  "/api/v1/aanbod?thema=ontmoeting", "/api/v1/aanbod/12", "/api/v1/themas",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
