// SPDX-License-Identifier: GPL-2.0-only
/*
 * smmuv3_s1, s1_map, s1_unmap: a stage-1 translation built by the tool, for nested HWPTs on an
 * Arm SMMUv3 vIOMMU. The table buffer is ordinary scenario memory that the scenario maps into
 * the NEST_PARENT's IOAS at table_ipa, so the SMMU reads the context descriptor and the tables
 * through stage 2, as it would a guest's. Layout: page 0 the CD, page 1 the level-0 table, then
 * level 1-3 tables allocated as mappings need them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/smmuv3.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

#define S1_PAGE 4096ull
#define S1_ENTRIES 512
#define S1_VA_BITS 48
#define S1_MIN_PAGES 3 /* CD, L0, and one more */

/* context descriptor word 0 (SMMUv3 CD, AArch64) */
#define CD0_T0SZ(x) ((uint64_t)(x) & 0x3f)
#define CD0_IRGN0_WBWA (1ull << 8)
#define CD0_ORGN0_WBWA (1ull << 10)
#define CD0_SH0_INNER (3ull << 12)
#define CD0_EPD1 (1ull << 30)
#define CD0_V (1ull << 31)
#define CD0_IPS(x) (((uint64_t)(x) & 7) << 32)
#define CD0_AA64 (1ull << 41)
#define CD0_R (1ull << 45) /* record faults (they reach the vEVENTQ) */
#define CD0_A (1ull << 46)
#define CD0_ASID(x) (((uint64_t)(x) & 0xffff) << 48)
#define MAIR_NORMAL_WB 0xffull /* attribute index 0 */

/* LPAE descriptors */
#define DESC_VALID_TABLE 3ull /* table (levels 0-2) and page (level 3) have the same low bits */
#define DESC_AP_EL0_RW (1ull << 6)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_ADDR_MASK 0x0000fffffffff000ull

/* STE words a user may give (see the kernel's STRTAB_STE_*_NESTING_ALLOWED) */
#define STE0_V 1ull
#define STE0_CFG(x) ((uint64_t)(x) << 1)
#define STE0_CFG_ABORT 0
#define STE0_CFG_BYPASS 4
#define STE0_CFG_S1_TRANS 5
#define STE0_S1CTXPTR_MASK 0x000fffffffffffc0ull
#define STE1_S1CIR_WBRA (1ull << 2)
#define STE1_S1COR_WBRA (1ull << 4)
#define STE1_S1CSH_INNER (3ull << 6)

struct s1_tables {
	int buffer;
	uint64_t table_ipa;
	uint64_t npages, next_page;
};

static uint64_t *table_page(struct run_ctx *rc, const struct s1_tables *t, uint64_t page)
{
	return (uint64_t *)(rc->objs[t->buffer].mem + page * S1_PAGE);
}

/* ---- smmuv3_s1 ---- */
struct smmuv3_s1_args {
	int name, buffer;
	uint64_t table_ipa, asid, ips;
};

static const struct arg_def smmuv3_s1_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_S1, .required = true,
	  .off = offsetof(struct smmuv3_s1_args, name), .help = "name of the stage-1 table set" },
	{ .name = "buffer", .type = ARG_REF, .kinds = OBJ_BUFFER, .required = true,
	  .off = offsetof(struct smmuv3_s1_args, buffer),
	  .help = "memory for the CD and tables (>= 3 pages; rewritten)" },
	{ .name = "table_ipa", .type = ARG_U64, .required = true,
	  .off = offsetof(struct smmuv3_s1_args, table_ipa),
	  .help = "where the buffer is mapped in the NEST_PARENT's IOAS (stage-1 tables are read there)" },
	{ .name = "asid", .type = ARG_U64, .def = "1",
	  .off = offsetof(struct smmuv3_s1_args, asid), .help = "the CD's ASID" },
	{ .name = "ips", .type = ARG_U64, .def = "5",
	  .off = offsetof(struct smmuv3_s1_args, ips),
	  .help = "intermediate physical address size (IDR5.OAS encoding; 5 = 48 bits)" },
	{ .name = NULL },
};

