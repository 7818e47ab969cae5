-- wrk script: registrations of random numbers with 128-character adversarial passwords
-- (long repetitions, keyboard walks, dates and dictionary words: the inputs that make
-- zxcvbn's matching work hardest), as a flooder would send them. The counting and the
-- summary line are bench/latency.lua's.
dofile("bench/latency.lua")

local templates = {
  string.rep("password", 16),
  string.rep("qwertyuiop", 13):sub(1, 128),
  string.rep("19801980", 16),
  string.rep("aA1!", 32),
  string.rep("correcthorsebatterystaple", 6):sub(1, 128),
  string.rep("mango river lantern quietly ", 5):sub(1, 128),
}

local count_statuses = init
init = function(args)
  count_statuses(args)
  math.randomseed(os.time() + math.random(1000000))
end

request = function()
  local number = string.format("09%08d", math.random(0, 99999999))
  local password = templates[math.random(#templates)]
  local body = string.format('{"login": "%s", "password": "%s"}', number, password)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
