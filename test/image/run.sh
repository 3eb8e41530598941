#!/usr/bin/env bash
# End-to-end test of the real Dockerfile: builds its `entrypoint`, `nop`,
# `sidecarlogresults` and `workingdirinit` targets with buildah (no Docker engine and no registry needed), runs the
# images with podman + runc, and checks what Tekton's controller relies on
# (CONTRACT.md sections 1, 8 and 10). Then it builds every target again as a
# manifest list of linux/amd64 and linux/arm64 (the builder cross-compiles),
# checks each image's architecture, and runs the arm64 nop and entrypoint
# under qemu-user (scripts/qemu-binfmt.sh; skipped, and counted so, when
# binfmt_misc cannot be set up).
#
#   sudo test/image/run.sh        # as root; no arguments
#
# Exit status: 0 all checks passed (last line "image test: N passed, 0 failed");
# 1 a build or a check failed (the last line names it); 77 this machine cannot
# build or run images (a loud "SKIPPED: <reason>" line; ctest reports the test
# as skipped). It never passes silently.
#
# What it touches on the host:
# * installs buildah, podman, runc and debootstrap with apt-get when missing
#   (runs apt-get update only then; with their Recommends, the set measured
#   in CONTAINERS.md);
# * the base rootfs cache (below);
# * nothing else: it runs in a private mount namespace, and everything lives
#   in a mktemp dir removed at exit: a private containers.conf (runc,
#   cgroupfs, file events, no network, ulimits), storage.conf (graphroot,
#   runroot), an empty registries.conf. Host paths the tools write to
#   regardless of their config (/var/lib/containers/cache, /var/tmp, /run/runc)
#   are covered by private bind mounts inside the namespace. Nothing is pulled
#   (--pull=never) and containers run with --network none.
#
# The builder's base image is a debootstrap (minbase) of Debian bookworm from
# the apt mirror this machine uses, with every package scripts/install-deps.sh
# lists preinstalled, so the Dockerfile's install-deps step finds them all and
# the build runs with --network none. Its rootfs tarball is CACHED in
# $PODSTEP_IMAGE_CACHE (default /var/cache/podstep-image-test), keyed by the
# package list, mirror and architecture: the first run on a machine spends
# about a minute in debootstrap, later runs skip it. A new key replaces older
# tarballs; delete the directory to reclaim the space (about 0.5 GB).
#
# Environment: PODSTEP_IMAGE_CACHE (cache dir), PODSTEP_DEBIAN_MIRROR (instead
# of the detected mirror), PODSTEP_IMAGE_KEEP=1 (keep the temp dir's logs).
set -euo pipefail
export LC_ALL=C
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
suite=bookworm
cache_dir=${PODSTEP_IMAGE_CACHE:-/var/cache/podstep-image-test}
base_image=localhost/podstep-test-base:$suite
entrypoint_image=localhost/podstep-test-entrypoint:test
nop_image=localhost/podstep-test-nop:test
sidecarlogresults_image=localhost/podstep-test-sidecarlogresults:test
workingdirinit_image=localhost/podstep-test-workingdirinit:test

# --- reporting ------------------------------------------------------------
start_time=${PODSTEP_IMAGE_START:-$EPOCHREALTIME}
phase_names=()
phase_seconds=()
if [[ -n ${PODSTEP_IMAGE_TOOLS_SECONDS:-} ]]; then
  phase_names=(tools)
  phase_seconds=("$PODSTEP_IMAGE_TOOLS_SECONDS")
