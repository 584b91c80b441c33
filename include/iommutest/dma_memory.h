/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Engine-owned DMA memory: the queues, descriptor lists and bounce buffers a real DMA engine
 * hands its device. One region of anonymous memory, mapped at one IOVA into every IOAS the
 * device is attached to while the engine runs (the device's own DMA is translated like the
 * scenario's), placed as high as the attached domain's usable ranges allow below the engine's
 * DMA mask, and moved lower when a domain does not take it where it is. Errors are said in
 * e->errmsg (dma_engine_errmsg), as for any engine op.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dma_engine;
struct iova_range;

#define DMA_MEMORY_MAX_IOAS 32

struct dma_memory {
	uint8_t *va;
	uint64_t size;     /* whole pages */
	uint64_t iova;     /* where it is mapped, in each IOAS of mapped[] */
	uint64_t align;    /* its IOVA's alignment at least (an IOAS may ask for more) */
	uint64_t top;      /* the highest IOVA it may use (and the engine's DMA mask) */
	uint32_t cur_ioas; /* the IOAS it was last made sure of (0: none) */
	uint32_t mapped[DMA_MEMORY_MAX_IOAS];
	size_t nmapped;
	/*
	 * Called before the region moves to another IOVA: stop the device's DMA from it (its
	 * addresses change), 0 or -errno with e->errmsg. The engine re-points the device after.
	 */
	int (*before_move)(struct dma_engine *e);
};

/* size bytes (rounded up to pages), not mapped anywhere yet: 0 or -errno */
int dma_memory_alloc(struct dma_memory *m, uint64_t size, uint64_t align, uint64_t top,
		     int (*before_move)(struct dma_engine *e));
/* unmap it from every IOAS it is in (some may be gone already) and free it */
void dma_memory_free(struct dma_engine *e, struct dma_memory *m);

/* choose its IOVA for ioas (the domain the device is attached to now) and map it there */
int dma_memory_place(struct dma_engine *e, struct dma_memory *m, uint32_t ioas);
/*
 * Before the device's DMA: make sure the region is in the IOAS the device is attached to now
 * (moving it when that domain does not take its IOVA). -EINVAL for a nested domain, whose
 * stage 1 the scenario owns.
 */
int dma_memory_follow(struct dma_engine *e, struct dma_memory *m);
/* the IOASes it was mapped into are gone (destroyed by the engine): forget them */
void dma_memory_forget(struct dma_memory *m);

/*
 * Where size bytes go in IOVA space: as high as the usable ranges r[0..n) allow, below top
 * (inclusive), aligned to align (a power of two). 0 and *iova, -ERANGE (no room) or -EINVAL.
 */
int dma_memory_pick_iova(const struct iova_range *r, size_t n, uint64_t size, uint64_t align,
			 uint64_t top, uint64_t *iova);
