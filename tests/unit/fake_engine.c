// SPDX-License-Identifier: GPL-2.0-only
/* The fake DMA engines of the unit tests (see fake_engine.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_engine.h"
#include "fake_kernel.h"
#include "flicker.h"
#include "iommutest/device.h"

#define FAKE_ENGINE_WINDOW 4096 /* the device-side buffer */
#define FAKE_ENGINE_QUEUE 4     /* asynchronous transfers in flight at once */

struct fake_engine {
	uint8_t window[FAKE_ENGINE_WINDOW];
	int result; /* of the last transfer, for wait() */
	/* asynchronous transfers: each moves its bytes when it completes, on the second poll after
	 * its start (so one started before a step completes during it, for the stream's counts) */
	struct fake_async {
		struct dma_request rq;
		unsigned int polls;
		bool busy;
	} q[FAKE_ENGINE_QUEUE];
};

static unsigned int misbehaviour;

void fake_engine_misbehave(unsigned int misbehaviours)
{
	misbehaviour = misbehaviours;
	flicker_disarm();
}

static int fake_engine_probe(const struct device_facts *dev)
{
	return dev->iommufd_test_mock ? 0 : -ENODEV;
}

static int fake_engine_init(struct dma_engine *e)
{
	e->priv = calloc(1, sizeof(struct fake_engine));
	return e->priv ? 0 : -ENOMEM;
}

static void fake_engine_remove(struct dma_engine *e)
{
	free(e->priv);
	e->priv = NULL;
}

/* one transfer: through the fake IOMMU, or stopped by it (then a fault, if reported) */
static int fake_engine_move(struct dma_engine *e, enum dma_dir dir, uint64_t iova, uint64_t dev_off,
			    uint64_t len)
{
	struct fake_engine *f = e->priv;
	bool write = dir == DMA_FROM_DEVICE;
	uint8_t *va;
	int ret;

	f->result = 0;
	if (misbehaviour & FAKE_ENGINE_DROP)
		return 0;
	ret = fake_kernel_dma_translate(e->dev->iommufd, e->dev->dev_id, iova, len, write, false, &va);
	if (ret && (misbehaviour & FAKE_ENGINE_BYPASS))
		ret = fake_kernel_dma_translate(e->dev->iommufd, e->dev->dev_id, iova, len, write, true,
						&va);
	if (ret) {
		if (e->ops->reports_faults && !(misbehaviour & FAKE_ENGINE_HIDE_FAULTS)) {
			dma_engine_errmsg(e, "IOMMU fault at IOVA 0x%llx+0x%llx (%s)", (unsigned long long)iova,
					  (unsigned long long)len, strerror(-ret));
			f->result = -EIO;
		}
		return 0;
	}
	if (write) {
		memcpy(va, f->window + dev_off, len);
		if (misbehaviour & FAKE_ENGINE_FLICKER)
			flicker_arm(va, len);
	} else
		memcpy(f->window + dev_off, va, len);
	return 0;
}

static int fake_engine_to_device(struct dma_engine *e, uint64_t iova, uint64_t dev_off, uint64_t len)
{
	return fake_engine_move(e, DMA_TO_DEVICE, iova, dev_off, len);
}

static int fake_engine_from_device(struct dma_engine *e, uint64_t dev_off, uint64_t iova, uint64_t len)
{
	return fake_engine_move(e, DMA_FROM_DEVICE, iova, dev_off, len);
}

static int fake_engine_wait(struct dma_engine *e, unsigned int timeout_ms)
{
	return ((struct fake_engine *)e->priv)->result;
}

static int fake_async_start(struct dma_engine *e, const struct dma_request *rq)
{
	struct fake_engine *f = e->priv;

	for (size_t i = 0; i < FAKE_ENGINE_QUEUE; i++) {
		if (!f->q[i].busy) {
			f->q[i] = (struct fake_async){ .rq = *rq, .busy = true };
			return 0;
		}
	}
	return -EBUSY; /* the wrapper keeps to limits.queue_depth: not reached */
}

static int fake_async_complete(struct dma_engine *e, struct fake_async *a, struct dma_completion *done)
{
	struct fake_engine *f = e->priv;
	static unsigned int completed;

	if ((misbehaviour & FAKE_ENGINE_LOSE_IN_FLIGHT) && completed++ % 2)
		f->result = 0; /* lost on the way */
	else
		fake_engine_move(e, a->rq.dir, a->rq.iova, a->rq.dev_off, a->rq.len);
	a->busy = false;
	*done = (struct dma_completion){ .tag = a->rq.tag, .result = f->result };
	return 0;
}

static int fake_async_poll(struct dma_engine *e, struct dma_completion *done)
{
	struct fake_engine *f = e->priv;

	for (size_t i = 0; i < FAKE_ENGINE_QUEUE; i++)
		if (f->q[i].busy && (f->q[i].polls >= 1 || (misbehaviour & FAKE_ENGINE_INSTANT)))
			return fake_async_complete(e, &f->q[i], done);
	for (size_t i = 0; i < FAKE_ENGINE_QUEUE; i++)
		f->q[i].polls += f->q[i].busy;
	return -EAGAIN;
}

static int fake_async_wait(struct dma_engine *e, unsigned int timeout_ms, struct dma_completion *done)
{
	struct fake_engine *f = e->priv;

	(void)timeout_ms;
	for (size_t i = 0; i < FAKE_ENGINE_QUEUE; i++)
		if (f->q[i].busy)
			return fake_async_complete(e, &f->q[i], done);
	return -ETIMEDOUT;
}

static const struct dma_async_ops fake_async_ops = {
	.start = fake_async_start,
	.poll = fake_async_poll,
	.wait = fake_async_wait,
};

/* the two fakes differ only in whether the device reports what the IOMMU stopped */
#define FAKE_ENGINE_OPS(engine_name, what, faults)                                              \
	{                                                                                        \
		.name = engine_name, .description = what, .probe = fake_engine_probe,           \
		.init = fake_engine_init, .remove = fake_engine_remove,                          \
		.to_device = fake_engine_to_device, .from_device = fake_engine_from_device,      \
		.wait = fake_engine_wait, .async = &fake_async_ops,                              \
		.limits = { .max_transfer = FAKE_ENGINE_WINDOW, .device_window = FAKE_ENGINE_WINDOW, \
			    .iova_max = UINT64_MAX, .align = 1,                                  \
			    .queue_depth = FAKE_ENGINE_QUEUE },                                  \
		.reports_faults = faults,                                                        \
	}

const struct dma_engine_ops fake_faults_engine_ops = FAKE_ENGINE_OPS(
	"fake_faults", "unit tests: DMA through the fake kernel's domains, faults reported as EIO", true);
const struct dma_engine_ops fake_bytes_engine_ops = FAKE_ENGINE_OPS(
	"fake_bytes", "unit tests: DMA through the fake kernel's domains, faults not reported", false);

/*
 * The engines of this test binary: the product's, then the fakes. Defining the registry here
 * keeps the linker from taking src/engines/registry.o out of the static core library, so the
 * product binary never holds a fake engine. test_run --complete checks the product's part against
 * `iommutest list engines`.
 */
#define ENGINE(sym) extern const struct dma_engine_ops sym##_engine_ops;
#include "../../src/engines/engines.def"
#undef ENGINE

const struct dma_engine_ops *const dma_engine_registry[] = {
#define ENGINE(sym) &sym##_engine_ops,
#include "../../src/engines/engines.def"
#undef ENGINE
	&fake_faults_engine_ops,
	&fake_bytes_engine_ops,
	NULL,
};