fi
phase_name=""
phase_start=""
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
end_phase() {
  [[ -n $phase_name ]] || return 0
  local took
  took=$(seconds_since "$phase_start")
  phase_names+=("$phase_name")
  phase_seconds+=("$took")
  echo "    ... $took s"
  phase_name=""
}
phase() {
  end_phase
  phase_name=$1
  phase_start=$EPOCHREALTIME
  echo "image test: $1"
}
print_timings() {
  end_phase
  ((${#phase_names[@]})) || return 0
  echo "image test: timings"
  local i
  for i in "${!phase_names[@]}"; do
    printf '  %7s s  %s\n' "${phase_seconds[$i]}" "${phase_names[$i]}"
  done
  printf '  %7s s  total\n' "$(seconds_since "$start_time")"
}

outcome=""  # the last line printed at exit
skip() {
  outcome="SKIPPED: image test: $*"
  echo "$outcome"
  exit 77
}
fail() {
  outcome="image test: FAILED: $*"
  echo "$outcome"
  exit 1
}
show_log() {  # show_log FILE [LINES]: the end of a log, indented
  echo "---- last lines of $1 ----"
  tail -n "${2:-40}" "$1" | sed 's/^/  | /'
  echo "----"
}
trap 'echo "image test: unexpected error at line $LINENO: $BASH_COMMAND" >&2' ERR

# --- tools, then the rest in a private mount namespace ----------------------
if [[ ${PODSTEP_IMAGE_IN_NS:-} != 1 ]]; then
  [[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, containers storage, runc)"
  phase "tools"
  missing=()
  for tool in buildah podman runc debootstrap; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    command -v apt-get >/dev/null || skip "${missing[*]} missing and no apt-get to install them"
    echo "  installing ${missing[*]}"
    apt_log=$(mktemp /tmp/podstep-image-apt.XXXXXX)
    if ! { apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
      >"$apt_log" 2>&1; then
      show_log "$apt_log" 20
      rm -f "$apt_log"
      skip "could not install ${missing[*]} with apt-get"
    fi
    rm -f "$apt_log"
  fi
  for tool in buildah podman runc conmon debootstrap unshare mount flock tar cmp; do
    command -v "$tool" >/dev/null || skip "$tool is not available"
  done
  unshare --mount --propagation private true 2>/dev/null ||
    skip "cannot create a private mount namespace (unshare --mount --propagation private): in a chroot, or no CAP_SYS_ADMIN?"
  end_phase
  trap - ERR
  export PODSTEP_IMAGE_IN_NS=1 PODSTEP_IMAGE_START=$start_time PODSTEP_IMAGE_TOOLS_SECONDS=${phase_seconds[0]}
  exec unshare --mount --propagation private -- "$BASH" "${BASH_SOURCE[0]}" "$@"
fi

# --- private containers config and storage --------------------------------
work=$(mktemp -d /tmp/podstep-image.XXXXXX)
chmod 0755 "$work"
storage_works=no
passed=0
skipped_checks=()
shadowed=()      # host dirs covered by a private bind mount
created_dirs=()  # mount points this run had to create (removed at exit)

unmount_under() {  # lazily unmount everything mounted below $1, deepest first
  awk -v dir="$1/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r target; do umount -l "$target" 2>/dev/null || true; done
}
cleanup() {
  local rc=$? dir i
  trap - ERR
  set +e
  phase "cleanup"
  if [[ $storage_works == yes ]]; then
    podman image unmount --all --force >/dev/null 2>&1
    podman rm --all --force --time 0 >/dev/null 2>&1
    buildah rm --all >/dev/null 2>&1
    podman rmi --all --force >/dev/null 2>&1
  fi
  unmount_under "$work"
  for dir in "${shadowed[@]}"; do umount -l "$dir"; done
  for ((i = ${#created_dirs[@]} - 1; i >= 0; i--)); do rmdir "${created_dirs[$i]}"; done
  if [[ ${PODSTEP_IMAGE_KEEP:-} == 1 ]]; then
    rm -rf --one-file-system "$work/storage" "$work/run" "$work"/shadow_* "$work/rootfs"
    echo "  kept $work (PODSTEP_IMAGE_KEEP=1)"
  else
    rm -rf --one-file-system "$work"
  fi
  print_timings
  if ((rc == 0)); then
    echo "image test: $passed passed, 0 failed${skipped_checks:+, ${#skipped_checks[@]} skipped}"
  elif [[ -n $outcome ]]; then
    echo "$outcome"
  else
    echo "image test: FAILED (exit $rc)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

shadow() {  # shadow DIR [MODE]: a private, empty DIR for this namespace
  local dir=$1 source=$work/shadow${1//\//_}
  mkdir -p "$source"
  chmod "${2:-0700}" "$source"
  if [[ ! -d $dir ]]; then
    mkdir "$dir"
    created_dirs+=("$dir")
  fi
  mount --bind "$source" "$dir"
  shadowed+=("$dir")
}
shadow /var/lib/containers  # the blob-info cache, whatever the storage config
shadow /var/tmp 1777        # buildah's temporary files
shadow /run/runc            # runc's state root (podman and buildah pass no --root)

export CONTAINERS_CONF=$work/containers.conf
export CONTAINERS_STORAGE_CONF=$work/storage.conf
export CONTAINERS_REGISTRIES_CONF=$work/registries.conf
export TMPDIR=$work/tmp
export XDG_RUNTIME_DIR=$work/xdg
unset CONTAINER_HOST CONTAINER_CONNECTION DOCKER_HOST BUILDAH_ISOLATION BUILDAH_LAYERS \
  PODSTEP_IMAGE_IN_NS PODSTEP_IMAGE_START PODSTEP_IMAGE_TOOLS_SECONDS
mkdir -p "$work/storage" "$work/run" "$work/tmp" "$work/xdg" "$work/networks" "$work/libpod-tmp"
cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$work/events.log"
tmp_dir = "$work/libpod-tmp"
image_copy_tmp_dir = "$work/tmp"

[network]
network_config_dir = "$work/networks"
EOF
driver=overlay
if ! grep -qw overlay /proc/filesystems; then
  modprobe overlay 2>/dev/null || true
  grep -qw overlay /proc/filesystems || driver=vfs
fi
[[ $driver == overlay ]] || echo "  overlayfs is not available: using the (slower) vfs storage driver"
cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "$driver"
graphroot = "$work/storage"
runroot = "$work/run"
EOF
printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"

# --- the base image: a cached debootstrap with the toolchain ---------------
# The packages the Dockerfile's builder installs: install-deps.sh's `build_packages=(…)`.
mapfile -t packages < <(
  sed -n '/^build_packages=(/,/^)/p' "$repo/scripts/install-deps.sh" |
    sed -e 's/^build_packages=(//' -e 's/).*//' -e 's/#.*//' | tr -s ' \t' '\n\n' |
    sed '/^$/d' | sort -u
)
((${#packages[@]} >= 3)) || fail "could not read the build packages of scripts/install-deps.sh"

# The Debian mirror apt uses here (deb822 .sources or one-line .list files):
# an entry for the suite itself, else any Debian main-suite entry.
detect_mirror() {
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  ((${#files[@]})) || return 0
  awk -v suite="$suite" '
    function consider(uri, suites,   n, s, i) {
      n = split(suites, s, " ")
      for (i = 1; i <= n; i++) {
        if (s[i] == suite && exact == "") exact = uri
        if (s[i] !~ /-/ && any == "") any = uri
      }
    }
    function flush() {
      if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "") { split(uris, u, " "); consider(u[1], suites) }
      types = ""; uris = ""; suites = ""; enabled = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^#/) next
      key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
      if (key == "types") types = $0; else if (key == "uris") uris = $0
      else if (key == "suites") suites = $0; else if (key == "enabled") enabled = tolower($0)
      next
    }
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      consider($i, $(i + 1))
    }
    END { flush(); if (exact != "") print exact; else if (any != "") print any }
  ' "${files[@]}"
}
mirror=${PODSTEP_DEBIAN_MIRROR:-$(detect_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
recipe=3  # bump when the rootfs recipe below changes
# The builder cross-compiles for these (the Dockerfile's TARGETARCH); their
# packages come from install-deps.sh's cross_*_<arch>=… lines (installed,
# and unpacked into a prefix).
cross_archs=(arm64)
cross_lines=$(grep '^cross_' "$repo/scripts/install-deps.sh" || true)
key=$(printf '%s\n' "recipe=$recipe" "$suite" "$arch" "$mirror" "${packages[@]}" \
  "${cross_archs[@]}" "$cross_lines" | sha256sum | cut -c1-16)
tarball=$cache_dir/$suite-$arch-build-$key.tar

phase "base rootfs"
mkdir -p "$cache_dir"
exec 9>"$cache_dir/.lock"
flock -w 900 9 || fail "timed out waiting for another run's debootstrap ($cache_dir/.lock)"
if [[ -s $tarball ]]; then
  echo "  cached: $tarball"
else
  echo "  debootstrap --variant=minbase $suite from $mirror with ${packages[*]}"
  rootfs=$work/rootfs
  if ! debootstrap --variant=minbase --arch="$arch" --include="$(IFS=,; echo "${packages[*]}")" \
    "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    show_log "$work/debootstrap.log" 20
    unmount_under "$rootfs"
    if grep -q "Couldn't find these debs" "$work/debootstrap.log"; then
      fail "debootstrap: packages from scripts/install-deps.sh are not in $suite at $mirror"
    fi
    skip "debootstrap of $suite from $mirror failed (is the mirror reachable?)"
  fi
  # Foreign-architecture packages (zlib1g-dev:arm64, …) need dpkg multiarch,
  # which debootstrap cannot do: the rootfs's own apt installs them, and
  # unpacks the arm64 libc++ archives (the builds have no network).
  cp "$repo/scripts/install-deps.sh" "$rootfs/tmp/install-deps.sh"
  mountpoint -q "$rootfs/proc" || mount -t proc proc "$rootfs/proc"
  for cross_arch in "${cross_archs[@]}"; do
    echo "  in the rootfs: install-deps.sh --target-arch $cross_arch"
    # TMPDIR (exported above) is a host path: its mktemp would fail there.
    if ! TMPDIR=/tmp chroot "$rootfs" /bin/bash /tmp/install-deps.sh --target-arch "$cross_arch" \
      >"$work/cross-$cross_arch.log" 2>&1; then
      show_log "$work/cross-$cross_arch.log" 20
      unmount_under "$rootfs"
      # The mirror served debootstrap a moment ago: a failure here is more
      # likely install-deps.sh's own (its unpacking, say) than the network.
      fail "install-deps.sh --target-arch $cross_arch failed in the base rootfs (log above)"
    fi
  done
  unmount_under "$rootfs"
  rm -rf --one-file-system "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/log/* "$rootfs"/tmp/* 2>/dev/null || true
  tar --numeric-owner -C "$rootfs" -cf "$tarball.tmp.$$" .
  rm -f "$cache_dir"/*-build-*.tar  # older keys
  mv "$tarball.tmp.$$" "$tarball"
  rm -rf --one-file-system "$rootfs"
  echo "  cached $(du -h "$tarball" | cut -f1) in $tarball"
fi
flock -u 9
exec 9>&-

phase "import the base image as $base_image"
if ! podman import --change 'CMD ["/bin/bash"]' "$tarball" "$base_image" >"$work/import.log" 2>&1; then
  show_log "$work/import.log" 20
  skip "podman import into a private $driver storage failed: containers storage does not work here"
fi
storage_works=yes
if ! podman run --pull=never --rm --network none --runtime runc "$base_image" /bin/true >"$work/probe.log" 2>&1; then
  show_log "$work/probe.log" 20
  skip "podman + runc cannot run a container on this machine"
fi

# --- build the targets of the real Dockerfile -------------------------------
build() {  # build TARGET IMAGE
  phase "buildah build --target $1"
  if ! buildah build --pull=never --layers --force-rm --isolation oci --network none \
    --build-arg BASE_IMAGE="$base_image" --build-arg BUILDPLATFORM="linux/$arch" \
    --target "$1" -t "$2" -f "$repo/Dockerfile" "$repo" \
    >"$work/build-$1.log" 2>&1; then
    show_log "$work/build-$1.log" 40
    fail "buildah build --target $1 of $repo/Dockerfile"
  fi
}
build entrypoint "$entrypoint_image"
build nop "$nop_image"
build sidecarlogresults "$sidecarlogresults_image"
build workingdirinit "$workingdirinit_image"

# Each target again as a manifest list of linux/amd64 and linux/arm64 (the
# README's release build). The builder runs on linux/$arch for both and
# cross-compiles; buildah 1.28 (bookworm) does not set BUILDPLATFORM itself.
platforms=linux/amd64,linux/arm64
targets=(entrypoint nop sidecarlogresults workingdirinit)
for target in "${targets[@]}"; do
  phase "buildah build --manifest --platform $platforms --target $target"
  if ! buildah build --pull=never --layers --force-rm --isolation oci --network none \
    --build-arg BASE_IMAGE="$base_image" --build-arg BUILDPLATFORM="linux/$arch" \
    --platform "$platforms" --manifest "localhost/podstep-test-$target:multi" --target "$target" \
    -f "$repo/Dockerfile" "$repo" >"$work/build-$target-multi.log" 2>&1; then
    show_log "$work/build-$target-multi.log" 40
    fail "buildah build --manifest --platform $platforms --target $target of $repo/Dockerfile"
  fi
done

# --- checks ---------------------------------------------------------------
phase "checks"
passed=0
failed_checks=()
skipped_checks=()
why() { printf '%s\n' "$@" | sed 's/^/    /' >&2; }
check() {  # check NAME FUNCTION
  local name=$1 started=$EPOCHREALTIME
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "  ok   $name ($(seconds_since "$started") s)"
  else
    failed_checks+=("$name")
    echo "  FAIL $name"
  fi
}
run() {  # podman run, no network, runc; the ulimits come from containers.conf
  podman run --pull=never --rm --network none --runtime runc "$@"
}

nop_root=$(podman image mount "$nop_image")
entrypoint_root=$(podman image mount "$entrypoint_image")
sidecarlogresults_root=$(podman image mount "$sidecarlogresults_image")
workingdirinit_root=$(podman image mount "$workingdirinit_image")

only_file() {  # only_file ROOT PATH: ROOT holds PATH (a regular file) and its parent dirs, nothing else
  local listing expected
  listing=$(cd "$1" && find . -mindepth 1 -printf '%y %P\n' | sort)
  expected=$(printf 'd %s\nf %s' "${2%/*}" "$2")
  [[ $listing == "$expected" ]] && return 0
  why "expected exactly:" "$(sed 's/^/  /' <<<"$expected")"
  why "found:" "$(sed 's/^/  /' <<<"$listing" | head -n 20)"
  return 1
}
nop_image_holds_only_nop() { only_file "$nop_root" ko-app/nop; }
entrypoint_image_holds_only_entrypoint() { only_file "$entrypoint_root" ko-app/entrypoint; }
sidecarlogresults_image_holds_only_it() { only_file "$sidecarlogresults_root" ko-app/sidecarlogresults; }
workingdirinit_image_holds_only_it() { only_file "$workingdirinit_root" ko-app/workingdirinit; }

image_configs() {
  local image name user entry ok=0
  for image in "$entrypoint_image" "$nop_image" "$sidecarlogresults_image" "$workingdirinit_image"; do
    name=${image##*podstep-test-}
    name=${name%%:*}
    user=$(podman image inspect --format '{{.Config.User}}' "$image")
    entry=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$image")
    [[ $user == 65532 || $user == 65532:65532 ]] || { why "$name: User is '$user', want 65532"; ok=1; }
    [[ $entry == "[\"/ko-app/$name\"]" ]] || { why "$name: Entrypoint is $entry, want [\"/ko-app/$name\"]"; ok=1; }
  done
  return $ok
}

nop_exits_0() {
  local out rc=0
  out=$(run "$nop_image" 2>&1) || rc=$?
  ((rc == 0)) && [[ $out == *"Exiting..."* ]] && return 0
  why "exit $rc, output: $out"
  return 1
}

nop_ignores_args() {
  local out rc=0
  out=$(run "$nop_image" some args here 2>&1) || rc=$?
  ((rc == 0)) && [[ $out == *"Exiting..."* ]] && return 0
  why "exit $rc, output: $out"
  return 1
}

sidecar_command_fails_in_nop() {
  local out rc=0 shell
  for shell in sh /bin/sh; do
    rc=0
    out=$(run --entrypoint "$shell" "$nop_image" -c 'echo sidecar-still-running' 2>&1) || rc=$?
    if ((rc == 0)) || [[ $out == *sidecar-still-running* ]]; then
      why "command '$shell -c …' ran in the nop image (exit $rc): $out"
      return 1
    fi
  done
  echo "    (exit $rc: ${out##*: })"
}

nop_waits_until_sigterm() {
  local name=podstep-test-nop-wait out rc i
  podman run --pull=never -d --name "$name" --network none --runtime runc "$nop_image" tekton_run_indefinitely >/dev/null || {
    why "could not start it"
    return 1
  }
  for ((i = 0; i < 100; i++)); do
    out=$(podman logs "$name" 2>&1)
    [[ $out == *"Waiting indefinitely"* ]] && break
    sleep 0.1
  done
  if [[ $out != *"Waiting indefinitely"* ]]; then
    why "no 'Waiting indefinitely...' after 10 s: $out"
    podman rm --force --time 0 "$name" >/dev/null 2>&1
    return 1
  fi
  if [[ $(podman inspect --format '{{.State.Running}}' "$name") != true ]]; then
    why "it did not keep running: $(podman logs "$name" 2>&1)"
    podman rm --force --time 0 "$name" >/dev/null 2>&1
    return 1
  fi
  podman stop --time 5 "$name" >/dev/null 2>&1
  rc=$(podman inspect --format '{{.State.ExitCode}}' "$name")
  out=$(podman logs "$name" 2>&1)
  podman rm --force --time 0 "$name" >/dev/null 2>&1
  [[ $rc == 0 ]] && return 0
  why "exit $rc after SIGTERM (137 = it ignored SIGTERM and was killed): $out"
  return 1
}

entrypoint_version() {
  local out rc=0
  out=$(run --entrypoint /ko-app/entrypoint "$entrypoint_image" --version 2>&1) || rc=$?
  ((rc == 0)) && [[ -n $out ]] && { echo "    ($out)"; return 0; }
  why "exit $rc, output: $out"
  return 1
}

runs_as_65532_by_default() {
  # `entrypoint cp` as the image's default user into a world-writable dir:
  # the new file belongs to the user it ran as.
  local dir=$work/as-default-user out rc=0 owner
  mkdir -p "$dir"
  chmod 0777 "$dir"
  out=$(run -v "$dir:/tekton/x" "$entrypoint_image" cp /ko-app/entrypoint /tekton/x/copy 2>&1) || rc=$?
  ((rc == 0)) || { why "entrypoint cp as the default user: exit $rc: $out"; return 1; }
  owner=$(stat -c %u:%g "$dir/copy" 2>/dev/null) || { why "no copy made: $out"; return 1; }
  [[ $owner == 65532:65532 ]] || { why "the file it created belongs to $owner"; return 1; }
}

tekton=$work/tekton
init_copies_itself_and_links_steps() {
  local out rc=0 mode n link ok=0
  mkdir -p "$tekton/bin"
  chmod 0755 "$tekton"
  out=$(run --user 0 -v "$tekton:/tekton" "$entrypoint_image" \
    init /ko-app/entrypoint /tekton/bin/entrypoint step-a step-b 2>&1) || rc=$?
  ((rc == 0)) || { why "init exited $rc: $out"; return 1; }
  [[ -f $tekton/bin/entrypoint ]] || { why "no /tekton/bin/entrypoint: $out"; return 1; }
  mode=$(stat -c %a "$tekton/bin/entrypoint")
  [[ $mode == 311 ]] || { why "/tekton/bin/entrypoint has mode $mode, want 311"; ok=1; }
  cmp -s "$tekton/bin/entrypoint" "$entrypoint_root/ko-app/entrypoint" ||
    { why "/tekton/bin/entrypoint differs from the image's /ko-app/entrypoint"; ok=1; }
  for n in step-a:0 step-b:1 0:0 1:1; do
    link=$(readlink "$tekton/steps/${n%:*}" 2>/dev/null) || link="(missing)"
    [[ $link == "/tekton/run/${n#*:}/status" ]] ||
      { why "/tekton/steps/${n%:*} -> $link, want /tekton/run/${n#*:}/status"; ok=1; }
  done
  return $ok
}

init_again_after_a_restart() {
  local out rc=0
  [[ -L $tekton/steps/step-a ]] || { why "needs the previous check's /tekton"; return 1; }
  out=$(run --user 0 -v "$tekton:/tekton" "$entrypoint_image" \
    init /ko-app/entrypoint /tekton/bin/entrypoint step-a step-b 2>&1) || rc=$?
  ((rc == 0)) || { why "second init exited $rc: $out"; return 1; }
  cmp -s "$tekton/bin/entrypoint" "$entrypoint_root/ko-app/entrypoint" ||
    { why "/tekton/bin/entrypoint changed"; return 1; }
}

copied_entrypoint_runs_a_step_in_another_image() {
  # What a step container does: another image (here the base), another user,
  # /tekton/bin/entrypoint from the shared volume wrapping the step's command.
  local out rc=0
  [[ -f $tekton/bin/entrypoint ]] || { why "needs the init check's /tekton/bin/entrypoint"; return 1; }
  mkdir -p "$tekton/run/0"
  : >"$tekton/termination"
  chmod 0777 "$tekton/run" "$tekton/run/0"
  chmod 0666 "$tekton/termination"
  out=$(run --user 65532:65532 -v "$tekton:/tekton" --entrypoint /tekton/bin/entrypoint "$base_image" \
    -post_file /tekton/run/0/out -termination_path /tekton/termination \
    -step_metadata_dir /tekton/run/0/status -entrypoint sh -- -c 'echo step-output-$((6 * 7))' 2>&1) || rc=$?
  ((rc == 0)) || { why "exit $rc: $out"; return 1; }
  [[ $out == *step-output-42* ]] || { why "the step's output is missing: $out"; return 1; }
  [[ -e $tekton/run/0/out ]] || { why "no /tekton/run/0/out"; return 1; }
  grep -q StartedAt "$tekton/termination" ||
    { why "termination message without StartedAt: $(head -c 300 "$tekton/termination")"; return 1; }
}

check "nop image holds only /ko-app/nop" nop_image_holds_only_nop
check "sidecarlogresults image holds only /ko-app/sidecarlogresults" sidecarlogresults_image_holds_only_it
check "workingdirinit image holds only /ko-app/workingdirinit" workingdirinit_image_holds_only_it
check "entrypoint image holds only /ko-app/entrypoint" entrypoint_image_holds_only_entrypoint
check "image config: user 65532, entrypoint /ko-app/<binary>" image_configs
check "nop with no args exits 0 and logs Exiting..." nop_exits_0
check "nop with args exits 0" nop_ignores_args
check "a sidecar's shell command fails to start in the nop image" sidecar_command_fails_in_nop
check "nop tekton_run_indefinitely waits, exits 0 on SIGTERM" nop_waits_until_sigterm
check "/ko-app/entrypoint --version" entrypoint_version
check "the entrypoint image runs as uid 65532 by default" runs_as_65532_by_default
check "entrypoint init copies itself to /tekton/bin (0311, same bytes) and links /tekton/steps" \
  init_copies_itself_and_links_steps
check "entrypoint init again (container restart) succeeds" init_again_after_a_restart
check "the copied /tekton/bin/entrypoint runs a step in another image as uid 65532" \
  copied_entrypoint_runs_a_step_in_another_image

# CONTRACT.md §10. As in a pod: the controller runs it with WorkingDir
# /workspace and the steps' cleaned workingDirs as arguments.
workingdirinit_creates_dirs_in_workspace() {
  local ws=$work/workspace out rc=0 owner ok=0 d
  mkdir -p "$ws"
  chmod 0777 "$ws"
  out=$(run -v "$ws:/workspace" -w /workspace "$workingdirinit_image" \
    /workspace/src/app rel/dir /etc/podstep-outside 2>&1) || rc=$?
  ((rc == 0)) || { why "exit $rc: $out"; return 1; }
  for d in src/app rel/dir; do
    [[ -d $ws/$d ]] || { why "no /workspace/$d: $out"; ok=1; continue; }
    owner=$(stat -c %u "$ws/$d")
    [[ $owner == 65532 ]] || { why "/workspace/$d belongs to uid $owner, want 65532"; ok=1; }
  done
  return $ok
}

workingdirinit_failure_exits_1() {
  local ws=$work/workspace-ro out rc=0
  mkdir -p "$ws"
  chmod 0755 "$ws"  # root's: uid 65532 cannot write
  out=$(run -v "$ws:/workspace" -w /workspace "$workingdirinit_image" /workspace/x 2>&1) || rc=$?
  ((rc == 1)) && [[ $out == *'Failed to mkdir "/workspace/x": mkdir /workspace/x: permission denied'* ]] &&
    return 0
  why "exit $rc, output: $out"
  return 1
}

# A /tekton as the pod has it when the steps are done: run/<i>/out, task
# results, step results behind the /tekton/steps/<name> link.
slr_tekton=$work/slr-tekton
prepare_slr_tekton() {
  rm -rf "$slr_tekton"
  mkdir -p "$slr_tekton"/run/0/status/results "$slr_tekton"/run/1 "$slr_tekton"/results "$slr_tekton"/steps
  printf 'hello <world>' >"$slr_tekton/results/foo"
  printf '["a","b"]' >"$slr_tekton/run/0/status/results/r"
  ln -s /tekton/run/0/status "$slr_tekton/steps/step-a"
  : >"$slr_tekton/run/0/out"
  chmod -R a+rX "$slr_tekton"
}
slr_args=(-results-dir /tekton/results -result-names foo,missing -step-results '{"step-a":["r"]}')
slr_expected='{"Name":"foo","Value":"hello \u003cworld\u003e","Type":"task"}
{"Name":"step-a.r","Value":"[\"a\",\"b\"]","Type":"step"}'

sidecarlogresults_prints_the_results() {
  local out err rc=0
  prepare_slr_tekton
  : >"$slr_tekton/run/1/out"
  out=$(run -v "$slr_tekton:/tekton:ro" "$sidecarlogresults_image" "${slr_args[@]}" 2>"$work/slr.err") || rc=$?
  err=$(cat "$work/slr.err")
  ((rc == 0)) || { why "exit $rc: $err"; return 1; }
  [[ $(sort <<<"$out") == "$(sort <<<"$slr_expected")" ]] && return 0
  why "stdout:" "$out" "want (any order):" "$slr_expected" "stderr: $err"
  return 1
}

sidecarlogresults_waits_for_the_last_step() {
  local name=podstep-test-slr-wait out i running
  prepare_slr_tekton
  podman run --pull=never -d --name "$name" --network none --runtime runc \
    -v "$slr_tekton:/tekton" "$sidecarlogresults_image" "${slr_args[@]}" >/dev/null ||
    { why "could not start it"; return 1; }
  # It must still be waiting half a second later (only a non-event is checked).
  for ((i = 0; i < 5; i++)); do
    running=$(podman inspect --format '{{.State.Running}}' "$name")
    [[ $running == true ]] || break
    sleep 0.1
  done
  out=$(podman logs "$name" 2>&1)
  if [[ $running != true || -n $out ]]; then
    why "it did not wait for /tekton/run/1/out (running=$running): $out"
    podman rm --force --time 0 "$name" >/dev/null 2>&1
    return 1
  fi
  : >"$slr_tekton/run/1/out"  # the last step finishes
  for ((i = 0; i < 100; i++)); do
    [[ $(podman inspect --format '{{.State.Running}}' "$name") == false ]] && break
    sleep 0.1
  done
  out=$(podman logs "$name" 2>/dev/null)
  running=$(podman inspect --format '{{.State.Running}}/{{.State.ExitCode}}' "$name")
  podman rm --force --time 0 "$name" >/dev/null 2>&1
  [[ $running == false/0 && $(sort <<<"$out") == "$(sort <<<"$slr_expected")" ]] && return 0
  why "state $running after the last out appeared; stdout: $out"
  return 1
}

check "workingdirinit creates relative and /workspace/ dirs as uid 65532" \
  workingdirinit_creates_dirs_in_workspace
check "workingdirinit logs Failed to mkdir and exits 1" workingdirinit_failure_exits_1
check "sidecarlogresults prints the results of a mounted /tekton as JSON lines" \
  sidecarlogresults_prints_the_results
check "sidecarlogresults waits for the last step's out, then prints and exits 0" \
  sidecarlogresults_waits_for_the_last_step

# --- the manifest lists: linux/amd64 and linux/arm64 ------------------------
instance() {  # instance LIST ARCH: LIST@<digest of its ARCH image>, or nothing
  local digest
  digest=$(buildah manifest inspect "$1" | awk -v arch="$2" '
    /"digest":/ { gsub(/[",]/, "", $2); digest = $2 }
    /"architecture":/ { gsub(/[",]/, "", $2); if ($2 == arch) { print digest; exit } }')
  [[ -n $digest ]] && echo "$1@$digest"
}
elf_machine() {  # elf_machine FILE: e_machine as hex bytes, "3e 00" x86-64, "b7 00" aarch64
  od -An -tx1 -j18 -N2 "$1" | tr -s ' ' | sed 's/^ //'
}
manifest_lists_hold_both_architectures() {
  local target list ref arch want got root ok=0 count
  for target in "${targets[@]}"; do
    list=localhost/podstep-test-$target:multi
    count=$(buildah manifest inspect "$list" | grep -c '"architecture":')
    ((count == 2)) || { why "$list: $count images, want 2"; ok=1; }
    for arch in amd64 arm64; do
      ref=$(instance "$list" "$arch") || { why "$list: no $arch image"; ok=1; continue; }
      got=$(podman image inspect --format '{{.Os}}/{{.Architecture}}' "$ref")
      [[ $got == "linux/$arch" ]] || { why "$ref: config says $got, want linux/$arch"; ok=1; }
      want="3e 00"
      [[ $arch == arm64 ]] && want="b7 00"
      root=$(podman image mount "$ref")
      got=$(elf_machine "$root/ko-app/$target")
      [[ $got == "$want" ]] || { why "$ref: /ko-app/$target has ELF machine $got, want $want"; ok=1; }
    done
  done
  return $ok
}
arm64_nop_runs() {
  local ref out rc=0
  ref=$(instance localhost/podstep-test-nop:multi arm64) || { why "no arm64 nop image"; return 1; }
  out=$(run "$ref" 2>&1) || rc=$?
  ((rc == 0)) && [[ $out == *"Exiting..."* ]] && return 0
  why "exit $rc, output: $out"
  return 1
}
arm64_entrypoint_version() {
  local ref out rc=0
  ref=$(instance localhost/podstep-test-entrypoint:multi arm64) || { why "no arm64 entrypoint image"; return 1; }
  out=$(run "$ref" --version 2>&1) || rc=$?
  ((rc == 0)) && [[ $out == *entrypoint* ]] && { echo "    (${out##*$'\n'})"; return 0; }
  why "exit $rc, output: $out"
  return 1
}
arm64_entrypoint_runs_a_step() {
  # As uid 65532: it runs itself as the step's command, writes the post file
  # and the termination message.
  local ref dir=$work/arm64-step out rc=0
  ref=$(instance localhost/podstep-test-entrypoint:multi arm64) || { why "no arm64 entrypoint image"; return 1; }
  mkdir -p "$dir"
  chmod 0777 "$dir"
  out=$(run -v "$dir:/tekton" "$ref" -post_file /tekton/out -termination_path /tekton/termination \
    -step_metadata_dir /tekton/status -entrypoint /ko-app/entrypoint -- --version 2>&1) || rc=$?
  ((rc == 0)) || { why "exit $rc: $out"; return 1; }
  [[ -e $dir/out ]] || { why "no post file: $out"; return 1; }
  grep -q StartedAt "$dir/termination" ||
    { why "termination message without StartedAt: $(head -c 300 "$dir/termination")"; return 1; }
}

check "each manifest list holds a linux/amd64 and a linux/arm64 image (config and ELF machine)" \
  manifest_lists_hold_both_architectures
if qemu_error=$("$repo/scripts/qemu-binfmt.sh" arm64 2>&1); then
  check "arm64 nop (under qemu-user) exits 0 and logs Exiting..." arm64_nop_runs
  check "arm64 /ko-app/entrypoint --version (under qemu-user)" arm64_entrypoint_version
  check "arm64 entrypoint runs a step as uid 65532 (under qemu-user)" arm64_entrypoint_runs_a_step
else
  skipped_checks+=("arm64 images run under qemu-user: ${qemu_error//$'\n'/ }")
  echo "  SKIP arm64 images run under qemu-user: $qemu_error"
fi

if ((${#failed_checks[@]})); then
  outcome="image test: $passed passed, ${#failed_checks[@]} failed: $(IFS=';'; echo "${failed_checks[*]}")"
  exit 1
fi
