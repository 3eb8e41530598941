# The in-pod binaries for linux/arm64 on musl (cmake/musl-clang.cmake),
# cross-built on an amd64 (or any Debian) machine:
#
#   cmake -S . -B build/arm64-musl --toolchain cmake/aarch64-linux-musl.cmake \
#     -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF
#
# Needs clang-16 and the host's libc++-16-dev (its headers, the same for
# every architecture), g++-aarch64-linux-gnu (crtbeginT.o, libgcc.a, the
# linker; `nop` through musl-dev's wrapper), musl-dev:arm64, zlib1g-dev:arm64,
# and Debian's arm64 libc++.a, libc++abi.a and libunwind.a: those packages
# cannot be installed next to the amd64 ones (both own
# /usr/lib/llvm-16/lib/libc++.a), so scripts/install-deps.sh unpacks them
# into its cross_prefix_arm64 instead. All from scripts/install-deps.sh.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(PODSTEP_MUSL_TRIPLE aarch64-linux-musl)
set(PODSTEP_GNU_TRIPLE aarch64-linux-gnu)
set(PODSTEP_GCC aarch64-linux-gnu-gcc)
set(PODSTEP_MUSL_GCC aarch64-linux-musl-gcc)
# clang's driver would run aarch64-linux-musl-ld (there is none), then the
# host's ld, which links only its own machine.
set(PODSTEP_MUSL_LINKER_FLAGS --ld-path=/usr/bin/aarch64-linux-gnu-ld)
# Where install-deps.sh unpacks them (its cross_prefix_arm64).
set(PODSTEP_CXX_LIB_DIR /opt/podstep/arm64-libcxx/usr/lib/llvm-16/lib)
# How to run the target's programs on this host (qemu-user-static).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/musl-clang.cmake)
