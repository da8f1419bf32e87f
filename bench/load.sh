#!/usr/bin/env bash
# Load benchmarks at national scale (issue 13): 1,000,000 assets clustered
# around LSOA centres, 1,000 viewports of about 3 km. Each figure beside its
# baseline from the same run:
#   import            assetmap import  vs  ogr2ogr -f PostgreSQL (COPY)
#   start-up, RSS     store to ready index, resident memory after start-up
#   bbox req/s, p99   wrk -t2 -c16 on loopback  vs  PostGIS alone (pgbench,
#                     4 clients, the same boxes as one json_agg statement)
#   trivial route     /api/categories, the server's own ceiling
#   tiles             the z6-z16 mix  vs  Martin 1.14, cache off, on the same
#                     PostGIS table (bench/tiles_martin.sh, when martin is
#                     installed; MARTIN=path)
# Usage: bash bench/load.sh [postgis|sqlite|all]   (DURATION=20s by default)
# Needs wrk, pgbench, ogr2ogr (Debian: wrk, postgresql-client, gdal-bin) and
# PostgreSQL with PostGIS at ASSETMAP_TEST_PG.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ASSETMAP_BIN:-target/release/assetmap}
export PGOPTIONS="-c client_min_messages=warning"
PG=${ASSETMAP_TEST_PG:-postgres://postgres@127.0.0.1:5432}
DATA=${DATA:-bench/out/assets_1m.geojson}
DURATION=${DURATION:-20s}
PORT=${PORT:-18080}
which=${1:-all}
[ -f "$DATA" ] || python3 bench/gen_1m.py
[ -x "$BIN" ] || cargo build --release --locked
count=$(grep -c '"type":"Feature"' "$DATA")
out=bench/out/load-$(date -u +%Y%m%dT%H%M%S).md
mkdir -p bench/out
say() { echo "$*" | tee -a "$out"; }

hostport=${PG#postgres://}; hostport=${hostport#*@}
pg_host=${hostport%%:*}; pg_port=${hostport##*:}; [ "$pg_port" = "$hostport" ] && pg_port=5432
fresh_db() { psql "$PG/postgres" -qc "drop database if exists $1" -c "create database $1" >/dev/null; }

# "seconds peak_kb" of a command, from GNU time.
timed() { /usr/bin/time -f "TIMED %e %M" "$@" 2>&1 >/dev/null | grep '^TIMED' | cut -d' ' -f2-; }

serve_and_measure() { # url label
  local url=$1 label=$2
  local t0 t1 pid rss
  t0=$(date +%s.%N)
  "$BIN" serve --database-url "$url" --listen "127.0.0.1:$PORT" --no-sample \
    --sync-interval-ms 250 >/tmp/assetmap-bench-serve.log 2>&1 &
  pid=$!
  # A failed measure (set -e) must not leave the server holding the database.
  trap "kill $pid 2>/dev/null || true" EXIT
  until curl -sf "http://127.0.0.1:$PORT/api/health" 2>/dev/null | grep -q "\"assets_indexed\":$count"; do
    kill -0 $pid 2>/dev/null || { echo "server died"; cat /tmp/assetmap-bench-serve.log; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s.%N)
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  say "| $label start-up, store to ready index | $(echo "$t1 - $t0" | bc) s | |"
  say "| $label RSS after start-up | $((rss / 1024)) MB ($((rss * 1024 / count)) bytes an asset) | |"
  local r
  r=$(wrk -t2 -c16 -d"$DURATION" -s bench/bbox.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
  say "| $label GET /api/assets?bbox=..&limit=10000 | ${r#RESULT } | |"
  r=$(wrk -t2 -c16 -d"$DURATION" -s bench/tiles.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
  say "| $label tiles, z6-z16 mix, first pass drawn then cached | ${r#RESULT } | |"
  r=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$PORT/api/categories" | awk '/Requests\/sec/ {print $2}')
  say "| $label /api/categories (trivial route) | $r req/s | |"
  kill $pid; wait $pid 2>/dev/null || true
}

say "# Load run $(date -u +%FT%TZ), $count assets, $(nproc) cores"
say ""
say "| measure | assetmap | baseline in the same run |"
say "|---|---|---|"

if [ "$which" = all ] || [ "$which" = postgis ]; then
  fresh_db assetmap_bench_ogr
  psql "$PG/assetmap_bench_ogr" -qc "create extension postgis" >/dev/null
  base=$(timed ogr2ogr -f PostgreSQL "PG:host=$pg_host port=$pg_port user=postgres dbname=assetmap_bench_ogr" \
    "$DATA" -nln asset_ogr -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST)
  fresh_db assetmap_bench
  mine=$(timed "$BIN" import "$DATA" --database-url "$PG/assetmap_bench" --id-field ref --dataset bench)
  say "| PostGIS import (s, peak RSS KB) | $mine | ogr2ogr: $base |"
  serve_and_measure "$PG/assetmap_bench" PostGIS
  psql "$PG/assetmap_bench" -qc "drop table if exists bench_viewport; create table bench_viewport (id int primary key, box geometry(Polygon, 4326))"
  awk -F, '{printf "%d\tSRID=4326;POLYGON((%s %s,%s %s,%s %s,%s %s,%s %s))\n", NR, $1,$2,$3,$2,$3,$4,$1,$4,$1,$2}' \
    bench/out/viewports.txt | psql "$PG/assetmap_bench" -qc "\\copy bench_viewport from stdin"
  median=$(psql "$PG/assetmap_bench" -qAtc "select percentile_cont(0.5) within group (order by n) from (select count(a.*) n from bench_viewport v left join asset a on a.geom && v.box group by v.id) c")
  secs=${DURATION%s}
  tps=$(pgbench -n -c4 -j2 -T"$secs" -f bench/bbox_postgis.sql "$PG/assetmap_bench" 2>/dev/null | awk '/^tps/ {print $3; exit}')
  say "| PostGIS alone, same boxes, json_agg (pgbench -c4) | | $tps req/s (median $median assets a box) |"
  if command -v "${MARTIN:-martin}" >/dev/null; then
    DURATION=$DURATION bash bench/tiles_martin.sh "$PG/assetmap_bench" | tail -n +3 | tee -a "$out"
  else
    say "| tiles against Martin 1.14 | not run: martin not installed (see bench/tiles_martin.sh) | |"
  fi
fi

if [ "$which" = all ] || [ "$which" = sqlite ]; then
  db=bench/out/bench.db
  rm -f "$db" "$db-wal" "$db-shm"
  mine=$(timed "$BIN" import "$DATA" --database-url "sqlite://$db" --id-field ref --dataset bench)
  say "| SQLite import (s, peak RSS KB) | $mine | |"
  serve_and_measure "sqlite://$db" SQLite
fi
echo "written to $out"
