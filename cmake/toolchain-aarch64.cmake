# Cross toolchain for the arm64 lab guest's iommutest (gcc-aarch64-linux-gnu), with the static
# libraries (jansson, libnl-3) unpacked by tests/lab/setup-host into an arm64 sysroot
# (-DIOMMUTEST_ARM64_SYSROOT=DIR, default $IOMMUTEST_CACHE/sysroot-arm64).
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(IOMMUTEST_CROSS_TRIPLET aarch64-linux-gnu)
set(IOMMUTEST_CROSS_SYSROOT_VAR IOMMUTEST_ARM64_SYSROOT)
set(IOMMUTEST_CROSS_SYSROOT_DIR sysroot-arm64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-sysroot.cmake)
