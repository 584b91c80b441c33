// SPDX-License-Identifier: GPL-2.0-only
/* Every verb's argument table is sane; registries are complete; hw_info tables and field decoding. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommutest/engine.h"
#include "iommutest/hwinfo.h"
#include "iommutest/names.h"
#include "iommutest/output.h"
#include "iommutest/step.h"
#include "unit.h"

/*
 * Every decoder's tables: registers inside the hw_info data, fields inside their register, no two
 * fields of one register overlapping, every name once per type and every field described.
 */
static void check_decoder_tables(void)
{
	for (size_t t = 0; hw_info_type_name_at(t); t++) {
		const struct hw_info_decoder *d;
		uint32_t type;

		CHECK(hw_info_type_from_name(hw_info_type_name_at(t), &type) == 0);
		d = hw_info_decoder_find(type);
		CHECK(d != NULL);
		if (!d)
			continue;
		for (size_t r = 0; r < d->nregs; r++) {
			CHECK(d->regs[r].width == 4 || d->regs[r].width == 8);
			CHECK(d->regs[r].offset + d->regs[r].width <= sizeof(((struct hw_info_result *)0)->data));
			for (size_t q = 0; q < r; q++)
				CHECK(strcmp(d->regs[q].name, d->regs[r].name) != 0);
		}
		for (size_t i = 0; i < d->nfields; i++) {
			const struct hw_field *f = &d->fields[i];

			CHECK(f->reg < d->nregs && f->lo <= f->hi && f->desc && f->desc[0]);
			if (f->reg < d->nregs)
				CHECK(f->hi < d->regs[f->reg].width * 8);
			for (size_t r = 0; r < d->nregs; r++)
				CHECK(strcmp(d->regs[r].name, f->name) != 0);
			for (size_t j = 0; j < i; j++) {
				const struct hw_field *g = &d->fields[j];

				CHECK(strcmp(g->name, f->name) != 0);
				CHECK(g->reg != f->reg || g->hi < f->lo || f->hi < g->lo);
			}
		}
	}
}

struct field_value {
	const char *name;
	uint64_t value;
};

static void check_fields(const struct hw_info_result *hw, const struct field_value *fv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = ~0ull;

		CHECK(hw_info_value(hw, fv[i].name, &v) == 0);
		if (v != fv[i].value)
			fprintf(stderr, "%s = 0x%llx, expected 0x%llx\n", fv[i].name, (unsigned long long)v,
				(unsigned long long)fv[i].value);
		CHECK(v == fv[i].value);
	}
}

/* AMD EFR/EFR2: QEMU 11.1's amd-iommu (EFR 0x29d3, EFR2 0) and a made-up high-bit value */
static void check_amd_decoding(void)
{
	static const struct field_value qemu[] = {
		{ "EFR", 0x29d3 }, { "EFR2", 0 }, { "PREFSUP", 1 }, { "PPRSUP", 1 }, { "XTSUP", 0 },
		{ "NXSUP", 0 }, { "GTSUP", 1 }, { "IASUP", 1 }, { "GASUP", 1 }, { "HESUP", 1 },
		{ "PCSUP", 0 }, { "HATS", 2 }, { "GATS", 2 }, { "GLXSUP", 0 }, { "PASMAX", 0 },
		{ "NUMINTREMAPSUP", 0 },
	};
	/* PASMAX 15 (16-bit PASIDs), GAMSUP 1, GIOSUP, HDSUP, SNPSUP; EFR2 GCR3TRPMODE, 2K IRTEs */
	static const struct field_value high[] = {
		{ "PASMAX", 15 }, { "GAMSUP", 1 }, { "GIOSUP", 1 }, { "HASUP", 0 }, { "HDSUP", 1 },
		{ "SNPSUP", 1 }, { "HATS", 0 }, { "GCR3TRPMODE", 1 }, { "NUMINTREMAPSUP", 1 },
		{ "SNPAVICSUP", 0 },
	};
	struct hw_info_result hw = { .type = 4 /* AMD */ };
	uint64_t efr = 0x29d3, efr2 = 0, v;

	CHECK(!strcmp(hw_info_type_name(4), "amd"));
	memcpy(hw.data, &efr, 8);
	memcpy(hw.data + 8, &efr2, 8);
	check_fields(&hw, qemu, ARRAY_SIZE(qemu));
	efr = (15ull << 32) | (1ull << 21) | (1ull << 48) | (1ull << 52) | (1ull << 63);
	efr2 = (1ull << 3) | (1ull << 8);
	memcpy(hw.data, &efr, 8);
	memcpy(hw.data + 8, &efr2, 8);
	check_fields(&hw, high, ARRAY_SIZE(high));
	CHECK(hw_info_value(&hw, "S2P", &v) == -ENOENT);
	CHECK(hw_info_field_known("amd", "HDSUP") && hw_info_field_known("amd", "EFR2"));
	CHECK(!hw_info_field_known("amd", "ECAP") && !hw_info_field_known("intel_vtd", "HATS"));
}

int main(void)
{
	size_t nsteps = 0;
	struct hw_info_result hw = { .type = 2 /* ARM SMMUv3 */ };
	uint32_t idr0 = (1u << 0) | (1u << 1) | (2u << 2), idr5 = 5 | (1u << 4) | (1u << 6);
	uint64_t v;

	for (size_t i = 0; step_registry[i]; i++, nsteps++) {
		const struct step_ops *s = step_registry[i];

		CHECK(s->name && s->help && s->run && s->args);
		CHECK(args_check_table(s->name, s->args, s->args_size) == 0);
		CHECK(step_find(s->name) == s);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(step_registry[j]->name, s->name) != 0);
	}
	CHECK(nsteps >= 13);
	CHECK(step_find("nope") == NULL);
	for (size_t i = 0; dma_engine_registry[i]; i++) {
		const struct dma_engine_ops *e = dma_engine_registry[i];

		CHECK(e->probe && e->init && e->remove && e->to_device && e->from_device && e->wait);
		CHECK(e->limits.max_transfer && e->limits.device_window && e->limits.iova_max);
	}
	CHECK(dma_engine_find("edu") != NULL);
	CHECK(output_find("ktap") != NULL);

	memcpy(hw.data + 8, &idr0, 4);
	memcpy(hw.data + 28, &idr5, 4);
	CHECK(hw_info_value(&hw, "S2P", &v) == 0 && v == 1);
	CHECK(hw_info_value(&hw, "S1P", &v) == 0 && v == 1);
	CHECK(hw_info_value(&hw, "TTF", &v) == 0 && v == 2);
	CHECK(hw_info_value(&hw, "COHACC", &v) == 0 && v == 0);
	CHECK(hw_info_value(&hw, "OAS", &v) == 0 && v == 5);
	CHECK(hw_info_value(&hw, "GRAN4K", &v) == 0 && v == 1);
	CHECK(hw_info_value(&hw, "GRAN16K", &v) == 0 && v == 0);
	CHECK(hw_info_value(&hw, "IDR0", &v) == 0 && v == idr0);
	CHECK(hw_info_value(&hw, "ECAP", &v) == -ENOENT);
	CHECK(hw_info_name_known(1, "ECAP") && hw_info_name_known(1, "FSTS"));
	CHECK(!hw_info_name_known(1, "S2P"));
	CHECK(!strcmp(hw_info_type_name(1), "intel_vtd"));
	CHECK(!strcmp(hw_info_type_name(HW_INFO_TYPE_SELFTEST), "selftest"));
	check_decoder_tables();
	check_amd_decoding();
	return unit_done("tables");
}
