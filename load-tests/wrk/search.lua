-- Vector searches (top 10, mode vector) in a random tenant of the "tenants" shape, for wrk; the server must run
-- without credentials (the X-Soma-Tenant header names the tenant). With BODIES, the bodies of that file, one per line
-- (the Gatling feed's, written by WrkBodies: unit vectors near the data's centroids); without it, 64 uniformly random
-- unit vectors of 384 dimensions, a worst case for the fast core's bounds (every row scores alike).
--   BODIES=load-tests/target/wrk-bodies.txt wrk -t1 -c16 -d15s -s load-tests/wrk/search.lua --latency http://127.0.0.1:19598
local tenants = tonumber(os.getenv("TENANTS") or "100")
local prefix = os.getenv("TENANT_PREFIX") or "load-tenants-"
math.randomseed(7)
local bodies = {}
local path = os.getenv("BODIES")
if path then
  for line in io.lines(path) do bodies[#bodies + 1] = line end
else
  for q = 1, 64 do
    local v, norm = {}, 0
    for i = 1, 384 do local x = math.random() - 0.5; v[i] = x; norm = norm + x * x end
    norm = math.sqrt(norm)
    for i = 1, 384 do v[i] = string.format("%.6f", v[i] / norm) end
    bodies[q] = '{"mode":"vector","top_k":10,"vector":[' .. table.concat(v, ",") .. ']}'
  end
end
local n = 0
request = function()
  n = n + 1
  local headers = {["Content-Type"] = "application/json", ["X-Soma-Tenant"] = prefix .. math.random(0, tenants - 1)}
  return wrk.format("POST", "/memories/search", headers, bodies[(n % #bodies) + 1])
end
