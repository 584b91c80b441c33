# Cross toolchain for the arm64 lab guest's iommutest (gcc-aarch64-linux-gnu), with the static
# libraries (jansson, libnl-3) unpacked by tests/lab/setup-host into an arm64 sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
if(NOT IOMMUTEST_ARM64_SYSROOT)
  if(DEFINED ENV{IOMMUTEST_CACHE})
    set(IOMMUTEST_ARM64_SYSROOT "$ENV{IOMMUTEST_CACHE}/sysroot-arm64")
  else()
    set(IOMMUTEST_ARM64_SYSROOT "$ENV{HOME}/.cache/iommutest/sysroot-arm64")
  endif()
endif()
set(ENV{PKG_CONFIG_LIBDIR} "${IOMMUTEST_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${IOMMUTEST_ARM64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${IOMMUTEST_ARM64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
# libnl's static archive lives in /lib/aarch64-linux-gnu of the sysroot
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-L${IOMMUTEST_ARM64_SYSROOT}/lib/aarch64-linux-gnu -L${IOMMUTEST_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu")
