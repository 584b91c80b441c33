/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arm SMMUv3 structures the tool builds itself for nesting: a context descriptor and AArch64
 * stage-1 LPAE tables (4 KiB granule, 48-bit VA) in a scenario buffer that the NEST_PARENT
 * (stage 2) maps, and the vSTE words that point at them.
 */
#pragma once

#include <stdint.h>

struct run_ctx;

enum vste_kind { VSTE_NONE, VSTE_ABORT, VSTE_BYPASS, VSTE_S1 };

/* The two STE words for a nested HWPT: abort, bypass (stage 2 only), or stage 1 through the
 * table set s1_sym (a symbol of kind OBJ_S1). 0 or -errno. */
int smmuv3_vste(const struct run_ctx *rc, enum vste_kind kind, int s1_sym, uint64_t ste[2]);
