#!/usr/bin/env bash
# Builds the release (static, stripped) binaries and the bench's floor
# programs, then prints the benchmark figures as `name=value`, each against
# its floor or ceiling measured in the same run (`name_x_floor=`): hand-off
# latency, wrapper overhead, cancel latency, tee throughput, timeout
# overshoot, fast-poll hand-off, peak RSS, start-up, sizes. Then, as root,
# the podsim figures (a 20-step Task; test/bench/bench_podsim.sh).
# Usage: test/bench/run.sh [RUNS]   (PODSTEP_BENCH_PODSIM=0 skips podsim,
# PODSTEP_BENCH_LIBC=glibc measures the glibc build on amd64,
# PODSTEP_BENCH_ONLY=tee,overhead only those figures: handoff, overhead,
# cancel, tee, timeout, handoff_fast_poll, rss, start)
set -euo pipefail
cd "$(dirname "$0")/../.."
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
fi
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DPODSTEP_STATIC=ON >/dev/null
cmake --build build/release -j "$(nproc)" --target entrypoint nop stepinit bench_entrypoint \
  bench_stamp bench_floor_handoff bench_floor_wrapper bench_floor_tee >/dev/null
# What the images ship: on amd64 the musl build (cmake/x86_64-linux-musl.cmake);
# PODSTEP_BENCH_LIBC=glibc measures the glibc one instead.
tested=build/release/bin
if [[ $(dpkg --print-architecture) == amd64 && ${PODSTEP_BENCH_LIBC:-musl} == musl ]]; then
  cmake -S . -B build/musl --toolchain cmake/x86_64-linux-musl.cmake -DCMAKE_BUILD_TYPE=Release \
    -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF >/dev/null
  cmake --build build/musl -j "$(nproc)" --target entrypoint nop stepinit >/dev/null
  tested=build/musl/bin
fi
build/release/bin/bench_entrypoint build/release/bin "${1:-200}" "$tested"
if [[ ${PODSTEP_BENCH_PODSIM:-1} != 0 && $(id -u) == 0 ]]; then
  test/bench/bench_podsim.sh
fi
