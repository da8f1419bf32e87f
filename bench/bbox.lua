-- wrk script: cycles through bench/out/viewports.txt, one bbox query each.
-- Each wrk thread starts at its own offset so the threads do not ask the
-- same box at the same moment.
local boxes = {}
for line in io.lines(os.getenv("VIEWPORTS") or "bench/out/viewports.txt") do
  boxes[#boxes + 1] = line
end
local path_fmt = os.getenv("BBOX_PATH") or "/api/assets?bbox=%s&limit=10000"
local i = 0
local counter = 0
setup = function(thread)
  thread:set("i", counter * 500)
  counter = counter + 1
end
request = function()
  i = i % #boxes + 1
  return wrk.format("GET", string.format(path_fmt, boxes[i]))
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT req_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
