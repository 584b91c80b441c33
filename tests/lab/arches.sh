# tests/lab/arches.sh — what the lab needs to know about each guest architecture, in one table.
# Sourced (bash) by tests/lab/build-kernel, tests/lab/run and tests/lab/setup-host.
#
#   lab_arch ARCH   sets, or returns 1 for an unknown ARCH:
#     A_KARCH      the kernel's ARCH=             A_CROSS     CROSS_COMPILE= (empty: native)
#     A_IMAGE      the kernel image in the build directory
#     A_DEB        Debian's name for the architecture (apt, the sysroot's packages)
#     A_TRIPLET    the GNU triplet (the sysroot's lib/TRIPLET)
#     A_QEMU       the QEMU system emulator          A_CONSOLE   the serial console's device
#     A_MEM        the guest's memory (without --kselftest)
#     A_BUSYBOX    the static busybox for the initramfs (the host's, or the sysroot's)
#     A_TOOLCHAIN  the CMake toolchain file for the static iommutest (empty: native)
#     A_SYSROOT    the cache's sysroot with the guest's static libraries (empty: the host's)
#     A_SYSROOT_SUITE  the Debian suite the sysroot comes from (stable: the host's own suite)
#     A_HOST_PKGS  the host packages the architecture needs (cross compiler, QEMU, ...)
# A new architecture: one case here, a config fragment (tests/lab/config/ARCH.config) and a CMake
# toolchain file (cmake/toolchain-*.cmake).
LAB_ARCHES=(x86_64 arm64 riscv64)

lab_arch() {
	local cache=${IOMMUTEST_CACHE:-$HOME/.cache/iommutest}
	A_CROSS="" A_TOOLCHAIN="" A_SYSROOT="" A_SYSROOT_SUITE=stable
	case $1 in
	x86_64)
		A_KARCH=x86_64 A_IMAGE=arch/x86/boot/bzImage A_DEB=amd64 A_TRIPLET=x86_64-linux-gnu
		A_QEMU=qemu-system-x86_64 A_CONSOLE=ttyS0 A_MEM=512M A_BUSYBOX=/bin/busybox
		A_HOST_PKGS="busybox-static" ;;
	arm64)
		A_KARCH=arm64 A_CROSS=aarch64-linux-gnu- A_IMAGE=arch/arm64/boot/Image A_DEB=arm64
		A_TRIPLET=aarch64-linux-gnu A_QEMU=qemu-system-aarch64 A_CONSOLE=ttyAMA0 A_MEM=1024M
		A_SYSROOT=$cache/sysroot-arm64 A_BUSYBOX=$cache/sysroot-arm64/bin/busybox
		A_TOOLCHAIN=cmake/toolchain-aarch64.cmake
		A_HOST_PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-efi-aarch64" ;;
	riscv64)
		# Debian's riscv64 port is official from trixie on: the sysroot comes from trixie
		A_KARCH=riscv A_CROSS=riscv64-linux-gnu- A_IMAGE=arch/riscv/boot/Image A_DEB=riscv64
		A_TRIPLET=riscv64-linux-gnu A_QEMU=qemu-system-riscv64 A_CONSOLE=ttyS0 A_MEM=1024M
		A_SYSROOT=$cache/sysroot-riscv64 A_BUSYBOX=$cache/sysroot-riscv64/usr/bin/busybox
		A_SYSROOT_SUITE=trixie A_TOOLCHAIN=cmake/toolchain-riscv64.cmake
		A_HOST_PKGS="gcc-riscv64-linux-gnu libc6-dev-riscv64-cross" ;;
	*) return 1 ;;
	esac
}
