/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DMA engines: a device's own DMA moving bytes through the IOMMU. Each engine fills one small
 * ops table; the shared wrapper (src/engines/engine.c) checks state and the engine's declared
 * limits once, so engines never re-check them. Adding an engine: one file in src/engines/, its
 * ops in the registry list in src/engines/registry.c, one line in CMake's glob (automatic).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "iommutest/vfio.h"

struct dma_limits {
	uint64_t max_transfer;  /* bytes per transfer */
	uint64_t device_window; /* size of the device-side buffer (dev_off + len must fit) */
	uint64_t iova_max;      /* highest IOVA the engine can address (DMA mask) */
	uint64_t align;         /* IOVA and length alignment, 1 = none */
	bool pasid;             /* can issue PASID-tagged DMA */
};

struct dma_engine;
struct test_device;

struct dma_engine_ops {
	const char *name;
	const char *description;
	/* 0 when this engine drives the device, -ENODEV otherwise. No side effects. */
	int (*probe)(const struct test_device *dev);
	/*
	 * Bring the engine up on a device bound to an iommufd (a VFIO device has bus mastering
	 * on). May narrow e->limits. Returns 0 or -errno (then remove is not called).
	 */
	int (*init)(struct dma_engine *e);
	/* Quiesce (no DMA in flight afterwards) and free. Safe to call from a signal cleanup path. */
	void (*remove)(struct dma_engine *e);
	/*
	 * Start a memory -> device transfer of len bytes at iova into device offset dev_off.
	 * -EINVAL/-ERANGE/-E2BIG: a transfer this engine cannot do (the step skips).
	 */
	int (*to_device)(struct dma_engine *e, uint64_t iova, uint64_t dev_off, uint64_t len);
	/* Start a device -> memory transfer. */
	int (*from_device)(struct dma_engine *e, uint64_t dev_off, uint64_t iova, uint64_t len);
	/*
	 * Wait for the started transfer: 0 done, -EIO device-reported error (the engine is usable
	 * again), -ETIMEDOUT still running (the engine is not). An op that fails may say why in
	 * e->errmsg (dma_engine_errmsg()); the wrapper reports that instead of strerror().
	 */
	int (*wait)(struct dma_engine *e, unsigned int timeout_ms);
	/*
	 * Optional. What the engine did to the device during the scenario that a verdict outside
	 * the tool needs (nvme: the Writes and the LBAs they covered), as one line of text in buf;
	 * "" when there is nothing to say. The runner prints it as a diagnostic at the end of each
	 * scenario, before remove. No side effects.
	 */
	void (*summary)(struct dma_engine *e, char *buf, size_t len);
	struct dma_limits limits; /* defaults; init may narrow them */
	/* true when a blocked DMA is reported by the device (else it is judged from the bytes) */
	bool reports_faults;
};

struct dma_engine {
	const struct dma_engine_ops *ops;
	struct test_device *dev;
	struct vfio_pci_dev *vdev; /* dev's VFIO device; NULL for a mock device */
	struct dma_limits limits;
	void *priv;
	bool ready;
	bool busy;
	uint64_t transfers; /* completed */
	char errmsg[256];   /* why the last op failed, set by the engine; cleared per transfer */
};

/* printf into e->errmsg (engines, when an op fails) */
void dma_engine_errmsg(struct dma_engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The compiled-in engines, NULL-terminated, in `iommutest list engines` order. */
extern const struct dma_engine_ops *const dma_engine_registry[];
const struct dma_engine_ops *dma_engine_find(const char *name);

/* Pick the engine for vdev (first whose probe accepts it) or the one named, and init it.
 * dma_mask: the device's DMA mask when configured differently from the engine's default
 * (e.g. QEMU's -device edu,dma_mask=...), 0 for the default. */
int dma_engine_setup(struct dma_engine *e, struct test_device *dev, const char *want,
		     uint64_t dma_mask);
void dma_engine_teardown(struct dma_engine *e);

enum dma_dir { DMA_TO_DEVICE, DMA_FROM_DEVICE };
/* Checked, synchronous transfer: limits, state, start, wait. 0 / -errno; msg explains. */
int dma_engine_transfer(struct dma_engine *e, enum dma_dir dir, uint64_t iova, uint64_t dev_off,
			uint64_t len, char *msg, size_t msglen);
