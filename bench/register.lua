-- wrk script: registrations of random numbers with 128-character adversarial passwords
-- (long repetitions, keyboard walks, dates and dictionary words: the inputs that make
-- zxcvbn's matching work hardest), as a flooder would send them.
local templates = {
  string.rep("password", 16),
  string.rep("qwertyuiop", 13):sub(1, 128),
  string.rep("19801980", 16),
  string.rep("aA1!", 32),
  string.rep("correcthorsebatterystaple", 6):sub(1, 128),
  string.rep("mango river lantern quietly ", 5):sub(1, 128),
}
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  statuses = {}
  math.randomseed(os.time() + math.random(1000000))
end

request = function()
  local number = string.format("09%08d", math.random(0, 99999999))
  local password = templates[math.random(#templates)]
  local body = string.format('{"login": "%s", "password": "%s"}', number, password)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
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
  io.write(string.format("registrations: %.0f per second, p50 %.1f ms, p99 %.1f ms, statuses %s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, text))
end
