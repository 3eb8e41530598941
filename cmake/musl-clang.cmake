# The in-pod binaries on musl instead of glibc: clang-16 with LLVM's libc++
# (headers and static archives from Debian's libc++-16-dev, libc++abi-16-dev,
# libunwind-16-dev), musl's headers and libc.a (musl-dev), and the target's
# GCC start files and libgcc. Why: a static glibc program spends ~0.35 ms of
# its start-up probing the CPU (each cpuid traps to the hypervisor on a VM)
# and faulting in a larger image; a static musl one starts in ~0.05 ms, and
# the entrypoint starts once per step (test/bench, README "Performance").
#
# Included by cmake/<triple>.cmake, which sets PODSTEP_MUSL_TRIPLE (e.g.
# x86_64-linux-musl), PODSTEP_GNU_TRIPLE (Debian's multiarch name, where
# libc++'s and zlib's archives are) and PODSTEP_GCC (the GCC whose
# crtbeginT.o and libgcc.a are linked); a cross build also sets
# PODSTEP_CXX_LIB_DIR (where the target's libc++ archives are, when not
# installed) and PODSTEP_MUSL_LINKER_FLAGS (e.g. the target's linker, as
# --ld-path). Builds the binaries only: GoogleTest
# and yaml-cpp are Debian's glibc builds, so -DPODSTEP_TESTS=OFF
# -DPODSTEP_PODSIM=OFF.
#
# Linking archives that Debian built against glibc works for what they
# contain here (libc++'s strings and containers, libc++abi, libunwind, zlib's
# deflate); the two glibc-only symbols they reach are in cmake/musl/.
set(CMAKE_SYSTEM_NAME Linux)
set(PODSTEP_MUSL ON)
set(PODSTEP_LLVM /usr/lib/llvm-16)

set(CMAKE_C_COMPILER ${PODSTEP_LLVM}/bin/clang)
set(CMAKE_CXX_COMPILER ${PODSTEP_LLVM}/bin/clang++)
set(CMAKE_C_COMPILER_TARGET ${PODSTEP_MUSL_TRIPLE})
set(CMAKE_CXX_COMPILER_TARGET ${PODSTEP_MUSL_TRIPLE})
set(CMAKE_LIBRARY_ARCHITECTURE ${PODSTEP_GNU_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# musl's headers, never glibc's: /usr/include only after them, for the
# header-only libraries (nlohmann/json, fmt) and zlib.h. _LIBCPP_HAS_MUSL_LIBC
# is what libc++'s own musl build would set.
set(podstep_musl_includes
  "-nostdinc -isystem ${PODSTEP_LLVM}/lib/clang/16/include -isystem /usr/include/${PODSTEP_MUSL_TRIPLE} -idirafter /usr/include")
set(CMAKE_C_FLAGS_INIT "${podstep_musl_includes}")
set(CMAKE_CXX_FLAGS_INIT
  "-nostdinc++ -isystem ${PODSTEP_LLVM}/include/c++/v1 ${podstep_musl_includes} -D_LIBCPP_HAS_MUSL_LIBC")

execute_process(COMMAND ${PODSTEP_GCC} -print-file-name=crtbeginT.o
  OUTPUT_VARIABLE podstep_crtbegin OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${PODSTEP_GCC} -print-file-name=crtend.o
  OUTPUT_VARIABLE podstep_crtend OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${PODSTEP_GCC} -print-libgcc-file-name
  OUTPUT_VARIABLE podstep_libgcc OUTPUT_STRIP_TRAILING_WHITESPACE)
set(podstep_musl_lib /usr/lib/${PODSTEP_MUSL_TRIPLE})
# The host's libc++ archives are in its multiarch dir or only in
# ${PODSTEP_LLVM}/lib (libc++abi-16-dev ships no multiarch link); the
# latter is no fallback for a cross build, whose archives are elsewhere.
if(PODSTEP_CXX_LIB_DIR)
  set(podstep_cxx_lib ${PODSTEP_CXX_LIB_DIR})
elseif(EXISTS /usr/lib/${PODSTEP_GNU_TRIPLE}/libc++abi.a)
  set(podstep_cxx_lib /usr/lib/${PODSTEP_GNU_TRIPLE})
else()
  set(podstep_cxx_lib ${PODSTEP_LLVM}/lib)
endif()
foreach(archive libc++.a libc++abi.a libunwind.a)
  if(NOT EXISTS ${podstep_cxx_lib}/${archive})
    message(FATAL_ERROR "podstep: no ${podstep_cxx_lib}/${archive} for ${PODSTEP_MUSL_TRIPLE}: run scripts/install-deps.sh")
  endif()
endforeach()

# Always static: there is no musl libc++.so to load. libc.a and libgcc.a as
# a group: aarch64's libgcc (the outline atomics' lse-init.o, reached from
# libc++) calls musl's __getauxval after libc.a has been scanned.
set(podstep_musl_link
  "-static -nostdlib ${PODSTEP_MUSL_LINKER_FLAGS} ${podstep_musl_lib}/crt1.o ${podstep_musl_lib}/crti.o ${podstep_crtbegin}")
set(podstep_musl_libs
  "${podstep_cxx_lib}/libc++.a ${podstep_cxx_lib}/libc++abi.a ${podstep_cxx_lib}/libunwind.a -Wl,--start-group ${podstep_musl_lib}/libc.a ${podstep_libgcc} -Wl,--end-group ${podstep_crtend} ${podstep_musl_lib}/crtn.o")
set(CMAKE_CXX_LINK_EXECUTABLE
  "<CMAKE_CXX_COMPILER> --target=${PODSTEP_MUSL_TRIPLE} -Wno-unused-command-line-argument <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> ${podstep_musl_link} <OBJECTS> -o <TARGET> <LINK_LIBRARIES> ${podstep_musl_libs}")
set(CMAKE_C_LINK_EXECUTABLE
  "<CMAKE_C_COMPILER> --target=${PODSTEP_MUSL_TRIPLE} -Wno-unused-command-line-argument <FLAGS> <CMAKE_C_LINK_FLAGS> <LINK_FLAGS> ${podstep_musl_link} <OBJECTS> -o <TARGET> <LINK_LIBRARIES> ${podstep_musl_libs}")
