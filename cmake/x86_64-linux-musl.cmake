# The in-pod binaries for linux/amd64 on musl (cmake/musl-clang.cmake):
#
#   cmake -S . -B build/musl --toolchain cmake/x86_64-linux-musl.cmake \
#     -DPODSTEP_TESTS=OFF -DPODSTEP_PODSIM=OFF
#
# Needs clang-16, libc++-16-dev, libc++abi-16-dev, libunwind-16-dev and
# musl-dev (scripts/install-deps.sh).
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(PODSTEP_MUSL_TRIPLE x86_64-linux-musl)
set(PODSTEP_GNU_TRIPLE x86_64-linux-gnu)
set(PODSTEP_GCC gcc)
set(PODSTEP_MUSL_GCC musl-gcc)
include(${CMAKE_CURRENT_LIST_DIR}/musl-clang.cmake)
