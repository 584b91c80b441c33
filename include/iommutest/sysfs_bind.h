/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Moving PCI devices to vfio-pci for a run and back: record the driver, driver_override,
 * unbind, drivers_probe, wait (kobject uevents over netlink) for the VFIO cdev; restore on
 * exit, on error and on SIGINT/SIGTERM.
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
