# Cross toolchain for the riscv64 lab guest's iommutest (gcc-riscv64-linux-gnu), with the static
# libraries (jansson, libnl-3, libcap) unpacked by tests/lab/setup-host into a riscv64 sysroot.
# Bookworm has no riscv64 port: the sysroot's libraries come from trixie, built against glibc 2.41,
# while bookworm's cross compiler links bookworm's glibc 2.36 (libc6-dev-riscv64-cross).
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(IOMMUTEST_CROSS_TRIPLET riscv64-linux-gnu)
set(IOMMUTEST_CROSS_SYSROOT_VAR IOMMUTEST_RISCV64_SYSROOT)
set(IOMMUTEST_CROSS_SYSROOT_DIR sysroot-riscv64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-sysroot.cmake)
# -static for every program (the unit tests too, which CMake builds with the rest): trixie's shared
# libraries need GLIBC_2.38 symbol versions bookworm's cross glibc cannot give, and the riscv64
# guest has no shared libraries anyway
string(PREPEND CMAKE_EXE_LINKER_FLAGS_INIT "-static ")
# glibc 2.38 headers route strtol, strtoll, strtoul, sscanf and fscanf to new __isoc23_* entry
# points, which trixie's libjansson.a, libnl-3.a and libcap.a call and bookworm's cross glibc 2.36
# lacks. Linking trixie's glibc instead is not possible with bookworm's binutils 2.40 (its ld
# crashes on the R_RISCV_SET_ULEB128/SUB_ULEB128 relocations in trixie's libc.a; binutils >= 2.41
# knows them). With a cross glibc older than 2.38, cmake/glibc-isoc23-aliases.ld makes each
# __isoc23_* name an alias of its classic function (same ABI; they differ only for a "0b" prefix
# or %b, which nothing these libraries parse for iommutest uses).
execute_process(COMMAND ${CMAKE_C_COMPILER} -E -dM -include features.h -x c /dev/null
                OUTPUT_VARIABLE _rv_libc_macros ERROR_QUIET)
if(_rv_libc_macros MATCHES "#define __GLIBC_MINOR__ ([0-9]+)" AND CMAKE_MATCH_1 LESS 38)
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " ${CMAKE_CURRENT_LIST_DIR}/glibc-isoc23-aliases.ld")
endif()
