# Cross-compiles podstep for linux/arm64 on glibc with Debian's cross
# toolchain: the alternative to cmake/aarch64-linux-musl.cmake (what the
# images ship), e.g. to compare sizes or where the arm64 libc++ archives
# cannot be unpacked.
#
#   cmake -S . -B build/arm64 --toolchain cmake/aarch64-linux-gnu.cmake \
#     -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF
#
# Needs g++-aarch64-linux-gnu, zlib1g-dev:arm64 and (for the tiny musl `nop`)
# musl-dev:arm64 from Debian multiarch (`dpkg --add-architecture arm64`);
# scripts/install-deps.sh installs them. The header-only libraries (CLI11,
# nlohmann/json, spdlog, fmt) are shared with the host from /usr/include.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Multiarch: arm64 libraries are in /usr/lib/aarch64-linux-gnu, headers in
# /usr/include shared with the host. Searching only that architecture's
# library dirs keeps the host's libz.a out of the link.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# musl-dev:arm64's wrapper (the host's plain `musl-gcc` builds x86-64).
set(PODSTEP_MUSL_GCC aarch64-linux-musl-gcc)

# How to run the target's programs on this host (qemu-user-static).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
