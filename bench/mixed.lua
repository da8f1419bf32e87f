-- wrk script for the mixed load (bench/mixed.sh): public reads of the
-- kinds a map page makes, by place, nearest, text and id, in turn.
local ids = {}
for line in io.lines(os.getenv("IDS") or "bench/out/mixed-ids.txt") do
  ids[#ids + 1] = line
end
local i = 0
local counter = 0
setup = function(thread)
  thread:set("i", counter * 97)
  counter = counter + 1
end
request = function()
  i = i + 1
  local k = i % 4
  if k == 0 then
    return wrk.format("GET", "/api/assets?bbox=-2.40,53.40,-2.30,53.45")
  elseif k == 1 then
    return wrk.format("GET", "/api/assets/nearest?lon=-2.35&lat=53.42&k=10")
  elseif k == 2 then
    return wrk.format("GET", "/api/assets?q=asset%20" .. (i % 500))
  end
  return wrk.format("GET", "/api/assets/" .. ids[i % #ids + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT reads=%d req_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
