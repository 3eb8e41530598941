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
set -euo pipefail

# What building the binaries needs (the Dockerfile's builder installs only these).
# The in-pod binaries for amd64 link against musl with clang-16 and LLVM's
# libc++ (cmake/x86_64-linux-musl.cmake): musl-tools, clang-16, libc++*.
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

# Cross-building for arm64 (cmake/aarch64-linux-gnu.cmake): the cross
# compiler, and zlib and musl (for the tiny nop) for arm64 through Debian
# multiarch (dpkg --add-architecture arm64). On glibc, not musl as amd64:
# Debian's libc++-16-dev:arm64 cannot be installed next to the amd64 one
# (both own /usr/lib/llvm-16/lib/libc++.a).
cross_packages_arm64=(g++-aarch64-linux-gnu zlib1g-dev:arm64 musl-dev:arm64)
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

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
for arch in "${foreign_archs[@]}"; do
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "install-deps: dpkg --add-architecture $arch"
    "${sudo_cmd[@]}" dpkg --add-architecture "$arch"
  fi
done
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
