#!/usr/bin/env bash
# Runs the process tests against another architecture's binaries (a cross
# build's bin dir) through qemu-user: the test program and its helper (the
# wrapped command) stay native, entrypoint/stepinit/nop/… are the cross-built
# ones (PODSTEP_TEST_BIN_DIR, see test/process/process_support.h).
#
#   test/cross/run.sh PROCESS_TESTS BIN_DIR [ARCH]     # ARCH: arm64 (default)
#
# Exit status: that of the tests; 1 when BIN_DIR does not hold ARCH binaries;
# 77 (ctest: skipped, with a "SKIPPED: <reason>" line) when this machine
# cannot run ARCH binaries (binfmt_misc or qemu-user missing).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
process_tests=$1 bin_dir=$2 arch=${3:-arm64}
# Absolute: the tests start the binaries from inside their temp dirs.
bin_dir=$(cd "$bin_dir" && pwd) || { echo "cross tests: FAILED: no directory $2"; exit 1; }
case $arch in
  arm64) machine="b7 00" qemu=aarch64 ;;
  *) echo "cross tests: unknown architecture '$arch'"; exit 1 ;;
esac

# Every suite that starts processes, touches files or signals: waiting,
# running, results, the termination message, timeouts and stop signals,
# flags and platform commands, subcommands (init, cp, step-init, stepinit,
# nop), tee, sidecarlogresults, workingdirinit. Left out: suites of pure
# parsing (CEL limits, Go durations) and credentials (file formatting), the
# same code on every architecture, run natively. A test qemu-user cannot
# support skips itself with the reason (kEmulationLimits, process_support.cpp).
filter=${PODSTEP_CROSS_FILTER:--CelLimitsTest.*:Go/DurationTest.*:CredentialsTest.*}

for binary in entrypoint stepinit nop sidecarlogresults workingdirinit; do
  [[ -x $bin_dir/$binary ]] || { echo "cross tests: FAILED: no $bin_dir/$binary (build it first)"; exit 1; }
  got=$(od -An -tx1 -j18 -N2 "$bin_dir/$binary" | tr -s ' ' | sed 's/^ //')
  [[ $got == "$machine" ]] ||
    { echo "cross tests: FAILED: $bin_dir/$binary is not an $arch binary (ELF machine $got)"; exit 1; }
done
if ! reason=$("$repo/scripts/qemu-binfmt.sh" "$arch" 2>&1); then
  echo "SKIPPED: cross tests: this machine cannot run $arch binaries: $reason"
  exit 77
fi
if ! out=$("$bin_dir/nop" 2>&1); then
  echo "SKIPPED: cross tests: $bin_dir/nop does not run here (binfmt_misc registered, but: $out)"
  exit 77
fi
echo "cross tests: $arch binaries from $bin_dir, run by $(sed -n 's/^interpreter //p' "/proc/sys/fs/binfmt_misc/qemu-$qemu")"
export PODSTEP_TEST_BIN_DIR=$bin_dir PODSTEP_TEST_PLATFORM=linux/$arch
exec "$process_tests" --gtest_filter="$filter"
