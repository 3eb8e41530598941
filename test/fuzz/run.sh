#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-16 + libc++, ASan + UBSan) in
# build/fuzz when needed, then runs each for SECONDS (default 20) on a copy
# of its seed corpus test/fuzz/corpus/<target>/ (the repository is never
# written). Prints one line per target — executions and crashes — then a
# summary; exits 1 when any target crashed (its reproducers are kept under
# build/fuzz/artifacts/<target>/). TARGETS (space-separated) limits the run;
# JOBS targets run at once (default: the number of CPUs); RUNS=N stops each
# target after N executions (SECONDS still caps the time); SEED=N fixes
# libFuzzer's random seed (default 0: a new one each run).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
build=${PODSTEP_FUZZ_BUILD:-build/fuzz}
jobs=${JOBS:-$(nproc)}
cxx=${PODSTEP_FUZZ_CXX:-clang++-16}
cc=${PODSTEP_FUZZ_CC:-clang-16}

cmake -S . -B "$build" -DPODSTEP_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
  -DPODSTEP_STATIC=OFF -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null

# Symbolized stack traces: clang-16's symbolizer if installed, else llvm-14's.
for symbolizer in llvm-symbolizer-16 llvm-symbolizer-14 llvm-symbolizer; do
  if command -v "$symbolizer" >/dev/null; then
    export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v "$symbolizer")}
    break
  fi
done

targets=${TARGETS:-$(cd test/fuzz && ls ./*_fuzzer.cpp | sed 's|^\./||; s|\.cpp$||')}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs one target; writes "<executions> <crashes>" to $work/<target>.result.
run_target() {
  local target=$1 dir=$work/$1
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [[ -d test/fuzz/corpus/$target ]]; then cp -R "test/fuzz/corpus/$target/." "$dir/corpus/"; fi
  local rc=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$build/bin/$target" "$dir/corpus" -max_total_time="$seconds" -runs="${RUNS:--1}" -seed="${SEED:-0}" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    >"$dir/log" 2>&1 || rc=$?
  local executions crashes
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  crashes=$(find "$dir/artifacts" -type f | wc -l)
  if ((rc != 0 && crashes == 0)); then crashes=1; fi
  echo "${executions:-0} $crashes" >"$work/$target.result"
  if ((crashes > 0)); then
    mkdir -p "$build/artifacts/$target"
    cp -R "$dir/artifacts/." "$build/artifacts/$target/"
    cp "$dir/log" "$build/artifacts/$target/log"
  fi
}

running=0
for target in $targets; do
  run_target "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

total_executions=0 total_crashes=0 failed=()
for target in $targets; do
  read -r executions crashes <"$work/$target.result"
  printf '%-28s executions %10d  crashes %d\n' "$target" "$executions" "$crashes"
  total_executions=$((total_executions + executions))
  total_crashes=$((total_crashes + crashes))
  if ((crashes > 0)); then failed+=("$target"); fi
done
count=$(wc -w <<<"$targets")
echo "fuzz: $count targets, ${seconds}s each, $total_executions executions, $total_crashes crashes"
if ((total_crashes > 0)); then
  for target in "${failed[@]}"; do
    echo "fuzz: $target crashed; reproducers and log in $build/artifacts/$target/" >&2
    grep -m1 -A12 -E '^==[0-9]+==|invariant violated|deadly signal' \
      "$build/artifacts/$target/log" >&2 || true
  done
  exit 1
fi
