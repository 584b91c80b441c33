/* SPDX-License-Identifier: GPL-2.0-only */
/* Decoding IOMMU_GET_HW_INFO data by name: registers and their fields per IOMMU type. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "iommutest/util.h"
#include "iommutest/iommufd.h"

#define HW_INFO_TYPE_SELFTEST 0xfeedbeefu /* the IOMMUFD_TEST mock's type */

struct hw_reg {
	const char *name;
	uint16_t offset; /* byte offset in the hw_info data */
	uint8_t width;   /* 4 or 8 bytes */
};

struct hw_field {
	const char *name;
	uint8_t reg; /* index into the decoder's regs */
	uint8_t lo, hi;
	const char *desc;
};

struct hw_info_decoder {
	uint32_t type;
	const char *name; /* the scenario's name for the type ("arm_smmuv3") */
	const struct hw_reg *regs;
	size_t nregs;
	const struct hw_field *fields;
	size_t nfields;
};

const char *hw_info_type_name(uint32_t type);
int hw_info_type_from_name(const char *name, uint32_t *type);
const struct hw_info_decoder *hw_info_decoder_find(uint32_t type);
/* A register (by register name) or a field (by field name) of hw; 0 / -ENOENT */
int hw_info_value(const struct hw_info_result *hw, const char *name, uint64_t *val);
/* 1 when name is a register or field of type, else 0 */
int hw_info_name_known(uint32_t type, const char *name);
/* capability bits (IOMMU_HW_CAP_*) by name */
extern const struct name_value hw_cap_names[];
