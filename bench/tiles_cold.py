"""One cold pass over the z6-z16 tile mix of bench/tiles.lua: every tile
fetched exactly once, by THREADS concurrent clients (default 4), so a server
that caches tiles draws each one. Prints tiles per second, p50 and p99
latency and the mean tile size, as one RESULT line like tiles.lua's.

Usage: python3 bench/tiles_cold.py BASE_URL PATH_PATTERN
  e.g. python3 bench/tiles_cold.py http://127.0.0.1:18080 /tiles/assets/%d/%d/%d.mvt
Reads VIEWPORTS (default bench/out/viewports.txt)."""

import math
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ZOOMS = [6, 8, 10, 11, 12, 13, 14, 14, 15, 15, 16, 16]


def tiles(pattern):
    out = []
    with open(os.environ.get("VIEWPORTS", "bench/out/viewports.txt")) as f:
        for n, line in enumerate(f):
            w, s, e, no = map(float, line.split(","))
            lon, lat = (w + e) / 2, (s + no) / 2
            z = ZOOMS[n % len(ZOOMS)]
            scale = 2**z
            x = math.floor((lon + 180) / 360 * scale)
            r = math.radians(lat)
            y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * scale)
            out.append(pattern % (z, x, y))
    # The same tile twice (two viewports near each other) is fetched once.
    return list(dict.fromkeys(out))


def fetch(url):
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as r:
        size = len(r.read())
    return time.perf_counter() - start, size


def main():
    base, pattern = sys.argv[1], sys.argv[2]
    paths = tiles(pattern)
    start = time.perf_counter()
    with ThreadPoolExecutor(int(os.environ.get("THREADS", "4"))) as pool:
        results = list(pool.map(lambda p: fetch(base + p), paths))
    wall = time.perf_counter() - start
    times = sorted(t for t, _ in results)
    pct = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
    print(
        "RESULT tiles=%d tiles_s=%.1f p50_ms=%.2f p99_ms=%.2f mean_bytes=%d"
        % (len(paths), len(paths) / wall, pct(0.5), pct(0.99), sum(s for _, s in results) / len(results))
    )


if __name__ == "__main__":
    main()
