/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VFIO cdev layer: find /dev/vfio/devices/vfioN for a PCI device, bind it to an iommufd,
 * attach/detach (RID or PASID), regions, BAR mmap and config-space access.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vfio_pci_dev {
	char bdf[32];
	int fd;
	uint32_t dev_id;     /* iommufd device id after bind */
	uint16_t vendor, device;
	uint32_t class_code; /* 24-bit PCI class */
	uint64_t config_offset;
	int pasid_ops;       /* 0 not probed yet, 1 PASIDs attach, or -errno (see vfio_attach_pt) */
};

/* Validates a BDF ("0000:00:03.0" or "00:03.0"), normalizing to the domain form. */
int pci_bdf_normalize(const char *in, char *out, size_t outlen);

/* "/dev/vfio/devices/vfioN" for bdf, from sysfs; -ENOENT when the device has no VFIO cdev. */
int vfio_cdev_path(const char *bdf, char *path, size_t len);

/* open the cdev and read vendor/device/class from config space; not bound yet */
int vfio_pci_open(const char *bdf, struct vfio_pci_dev *vdev);
void vfio_pci_close(struct vfio_pci_dev *vdev);

int vfio_bind_iommufd(struct vfio_pci_dev *vdev, int iommufd);
/*
 * pasid < 0: the RID; attaching an attached device/PASID replaces. *pt_id may be updated. A PASID
 * op is -ENOTTY where the kernel's VFIO has no PASID attach (VFIO_DEVICE_ATTACH_PASID: 6.12 has
 * none), -EOPNOTSUPP where the device's VFIO driver has none.
 */
int vfio_attach_pt(struct vfio_pci_dev *vdev, uint32_t *pt_id, int pasid);
int vfio_detach_pt(struct vfio_pci_dev *vdev, int pasid);

int vfio_region_info(struct vfio_pci_dev *vdev, uint32_t index, uint64_t *offset, uint64_t *size,
		     uint32_t *flags);
int vfio_bar_mmap(struct vfio_pci_dev *vdev, unsigned int bar, void **map, uint64_t *size);
void vfio_bar_unmap(void *map, uint64_t size);

int vfio_config_read(struct vfio_pci_dev *vdev, uint32_t off, void *buf, size_t len);
int vfio_config_write(struct vfio_pci_dev *vdev, uint32_t off, const void *buf, size_t len);
/* Memory space + bus master on (vfio-pci leaves bus mastering off). */
int vfio_enable_bus_master(struct vfio_pci_dev *vdev);
int vfio_disable_bus_master(struct vfio_pci_dev *vdev);
