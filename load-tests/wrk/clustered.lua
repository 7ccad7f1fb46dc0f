-- Vector searches (top 10, mode vector) in a random tenant of the "tenants" shape, with the bodies of the Gatling
-- feed (see WrkBodies); the server must run without credentials (the X-Soma-Tenant header names the tenant).
--   BODIES=load-tests/target/wrk-bodies.txt wrk -t1 -c16 -d15s -s load-tests/wrk/clustered.lua --latency http://127.0.0.1:19598
local path = os.getenv("BODIES") or "load-tests/target/wrk-bodies.txt"
local tenants = tonumber(os.getenv("TENANTS") or "100")
local prefix = os.getenv("TENANT_PREFIX") or "load-tenants-"
local bodies = {}
for line in io.lines(path) do bodies[#bodies + 1] = line end
math.randomseed(7)
local n = 0
request = function()
  n = n + 1
  local headers = {["Content-Type"] = "application/json", ["X-Soma-Tenant"] = prefix .. math.random(0, tenants - 1)}
  return wrk.format("POST", "/memories/search", headers, bodies[(n % #bodies) + 1])
end
