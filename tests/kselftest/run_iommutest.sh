#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kselftest entry point for iommutest: KTAP on stdout, exit 0 pass / 1 fail / 4 skip.
#
#   IOMMUTEST_DEVICES  devices for the scenarios' slots, space-separated (default: "mock", the
#                      kernel's IOMMUFD_TEST mock; e.g. "0000:00:03.0" for real DMA)
#   IOMMUTEST_BIND=1   move PCI devices to vfio-pci for the run and back (--bind)
#   IOMMUTEST_ARGS     more `iommutest run` arguments
here=$(dirname "$0")
set --
for d in ${IOMMUTEST_DEVICES:-mock}; do set -- "$@" -d "$d"; done
[ "${IOMMUTEST_BIND:-0}" = 1 ] && set -- "$@" --bind
# shellcheck disable=SC2086 # IOMMUTEST_ARGS is a list of words on purpose
exec "$here/iommutest" run "$@" ${IOMMUTEST_ARGS:-} "$here/scenarios"
