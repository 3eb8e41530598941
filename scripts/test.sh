#!/usr/bin/env bash
# Builds podstep twice and runs the whole suite on both builds:
#  1. Release: static, stripped binaries (what the images ship), warnings as
#     errors, plus the image test (buildah builds the Dockerfile, podman runs it);
#  2. Debug with AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DPODSTEP_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure
}

echo "== release build (static) =="
run_suite build/release -DCMAKE_BUILD_TYPE=Release -DPODSTEP_STATIC=ON -DPODSTEP_IMAGE_TEST=ON
echo "== sanitizer build (ASan + UBSan) =="
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build/sanitize -DCMAKE_BUILD_TYPE=Debug -DPODSTEP_SANITIZE=ON
