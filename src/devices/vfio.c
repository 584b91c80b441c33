// SPDX-License-Identifier: GPL-2.0-only
/* The VFIO provider: a PCI device bound to vfio-pci, through its cdev. */
#define LOG_PREFIX "vfio-device: "

#include <errno.h>
#include <stdio.h>

#include "iommutest/device.h"
#include "iommutest/iommufd.h"
#include "iommutest/log.h"
#include "iommutest/sysfs_bind.h"

/* every spec the providers before it left: main has checked it is a PCI address */
static int vfio_dev_claim(const char *spec, struct test_device *d)
{
	return 0;
}

static int vfio_dev_open(struct test_device *d, int iommufd)
{
	struct hw_info_result hw;
	int ret = vfio_pci_open(d->name, &d->vdev);

	if (ret)
		return ret;
	ret = vfio_bind_iommufd(&d->vdev, iommufd);
	if (ret)
		return ret;
	/* the ids are read at bind */
	d->facts = (struct device_facts){
		.pci = true,
		.vendor = d->vdev.vendor,
		.device = d->vdev.device,
		.class_code = d->vdev.class_code,
		.bar_mmio = true,
		.config_space = true,
	};
	if (pci_iommu_of(d->name, d->facts.iommu, sizeof(d->facts.iommu), &d->facts.iommu_group))
		d->facts.iommu_group = -1; /* unknown: the runner says so where it matters */
	d->dev_id = d->vdev.dev_id;
	if (!iommufd_get_hw_info(iommufd, d->dev_id, &hw))
		d->max_pasid_log2 = hw.max_pasid_log2;
	return 0;
}

static void vfio_dev_close(struct test_device *d, int iommufd)
{
	vfio_pci_close(&d->vdev);
}

static int vfio_dev_attach(struct test_device *d, int iommufd, uint32_t *pt_id)
{
	return vfio_attach_pt(&d->vdev, pt_id, -1);
}

static int vfio_dev_detach(struct test_device *d, int iommufd)
{
	return vfio_detach_pt(&d->vdev, -1);
}

/* VFIO has one ioctl for both: attaching an attached PASID replaces its domain */
static int vfio_dev_pasid_attach(struct test_device *d, int iommufd, uint32_t pasid, uint32_t *pt_id)
{
	return vfio_attach_pt(&d->vdev, pt_id, (int)pasid);
}

static int vfio_dev_pasid_detach(struct test_device *d, int iommufd, uint32_t pasid)
{
	return vfio_detach_pt(&d->vdev, (int)pasid);
}

static int vfio_dev_pasid_check(struct test_device *d, int iommufd, uint32_t pasid, uint32_t hwpt_id)
{
	return -EOPNOTSUPP; /* VFIO cannot report which domain a PASID has */
}

static void vfio_dev_describe(const struct test_device *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%04x:%04x)", d->name, d->facts.vendor, d->facts.device);
}

const struct device_ops vfio_device_ops = {
	.name = "vfio",
	.title = "PCI device",
	.opening = "opening and binding its VFIO cdev",
	.claim = vfio_dev_claim,
	.open = vfio_dev_open,
	.close = vfio_dev_close,
	.attach = vfio_dev_attach,
	.detach = vfio_dev_detach,
	.pasid_attach = vfio_dev_pasid_attach,
	.pasid_replace = vfio_dev_pasid_attach,
	.pasid_detach = vfio_dev_pasid_detach,
	.pasid_check = vfio_dev_pasid_check,
	.describe = vfio_dev_describe,
	.bindable = true,
};
