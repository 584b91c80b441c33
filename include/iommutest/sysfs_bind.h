/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Moving PCI devices to vfio-pci for a run and back: record the driver, driver_override,
 * unbind, drivers_probe, wait (kobject uevents over netlink) for the VFIO cdev; restore on
 * exit, on error and on SIGINT/SIGTERM. And what sysfs says about a PCI function's driver and
 * IOMMU.
 */
#pragma once

#include <stddef.h>

struct bound_device {
	char bdf[32];
	char orig_driver[64]; /* "" when it had none */
	int moved;            /* we changed its driver */
};

/* Bind bdf to vfio-pci, waiting up to timeout_ms for /dev/vfio/devices/vfioN. */
int pci_bind_vfio(const char *bdf, struct bound_device *bd, unsigned int timeout_ms);
/* Give the device back to its original driver (or none). Idempotent. */
int pci_restore_driver(struct bound_device *bd);
/* The driver bdf is bound to now, "" when none. */
int pci_current_driver(const char *bdf, char *drv, size_t len);
/* The IOMMU instance bdf is behind (its /sys/class/iommu name: "dmar0",
 * "smmu3.0x0000000009050000"; "" when none) and its IOMMU group number (-1 when none). */
int pci_iommu_of(const char *bdf, char *iommu, size_t len, int *group);
