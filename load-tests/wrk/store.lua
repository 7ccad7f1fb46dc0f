-- Single stores (POST /memories, one memory each, with a client-supplied vector) for wrk; the server must run
-- without credentials (the X-Soma-Tenant header names the tenant: TENANT, default "wrk-store"). Each request stores
-- a new memory at coordinate "<run>,<n>" (run = the start time in seconds, so a second run adds new memories too),
-- with one of 64 uniformly random unit vectors of 384 dimensions as a JSON array. A closed loop that costs the client
-- far less CPU than `soma bench store`'s JVM, so the server gets more of the machine's cores.
--   wrk -t1 -c64 -d15s -s load-tests/wrk/store.lua --latency http://127.0.0.1:19599
local tenant = os.getenv("TENANT") or "wrk-store"
local run = os.time()
math.randomseed(11)
local vectors = {}
for q = 1, 64 do
  local v, norm = {}, 0
  for i = 1, 384 do local x = math.random() - 0.5; v[i] = x; norm = norm + x * x end
  norm = math.sqrt(norm)
  for i = 1, 384 do v[i] = string.format("%.6f", v[i] / norm) end
  vectors[q] = table.concat(v, ",")
end
local headers = {["Content-Type"] = "application/json", ["X-Soma-Tenant"] = tenant}
local n = 0
request = function()
  n = n + 1
  local body = '{"coord":"' .. run .. ',' .. n .. '","memory_type":"episodic","payload":{"content":"wrk store '
      .. n .. '"},"vector":[' .. vectors[(n % 64) + 1] .. ']}'
  return wrk.format("POST", "/memories", headers, body)
end
