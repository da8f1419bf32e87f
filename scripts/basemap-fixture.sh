#!/usr/bin/env bash
# Builds the test basemap: an MBTiles of OpenMapTiles-schema vector tiles
# made from the Leeds OpenStreetMap extract the tests ship, with Debian's
# tilemaker and the OpenMapTiles profile from its examples. Safe to run again
# (it rebuilds only when the extract is newer); prints the file's path.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
input=tests/fixtures/osm/its-example_leeds.osm.pbf
out=target/basemap-test/leeds.mbtiles
if [ -s "$out" ] && [ "$out" -nt "$input" ]; then
  echo "$out"
  exit 0
fi
command -v tilemaker >/dev/null || { echo "tilemaker is needed: apt-get install tilemaker (scripts/test.sh does)" >&2; exit 1; }
examples=/usr/share/doc/tilemaker/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in config-openmaptiles.json process-openmaptiles.lua; do
  if [ -f "$examples/$f" ]; then cp "$examples/$f" "$work/"; else zcat "$examples/$f.gz" >"$work/$f"; fi
done
# The profile's Natural Earth and coastline shapefiles are not needed for a
# city: tilemaker warns that they are missing and goes on.
(cd "$work" && tilemaker --input "$root/$input" --output "$work/leeds.mbtiles" \
  --config config-openmaptiles.json --process process-openmaptiles.lua) >"$work/log" 2>&1 ||
  { cat "$work/log" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$work/leeds.mbtiles" "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
