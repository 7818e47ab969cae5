-- wrk script: accepts new cases, one per request, from the ids in CASES_FILE (one per
-- line, each at version 1). The Authorization header comes from the command line.
local ids = {}
local next_id = 0
local statuses = {}

init = function(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
end

request = function()
  next_id = next_id + 1
  if next_id > #ids then next_id = 1 end
  local path = "/api/v1/cases/" .. ids[next_id] .. "/transitions"
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["If-Match"] = '"1"'}, '{"action": "accept"}')
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local text = ""
  for status, n in pairs(statuses) do text = text .. status .. ":" .. n .. " " end
  io.write(string.format("transitions: %.0f per second, p50 %.2f ms, p99 %.2f ms, statuses %s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, text))
end
