/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DMA engines: a device's own DMA moving bytes through the IOMMU. Each engine fills one small
 * ops table; the shared wrapper (src/engines/engine.c) checks state and the engine's declared
 * limits once, so engines never re-check them. An engine recognises its device from the facts
 * its provider states (struct device_facts in device.h: PCI ids and class, BAR and config space
 * access, the IOMMUFD_TEST mock), never from which provider it is. Shared services for engines:
 * engine-owned DMA memory that follows the device's IOAS (dma_memory.h), MMIO accessors,
 * barriers and little-endian loads (mmio.h).
 *
 * Adding an engine touches two files (three with a header of its own protocol, like nvme.h):
 * src/engines/NAME.c (CMake globs it) and one line ENGINE(NAME) in src/engines/engines.def.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* only pointers to these cross this header: device.h includes engine.h, never the reverse */
struct device_facts;
struct test_device;
struct vfio_pci_dev;

struct dma_limits {
	uint64_t max_transfer;  /* bytes per transfer */
	uint64_t device_window; /* size of the device-side buffer (dev_off + len must fit) */
	uint64_t iova_max;      /* highest IOVA the engine can address (DMA mask) */
	uint64_t align;         /* IOVA and length alignment, 1 = none */
	bool pasid;             /* can issue PASID-tagged DMA */
	/* asynchronous transfers in flight at once (struct dma_async_ops); 0 = no async ops */
	uint32_t queue_depth;
};

struct dma_engine;

enum dma_dir { DMA_TO_DEVICE, DMA_FROM_DEVICE };

/* one asynchronous transfer, as started, and as it completes */
struct dma_request {
	enum dma_dir dir;
	uint64_t iova, dev_off, len;
	uint64_t tag;    /* the caller's, handed back with the completion */
};

struct dma_completion {
	uint64_t tag;    /* of the request */
	int result;      /* 0, or -EIO as wait() reports it (e->errmsg says why) */
};

/*
 * Optional asynchronous transfers: several in flight at once, at most limits.queue_depth. Not
 * used by the verbs yet (the synchronous to_device / from_device / wait path is); the wrapper
 * (dma_engine_start, dma_engine_poll, dma_engine_wait_any) checks state, limits and queue depth
 * as it does for the synchronous path and answers -EOPNOTSUPP for an engine without them.
 */
struct dma_async_ops {
	/*
	 * Queue rq and return without waiting: 0 (the engine owns the transfer until it reports its
	 * completion), or -errno and nothing queued (-EINVAL/-ERANGE/-E2BIG: one it cannot do).
	 * Called only with fewer than limits.queue_depth transfers in flight.
	 */
	int (*start)(struct dma_engine *e, const struct dma_request *rq);
	/* Without blocking: 0 and one completed transfer in *done, -EAGAIN when none has completed. */
	int (*poll)(struct dma_engine *e, struct dma_completion *done);
	/*
	 * Block up to timeout_ms for the next completion: 0 and *done, or -ETIMEDOUT (transfers
	 * still running: the engine is not usable again until they are reaped).
	 */
	int (*wait)(struct dma_engine *e, unsigned int timeout_ms, struct dma_completion *done);
};

struct dma_engine_ops {
	const char *name;
	const char *description;
	/*
	 * 0 when this engine drives a device with these facts (PCI ids, class, BAR MMIO, config
	 * space, IOMMUFD_TEST mock), -ENODEV otherwise. No side effects.
	 */
	int (*probe)(const struct device_facts *dev);
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
	/* Optional: asynchronous transfers (above); NULL when the engine has none. */
	const struct dma_async_ops *async;
	struct dma_limits limits; /* defaults; init may narrow them */
	/* true when a blocked DMA is reported by the device (else it is judged from the bytes) */
	bool reports_faults;
};

struct dma_engine {
	const struct dma_engine_ops *ops;
	struct test_device *dev;
	struct vfio_pci_dev *vdev; /* dev's VFIO device when it offers BAR MMIO or config space, else NULL */
	struct dma_limits limits;
	void *priv;
	bool ready;
	bool busy;
	uint64_t transfers; /* completed */
	uint32_t in_flight; /* asynchronous transfers started and not yet reaped */
	char errmsg[256];   /* why the last op failed, set by the engine; cleared per transfer */
};

/* printf into e->errmsg (engines, when an op fails) */
void dma_engine_errmsg(struct dma_engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The compiled-in engines, NULL-terminated, in `iommutest list engines` order. */
extern const struct dma_engine_ops *const dma_engine_registry[];
const struct dma_engine_ops *dma_engine_find(const char *name);

/* Pick the engine for dev (first whose probe accepts its facts) or the one named, and init it.
 * dma_mask: the device's DMA mask when configured differently from the engine's default
 * (e.g. QEMU's -device edu,dma_mask=...), 0 for the default. */
int dma_engine_setup(struct dma_engine *e, struct test_device *dev, const char *want,
		     uint64_t dma_mask);
void dma_engine_teardown(struct dma_engine *e);

/* Checked, synchronous transfer: limits, state, start, wait. 0 / -errno; msg explains. */
int dma_engine_transfer(struct dma_engine *e, enum dma_dir dir, uint64_t iova, uint64_t dev_off,
			uint64_t len, char *msg, size_t msglen);

/*
 * Checked asynchronous transfers (struct dma_async_ops): -EOPNOTSUPP for an engine without
 * them, -EBUSY at limits.queue_depth in flight or while a synchronous transfer is; msg explains.
 */
int dma_engine_start(struct dma_engine *e, const struct dma_request *rq, char *msg, size_t msglen);
int dma_engine_poll(struct dma_engine *e, struct dma_completion *done);
int dma_engine_wait_any(struct dma_engine *e, unsigned int timeout_ms, struct dma_completion *done);
