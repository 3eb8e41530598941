#!/usr/bin/env bash
# Builds the release binaries and prints podsim's figures: a 20-step Task
# end to end and the step hand-off latency inside real pods. Needs root.
# Usage: test/bench/bench_podsim.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DPODSTEP_STATIC=ON >/dev/null
cmake --build build/release -j "$(nproc)" --target podsim bench_podsim bench_stamp entrypoint nop >/dev/null
bin=build/release/bin
"$bin/bench_podsim" "$(realpath "$bin/podsim")" "$(realpath "$bin/bench_stamp")" "${1:-20}"
