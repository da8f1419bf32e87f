#!/usr/bin/env bash
# A 60-second mixed load (issue 9): wrk reads (bbox, nearest, text, by id;
# bench/mixed.lua) while WRITERS clients PATCH a hot set of assets with
# If-Match (bench/mixed_writers.py). Passes when there are no errors but the
# expected 409s and no lost update (each asset's final version is 1 + its
# acknowledged writes). Baselines from the same run: the reads' is the same
# wrk run with no writers, the writes' the writers with no reads, so the
# ratios are what each load costs the other.
#   bash bench/mixed.sh [sqlite|postgis]   (DURATION=60, WRITERS=4)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ASSETMAP_BIN:-target/release/assetmap}
DURATION=${DURATION:-60}
WRITERS=${WRITERS:-4}
PG=${ASSETMAP_TEST_PG:-postgres://postgres@127.0.0.1:5432}
store=${1:-sqlite}
work=$(mktemp -d)
pid=
db=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$db" ] && psql "$PG/postgres" -qc "drop database if exists $db" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
[ -x "$BIN" ] || cargo build --release --locked
port=$((20000 + RANDOM % 10000))
token=mixed-bench-token

case $store in
  sqlite) url="sqlite://$work/mixed.db" ;;
  postgis)
    db=bench_mixed_$$_$RANDOM
    psql "$PG/postgres" -qc "create database $db" >/dev/null
    url="$PG/$db" ;;
  *) echo "usage: $0 [sqlite|postgis]"; exit 2 ;;
esac

# 10,000 assets to read; the writers share the first 20 of them.
python3 - "$work/assets.geojson" <<'PY'
import json, random, sys
rng = random.Random(3)
features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates":
             [round(rng.uniform(-2.45, -2.25), 6), round(rng.uniform(53.38, 53.48), 6)]},
             "properties": {"ref": str(n), "name": f"Asset {n}"}} for n in range(10000)]
json.dump({"type": "FeatureCollection", "features": features}, open(sys.argv[1], "w"))
PY
ASSETMAP_ADMIN_TOKEN=$token "$BIN" serve --database-url "$url" --listen "127.0.0.1:$port" \
  --no-sample --web-dir "$work" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  --data-binary @"$work/assets.geojson" \
  "http://127.0.0.1:$port/api/import?dataset=mixed&capital=public&category=library&id_field=ref" >/dev/null
curl -sf "http://127.0.0.1:$port/api/export.geojson" |
  python3 -c 'import json,sys; [print(f["id"]) for f in json.load(sys.stdin)["features"]]' >"$work/ids.txt"
head -n 20 "$work/ids.txt" >"$work/hot.txt"
echo "$(wc -l <"$work/ids.txt") assets on $store, $(nproc) cores; $WRITERS writers on 20 of them"

export IDS="$work/ids.txt"
status=0
WRITERS=$WRITERS DURATION_S=$DURATION python3 bench/mixed_writers.py 127.0.0.1 "$port" "$token" "$work/hot.txt" \
  >"$work/writers_alone.txt" || status=$?
echo "writers alone:      $(grep '^RESULT' "$work/writers_alone.txt" | sed 's/^RESULT //')"
grep -v '^RESULT' "$work/writers_alone.txt" || true
base=$(wrk -t2 -c16 -d"${DURATION}s" --timeout 10s -s bench/mixed.lua "http://127.0.0.1:$port" | grep '^RESULT')
echo "reads alone:        ${base#RESULT }"
WRITERS=$WRITERS DURATION_S=$DURATION python3 bench/mixed_writers.py 127.0.0.1 "$port" "$token" "$work/hot.txt" \
  >"$work/writers.txt" &
writers=$!
mixed=$(wrk -t2 -c16 -d"${DURATION}s" --timeout 10s -s bench/mixed.lua "http://127.0.0.1:$port" | grep '^RESULT')
wait "$writers" || status=$?
echo "reads with writers: ${mixed#RESULT }"
echo "writers with reads: $(grep '^RESULT' "$work/writers.txt" | sed 's/^RESULT //')"
grep -v '^RESULT' "$work/writers.txt" || true
for r in "$base" "$mixed"; do
  case $r in *" errors=0 non2xx=0"*) ;; *) echo "FAIL: read errors"; status=1 ;; esac
done
[ "$status" = 0 ] && echo "PASS: no errors but 409s, no lost update" || echo "FAIL"
exit "$status"
