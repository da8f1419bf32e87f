#!/usr/bin/env python3
"""The realistic national data set for the load benchmarks.

1,000,000 assets clustered around the centres of the 34,753 LSOAs of England
and Wales (bench/data, ONS, OGL v3), so that density follows where people
live, as a real national register would; and 1,000 viewports of about 3 km
around random LSOA centres (what a person looks at on a phone or a laptop).

Writes bench/out/assets_1m.geojson (about 180 MB) and
bench/out/viewports.txt (one `w,s,e,n` a line). Deterministic (seeded).
Usage: python3 bench/gen_1m.py [COUNT]
"""
import gzip
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LSOA = os.path.join(HERE, "data", "england-wales-lsoa-2011", "LSOA.geojson.gz")
OUT = os.path.join(HERE, "out")

# (capital, category, name stem): the mix of a real register, mostly places.
KINDS = [
    ("social", "group", "Community group"),
    ("social", "club", "Social club"),
    ("social", "sports_club", "Football club"),
    ("social", "faith_group", "Faith group"),
    ("social", "charity", "Charity"),
    ("social", "food_bank", "Food bank"),
    ("public", "library", "Library"),
    ("public", "gp", "Medical practice"),
    ("public", "pharmacy", "Pharmacy"),
    ("public", "school", "Primary school"),
    ("public", "post_office", "Post office"),
    ("physical", "community_centre", "Community centre"),
    ("physical", "green_space", "Park"),
    ("physical", "sports_facility", "Sports hall"),
    ("physical", "place_of_worship", "Church"),
    ("physical", "defibrillator", "Defibrillator"),
    ("physical", "playground", "Playground"),
    ("financial", "grant_maker", "Community fund"),
    ("financial", "credit_union", "Credit union"),
]
STREETS = ["High Street", "Church Road", "Station Road", "Park Lane", "Mill Lane",
           "Victoria Road", "Green Lane", "Manor Road", "School Lane", "King Street"]


def centres():
    with gzip.open(LSOA, "rt") as f:
        fc = json.load(f)
    out = []
    for feat in fc["features"]:
        g = feat["geometry"]
        rings = g["coordinates"] if g["type"] == "Polygon" else g["coordinates"][0]
        ring = rings[0]
        lon = sum(p[0] for p in ring) / len(ring)
        lat = sum(p[1] for p in ring) / len(ring)
        out.append((feat["properties"]["LSOA11CD"], feat["properties"]["LSOA11NM"], lon, lat))
    return out


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rnd = random.Random(42)
    places = centres()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "assets_1m.geojson" if count == 1_000_000 else f"assets_{count}.geojson")
    with open(path, "w") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for i in range(count):
            code, area, lon, lat = places[rnd.randrange(len(places))]
            # About 400 m of scatter around the centre of the LSOA.
            lon += rnd.gauss(0, 0.006)
            lat += rnd.gauss(0, 0.0036)
            capital, category, stem = KINDS[rnd.randrange(len(KINDS))]
            props = {
                "ref": f"B{i:07d}",
                "name": f"{stem}, {area}",
                "capital": capital,
                "category": category,
                "address": f"{rnd.randrange(1, 200)} {STREETS[rnd.randrange(len(STREETS))]}",
            }
            if rnd.random() < 0.3:
                props["description"] = f"Open to everyone in {area}."
            f.write(("," if i else "") + json.dumps(
                {"type": "Feature", "properties": props,
                 "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}},
                separators=(",", ":")) + "\n")
        f.write("]}\n")
    # Viewports of about 3 km by 2 km, the first view of a phone at zoom 14.
    with open(os.path.join(OUT, "viewports.txt"), "w") as f:
        for _ in range(1000):
            _, _, lon, lat = places[rnd.randrange(len(places))]
            dx = 1.5 / (111.32 * math.cos(math.radians(lat)))
            dy = 1.0 / 110.57
            f.write(f"{lon - dx:.5f},{lat - dy:.5f},{lon + dx:.5f},{lat + dy:.5f}\n")
    print(f"wrote {count} assets to {path} and 1000 viewports")


if __name__ == "__main__":
    main()
