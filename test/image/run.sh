#!/usr/bin/env bash
# End-to-end test of the real Dockerfile: builds the `entrypoint` and `nop`
# images with buildah (no Docker engine, no registry here), runs them with
# podman + runc, and checks what Tekton relies on. Everything it creates lives
# in a temporary containers storage that is removed at exit; the host's
# containers config and storage are never touched and nothing is pulled.
#
# The builder's base image is a local debootstrap of Debian bookworm with the
# toolchain preinstalled, so the build itself needs no network. Its rootfs
# tarball is cached in $PODSTEP_IMAGE_CACHE (default
# /var/cache/podstep-image-test), keyed by the package list: a second run on
# the same machine skips debootstrap.
#
# Exit codes: 0 all checks passed, 1 a check failed, 77 skipped (printed
# loudly as "SKIPPED: <reason>"; never a silent pass).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

skip() {
  echo "SKIPPED: image test: $*"
  exit 77
}
phase_start=$SECONDS
phase() {
  echo "image test: $1 ($((SECONDS - phase_start)) s since start)"
}

tools=(buildah podman runc debootstrap)
packages=(buildah podman runc debootstrap)
missing=()
for i in "${!tools[@]}"; do
  command -v "${tools[$i]}" >/dev/null || missing+=("${packages[$i]}")
done
if ((${#missing[@]})); then
  phase "installing ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
    >/dev/null 2>&1 || skip "could not install ${missing[*]} with apt-get"
fi
[[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, runc)"

work=$(mktemp -d /tmp/podstep-image.XXXXXX)
cleanup() {
  buildah rm --all >/dev/null 2>&1 || true
  podman rm --all --force >/dev/null 2>&1 || true
  podman rmi --all --force >/dev/null 2>&1 || true
  podman system reset --force >/dev/null 2>&1 || true
  # Storage may hold overlay mounts; unmount before removing.
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export CONTAINERS_CONF=$work/containers.conf
export CONTAINERS_STORAGE_CONF=$work/storage.conf
export CONTAINERS_REGISTRIES_CONF=$work/registries.conf
export XDG_RUNTIME_DIR=$work/xdg
mkdir -p "$work/storage" "$work/run" "$work/xdg"
cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$work/events.log"
EOF
driver=overlay
grep -qw overlay /proc/filesystems || driver=vfs
cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "$driver"
graphroot = "$work/storage"
runroot = "$work/run"
EOF
: >"$CONTAINERS_REGISTRIES_CONF"

# --- base image ---------------------------------------------------------
base_packages=build-essential,cmake,g++,pkg-config,libcli11-dev,nlohmann-json3-dev,libspdlog-dev,libfmt-dev,zlib1g-dev,libgtest-dev,libgmock-dev,musl-tools,util-linux,procps
mirror=$(grep -rhoE 'https?://[^ ]*debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
  grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
cache=${PODSTEP_IMAGE_CACHE:-/var/cache/podstep-image-test}
key=$(printf '%s %s' "$base_packages" "$mirror" | sha256sum | cut -c1-16)
tarball=$cache/bookworm-build-$key.tar
if [[ ! -s $tarball ]]; then
  phase "debootstrap bookworm from $mirror (cached afterwards in $cache)"
  mkdir -p "$cache"
  debootstrap --variant=minbase --include="$base_packages" bookworm "$work/rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || {
    tail -n 20 "$work/debootstrap.log"
    skip "debootstrap of bookworm from $mirror failed"
  }
  rm -rf "$work/rootfs/var/cache/apt/archives"/*.deb "$work/rootfs/var/lib/apt/lists"/*
  tar -C "$work/rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$work/rootfs"
fi
phase "importing the base image"
podman import --change 'CMD ["/bin/bash"]' "$tarball" localhost/podstep-build-base:test >/dev/null 2>&1 ||
  skip "podman import failed: containers storage ($driver) does not work here"

# --- build --------------------------------------------------------------
for target in entrypoint nop; do
  phase "building target $target from the Dockerfile"
  buildah build --pull=never --layers --force-rm --isolation oci --network none \
    --build-arg BASE_IMAGE=localhost/podstep-build-base:test --target "$target" \
    -t "localhost/podstep-$target:test" "$repo" >"$work/build-$target.log" 2>&1 || {
    tail -n 30 "$work/build-$target.log"
    echo "image test: FAILED: buildah build --target $target"
    exit 1
  }
done

# --- checks -------------------------------------------------------------
passed=0
failed=0
check() {  # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "  ok: $name"
  else
    failed=$((failed + 1))
    echo "  FAILED: $name"
  fi
}
run() {  # run IMAGE ARGS... (podman run with runc, no network)
  podman run --rm --network none --runtime runc "$@"
}
files_in() {  # the regular files and links of an image, one per line
  local container mount
  container=$(buildah from --pull=never "$1")
  mount=$(buildah mount "$container")
  (cd "$mount" && find . -mindepth 1 \( -type f -o -type l \) | sort)
  buildah umount "$container" >/dev/null
  buildah rm "$container" >/dev/null
}

phase "running the images"
nop_exits_zero() {
  local out
  out=$(run localhost/podstep-nop:test 2>&1) && [[ $out == *"Exiting..."* ]]
}
sidecar_command_fails_in_nop() {
  ! run --entrypoint sh localhost/podstep-nop:test -c 'echo should not run' >/dev/null 2>&1
}
nop_holds_only_nop() {
  [[ $(files_in localhost/podstep-nop:test) == "./ko-app/nop" ]]
}
entrypoint_holds_only_entrypoint() {
  [[ $(files_in localhost/podstep-entrypoint:test) == "./ko-app/entrypoint" ]]
}
default_user_is_nonroot() {
  [[ $(podman image inspect --format '{{.Config.User}}' localhost/podstep-entrypoint:test) == 65532* &&
    $(podman image inspect --format '{{.Config.User}}' localhost/podstep-nop:test) == 65532* ]]
}
entrypoint_version() {
  run localhost/podstep-entrypoint:test --version | grep -q podstep
}
init_copies_itself() {
  local tekton=$work/tekton
  mkdir -p "$tekton/bin"
  run --user 0 -v "$tekton:/tekton" localhost/podstep-entrypoint:test \
    init /ko-app/entrypoint /tekton/bin/entrypoint step-a step-b >/dev/null 2>&1 &&
    [[ -x $tekton/bin/entrypoint ]] &&
    [[ $(readlink "$tekton/steps/step-a") == /tekton/run/0/status ]] &&
    [[ $(readlink "$tekton/steps/1") == /tekton/run/1/status ]] &&
    "$tekton/bin/entrypoint" --version >/dev/null
}
check "nop exits 0 and logs Exiting..." nop_exits_zero
check "a sidecar's shell command fails to start in the nop image" sidecar_command_fails_in_nop
check "the nop image holds only /ko-app/nop" nop_holds_only_nop
check "the entrypoint image holds only /ko-app/entrypoint" entrypoint_holds_only_entrypoint
check "both images run as uid 65532 by default" default_user_is_nonroot
check "entrypoint --version runs in its image" entrypoint_version
check "entrypoint init copies itself into a mounted /tekton and links the steps" init_copies_itself

phase "done"
echo "image test: $passed passed, $failed failed"
((failed == 0))
