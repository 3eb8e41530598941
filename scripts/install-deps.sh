#!/usr/bin/env bash
# Installs the Debian packages podstep needs to build and test, when missing.
# Run as root on Debian bookworm (or with sudo available).
#
#   install-deps.sh                  all that scripts/test.sh needs: the build
#                                    and test packages below, the arm64 cross
#                                    build, and qemu-user to run its tests
#   install-deps.sh --target-arch A  only building the release binaries for A
#                                    (the Dockerfile's TARGETARCH, e.g. amd64,
#                                    arm64): the build packages, plus A's cross
#                                    packages when A is not this machine's
#
# Also unpacks, not installs, what a cross build needs but cannot install
# (cross_unpacked_<arch> below); that needs the network once, then never.
set -euo pipefail

# What building the binaries needs (the Dockerfile's builder installs only these).
# The in-pod binaries link against musl with clang-16 and LLVM's libc++
# (cmake/x86_64-linux-musl.cmake; arm64 takes the same headers):
# musl-tools, clang-16, libc++*.
build_packages=(
  build-essential cmake g++ pkg-config
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev zlib1g-dev
  musl-tools clang-16 libc++-16-dev libc++abi-16-dev libunwind-16-dev
)
# What the tests need on top: GoogleTest, podsim's yaml-cpp, the process tests'
# tools, git (the credential tests), lcov (test/coverage.sh), ccache (the four
# builds of scripts/test.sh), clang-16's runtime for the libFuzzer targets
# (clang-14 cannot build our C++23); for
# podsim's image e2e tests, busybox-static (a whole userland in one static
# binary: the tiny test image) and buildah, podman and runc to build it
# offline into a private storage and find it as podsim does.
test_packages=(
  libgtest-dev libgmock-dev libyaml-cpp-dev
  util-linux procps git lcov ccache
  libclang-rt-16-dev
  busybox-static buildah podman runc
)

# Cross-building for arm64 on musl (cmake/aarch64-linux-musl.cmake): the
# cross GCC (its crtbeginT.o and libgcc.a, its linker, and cc1plus for the
# tiny nop through musl-dev's aarch64-linux-musl-gcc), and zlib and musl for
# arm64 through Debian multiarch (dpkg --add-architecture arm64). The same
# packages serve the glibc cross build (cmake/aarch64-linux-gnu.cmake).
cross_packages_arm64=(g++-aarch64-linux-gnu zlib1g-dev:arm64 musl-dev:arm64)
# ... and arm64's libc++.a, libc++abi.a and libunwind.a, which are unpacked
# (dpkg-deb -x) into a private prefix instead of installed: the :arm64
# packages cannot be installed next to the amd64 ones, as both own
# /usr/lib/llvm-16/lib/libc++.a. The toolchain file names the same prefix.
cross_unpacked_arm64=(libc++-16-dev libc++abi-16-dev libunwind-16-dev)
cross_prefix_arm64=/opt/podstep/arm64-libcxx
# Running the arm64 binaries on this machine (scripts/qemu-binfmt.sh).
qemu_packages=(qemu-user-static binfmt-support)

host_arch=$(dpkg --print-architecture)
foreign_archs=()
add_cross() {  # add_cross ARCH: ARCH's cross packages, unless ARCH is the host's
  local arch=$1
  [[ -z $arch || $arch == "$host_arch" ]] && return 0
  case $arch in
    arm64) packages+=("${cross_packages_arm64[@]}") ;;
    *) echo "install-deps: no cross toolchain for '$arch' (known: arm64)" >&2; exit 2 ;;
  esac
  foreign_archs+=("$arch")
}
packages=("${build_packages[@]}")
case ${1:-} in
  "") packages+=("${test_packages[@]}" "${qemu_packages[@]}"); add_cross arm64 ;;
  --target-arch) add_cross "${2:-}" ;;
  *) echo "usage: install-deps.sh [--target-arch ARCH]" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

# unpack_cross ARCH: ARCH's cross_unpacked_ARCH packages, at the version of
# the host's own libc++-16-dev (whose headers the build uses), unpacked into
# cross_prefix_ARCH; nothing when that version is there already (so that the
# Dockerfile's builder, whose base image has it, needs no network).
unpack_cross() {
  local arch=$1 version tmp deb
  local -n names=cross_unpacked_$arch prefix=cross_prefix_$arch
  ((${#names[@]})) || return 0
  version=$(dpkg-query -W -f='${Version}' libc++-16-dev) ||
    { echo "install-deps: libc++-16-dev is not installed: run install-deps.sh without arguments" >&2; exit 1; }
  [[ -f $prefix/.version && $(<"$prefix/.version") == "$version" ]] && return 0
  local specs=("${names[@]/%/:$arch=$version}")
  echo "install-deps: unpacking ${specs[*]} into $prefix"
  tmp=$(mktemp -d)
  # As root, apt-get download fetches as the _apt user, which must be able
  # to write there (else it warns and fetches as root).
  if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
  if ! (cd "$tmp" && apt-get download -qq "${specs[@]}" 2>/dev/null); then
    "${sudo_cmd[@]}" apt-get update -qq || true  # the download below says what failed
    (cd "$tmp" && apt-get download -qq "${specs[@]}") || {
      rm -rf "$tmp"
      echo "install-deps: cannot download ${specs[*]}: check that apt's sources serve $arch (dpkg --add-architecture $arch, apt-get update)" >&2
      exit 1
    }
  fi
  "${sudo_cmd[@]}" rm -rf "$prefix"
  "${sudo_cmd[@]}" mkdir -p "$prefix"
  for deb in "$tmp"/*.deb; do "${sudo_cmd[@]}" dpkg-deb -x "$deb" "$prefix"; done
  # Written last: an interrupted unpack is redone.
  echo "$version" | "${sudo_cmd[@]}" tee "$prefix/.version" >/dev/null
  rm -rf "$tmp"
}

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
else
  for arch in "${foreign_archs[@]}"; do
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
      echo "install-deps: dpkg --add-architecture $arch"
      "${sudo_cmd[@]}" dpkg --add-architecture "$arch"
    fi
  done
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
for arch in "${foreign_archs[@]}"; do unpack_cross "$arch"; done
