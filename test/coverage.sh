#!/usr/bin/env bash
# Line coverage of common/ by the whole ctest suite (unit, process and e2e
# tests), measured with gcov through lcov in its own build (build/coverage).
# The last line printed is "line coverage of common/: NN.N%".
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/coverage

if ! command -v lcov >/dev/null; then
  echo "SKIPPED: lcov is not installed (scripts/install-deps.sh installs it)" >&2
  exit 77
fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DPODSTEP_STATIC=ON \
  -DCMAKE_C_FLAGS=--coverage -DCMAKE_CXX_FLAGS=--coverage \
  -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
cmake --build "$dir" -j "$(nproc)"
lcov --quiet --zerocounters --directory "$dir"
# The binaries write their counters when they exit; tests that fail still count.
ctest --test-dir "$dir" --output-on-failure -E '^image$' || echo "coverage: some tests failed" >&2
lcov --quiet --capture --directory "$dir" --output-file "$dir/all.info" 2>/dev/null
lcov --quiet --extract "$dir/all.info" "$PWD/common/*" --output-file "$dir/common.info"
summary=$(lcov --summary "$dir/common.info" 2>&1 | grep -E '^ *lines')
echo "$summary"
percent=$(sed -E 's/.*: ([0-9.]+)%.*/\1/' <<<"$summary")
echo "line coverage of common/: ${percent}%"
