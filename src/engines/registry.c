// SPDX-License-Identifier: GPL-2.0-only
/* The compiled-in DMA engines, in probe order. Add yours here. */
#include <stddef.h>

#include "iommutest/engine.h"

extern const struct dma_engine_ops edu_engine_ops;
extern const struct dma_engine_ops mock_engine_ops;
extern const struct dma_engine_ops nvme_engine_ops;

const struct dma_engine_ops *const dma_engine_registry[] = {
	&edu_engine_ops,
	&nvme_engine_ops,
	&mock_engine_ops,
	NULL,
};
