// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mock engine, for IOMMUFD_TEST mock devices, which have no DMA of their own. A transfer is
 * emulated from the mock IOMMU's own page table: MD_CHECK_MAP must confirm that the attached
 * mock domain maps the IOVA range to exactly the user pages behind it, and only then are the
 * bytes copied. The kernel decides, not the tool's list of mappings: for an IOVA the scenario
 * has unmapped, the domain is asked about the pages that were mapped there last, and a domain
 * that still maps them (a stale translation) gets the transfer. Whatever the domain does not
 * map is a fault: the engine reports it (EIO).
 */
#define LOG_PREFIX "mock-engine: "

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/device.h"
#include "iommutest/engine.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/log.h"

#define MOCK_ENGINE_BUF 4096
#define MOCK_IO_PAGE 2048 /* MD_CHECK_MAP works on whole mock IO pages */

struct mock_engine {
	uint8_t buf[MOCK_ENGINE_BUF]; /* the device side */
	int result;                   /* of the last transfer, for wait() */
};

static int mock_engine_probe(const struct device_facts *dev)
{
	return dev->iommufd_test_mock ? 0 : -ENODEV;
}

static int mock_engine_init(struct dma_engine *e)
{
	e->priv = calloc(1, sizeof(struct mock_engine));
	return e->priv ? 0 : -ENOMEM;
}

static void mock_engine_remove(struct dma_engine *e)
{
	free(e->priv);
	e->priv = NULL;
}

/* the user memory a DMA at [iova, iova+len) would reach, or NULL (a fault) */
static uint8_t *translate(struct dma_engine *e, uint64_t iova, uint64_t len)
{
	struct test_device *d = e->dev;
	uint64_t first = iova & ~(uint64_t)(MOCK_IO_PAGE - 1);
	uint64_t end = (iova + len + MOCK_IO_PAGE - 1) & ~(uint64_t)(MOCK_IO_PAGE - 1);
	uint8_t *va;
	int ret;

	bool gone = false;

	if (!d->attached_hwpt || !d->resolve)
		return NULL;
	if (d->resolve(d->resolve_ctx, d, first, end - first, false, &va)) {
		/* unmapped in the IOAS: does the domain still map what was there? */
		if (d->resolve(d->resolve_ctx, d, first, end - first, true, &va))
			return NULL; /* never mapped: no memory of ours the domain could lead to */
		gone = true;
	}
	ret = mock_check_map(d->iommufd, d->attached_hwpt, first, end - first, va);
	if (ret) {
		pr_info("MD_CHECK_MAP(hwpt %u, 0x%llx+0x%llx%s): %s", d->attached_hwpt,
			(unsigned long long)first, (unsigned long long)(end - first),
			gone ? ", unmapped in the IOAS" : "", strerror(-ret));
		return NULL;
	}
	if (gone)
		pr_warn("hwpt %u still maps 0x%llx+0x%llx after it was unmapped: a stale translation",
			d->attached_hwpt, (unsigned long long)iova, (unsigned long long)len);
	return va + (iova - first);
}

static int mock_engine_to_device(struct dma_engine *e, uint64_t iova, uint64_t dev_off, uint64_t len)
{
	struct mock_engine *m = e->priv;
	uint8_t *va = translate(e, iova, len);

	m->result = va ? 0 : -EIO;
	if (va)
		memcpy(m->buf + dev_off, va, len);
	return 0;
}

static int mock_engine_from_device(struct dma_engine *e, uint64_t dev_off, uint64_t iova, uint64_t len)
{
	struct mock_engine *m = e->priv;
	uint8_t *va = translate(e, iova, len);

	m->result = va ? 0 : -EIO;
	if (va)
		memcpy(va, m->buf + dev_off, len);
	return 0;
}

static int mock_engine_wait(struct dma_engine *e, unsigned int timeout_ms)
{
	return ((struct mock_engine *)e->priv)->result;
}

const struct dma_engine_ops mock_engine_ops = {
	.name = "mock",
	.description = "IOMMUFD_TEST mock devices: transfers emulated from the mock domain's page "
		       "table (MD_CHECK_MAP), faults reported as EIO",
	.probe = mock_engine_probe,
	.init = mock_engine_init,
	.remove = mock_engine_remove,
	.to_device = mock_engine_to_device,
	.from_device = mock_engine_from_device,
	.wait = mock_engine_wait,
	.limits = {
		.max_transfer = MOCK_ENGINE_BUF,
		.device_window = MOCK_ENGINE_BUF,
		.iova_max = UINT64_MAX,
		.align = 1,
	},
	.reports_faults = true,
};
