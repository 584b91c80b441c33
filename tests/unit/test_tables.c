// SPDX-License-Identifier: GPL-2.0-only
/* Every verb's argument table is sane; registries are complete; hw_info field decoding. */
#include <errno.h>
#include <string.h>

#include "iommutest/engine.h"
#include "iommutest/hwinfo.h"
#include "iommutest/output.h"
#include "iommutest/step.h"
#include "unit.h"

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
	return unit_done("tables");
}
