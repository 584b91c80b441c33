// SPDX-License-Identifier: GPL-2.0-only
/* Engine-owned DMA memory that follows the device from IOAS to IOAS (see dma_memory.h). */
#define LOG_PREFIX ""

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iommutest/device.h"
#include "iommutest/dma_memory.h"
#include "iommutest/engine.h"
#include "iommutest/iommufd.h"
#include "iommutest/log.h"

int dma_memory_pick_iova(const struct iova_range *r, size_t n, uint64_t size, uint64_t align,
			 uint64_t top, uint64_t *iova)
{
	bool found = false;
	uint64_t best = 0;

	if (!size || !align || (align & (align - 1)))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t hi = r[i].last < top ? r[i].last : top, base;

		if (hi < r[i].start || hi - r[i].start < size - 1)
			continue;
		base = (hi - (size - 1)) & ~(align - 1);
		if (base < r[i].start)
			continue;
		if (!found || base > best)
			best = base;
		found = true;
	}
	if (!found)
		return -ERANGE;
	*iova = best;
	return 0;
}

int dma_memory_alloc(struct dma_memory *m, uint64_t size, uint64_t align, uint64_t top,
		     int (*before_move)(struct dma_engine *e))
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	void *va;

	memset(m, 0, sizeof(*m));
	m->size = (size + page - 1) & ~(page - 1);
	va = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		  -1, 0);
	if (va == MAP_FAILED)
		return -errno;
	m->va = va;
	m->align = align;
	m->top = top;
	m->before_move = before_move;
	return 0;
}

static void unmap_all(struct dma_engine *e, struct dma_memory *m)
{
	for (size_t i = 0; i < m->nmapped; i++) /* the IOAS may be gone already */
		iommufd_ioas_unmap(e->dev->iommufd, m->mapped[i], m->iova, m->size, NULL);
	m->nmapped = 0;
}

void dma_memory_free(struct dma_engine *e, struct dma_memory *m)
{
	if (!m->va)
		return;
	unmap_all(e, m);
	munmap(m->va, m->size);
	m->va = NULL;
}

void dma_memory_forget(struct dma_memory *m)
{
	m->nmapped = 0;
	m->cur_ioas = 0;
}

/* where the region goes in the usable IOVA ranges of ioas (the attached domain's aperture) */
static int pick_window(struct dma_engine *e, struct dma_memory *m, uint32_t ioas, uint64_t *iova)
{
	struct iova_range *r = NULL;
	uint64_t align = 0;
	size_t nr = 0;
	int ret = iommufd_ioas_iova_ranges(e->dev->iommufd, ioas, &r, &nr, &align);

	if (!ret) {
		ret = dma_memory_pick_iova(r, nr, m->size, align > m->align ? align : m->align,
					   e->limits.iova_max < m->top ? e->limits.iova_max : m->top, iova);
		free(r);
	}
	if (ret)
		dma_engine_errmsg(e, "no room for 0x%llx bytes of queues in the usable IOVA ranges of IOAS %u: %s",
				  (unsigned long long)m->size, ioas, strerror(-ret));
	return ret;
}

/*
 * The attached domain's aperture does not take the region where it is (a stage-2 parent can be
 * narrower than the domain it was placed for): move it lower, out of every IOAS, with the
 * device's DMA from it stopped (before_move), since its addresses change.
 */
static int relocate(struct dma_engine *e, struct dma_memory *m, uint32_t ioas)
{
	uint64_t iova;
	int ret = pick_window(e, m, ioas, &iova);

	if (ret)
		return ret;
	if (iova == m->iova)
		return -ERANGE; /* it fits: the map failed for another reason */
	ret = m->before_move(e);
	if (ret)
		return ret;
	unmap_all(e, m);
	pr_info("%s: %s: queues move from IOVA 0x%llx to 0x%llx for IOAS %u", e->ops->name,
		e->dev->name, (unsigned long long)m->iova, (unsigned long long)iova, ioas);
	m->iova = iova;
	return 0;
}

/* map the region at its IOVA into ioas (EEXIST: it is there from before, unless the scenario's) */
static int map_into(struct dma_engine *e, struct dma_memory *m, uint32_t ioas)
{
	struct test_device *d = e->dev;
	uint64_t iova = m->iova;
	uint8_t *va;
	int ret = iommufd_ioas_map(d->iommufd, ioas, m->va, m->size, &iova, true,
				   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);

	if ((ret == -EINVAL || ret == -ERANGE) && !relocate(e, m, ioas)) {
		iova = m->iova;
		ret = iommufd_ioas_map(d->iommufd, ioas, m->va, m->size, &iova, true,
				       IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	}
	if (ret == -EEXIST && d->resolve &&
	    (!d->resolve(d->resolve_ctx, d, m->iova, 1, false, &va) ||
	     !d->resolve(d->resolve_ctx, d, m->iova + m->size - 1, 1, false, &va))) {
		dma_engine_errmsg(e, "the scenario maps IOVA 0x%llx+0x%llx of IOAS %u, where the engine keeps its queues",
				  (unsigned long long)m->iova, (unsigned long long)m->size, ioas);
		return -EINVAL;
	}
	if (ret && ret != -EEXIST) {
		dma_engine_errmsg(e, "mapping the engine's queues at IOVA 0x%llx+0x%llx into IOAS %u: %s",
				  (unsigned long long)m->iova, (unsigned long long)m->size, ioas,
				  strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < m->nmapped; i++)
		if (m->mapped[i] == ioas)
			return 0;
	if (m->nmapped < DMA_MEMORY_MAX_IOAS)
		m->mapped[m->nmapped++] = ioas;
	return 0;
}

int dma_memory_place(struct dma_engine *e, struct dma_memory *m, uint32_t ioas)
{
	int ret = pick_window(e, m, ioas, &m->iova);

	if (!ret)
		ret = map_into(e, m, ioas);
	if (!ret)
		m->cur_ioas = ioas;
	return ret;
}

int dma_memory_follow(struct dma_engine *e, struct dma_memory *m)
{
	struct test_device *d = e->dev;
	int ret;

	if (d->attached_nested) {
		dma_engine_errmsg(e, "the device is attached to a nested HWPT: the controller's queues would need IOVAs in the scenario's stage-1 tables");
		return -EINVAL;
	}
	if (d->attached_ioas && d->attached_ioas != m->cur_ioas) {
		ret = map_into(e, m, d->attached_ioas);
		if (ret)
			return ret;
	}
	m->cur_ioas = d->attached_ioas;
	return 0;
}
