# The part of the cross toolchain files (cmake/toolchain-ARCH.cmake) every guest architecture
# shares: the cross compiler, and the sysroot tests/lab/setup-host unpacks into the cache (static
# jansson, libnl-3, libcap of the guest's Debian). The including file sets IOMMUTEST_CROSS_TRIPLET
# (aarch64-linux-gnu) and IOMMUTEST_CROSS_SYSROOT_VAR, the variable that names the sysroot
# (IOMMUTEST_ARM64_SYSROOT, default $IOMMUTEST_CACHE/IOMMUTEST_CROSS_SYSROOT_DIR).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${IOMMUTEST_CROSS_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${IOMMUTEST_CROSS_TRIPLET})
if(NOT ${IOMMUTEST_CROSS_SYSROOT_VAR})
  if(DEFINED ENV{IOMMUTEST_CACHE})
    set(${IOMMUTEST_CROSS_SYSROOT_VAR} "$ENV{IOMMUTEST_CACHE}/${IOMMUTEST_CROSS_SYSROOT_DIR}")
  else()
    set(${IOMMUTEST_CROSS_SYSROOT_VAR} "$ENV{HOME}/.cache/iommutest/${IOMMUTEST_CROSS_SYSROOT_DIR}")
  endif()
endif()
set(_cross_sysroot "${${IOMMUTEST_CROSS_SYSROOT_VAR}}")
# the toolchain file is read again for every try_compile: the same sysroot there
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ${IOMMUTEST_CROSS_SYSROOT_VAR})
set(ENV{PKG_CONFIG_LIBDIR} "${_cross_sysroot}/usr/lib/${IOMMUTEST_CROSS_TRIPLET}/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${_cross_sysroot}")
set(CMAKE_FIND_ROOT_PATH "${_cross_sysroot}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
# libnl's static archive lives in /lib/TRIPLET of the sysroot
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-L${_cross_sysroot}/lib/${IOMMUTEST_CROSS_TRIPLET} -L${_cross_sysroot}/usr/lib/${IOMMUTEST_CROSS_TRIPLET}")
