#!/usr/bin/env bash
# Demo: a four-step TaskRun pod simulated with the real binaries, the way the
# kubelet runs it — all step containers start at once and hand off through
# post files. Nothing touches the host's /tekton: PODSTEP_TEKTON_ROOT points
# every /tekton default at a temporary directory.
#
#   step-clone   waits for the Downward-API `ready` file (sidecars ready), writes results
#   step-build   reads clone's result through $(steps.clone.results.commit), exits 3 with onError: continue
#   step-test    fails (exit 1)
#   step-report  is skipped because step-test failed
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/release
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPODSTEP_STATIC=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target entrypoint nop >/dev/null

root=$(mktemp -d /tmp/podstep-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
export PODSTEP_TEKTON_ROOT=$root
mkdir -p "$root/results" "$root/downward/..2026_01_01_00_00_00.0" "$root/bin"
: >"$root/downward/..2026_01_01_00_00_00.0/ready"
ln -s ..2026_01_01_00_00_00.0 "$root/downward/..data"
ln -s ..data/ready "$root/downward/ready"

echo "== prepare (init container): entrypoint init"
"$build/bin/entrypoint" init "$build/bin/entrypoint" "$root/bin/entrypoint" \
  step-clone step-build step-test step-report
ep=$root/bin/entrypoint

step() {  # step INDEX NAME WAIT_ARGS... -- COMMAND...
  local i=$1 name=$2; shift 2
  local wait=()
  while [[ $1 != -- ]]; do wait+=("$1"); shift; done
  shift
  "$ep" "${wait[@]}" -post_file "$root/run/$i/out" -termination_path "$root/termination-$i" \
    -step_metadata_dir "$root/run/$i/status" "$@" > >(sed "s/^/[$name] /") 2>&1 &
  pids+=($!)
}

pids=()
echo "== all four step containers start at once"
step 0 clone -wait_file "$root/downward/ready" -wait_file_content -- \
  -results url -step_results commit -entrypoint sh -- -c \
  "echo cloning; printf https://example.com/repo > $root/results/url; printf 4f2a9c1 > $root/steps/step-clone/results/commit"
step 1 build -wait_file "$root/run/0/out" -- \
  -on_error continue -entrypoint sh -- -c 'echo "building commit $(steps.clone.results.commit)"; exit 3'
step 2 test -wait_file "$root/run/1/out" -- \
  -entrypoint sh -- -c 'echo "2 tests failed" >&2; exit 1'
step 3 report -wait_file "$root/run/2/out" -- \
  -entrypoint echo -- "this never runs"

echo "== sidecars ready: the kubelet swaps ..data atomically (ready = READY)"
mkdir "$root/downward/..2026_01_01_00_00_01.0"
printf READY >"$root/downward/..2026_01_01_00_00_01.0/ready"
ln -s ..2026_01_01_00_00_01.0 "$root/downward/..data_tmp"
mv -T "$root/downward/..data_tmp" "$root/downward/..data"

codes=()
for pid in "${pids[@]}"; do
  if wait "$pid"; then codes+=(0); else codes+=($?); fi
done
wait  # bash >= 5.1 also waits for the log prefixers (process substitutions)

echo
printf '%-8s %-5s %-10s %-9s %s\n' STEP EXIT POST EXITCODE "TERMINATION MESSAGE"
names=(clone build test report)
for i in 0 1 2 3; do
  post=none
  [[ -e $root/run/$i/out ]] && post=out
  [[ -e $root/run/$i/out.err ]] && post=out.err
  exit_file=-
  [[ -e $root/run/$i/status/exitCode ]] && exit_file=$(cat "$root/run/$i/status/exitCode")
  printf '%-8s %-5s %-10s %-9s %s\n' "${names[$i]}" "${codes[$i]}" "$post" "$exit_file" \
    "$(cat "$root/termination-$i")"
done

echo
echo "== the same kind of Task through podsim (kubelet semantics, real pod namespaces)"
cmake --build "$build" -j "$(nproc)" --target podsim >/dev/null
"$build/bin/podsim" run --grace-period 2s examples/demo-task.yaml || true
