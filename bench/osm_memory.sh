#!/usr/bin/env bash
# Peak resident memory and time of `assetmap import` of a county-sized
# OpenStreetMap extract (bench/gen_osm.py: 8M nodes, 1M ways, 21k assets),
# a dry run and a real import into a fresh SQLite store, for each binary
# named, in the same run:
#   bash bench/osm_memory.sh [BASELINE_BIN] [NEW_BIN]
# NEW_BIN defaults to target/release/assetmap. Needs osmium (Debian's
# osmium-tool) to write the .osm.pbf. NODES=N sets the extract's size.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-}
NEW=${2:-target/release/assetmap}
NODES=${NODES:-8000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_osm.py "$work/county.osm" "$NODES"
osmium cat "$work/county.osm" -o "$work/county.osm.pbf"
rm "$work/county.osm"
echo "extract: $(stat -c %s "$work/county.osm.pbf") bytes of .osm.pbf"

measure() { # binary label
  local db="$work/$2.db"
  rm -f "$db"
  for mode in --dry-run ""; do
    /usr/bin/time -f "$2 ${mode:-import}: %e s, peak RSS %M KiB" \
      "$1" import "$work/county.osm.pbf" --database-url "sqlite://$db" $mode \
      >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
    tail -1 "$work/err"
  done
}

for round in 1 2; do
  [ -n "$BASE" ] && measure "$BASE" "baseline"
  measure "$NEW" "new"
done
