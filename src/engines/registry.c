// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA engine registry, generated from engines.def. Adding an engine touches at most three
 * files: src/engines/NAME.c (CMake globs it), one line ENGINE(NAME) in engines.def, and a header
 * of its own protocol if it has one (like include/iommutest/nvme.h). dma_engine_find() lives in
 * engine.c: the unit tests define their own registry, and this file must stay out of their link.
 */
#include <stddef.h>

#include "iommutest/engine.h"

#define ENGINE(sym) extern const struct dma_engine_ops sym##_engine_ops;
#include "engines.def"
#undef ENGINE

const struct dma_engine_ops *const dma_engine_registry[] = {
#define ENGINE(sym) &sym##_engine_ops,
#include "engines.def"
#undef ENGINE
	NULL,
};
