/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device providers: where a scenario's device comes from and how it attaches. "vfio" is a PCI
 * device through its VFIO cdev; "mock" is a device of the kernel's IOMMUFD_TEST mock IOMMU.
 * The verbs call these ops and never care which one they have; engines look only at the facts
 * a provider states about its device (struct device_facts), never at which provider it is.
 * Every caller opens a device through device_open(), from a -d spec or a scenario slot.
 * Adding a provider: one file in src/devices/, one line in src/devices/devices.def.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/engine.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/vfio.h"

struct test_device;

/*
 * What a device offers, stated by its provider at open; DMA engines probe on these (like the
 * vfio selftests' vfio_pci_driver_ops.probe on PCI ids), never on the provider's ops.
 */
struct device_facts {
	bool pci;             /* vendor, device and class_code are the PCI function's */
	uint16_t vendor, device;
	uint32_t class_code;  /* 24-bit PCI class */
	bool bar_mmio;        /* its BARs can be mapped (vfio_bar_mmap on d->vdev) */
	bool config_space;    /* its config space is reachable (d->vdev): bus mastering, capabilities */
	bool iommufd_test_mock; /* a device of the IOMMUFD_TEST mock IOMMU: no DMA of its own */
	/* the IOMMU instance it is behind, as /sys/class/iommu names it ("dmar0"); "" unknown */
	char iommu[64];
	int iommu_group;      /* its IOMMU group, -1 when it has none of its own to tell */
};

struct device_ops {
	const char *name;
	/* what `iommutest info` calls a device of this provider that has no PCI ids */
	const char *title;
	/* what open does, for its error line: "opening and binding its VFIO cdev" */
	const char *opening;
	/* 0 when this provider serves the -d spec (fills what the spec says into d), -ENOENT when not */
	int (*claim)(const char *spec, struct test_device *d);
	/* Optional: 0 when the running kernel offers this provider and the device as claimed (its
	 * spec or slot filled d), else -errno and *why. */
	int (*available)(const struct test_device *d, int iommufd, const char **why);
	/* Open (vfio) or plug (mock) the device and bind it to iommufd: fills d->dev_id, d->facts. */
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
	/* the device as the run's diagnostic names it: "0000:00:03.0 (1234:11e8)" */
	void (*describe)(const struct test_device *d, char *buf, size_t len);
	/* --bind moves the device to vfio-pci for the run (a PCI device) */
	bool bindable;
};

/* The compiled-in providers, NULL-terminated, in the order they claim a -d spec. */
extern const struct device_ops *const device_provider_registry[];
/* the provider that claims a -d spec (d may be NULL), or NULL */
const struct device_ops *device_provider_for_spec(const char *spec, struct test_device *d);

/*
 * How an emulated engine finds the memory behind an IOVA of the device's current domain:
 * set by the runner, which knows every mapping. gone = false: what the IOAS maps there now;
 * gone = true: what it mapped there last before an unmap (where a stale translation would
 * still lead; the engine asks the kernel whether it does). 0 and *va, -ENOENT, or -EFAULT when
 * what is mapped there is no memory of the tool's (a dma-buf): no DMA may be aimed at it.
 */
typedef int (*iova_resolver)(void *ctx, const struct test_device *d, uint64_t iova, uint64_t len,
			     bool gone, uint8_t **va);

struct test_device {
	const struct device_ops *ops;
	char name[32];           /* the -d spec (a BDF), or "mock" */
	int iommufd;             /* the iommufd it is bound to */
	uint32_t dev_id;         /* the iommufd device id */
	struct device_facts facts; /* what the device offers, from its provider at open */
	struct vfio_pci_dev vdev;    /* vfio */
	uint32_t mock_flags;         /* mock: MOCK_DEV_FLAG_* */
	struct mock_ids mock;        /* mock */
	uint32_t mock_parking_ioas;  /* mock: the empty IOAS it is plugged into until attached */
	uint8_t max_pasid_log2;      /* from IOMMU_GET_HW_INFO at open */
	struct dma_engine engine;
	bool open;               /* open was attempted: device_close undoes it */
	bool engine_up;
	int attached;            /* scenario symbol attached to the RID, -1 = none (blocked) */
	uint32_t attached_hwpt;  /* kernel id of the HWPT attached to the RID, 0 = none */
	uint32_t attached_ioas;  /* kernel id of the IOAS the RID's domain translates through, 0 = none */
	bool attached_nested;    /* that domain is nested: a stage 1 the scenario owns comes first */
	bool allow_destructive;  /* --allow-destructive: the engine may write the device's storage */
	iova_resolver resolve;
	void *resolve_ctx;
};

/*
 * The one way to open a device, for the runner and `iommutest info`: from a -d spec ("BDF",
 * "mock,pasid"), or, spec NULL, as a scenario slot's own IOMMUFD_TEST mock device with
 * slot_mock_flags (MOCK_DEV_FLAG_*). d is zeroed by the caller, who may have set resolve,
 * resolve_ctx and allow_destructive. Returns 0; -errno with *unavailable set when the running
 * kernel lacks the provider (nothing was opened); another -errno when open failed
 * (d->ops->opening says what it was doing; device_close() undoes the partial open).
 */
int device_open(struct test_device *d, int iommufd, const char *spec, uint32_t slot_mock_flags,
		const char **unavailable);
/* Undo device_open (also a failed one); no-op when nothing was opened. */
void device_close(struct test_device *d);

/* "mock" or "mock,pasid,no_dirty" -> flags; -EINVAL for anything else */
int mock_spec_parse(const char *spec, uint32_t *flags);