static int smmuv3_s1_validate(struct load_ctx *lc, struct step *st)
{
	const struct smmuv3_s1_args *a = st->args;
	uint64_t size = scenario_buffer_size(lc->sc, a->buffer);

	if (size < S1_MIN_PAGES * S1_PAGE)
		return load_error(lc, lc->step_path, "buffer \"%s\" needs at least %llu bytes",
				  lc->sc->syms[a->buffer].name, S1_MIN_PAGES * S1_PAGE);
	if (a->table_ipa % S1_PAGE || a->table_ipa & ~DESC_ADDR_MASK)
		return load_error(lc, lc->step_path, "\"table_ipa\" must be 4K-aligned and below 2^48");
	if (a->asid > 0xffff || a->ips > 6)
		return load_error(lc, lc->step_path, "\"asid\" is 16 bits, \"ips\" 0..6");
	return 0;
}

static int smmuv3_s1_run(struct run_ctx *rc, const struct step *st)
{
	const struct smmuv3_s1_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	struct rt_object *b = &rc->objs[a->buffer];
	struct s1_tables *t = o->s1 ? o->s1 : calloc(1, sizeof(*t));
	uint64_t *cd;

	if (!t)
		return -ENOMEM;
	*t = (struct s1_tables){
		.buffer = a->buffer,
		.table_ipa = a->table_ipa,
		.npages = b->size / S1_PAGE,
		.next_page = 2,
	};
	o->s1 = t;
	memset(b->mem, 0, t->npages * S1_PAGE);
	cd = table_page(rc, t, 0);
	cd[0] = CD0_T0SZ(64 - S1_VA_BITS) | CD0_IRGN0_WBWA | CD0_ORGN0_WBWA | CD0_SH0_INNER |
		CD0_EPD1 | CD0_V | CD0_IPS(a->ips) | CD0_AA64 | CD0_R | CD0_A | CD0_ASID(a->asid);
	cd[1] = (t->table_ipa + S1_PAGE) & DESC_ADDR_MASK; /* TTB0: the level-0 table */
	cd[3] = MAIR_NORMAL_WB;
	o->live = true;
	return 0;
}

const struct step_ops step_smmuv3_s1 = {
	.name = "smmuv3_s1",
	.help = "build an SMMUv3 context descriptor and empty stage-1 tables in a buffer (for a vSTE)",
	.args = smmuv3_s1_argdefs,
	.args_size = sizeof(struct smmuv3_s1_args),
	.flags = STEP_NO_EXPECT,
	.validate = smmuv3_s1_validate,
	.run = smmuv3_s1_run,
	.ioctls = STEP_NO_IOCTLS,
};

/* ---- s1_map / s1_unmap ---- */
struct s1_map_args {
	int s1;
	uint64_t va, ipa, length;
};

enum s1_map_arg { S1_MAP_S1, S1_MAP_VA, S1_MAP_IPA, S1_MAP_LENGTH, S1_MAP_NARGS };

static const struct arg_def s1_map_argdefs[] = {
	[S1_MAP_S1] = { .name = "s1", .type = ARG_REF, .kinds = OBJ_S1, .required = true,
	  .off = offsetof(struct s1_map_args, s1), .help = "the stage-1 table set" },
	[S1_MAP_VA] = { .name = "va", .type = ARG_U64, .required = true,
	  .off = offsetof(struct s1_map_args, va), .help = "first input address (what the device uses)" },
	[S1_MAP_IPA] = { .name = "ipa", .type = ARG_U64,
	  .off = offsetof(struct s1_map_args, ipa), .help = "s1_map: the stage-1 output (an IOVA of the parent)" },
	[S1_MAP_LENGTH] = { .name = "length", .type = ARG_U64, .required = true,
	  .off = offsetof(struct s1_map_args, length), .help = "bytes (4K multiple)" },
	[S1_MAP_NARGS] = { .name = NULL },
};

static int s1_map_validate(struct load_ctx *lc, struct step *st)
{
	const struct s1_map_args *a = st->args;
	uint64_t end;

	if (a->va % S1_PAGE || a->ipa % S1_PAGE || !a->length || a->length % S1_PAGE)
		return load_error(lc, lc->step_path, "\"va\", \"ipa\" and \"length\" must be 4K multiples");
	if (add_overflows(a->va, a->length - 1, &end) || end >> S1_VA_BITS)
		return load_error(lc, lc->step_path, "the range is beyond the 48-bit stage-1 input");
	if (add_overflows(a->ipa, a->length - 1, &end) || end & ~DESC_ADDR_MASK & ~(S1_PAGE - 1))
		return load_error(lc, lc->step_path, "\"ipa\" range is beyond 48 bits");
	return 0;
}

