#!/usr/bin/env python3
"""Writers for the mixed load (bench/mixed.sh): WRITERS threads, each with
its own keep-alive connection, for DURATION seconds: read an asset (its
version from the ETag), PATCH it with If-Match, and on 409 read it again.
They share a small hot set of assets so that they collide. Every
acknowledged write is remembered; at the end each asset's version must be
its version at the start + its acknowledged writes, and its description the last one
acknowledged: otherwise an update was lost. Prints one RESULT line and
exits 1 on any unexpected answer or lost update.
Usage: mixed_writers.py HOST PORT TOKEN IDS_FILE"""
import http.client
import json
import os
import sys
import threading
import time

host, port, token, ids_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ids = [line.strip() for line in open(ids_file) if line.strip()]
writers = int(os.environ.get("WRITERS", "4"))
duration = float(os.environ.get("DURATION_S", "60"))
auth = {"Authorization": f"Bearer {token}"}

lock = threading.Lock()
acks = {i: [] for i in ids}  # id -> [(new_version, description)]
latencies = []
counts = {"200": 0, "409": 0, "unexpected": 0}
unexpected = []


def writer(w):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    n = 0
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        asset = ids[(w * 7 + n) % len(ids)]
        n += 1
        conn.request("GET", f"/api/assets/{asset}", headers=auth)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            with lock:
                counts["unexpected"] += 1
                unexpected.append(f"GET {asset}: {r.status}")
            continue
        version = int(r.getheader("ETag").strip('W/"'))
        description = f"writer {w} write {n}"
        body = json.dumps({"properties": {"description": description}})
        start = time.monotonic()
        conn.request("PATCH", f"/api/assets/{asset}", body=body, headers={
            **auth, "Content-Type": "application/json", "If-Match": f'"{version}"'})
        r = conn.getresponse()
        text = r.read()
        took = time.monotonic() - start
        with lock:
            latencies.append(took)
            if r.status == 200:
                counts["200"] += 1
                acks[asset].append((json.loads(text)["properties"]["version"], description))
            elif r.status == 409:
                counts["409"] += 1
            else:
                counts["unexpected"] += 1
                unexpected.append(f"PATCH {asset}: {r.status} {text[:200]!r}")


def versions_now():
    conn = http.client.HTTPConnection(host, port, timeout=30)
    found = {}
    for asset in ids:
        conn.request("GET", f"/api/assets/{asset}", headers=auth)
        r = conn.getresponse()
        found[asset] = json.loads(r.read())["properties"]
    return found


# A run may follow another on the same assets: count from where they are.
start = {asset: props["version"] for asset, props in versions_now().items()}
threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
for t in threads:
    t.start()
for t in threads:
    t.join()

# Lost updates: the store's final state against what was acknowledged.
lost = []
finals = versions_now()
for asset, done in acks.items():
    final, first = finals[asset], start[asset]
    versions = sorted(v for v, _ in done)
    if final["version"] != first + len(done) or versions != list(range(first + 1, first + 1 + len(done))):
        lost.append(f"{asset}: version {final['version']}, {len(done)} writes acknowledged")
    elif done and final.get("description") != max(done)[1]:
        lost.append(f"{asset}: description {final.get('description')!r}, last acknowledged {max(done)[1]!r}")

latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
print(f"RESULT writes_ok={counts['200']} conflicts_409={counts['409']} unexpected={counts['unexpected']} "
      f"lost_updates={len(lost)} write_p50_ms={p(0.5):.2f} write_p99_ms={p(0.99):.2f}")
for line in (unexpected + lost)[:20]:
    print("  " + line)
sys.exit(1 if unexpected or lost else 0)
