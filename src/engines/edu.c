// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's educational PCI device (1234:11e8) as a DMA engine. Its quirks (../shared/LAB-NOTES.md):
 * DMA command bit1 = 1 is device -> RAM; the device buffer is 4 KiB at device address 0x40000
 * and an address outside it kills the VM; addresses are masked to 28 bits (silently); a transfer
 * takes a ~100 ms timer; DMA errors are not reported (blocked transfers are judged by the bytes).
 */
#define LOG_PREFIX "edu: "

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "iommutest/device.h"
#include "iommutest/engine.h"
#include "iommutest/log.h"
#include "iommutest/mmio.h"
#include "iommutest/util.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_REG_ID 0x00
#define EDU_ID_MAGIC_MASK 0xffff
#define EDU_ID_MAGIC 0x00ed
#define EDU_REG_LIVENESS 0x04
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_CMD_START (1u << 0)
#define EDU_CMD_TO_RAM (1u << 1)
#define EDU_DEV_BUF 0x40000ull
#define EDU_DEV_BUF_SIZE 4096ull

struct edu {
	volatile uint8_t *bar;
	uint64_t bar_size;
	uint64_t tag; /* of the asynchronous transfer in flight */
};

static int edu_probe(const struct device_facts *dev)
{
	return dev->pci && dev->bar_mmio && dev->vendor == EDU_VENDOR && dev->device == EDU_DEVICE
		       ? 0 : -ENODEV;
}

static int edu_init(struct dma_engine *e)
{
	struct edu *d = calloc(1, sizeof(*d));
	void *bar;
	uint32_t id;
	int ret;

	if (!d)
		return -ENOMEM;
	ret = vfio_bar_mmap(e->vdev, 0, &bar, &d->bar_size);
	if (ret)
		goto err_free;
	d->bar = bar;
	id = mmio_read32(d->bar, EDU_REG_ID);
	if ((id & EDU_ID_MAGIC_MASK) != EDU_ID_MAGIC) {
		pr_err("%s: unexpected id register 0x%08x", e->vdev->bdf, id);
		ret = -ENODEV;
		goto err_unmap;
	}
	mmio_write32(d->bar, EDU_REG_LIVENESS, 0x5a5aa5a5);
	if (mmio_read32(d->bar, EDU_REG_LIVENESS) != ~0x5a5aa5a5u) {
		pr_err("%s: liveness register does not invert", e->vdev->bdf);
		ret = -EIO;
		goto err_unmap;
	}
	if (mmio_read32(d->bar, EDU_REG_DMA_CMD) & EDU_CMD_START) {
		pr_err("%s: a DMA is already running", e->vdev->bdf);
		ret = -EBUSY;
		goto err_unmap;
	}
	pr_debug("%s: edu id 0x%08x", e->vdev->bdf, id);
	e->priv = d;
	return 0;
err_unmap:
	vfio_bar_unmap(bar, d->bar_size);
err_free:
	free(d);
	return ret;
}

static void edu_remove(struct dma_engine *e)
{
	struct edu *d = e->priv;

	if (!d)
		return;
	vfio_bar_unmap((void *)d->bar, d->bar_size);
	free(d);
	e->priv = NULL;
}

static int edu_start(struct dma_engine *e, uint64_t src, uint64_t dst, uint64_t len, uint32_t cmd)
{
	struct edu *d = e->priv;

	mmio_write64(d->bar, EDU_REG_DMA_SRC, src);
	mmio_write64(d->bar, EDU_REG_DMA_DST, dst);
	mmio_write64(d->bar, EDU_REG_DMA_COUNT, len);
	mmio_write32(d->bar, EDU_REG_DMA_CMD, cmd | EDU_CMD_START);
	return 0;
}

static int edu_to_device(struct dma_engine *e, uint64_t iova, uint64_t dev_off, uint64_t len)
{
	return edu_start(e, iova, EDU_DEV_BUF + dev_off, len, 0);
}

static int edu_from_device(struct dma_engine *e, uint64_t dev_off, uint64_t iova, uint64_t len)
{
	return edu_start(e, EDU_DEV_BUF + dev_off, iova, len, EDU_CMD_TO_RAM);
}

static int edu_wait(struct dma_engine *e, unsigned int timeout_ms)
{
	struct edu *d = e->priv;
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	const struct timespec tick = { .tv_nsec = 1000000 };

	/* Ctrl-C is not honoured here: the transfer must end before its memory may go away. */
	while (mmio_read32(d->bar, EDU_REG_DMA_CMD) & EDU_CMD_START) {
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
	return 0;
}

/*
 * Asynchronous: one transfer at a time (edu has one DMA channel), so a transfer can be started
 * just before an ioctl and complete after it. Its completion is the busy bit clearing; QEMU
 * moves the bytes in the same timer callback that clears it.
 */
static int edu_async_start(struct dma_engine *e, const struct dma_request *rq)
{
	((struct edu *)e->priv)->tag = rq->tag;
	return rq->dir == DMA_TO_DEVICE ? edu_to_device(e, rq->iova, rq->dev_off, rq->len)
					: edu_from_device(e, rq->dev_off, rq->iova, rq->len);
}

static int edu_async_poll(struct dma_engine *e, struct dma_completion *done)
{
	struct edu *d = e->priv;

	if (mmio_read32(d->bar, EDU_REG_DMA_CMD) & EDU_CMD_START)
		return -EAGAIN;
	*done = (struct dma_completion){ .tag = d->tag };
	return 0;
}

static int edu_async_wait(struct dma_engine *e, unsigned int timeout_ms, struct dma_completion *done)
{
	int ret = edu_wait(e, timeout_ms);

	if (ret)
		return ret;
	return edu_async_poll(e, done);
}

static const struct dma_async_ops edu_async_ops = {
	.start = edu_async_start,
	.poll = edu_async_poll,
	.wait = edu_async_wait,
};

const struct dma_engine_ops edu_engine_ops = {
	.name = "edu",
	.description = "QEMU edu device (1234:11e8): 4 KiB device buffer, 28-bit DMA mask, "
		       "errors not reported (judged by the bytes)",
	.probe = edu_probe,
	.init = edu_init,
	.remove = edu_remove,
	.to_device = edu_to_device,
	.from_device = edu_from_device,
	.wait = edu_wait,
	.async = &edu_async_ops,
	.limits = {
		/* QEMU 7.2 kills the VM on a 4096-byte transfer ending at the buffer's end */
		.max_transfer = 2048,
		.device_window = EDU_DEV_BUF_SIZE,
		.iova_max = (1ull << 28) - 1,
		.align = 1,
		.pasid = false,
		.queue_depth = 1,
	},
	.reports_faults = false,
};
