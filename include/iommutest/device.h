/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device providers: where a scenario's device comes from and how it attaches. "vfio" is a PCI
 * device through its VFIO cdev; "mock" is a device of the kernel's IOMMUFD_TEST mock IOMMU.
 * The verbs call these ops and never care which one they have. Adding a provider: one file in
 * src/devices/, one entry in the list in src/devices/device.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "iommutest/engine.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/vfio.h"

struct test_device;

struct device_ops {
	const char *name;
	/* Open (vfio) or plug (mock) the device and bind it to iommufd: fills d->dev_id. */
	int (*open)(struct test_device *d, int iommufd);
	/* Undo open; the device is detached by it. Must cope with a partial open. */
	void (*close)(struct test_device *d, int iommufd);
	/* Attach the RID, or replace what is attached; *pt_id gets the HWPT actually used. */
	int (*attach)(struct test_device *d, int iommufd, uint32_t *pt_id);
	/* RID -> BLOCKED. -EOPNOTSUPP where the provider has no such state. */
	int (*detach)(struct test_device *d, int iommufd);
	int (*pasid_attach)(struct test_device *d, int iommufd, uint32_t pasid, uint32_t *pt_id);
	int (*pasid_replace)(struct test_device *d, int iommufd, uint32_t pasid, uint32_t *pt_id);
	int (*pasid_detach)(struct test_device *d, int iommufd, uint32_t pasid);
	/* 0 when pasid is attached to hwpt_id (0 = detached), -EINVAL when not, -EOPNOTSUPP
	 * when the provider cannot tell */
	int (*pasid_check)(struct test_device *d, int iommufd, uint32_t pasid, uint32_t hwpt_id);
};

extern const struct device_ops vfio_device_ops;
extern const struct device_ops mock_device_ops;

/*
 * How an emulated engine finds the memory behind an IOVA of the device's current domain:
 * set by the runner, which knows every mapping. gone = false: what the IOAS maps there now;
 * gone = true: what it mapped there last before an unmap (where a stale translation would
 * still lead; the engine asks the kernel whether it does). 0 and *va, or -ENOENT.
 */
typedef int (*iova_resolver)(void *ctx, const struct test_device *d, uint64_t iova, uint64_t len,
			     bool gone, uint8_t **va);

struct test_device {
	const struct device_ops *ops;
	char name[32];           /* the BDF, or "mock" */
	int iommufd;             /* the iommufd it is bound to */
	uint32_t dev_id;         /* the iommufd device id */
	struct vfio_pci_dev vdev;    /* vfio */
	uint32_t mock_flags;         /* mock: MOCK_DEV_FLAG_* */
	struct mock_ids mock;        /* mock */
	uint32_t mock_parking_ioas;  /* mock: the empty IOAS it is plugged into until attached */
	uint8_t max_pasid_log2;      /* from IOMMU_GET_HW_INFO at open */
	struct dma_engine engine;
	bool open;
	bool engine_up;
	int attached;            /* scenario symbol attached to the RID, -1 = none (blocked) */
	uint32_t attached_hwpt;  /* kernel id of the HWPT attached to the RID, 0 = none */
	uint32_t attached_ioas;  /* kernel id of the IOAS the RID's domain translates through, 0 = none */
	bool attached_nested;    /* that domain is nested: a stage 1 the scenario owns comes first */
	bool allow_destructive;  /* --allow-destructive: the engine may write the device's storage */
	iova_resolver resolve;
	void *resolve_ctx;
};

/* "mock" or "mock,pasid,no_dirty" -> flags; -EINVAL for anything else */
int mock_spec_parse(const char *spec, uint32_t *flags);
