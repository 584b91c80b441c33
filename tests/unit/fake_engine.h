/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fake DMA engines for the unit tests, on IOMMUFD_TEST mock devices of the fake kernel: a
 * transfer goes through the domain the fake kernel has attached to the device
 * (fake_kernel_dma_translate()), as a real device's DMA goes through its IOMMU.
 *   fake_faults  reports a fault the IOMMU raises (EIO), like the mock and nvme engines;
 *   fake_bytes   reports none: a blocked transfer completes having moved nothing, like edu,
 *                and only later checks of the bytes can tell.
 * Both are selected by name only ("engine": "fake_faults"): "any" still picks the mock engine.
 * Neither is in the product: the unit test that uses them links its own dma_engine_registry.
 */
#pragma once

#include "iommutest/engine.h"

enum fake_engine_misbehaviour {
	FAKE_ENGINE_DROP = 1 << 0,        /* every transfer completes and moves nothing */
	FAKE_ENGINE_HIDE_FAULTS = 1 << 1, /* a fault is reported as a completed transfer */
	FAKE_ENGINE_BYPASS = 1 << 2,      /* the device ignores the IOMMU: a blocked transfer
					   * reaches the memory last mapped at its IOVA */
	FAKE_ENGINE_FLICKER = 1 << 3,     /* the memory a transfer wrote reads different to the
					   * first comparison of it, as if still being written
					   * (flicker.h) */
	FAKE_ENGINE_LOSE_IN_FLIGHT = 1 << 4, /* every other asynchronous transfer completes
					      * having moved nothing (the synchronous ones work) */
	FAKE_ENGINE_INSTANT = 1 << 5, /* asynchronous transfers complete at once: none is still
				       * in flight when the next step runs (a stream is inconclusive) */
};

/* Make every fake engine misbehave so from now on (0: behave). */
void fake_engine_misbehave(unsigned int misbehaviours);

extern const struct dma_engine_ops fake_faults_engine_ops;
extern const struct dma_engine_ops fake_bytes_engine_ops;
