-- wrk script: prints the rate, p50/p99 latency and the statuses of whatever it was given.
-- Each wrk thread counts in its own Lua state; done() gathers the counts from them all.
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  statuses = {}
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local text = ""
  for status, n in pairs(total) do text = text .. status .. ":" .. n .. " " end
  io.write(string.format("%.0f per second, p50 %.2f ms, p99 %.2f ms, statuses %s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, text))
end
