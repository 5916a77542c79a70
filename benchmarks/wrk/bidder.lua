-- wrk script for the bidder (docs/BENCHMARKS.md, "Bidder"): POSTs simulator bid requests, one JSON
-- body per line of bodies.jsonl, round-robin. Works against the bare-Kestrel baseline too.
--   wrk -t2 -c32 -d30s --latency -s benchmarks/wrk/bidder.lua http://127.0.0.1:5080
-- BODIES (file) and BID_PATH (default /openrtb2/bid) can be set in the environment.
local path = os.getenv("BODIES") or "benchmarks/wrk/bodies.jsonl"
local bodies = {}
for line in io.lines(path) do
  if #line > 0 then
    bodies[#bodies + 1] = line
  end
end

local next_body = 0
wrk.method = "POST"
wrk.path = os.getenv("BID_PATH") or "/openrtb2/bid"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-openrtb-version"] = "2.6"

function setup(thread)
  thread:set("offset", math.random(#bodies))
end

function init(args)
  next_body = tonumber(offset) or 0
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end
