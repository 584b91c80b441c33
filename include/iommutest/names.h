/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names the lower layers accept, exported as small tables so that the scenario loader
 * (src/scenario/) learns them without including those layers' internals. Each *_name_at(i)
 * returns the i-th name, NULL past the last.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "iommutest/util.h"

/* src/kernel/iommufd.c: the iommufd features a scenario may require ("hwpt_alloc", ...) */
const char *iommufd_feature_name_at(size_t i);
/* src/kernel/hwinfo.c: the IOMMU types of IOMMU_GET_HW_INFO ("arm_smmuv3", ...) */
const char *hw_info_type_name_at(size_t i);
/* src/kernel/hwinfo.c: whether the IOMMU type called type decodes a register or field name */
bool hw_info_field_known(const char *type, const char *name);
/* src/engines/engine.c: the DMA engines compiled in ("edu", "nvme", ...) */
const char *dma_engine_name_at(size_t i);
/* src/devices/mock.c: the IOMMUFD_TEST mock device's flags ({NULL}-terminated) */
extern const struct name_value mock_device_flag_names[];
