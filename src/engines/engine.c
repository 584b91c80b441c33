// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared DMA engine wrapper: every check on state and limits lives here, once, so each
 * engine implements only its own register protocol.
 */
#define LOG_PREFIX "engine: "

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iommutest/device.h"
#include "iommutest/engine.h"
#include "iommutest/log.h"
#include "iommutest/names.h"
#include "iommutest/util.h"

#define DMA_TIMEOUT_MS 10000

const struct dma_engine_ops *dma_engine_find(const char *name)
{
	for (size_t i = 0; dma_engine_registry[i]; i++)
		if (!strcmp(dma_engine_registry[i]->name, name))
			return dma_engine_registry[i];
	return NULL;
}

int dma_engine_setup(struct dma_engine *e, struct test_device *dev, const char *want,
		     uint64_t dma_mask)
{
	const struct dma_engine_ops *ops = NULL;
	bool bus_master = dev->facts.config_space;
	int ret;

	memset(e, 0, sizeof(*e));
	for (size_t i = 0; dma_engine_registry[i]; i++) {
		const struct dma_engine_ops *o = dma_engine_registry[i];

		if (want && strcmp(want, "any") && strcmp(o->name, want))
			continue;
		if (!o->probe(&dev->facts)) {
			ops = o;
			break;
		}
	}
	if (!ops)
		return -ENODEV;
	e->ops = ops;
	e->dev = dev;
	e->vdev = dev->facts.bar_mmio || dev->facts.config_space ? &dev->vdev : NULL;
	e->limits = ops->limits;
	if (dma_mask)
		e->limits.iova_max = dma_mask;
	if (bus_master) {
		ret = vfio_enable_bus_master(e->vdev);
		if (ret) {
			pr_err("%s: enabling bus mastering: %s", dev->name, strerror(-ret));
			return ret;
		}
	}
	ret = ops->init(e);
	if (ret) {
		pr_err("%s: %s engine init: %s", dev->name, ops->name, strerror(-ret));
		if (bus_master)
			vfio_disable_bus_master(e->vdev);
		e->ops = NULL;
		return ret;
	}
	e->ready = true;
	pr_info("%s: DMA engine %s", dev->name, ops->name);
	return 0;
}

void dma_engine_teardown(struct dma_engine *e)
{
	if (!e->ops)
		return;
	if (e->busy)
		e->ops->wait(e, DMA_TIMEOUT_MS); /* never free memory under a running transfer */
	while (e->in_flight && !dma_engine_wait_any(e, DMA_TIMEOUT_MS, &(struct dma_completion){ 0 }))
		;
	e->ops->remove(e);
	if (e->vdev && e->dev->facts.config_space)
		vfio_disable_bus_master(e->vdev);
	e->ops = NULL;
	e->ready = false;
}

void dma_engine_errmsg(struct dma_engine *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->errmsg, sizeof(e->errmsg), fmt, ap);
	va_end(ap);
}

static int check_limits(const struct dma_limits *l, uint64_t iova, uint64_t dev_off, uint64_t len,
			char *msg, size_t msglen)
{
	uint64_t end;

	if (!len) {
		snprintf(msg, msglen, "zero-length transfer");
		return -EINVAL;
	}
	if (len > l->max_transfer) {
		snprintf(msg, msglen, "length 0x%llx exceeds the engine's max transfer 0x%llx",
			 (unsigned long long)len, (unsigned long long)l->max_transfer);
		return -E2BIG;
	}
	if (add_overflows(dev_off, len, &end) || end > l->device_window) {
		snprintf(msg, msglen, "device range 0x%llx+0x%llx exceeds the device window 0x%llx",
			 (unsigned long long)dev_off, (unsigned long long)len,
			 (unsigned long long)l->device_window);
		return -ERANGE;
	}
	if (add_overflows(iova, len - 1, &end) || end > l->iova_max) {
		snprintf(msg, msglen, "IOVA 0x%llx+0x%llx is beyond the engine's DMA mask 0x%llx",
			 (unsigned long long)iova, (unsigned long long)len,
			 (unsigned long long)l->iova_max);
		return -ERANGE;
	}
	if (l->align > 1 && (iova % l->align || len % l->align)) {
		snprintf(msg, msglen, "IOVA/length not aligned to %llu", (unsigned long long)l->align);
		return -EINVAL;
	}
	return 0;
}

