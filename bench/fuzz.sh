#!/usr/bin/env bash
# Fuzzes assetmap's importers and query parsers for a bounded time:
#   bench/fuzz.sh [SECONDS] [TARGET...]
# SECONDS per target (default 60); targets default to all four (geojson,
# csv, osm, query; see fuzz/src/harness.rs). Needs the nightly toolchain
# and cargo-fuzz (`cargo install cargo-fuzz --locked`). Each target starts
# from tests/fuzz_regressions/<target>/ (seeds and past crashes) plus the
# corpus it grew before (fuzz/corpus/, not committed). A crash, OOM or
# timeout input is copied into tests/fuzz_regressions/<target>/, where the
# stable test `fuzz_regressions::` replays it, and the script exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(geojson csv osm query)

# No sanitizer: assetmap is safe Rust, so bugs show as panics, which
# overflow checks (-a) add to; ASan would halve the execs for little.
(cd fuzz && nice -n 19 cargo +nightly fuzz build -s none -a 2>&1 | tail -3) ||
    { echo "fuzz: build failed" >&2; exit 2; }
bin="$root/fuzz/target/x86_64-unknown-linux-gnu/release"

found=0
printf '%-8s %6s %10s %8s %6s %6s %7s %s\n' target secs execs execs/s cov ft corpus crashes > fuzz/last-run.txt
for t in "${targets[@]}"; do
    corpus="fuzz/corpus/$t" artifacts="fuzz/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    rm -f "$artifacts"/*
    cp tests/fuzz_regressions/"$t"/* "$corpus"/
    dict=()
    [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
    log="fuzz/artifacts/$t.log"
    # -timeout: one input taking 10 s is a hang or quadratic time, a bug.
    nice -n 19 "$bin/$t" "$corpus" "${dict[@]}" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    crashes=0
    for a in "$artifacts"/crash-* "$artifacts"/oom-* "$artifacts"/timeout-* "$artifacts"/leak-*; do
        [ -e "$a" ] || continue
        cp "$a" tests/fuzz_regressions/"$t"/
        echo "fuzz: $t: kept $(basename "$a") in tests/fuzz_regressions/$t/" >&2
        crashes=$((crashes + 1))
    done
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        echo "fuzz: $t exited $status with no crash input; see $log" >&2
        crashes=1
    fi
    [ "$crashes" -gt 0 ] && found=1 && grep -m3 -E 'panicked|ERROR' "$log" >&2
    printf '%-8s %6s %10s %8s %6s %6s %7s %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${ft:-?}" "$(ls "$corpus" | wc -l)" "$crashes" >> fuzz/last-run.txt
done
cat fuzz/last-run.txt
exit "$found"
