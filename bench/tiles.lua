-- wrk script: vector tiles over a z6-z16 mix, one tile at the centre of
-- each viewport of bench/out/viewports.txt, the zoom cycling through the mix.
local tiles = {}
local zooms = {6, 8, 10, 11, 12, 13, 14, 14, 15, 15, 16, 16}
local n = 0
for line in io.lines(os.getenv("VIEWPORTS") or "bench/out/viewports.txt") do
  local w, s, e, no = line:match("([^,]+),([^,]+),([^,]+),([^,]+)")
  local lon, lat = (w + e) / 2, (s + no) / 2
  n = n + 1
  local z = zooms[(n - 1) % #zooms + 1]
  local scale = 2 ^ z
  local x = math.floor((lon + 180) / 360 * scale)
  local r = math.rad(lat)
  local y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * scale)
  tiles[#tiles + 1] = string.format(os.getenv("TILE_PATH") or "/tiles/assets/%d/%d/%d.mvt", z, x, y)
end
local i = 0
local counter = 0
setup = function(thread)
  thread:set("i", counter * 500)
  counter = counter + 1
end
request = function()
  i = i % #tiles + 1
  return wrk.format("GET", tiles[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT req_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
