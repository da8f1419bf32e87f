#!/usr/bin/env python3
"""Writes a county-sized OpenStreetMap extract as OSM XML, for
bench/osm_memory.sh to turn into .osm.pbf with osmium: NODES nodes on a
grid near Manchester, most of them only in ways (streets and buildings,
untagged as assets), with a few thousand assets among them, as a real
county extract has: tagged nodes (libraries, schools, defibrillators),
tagged closed ways (parks) and multipolygon relations (parks of two
member ways, themselves untagged).

    python3 bench/gen_osm.py OUT.osm [NODES]
"""
import random
import sys

out, nodes = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
rng = random.Random(13)
side = int(nodes ** 0.5)
west, south, step = -2.6, 53.3, 0.0001

def pos(i):
    return south + (i // side) * step, west + (i % side) * step

AMENITIES = ["library", "school", "community_centre", "doctors", "place_of_worship"]
with open(out, "w") as f:
    w = f.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="gen_osm.py">\n')
    tagged_nodes = 0
    for i in range(1, side * side + 1):
        lat, lon = pos(i - 1)
        if i % 500 == 0:
            tagged_nodes += 1
            w(f'<node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">'
              f'<tag k="amenity" v="{AMENITIES[i % 5]}"/><tag k="name" v="Asset {i}"/></node>\n')
        else:
            w(f'<node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
    # Ways: a closed square of four grid nodes around every 8th cell
    # (buildings), every 400th of them a park; members of relations below.
    way = 0
    members = []
    for r in range(0, side - 1, 2):
        for c in range(0, side - 1, 4):
            way += 1
            a = r * side + c + 1
            ring = [a, a + 1, a + side + 1, a + side, a]
            if way % 400 == 0:
                tags = '<tag k="leisure" v="park"/><tag k="name" v="Park {0}"/>'.format(way)
            elif way % 400 == 200:
                tags = ''
                members.append(way)
            else:
                tags = '<tag k="building" v="yes"/>'
            nds = "".join(f'<nd ref="{n}"/>' for n in ring)
            w(f'<way id="{way}" version="1">{nds}{tags}</way>\n')
    for i, m in enumerate(members, start=1):
        w(f'<relation id="{i}" version="1"><member type="way" ref="{m}" role="outer"/>'
          f'<tag k="type" v="multipolygon"/><tag k="leisure" v="park"/>'
          f'<tag k="name" v="Common {i}"/></relation>\n')
    w('</osm>\n')
print(f"{side * side} nodes ({tagged_nodes} assets), {way} ways, {len(members)} relations",
      file=sys.stderr)
