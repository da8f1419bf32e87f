#!/usr/bin/env bash
# Peak resident memory of one HTTP dry-run import of a ~50 MiB GeoJSON body
# (issue 9: "an HTTP import holds about 30x its body"). Each binary named is
# measured in the same run, on the same body, on a fresh SQLite store:
#   bash bench/import_memory.sh [BASELINE_BIN] [NEW_BIN]
# NEW_BIN defaults to target/release/assetmap; without BASELINE_BIN only it
# is measured. The figure is the server's VmHWM (peak RSS) after the import,
# minus its RSS before it, beside the body's size.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-}
NEW=${2:-target/release/assetmap}
SIZE=${SIZE:-52428800}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
python3 bench/gen_import.py "$work/body.geojson" "$SIZE"
body=$(stat -c %s "$work/body.geojson")

kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }

measure() { # binary label
  local port=$((20000 + RANDOM % 10000))
  ASSETMAP_ADMIN_TOKEN=bench "$1" serve --database-url "sqlite://$work/$2.db" \
    --listen "127.0.0.1:$port" --no-sample --web-dir "$work" >"$work/$2.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
    sleep 0.2
  done
  local before status
  before=$(kib VmRSS)
  status=$(curl -s -o "$work/$2.report" -w '%{http_code}' \
    -H 'Authorization: Bearer bench' -H 'Content-Type: application/json' \
    --data-binary @"$work/body.geojson" \
    "http://127.0.0.1:$port/api/import?dataset=bench&capital=public&category=library&id_field=ref&dry_run=true")
  [ "$status" = 200 ] || { echo "$2: import answered $status"; head -c 500 "$work/$2.report"; exit 1; }
  local peak
  peak=$(kib VmHWM)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  local grown=$(( (peak - before) * 1024 ))
  printf '%-10s body %6.1f MiB  peak RSS %7.1f MiB  grown %7.1f MiB  = %5.1fx the body\n' \
    "$2" "$(echo "$body/1048576" | bc -l)" "$(echo "$peak/1024" | bc -l)" \
    "$(echo "$grown/1048576" | bc -l)" "$(echo "$grown/$body" | bc -l)"
}

[ -n "$BASE" ] && measure "$BASE" baseline
measure "$NEW" new
