#!/usr/bin/env python3
"""A GeoJSON FeatureCollection of about SIZE bytes (default 50 MiB) for the
import memory bench: points and small polygons around Trafford, with the
properties a council data set carries. Usage: gen_import.py OUT [SIZE]."""
import json
import random
import sys

out = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 50 * 1024 * 1024
rng = random.Random(9)
written = 0
with open(out, "w") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    n = 0
    while written < size:
        lon, lat = round(rng.uniform(-2.45, -2.25), 6), round(rng.uniform(53.38, 53.48), 6)
        if n % 10 == 0:
            d = 0.001
            geometry = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]}
        else:
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        feature = {"type": "Feature", "geometry": geometry, "properties": {
            "ref": f"B{n}", "name": f"Asset {n}", "description": "A place people use. " * rng.randint(1, 6),
            "address": f"{n} High Street", "postcode": "M33 7XX", "phone": "0161 912 0000",
            "website": f"https://example.org/{n}", "opening_hours": "Mo-Fr 09:00-17:00"}}
        line = ("," if n else "") + json.dumps(feature, separators=(",", ":")) + "\n"
        f.write(line)
        written += len(line)
        n += 1
    f.write("]}\n")
print(f"{out}: {n} features, {written} bytes")
