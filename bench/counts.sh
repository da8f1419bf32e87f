#!/usr/bin/env bash
# The legend's counts (`/api/assets/counts`) over three boxes at 1M assets:
# England and Wales, Greater Manchester, a few streets of Manchester. Median
# of 9 requests each, from curl on loopback, for each server named, the
# servers taken in turn box by box so that both see the same machine:
#   bash bench/counts.sh http://127.0.0.1:8091 [http://127.0.0.1:8092 ...]
# Start each server over the same store (say the 1M PostGIS database of
# bench/README.md) with different binaries to compare them.
set -euo pipefail
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for box in "-6.8,47.6,2.25,57" "-2.6,53.3,-2.0,53.6" "-2.3,53.45,-2.2,53.5"; do
  for base in "$@"; do
    url="$base/api/assets/counts?bbox=$box"
    t=$(for _ in $(seq 9); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done | median)
    echo "$box $base: median ${t} s, $(curl -s "$url" | grep -o '"numberMatched":[0-9]*')"
  done
done
