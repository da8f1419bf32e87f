#!/usr/bin/env bash
# Start-up of a server over a store that already holds the assets (issue 13):
# from launch to /api/health counting every live asset, RUNS times (default
# 5), with the server's CPU time at that moment (user + system, from
# /proc/PID/stat) and its resident memory. Prints one line per run and the
# medians. Compare two binaries in one run by calling it twice with
# ASSETMAP_BIN set. IDLE=6 waits that many seconds before each run: on the
# virtual machine these figures come from, a start-up after the machine
# sat idle took 2.7-3.1 s where one straight after another took 1.6-2.1 s
# (bench/README.md, fifth pass), so say which was measured.
# Usage: bash bench/startup.sh DATABASE_URL EXPECTED_COUNT
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ASSETMAP_BIN:-target/release/assetmap}
RUNS=${RUNS:-5}
PORT=${PORT:-18090}
url=$1
count=$2
tick=$(getconf CLK_TCK)
walls=() cpus=() rsss=()
for run in $(seq "$RUNS"); do
  sleep "${IDLE:-0}"
  t0=$(date +%s.%N)
  "$BIN" serve --database-url "$url" --listen "127.0.0.1:$PORT" --no-sample \
    >/tmp/assetmap-startup.log 2>&1 &
  pid=$!
  trap "kill $pid 2>/dev/null || true" EXIT
  until curl -sf "http://127.0.0.1:$PORT/api/health" 2>/dev/null | grep -q "\"assets_indexed\":$count"; do
    kill -0 $pid 2>/dev/null || { echo "server died"; cat /tmp/assetmap-startup.log; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s.%N)
  # Fields 14 and 15 of /proc/PID/stat: user and system time in ticks.
  ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  # Huge pages from a reserved pool (MIMALLOC_RESERVE_HUGE_OS_PAGES, see
  # the README) are not in VmRSS: count them too.
  rss=$(awk '/^(VmRSS|HugetlbPages):/ {n += $2} END {print n}' "/proc/$pid/status")
  kill $pid
  wait $pid 2>/dev/null || true
  wall=$(echo "$t1 - $t0" | bc)
  cpu=$(echo "scale=2; $ticks / $tick" | bc)
  echo "run $run: wall ${wall} s, CPU ${cpu} s, RSS $((rss / 1024)) MB ($((rss * 1024 / count)) bytes an asset)"
  walls+=("$wall") cpus+=("$cpu") rsss+=("$((rss / 1024))")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "median of $RUNS: wall $(median "${walls[@]}") s, CPU $(median "${cpus[@]}") s, RSS $(median "${rsss[@]}") MB"
grep -o 'read model loaded.*' /tmp/assetmap-startup.log | tail -n 1 || true
