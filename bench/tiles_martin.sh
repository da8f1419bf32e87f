#!/usr/bin/env bash
# Tiles per second over the z6-z16 mix of bench/tiles.lua: assetmap (tiles
# from memory, cached per data generation) against Martin 1.14 serving the
# same PostGIS table with its cache off, in the same run (issue 13).
# Usage: bash bench/tiles_martin.sh POSTGIS_URL   (a database assetmap
# imported, e.g. by bench/load.sh; DURATION=20s by default)
# Needs wrk and martin (cargo install martin --locked --version 1.14.0
# --no-default-features --features postgres; MARTIN=path if not on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:?usage: bash bench/tiles_martin.sh POSTGIS_URL}
BIN=${ASSETMAP_BIN:-target/release/assetmap}
MARTIN=${MARTIN:-martin}
DURATION=${DURATION:-20s}
PORT=${PORT:-18080}
export MARTIN_PORT=${MARTIN_PORT:-18081} DATABASE_URL=$URL
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
wait_for() { until curl -sf "$1" >/dev/null 2>&1; do sleep 0.2; done; }

"$BIN" serve --database-url "$URL" --listen "127.0.0.1:$PORT" --no-sample >/tmp/assetmap-tiles.log 2>&1 &
pids+=($!)
"$MARTIN" --config bench/martin.yaml >/tmp/martin-tiles.log 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORT/api/health"
wait_for "http://127.0.0.1:$MARTIN_PORT/catalog"

run() { # base path label
  local r
  r=$(TILE_PATH=$2 wrk -t2 -c16 -d"$DURATION" -s bench/tiles.lua "$1" | grep '^RESULT')
  echo "| $3 | ${r#RESULT } |"
}
# A cold pass first: every tile of the mix once, by 4 clients, on the
# freshly started server, so assetmap draws each tile (nothing cached yet).
cold() { # base path label
  local r
  r=$(python3 bench/tiles_cold.py "$1" "$2" | grep '^RESULT')
  echo "| $3, one cold pass (each tile once) | ${r#RESULT } |"
}
echo "| server | tiles over the z6-z16 mix |"
echo "|---|---|"
cold "http://127.0.0.1:$PORT" /tiles/assets/%d/%d/%d.mvt "assetmap"
cold "http://127.0.0.1:$MARTIN_PORT" /assets/%d/%d/%d "Martin 1.14, cache off"
run "http://127.0.0.1:$MARTIN_PORT" /assets/%d/%d/%d "Martin 1.14, cache off"
run "http://127.0.0.1:$PORT" /tiles/assets/%d/%d/%d.mvt "assetmap"