static int s1_map_validate_map(struct load_ctx *lc, struct step *st)
{
	if (!arg_given_at(st, S1_MAP_IPA))
		return load_error(lc, lc->step_path, "missing required key \"ipa\"");
	return s1_map_validate(lc, st);
}

/* the level-3 entry for va, allocating tables on the way when alloc */
static uint64_t *s1_walk(struct run_ctx *rc, struct s1_tables *t, uint64_t va, bool alloc)
{
	uint64_t page = 1; /* level 0 */

	for (int level = 0; level < 3; level++) {
		uint64_t *tbl = table_page(rc, t, page);
		uint64_t *e = &tbl[(va >> (39 - 9 * level)) & (S1_ENTRIES - 1)];

		if (!*e) {
			if (!alloc)
				return NULL;
			if (t->next_page >= t->npages)
				return NULL;
			*e = ((t->table_ipa + t->next_page * S1_PAGE) & DESC_ADDR_MASK) | DESC_VALID_TABLE;
			t->next_page++;
		}
		page = ((*e & DESC_ADDR_MASK) - t->table_ipa) / S1_PAGE;
	}
	return &table_page(rc, t, page)[(va >> 12) & (S1_ENTRIES - 1)];
}

static int s1_update(struct run_ctx *rc, const struct step *st, bool map)
{
	const struct s1_map_args *a = st->args;
	struct s1_tables *t = rc->objs[a->s1].s1;

	for (uint64_t off = 0; off < a->length; off += S1_PAGE) {
		uint64_t *pte = s1_walk(rc, t, a->va + off, map);

		if (!pte) {
			if (map) {
				step_fail(rc, "the table buffer is full (%llu pages)", (unsigned long long)t->npages);
				return 0;
			}
			continue;
		}
		*pte = map ? ((a->ipa + off) & DESC_ADDR_MASK) | DESC_VALID_TABLE | DESC_AF |
				     DESC_SH_INNER | DESC_AP_EL0_RW
			   : 0;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* tables are read by the SMMU */
	return 0;
}

static int s1_map_run(struct run_ctx *rc, const struct step *st)
{
	return s1_update(rc, st, true);
}

static int s1_unmap_run(struct run_ctx *rc, const struct step *st)
{
	return s1_update(rc, st, false);
}

const struct step_ops step_s1_map = {
	.name = "s1_map",
	.help = "map va -> ipa in a stage-1 table set (4K pages; invalidate through the vIOMMU after)",
	.args = s1_map_argdefs,
	.args_size = sizeof(struct s1_map_args),
	.flags = STEP_NO_EXPECT,
	.validate = s1_map_validate_map,
	.run = s1_map_run,
	.ioctls = STEP_NO_IOCTLS,
};

const struct step_ops step_s1_unmap = {
	.name = "s1_unmap",
	.help = "clear the stage-1 entries of a va range",
	.args = s1_map_argdefs,
	.args_size = sizeof(struct s1_map_args),
	.flags = STEP_NO_EXPECT,
	.validate = s1_map_validate,
	.run = s1_unmap_run,
	.ioctls = STEP_NO_IOCTLS,
};

int smmuv3_vste(const struct run_ctx *rc, enum vste_kind kind, int s1_sym, uint64_t ste[2])
{
	const struct s1_tables *t;

	ste[0] = ste[1] = 0;
	switch (kind) {
	case VSTE_NONE:
		return 0;
	case VSTE_ABORT:
		ste[0] = STE0_V | STE0_CFG(STE0_CFG_ABORT);
		return 0;
	case VSTE_BYPASS:
		ste[0] = STE0_V | STE0_CFG(STE0_CFG_BYPASS);
		return 0;
	case VSTE_S1:
		t = rc->objs[s1_sym].s1;
		if (!t)
			return -ENOENT;
		/* one linear CD (S1FMT 0, S1CDMAX 0) at the start of the table buffer */
		ste[0] = STE0_V | STE0_CFG(STE0_CFG_S1_TRANS) | (t->table_ipa & STE0_S1CTXPTR_MASK);
		ste[1] = STE1_S1CIR_WBRA | STE1_S1COR_WBRA | STE1_S1CSH_INNER;
		return 0;
	}
	return -EINVAL;
}
