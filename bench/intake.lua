-- wrk script: varied, realistic tips. COMMUNES is prepended by bench/intake.sh.
local matters = {"illegal_entry", "illegal_entry", "facilitation", "harbouring", "health_risk"}
local modes = {"land_trail", "river", "sea", "unknown"}
local identities = {"anonymous", "anonymous", "confidential"}
local words = {"người", "thuyền", "đường mòn", "ban đêm", "xe máy", "bờ sông", "nhà trọ", "biên giới", "Campuchia", "trẻ em"}

-- Bodies are made before the clock starts (500 per thread, each distinct), so that the
-- load generator spends its share of the two cores sending, not building strings.
local bodies = {}
local next_body = 0

local function make_body(counter)
  local narrative = "Tin báo số " .. counter .. ": tôi thấy"
  for i = 1, math.random(5, 40) do narrative = narrative .. " " .. words[math.random(#words)] end
  local identity = identities[math.random(#identities)]
  local reporter = '{"identity_mode": "' .. identity .. '"}'
  if identity == "confidential" then
    reporter = '{"identity_mode": "confidential", "name": "Người báo ' .. counter .. '", "phone": "09' .. string.format("%08d", math.random(0, 99999999)) .. '"}'
  end
  local body = string.format(
    '{"matter": "%s", "observed_at": "2026-11-%02dT%02d:30:00+07:00", "location": {"scheme": "2024", "commune_code": %d, "address_text": "Ấp %d"}, "crossing_mode": "%s", "persons_count": %d, "subjects": [{"approximate_age": %d, "sex": "male", "apparent_nationality": "Campuchia"}], "narrative": "%s", "reporter": %s, "acknowledged_false_report_warning": true}',
    matters[math.random(#matters)], math.random(1, 20), math.random(0, 23), COMMUNES[math.random(#COMMUNES)],
    math.random(1, 9), modes[math.random(#modes)], math.random(1, 12), math.random(5, 70), narrative, reporter)
  return wrk.format("POST", "/api/v1/reports", {["Content-Type"] = "application/json"}, body)
end

request = function()
  next_body = next_body % #bodies + 1
  return bodies[next_body]
end

-- Each wrk thread counts in its own Lua state; done() gathers the counts from them all.
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  statuses = {}
  math.randomseed(os.time() + math.random(1, 1000000))
  for i = 1, 500 do bodies[i] = make_body(i) end
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
  io.write(string.format("tips: %.1f per second, p50 %.2f ms, p99 %.2f ms, statuses %s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, text))
end
