#!/usr/bin/env python3
"""Writes two .osm.pbf seeds for the osm fuzz target, with raw (not zlib)
blobs so that mutations reach the protobuf decoding rather than dying in
zlib: a tiny hand-made extract (a tagged node, a closed way, a dense node
block and a multipolygon relation), raw and zlib-packed. With --unzip
PBF, prints nothing and writes PBF's blobs re-encoded raw to OUT_DIR.
Usage: make_osm_seed.py OUT_DIR [--unzip PBF]"""
import struct, sys, zlib

def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def zz(n):
    return (n << 1) ^ (n >> 63)

def key(field, wire):
    return varint(field << 3 | wire)

def ld(field, data):
    return key(field, 2) + varint(len(data)) + data

def vi(field, n):
    return key(field, 0) + varint(n)

def packed(field, nums):
    return ld(field, b"".join(varint(n) for n in nums))

def deltas(xs):
    prev, out = 0, []
    for x in xs:
        out.append(zz(x - prev))
        prev = x
    return out

def blob(kind, message, packed_zlib=False):
    if packed_zlib:
        body = vi(2, len(message)) + ld(3, zlib.compress(message))
    else:
        body = ld(1, message) + vi(2, len(message))
    header = ld(1, kind.encode()) + vi(3, len(body))
    return struct.pack(">I", len(header)) + header + body

def tiny(packed_zlib=False):
    strings = [b"", b"amenity", b"library", b"leisure", b"park", b"name",
               b"Hall", b"type", b"multipolygon", b"outer", b"inner"]
    table = ld(1, b"".join(ld(1, s) for s in strings))
    # Positions in units of 100 nanodegrees (granularity 100).
    node = lambda i, lat, lon, kv: ld(1, vi(1, zz(i)) + packed(2, kv[::2])
                                     + packed(3, kv[1::2])
                                     + vi(8, zz(lat)) + vi(9, zz(lon)))
    nodes = b"".join([node(1, 534000000, -23000000, [1, 2, 5, 6]),
                      node(2, 534010000, -23000000, []),
                      node(3, 534010000, -22990000, []),
                      node(4, 534000000, -22990000, [])])
    ids, lats, lons = [5, 6, 7], [534020000, 534030000, 534020000], [-23010000, -23010000, -23020000]
    dense = ld(2, packed(1, deltas(ids)) + packed(8, deltas(lats))
               + packed(9, deltas(lons)) + packed(10, [1, 2, 0, 0, 0]))
    way = lambda i, refs, kv: ld(3, vi(1, i) + packed(2, kv[::2])
                                 + packed(3, kv[1::2]) + packed(8, deltas(refs)))
    ways = way(10, [1, 2, 3, 4, 1], [3, 4]) + way(11, [5, 6, 7, 5], [])
    relation = ld(4, vi(1, 20) + packed(2, [7, 3]) + packed(3, [8, 4])
                  + packed(8, [9]) + packed(9, deltas([11])) + packed(10, [1]))
    groups = ld(2, nodes) + ld(2, dense) + ld(2, ways) + ld(2, relation)
    header = ld(4, b"OsmSchema-V0.6") + ld(4, b"DenseNodes")
    return (blob("OSMHeader", header, packed_zlib)
            + blob("OSMData", table + groups, packed_zlib))

def fields(data):
    i = 0
    while i < len(data):
        tag, i = read_varint(data, i)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, i = read_varint(data, i)
        elif wire == 2:
            n, i = read_varint(data, i)
            value, i = data[i:i + n], i + n
        else:
            raise ValueError("unexpected wire type %d" % wire)
        yield field, value

def read_varint(data, i):
    shift = n = 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i

def unzipped(pbf):
    out, i = b"", 0
    while i < len(pbf):
        (n,) = struct.unpack(">I", pbf[i:i + 4])
        header = dict(fields(pbf[i + 4:i + 4 + n]))
        i += 4 + n
        body = dict(fields(pbf[i:i + header[3]]))
        i += header[3]
        message = body[1] if 1 in body else zlib.decompress(body[3])
        out += blob(header[1].decode(), message)
    return out

if __name__ == "__main__":
    out = sys.argv[1]
    if sys.argv[2:3] == ["--unzip"]:
        pbf = open(sys.argv[3], "rb").read()
        open(out + "/unzipped.osm.pbf", "wb").write(unzipped(pbf))
    else:
        open(out + "/seed_tiny_raw.osm.pbf", "wb").write(tiny())
        open(out + "/seed_tiny_zlib.osm.pbf", "wb").write(tiny(True))
