#!/usr/bin/env bash
# Builds podstep and runs the suites on each build:
#  1. Release: static, stripped binaries, warnings as errors, plus the image
#     test (buildah builds the Dockerfile, podman runs it); then the same
#     binaries on musl (cmake/x86_64-linux-musl.cmake, what the amd64 images
#     ship), and the process tests against them;
#  2. arm64: the release binaries cross-built on musl
#     (cmake/aarch64-linux-musl.cmake, what the arm64 images ship), then the
#     process tests run against them under qemu-user;
#  3. Debug with AddressSanitizer + UndefinedBehaviorSanitizer;
#  4. the libFuzzer targets (test/fuzz, clang-16), a short run of each
#     (PODSTEP_FUZZ_SECONDS, default 20 s per target).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
# ccache, when installed, serves every build below (CMake takes the launcher
# from the environment); paths relative to the clone, so another clone on the
# same machine hits the same cache.
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
fi

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DPODSTEP_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure
}

echo "== release build (static) =="
run_suite build/release -DCMAKE_BUILD_TYPE=Release -DPODSTEP_STATIC=ON -DPODSTEP_IMAGE_TEST=ON
if [[ $(dpkg --print-architecture) == amd64 ]]; then
  echo "== musl build (the amd64 images' binaries) =="
  cmake -S . -B build/musl --toolchain cmake/x86_64-linux-musl.cmake -DPODSTEP_WERROR=ON \
    -DCMAKE_BUILD_TYPE=Release -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF >/dev/null
  cmake --build build/musl -j "$jobs"
  echo "== process tests against the musl binaries =="
  PODSTEP_TEST_BIN_DIR=$PWD/build/musl/bin build/release/bin/process_tests
fi
if [[ $(dpkg --print-architecture) != arm64 ]]; then
  echo "== arm64 musl cross build (the arm64 images' binaries) =="
  cmake -S . -B build/arm64-musl --toolchain cmake/aarch64-linux-musl.cmake -DPODSTEP_WERROR=ON \
    -DCMAKE_BUILD_TYPE=Release -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF >/dev/null
  cmake --build build/arm64-musl -j "$jobs"
  echo "== arm64 process tests under qemu-user =="
  rc=0
  test/cross/run.sh build/release/bin/process_tests build/arm64-musl/bin arm64 || rc=$?
  if ((rc == 77)); then
    echo "arm64 process tests: SKIPPED (the reason is above)"
  elif ((rc != 0)); then
    exit "$rc"
  fi
fi
echo "== sanitizer build (ASan + UBSan) =="
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build/sanitize -DCMAKE_BUILD_TYPE=Debug -DPODSTEP_SANITIZE=ON
echo "== fuzzing (libFuzzer + ASan + UBSan) =="
# A fixed seed: the same mutations every run, so a CI failure reproduces.
SEED=${SEED:-1} test/fuzz/run.sh "${PODSTEP_FUZZ_SECONDS:-20}"
