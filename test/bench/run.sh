#!/usr/bin/env bash
# Builds the release (static, stripped) binaries and prints the benchmark
# figures: hand-off latency, wrapper overhead, peak RSS, tee throughput, sizes.
# Usage: test/bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DPODSTEP_STATIC=ON >/dev/null
cmake --build build/release -j "$(nproc)" >/dev/null
bin=build/release/bin
# The nop binary doubles as the cheapest possible wrapped command.
"$bin/bench_entrypoint" "$bin/entrypoint" "${1:-200}" "$bin/nop" "$bin/stepinit"