int dma_engine_transfer(struct dma_engine *e, enum dma_dir dir, uint64_t iova, uint64_t dev_off,
			uint64_t len, char *msg, size_t msglen)
{
	int ret;

	msg[0] = '\0';
	if (!e->ops || !e->ready) {
		snprintf(msg, msglen, "no DMA engine ready on this device");
		return -ENODEV;
	}
	if (e->busy) {
		snprintf(msg, msglen, "a transfer is already in flight");
		return -EBUSY;
	}
	ret = check_limits(&e->limits, iova, dev_off, len, msg, msglen);
	if (ret)
		return ret;
	e->busy = true;
	e->errmsg[0] = '\0';
	ret = dir == DMA_TO_DEVICE ? e->ops->to_device(e, iova, dev_off, len)
				   : e->ops->from_device(e, dev_off, iova, len);
	if (ret) {
		e->busy = false;
		if (e->errmsg[0])
			snprintf(msg, msglen, "%s: %s", e->ops->name, e->errmsg);
		else
			snprintf(msg, msglen, "%s: starting the transfer: %s", e->ops->name, strerror(-ret));
		return ret;
	}
	ret = e->ops->wait(e, DMA_TIMEOUT_MS);
	if (ret == -ETIMEDOUT) {
		/* still running: the engine cannot be trusted for another transfer */
		e->ready = false;
		snprintf(msg, msglen, "%s: transfer did not complete within %d ms%s%s", e->ops->name,
			 DMA_TIMEOUT_MS, e->errmsg[0] ? ": " : "", e->errmsg);
		return ret;
	}
	e->busy = false;
	if (ret) {
		if (e->errmsg[0])
			snprintf(msg, msglen, "%s: %s", e->ops->name, e->errmsg);
		else
			snprintf(msg, msglen, "%s: device reported an error: %s", e->ops->name,
				 strerror(-ret));
		return ret;
	}
	e->transfers++;
	return 0;
}

/* ---- asynchronous transfers: room in the contract, no engine implements them yet ---- */
int dma_engine_start(struct dma_engine *e, const struct dma_request *rq, char *msg, size_t msglen)
{
	int ret;

	msg[0] = '\0';
	if (!e->ops || !e->ready) {
		snprintf(msg, msglen, "no DMA engine ready on this device");
		return -ENODEV;
	}
	if (!e->ops->async) {
		snprintf(msg, msglen, "%s: no asynchronous transfers", e->ops->name);
		return -EOPNOTSUPP;
	}
	if (e->busy || e->in_flight >= e->limits.queue_depth) {
		snprintf(msg, msglen, "%s: %u transfer(s) in flight, the queue holds %u", e->ops->name,
			 e->in_flight + (e->busy ? 1 : 0), e->limits.queue_depth);
		return -EBUSY;
	}
	ret = check_limits(&e->limits, rq->iova, rq->dev_off, rq->len, msg, msglen);
	if (ret)
		return ret;
	e->errmsg[0] = '\0';
	ret = e->ops->async->start(e, rq);
	if (ret) {
		snprintf(msg, msglen, "%s: %s", e->ops->name, e->errmsg[0] ? e->errmsg : strerror(-ret));
		return ret;
	}
	e->in_flight++;
	return 0;
}

/* a completion was reaped: count it */
static int reaped(struct dma_engine *e, int ret, const struct dma_completion *done)
{
	if (ret)
		return ret;
	e->in_flight--;
	if (!done->result)
		e->transfers++;
	return 0;
}

int dma_engine_poll(struct dma_engine *e, struct dma_completion *done)
{
	if (!e->ops || !e->ops->async)
		return -EOPNOTSUPP;
	if (!e->in_flight)
		return -ENOENT;
	return reaped(e, e->ops->async->poll(e, done), done);
}

int dma_engine_wait_any(struct dma_engine *e, unsigned int timeout_ms, struct dma_completion *done)
{
	int ret;

	if (!e->ops || !e->ops->async)
		return -EOPNOTSUPP;
	if (!e->in_flight)
		return -ENOENT;
	ret = e->ops->async->wait(e, timeout_ms, done);
	if (ret == -ETIMEDOUT)
		e->ready = false; /* still running: not to be trusted with another transfer */
	return reaped(e, ret, done);
}

/* names.h: the engines compiled in, for the loader */
const char *dma_engine_name_at(size_t i)
{
	for (size_t n = 0; n <= i; n++)
		if (!dma_engine_registry[n])
			return NULL;
	return dma_engine_registry[i]->name;
}
