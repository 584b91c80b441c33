// SPDX-License-Identifier: GPL-2.0-only
/*
 * Print, as JSON, the tables the scenario loader validates against — verbs and their argument
 * tables, engines, iommufd features, errno names, IOMMU types with their hw_info register and
 * field names, capability names, limits — so that tests/schema/check can hold
 * schema/iommutest-scenario.schema.json to the code.
 */
#include <stdio.h>

#include <jansson.h>

#include "iommutest/engine.h"
#include "iommutest/hwinfo.h"
#include "iommutest/iommufd.h"
#include "iommutest/scenario.h"
#include "iommutest/step.h"
#include "iommutest/stream.h"

static const char *const errno_names[] = {
#define X(e) #e,
#include "iommutest/errno_list.h"
#undef X
	NULL,
};

static json_t *enum_names(const struct name_value *e)
{
	json_t *a = json_array();

	for (size_t i = 0; e && e[i].name; i++)
		json_array_append_new(a, json_string(e[i].name));
	return a;
}

static json_t *string_list(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *arg_json(const struct arg_def *d)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:s}", "name", d->name, "type", arg_type_name(d->type),
			      "required", d->required, "help", d->help);
	json_t *kinds = json_array();

	if (d->def)
		json_object_set_new(o, "default", json_string(d->def));
	if (d->type == ARG_ENUM || d->type == ARG_FLAGS)
		json_object_set_new(o, "enum", enum_names(d->enums));
	for (unsigned int k = 1; k && k <= OBJ_LAST; k <<= 1)
		if (d->kinds & k)
			json_array_append_new(kinds, json_string(obj_kind_name((enum obj_kind)k)));
	if (d->type == ARG_INT) {
		json_object_set_new(o, "minimum", json_integer((json_int_t)d->min));
		json_object_set_new(o, "maximum", json_integer((json_int_t)d->max));
	}
	json_object_set_new(o, "kinds", kinds);
	json_object_set_new(o, "kills", json_boolean(d->kills));
	return o;
}

/* IOMMU types: every type id a decoder knows, by the name scenarios use */
static json_t *hw_types(void)
{
	json_t *o = json_object();
	uint32_t ids[66];
	size_t n = 0;

	for (uint32_t t = 0; t < 64; t++)
		ids[n++] = t;
	ids[n++] = HW_INFO_TYPE_SELFTEST;
	for (size_t i = 0; i < n; i++) {
		const struct hw_info_decoder *d = hw_info_decoder_find(ids[i]);
		json_t *names;

		if (!d)
			continue;
		names = json_array();
		for (size_t r = 0; r < d->nregs; r++)
			json_array_append_new(names, json_string(d->regs[r].name));
		for (size_t f = 0; f < d->nfields; f++)
			json_array_append_new(names, json_string(d->fields[f].name));
		json_object_set_new(o, d->name, names);
	}
	return o;
}

int main(void)
{
	json_t *doc = json_object(), *steps = json_array(), *engines = json_array();

	for (size_t i = 0; step_registry[i]; i++) {
		const struct step_ops *s = step_registry[i];
		json_t *args = json_array();

		for (size_t a = 0; s->args[a].name; a++)
			json_array_append_new(args, arg_json(&s->args[a]));
		json_array_append_new(steps, json_pack("{s:s, s:s, s:b, s:b, s:o}", "name", s->name,
						       "help", s->help, "no_expect",
						       !!(s->flags & STEP_NO_EXPECT), "dma",
						       !!(s->flags & STEP_DMA), "args", args));
	}
	for (size_t i = 0; dma_engine_registry[i]; i++)
		json_array_append_new(engines, json_string(dma_engine_registry[i]->name));
	json_object_set_new(doc, "steps", steps);
	{
		json_t *args = json_array();

		for (size_t a = 0; stream_argdefs[a].name; a++)
			json_array_append_new(args, arg_json(&stream_argdefs[a]));
		json_object_set_new(doc, "stream", json_pack("{s:o}", "args", args));
	}
	json_object_set_new(doc, "engines", engines);
	json_object_set_new(doc, "features", string_list(iommufd_feature_names));
	json_object_set_new(doc, "errnos", string_list(errno_names));
	json_object_set_new(doc, "hw_info_types", hw_types());
	json_object_set_new(doc, "hw_capabilities", enum_names(hw_cap_names));
	json_object_set_new(doc, "limits",
			    json_pack("{s:i, s:i, s:i, s:I, s:I, s:I, s:I}", "format_version",
				      SCENARIO_FORMAT_VERSION, "max_name", SCENARIO_MAX_NAME,
				      "max_repeat_depth", SCENARIO_MAX_REPEAT_DEPTH, "max_exec_steps",
				      (json_int_t)SCENARIO_MAX_EXEC_STEPS, "max_exec_dma",
				      (json_int_t)SCENARIO_MAX_EXEC_DMA, "max_buffer_bytes",
				      (json_int_t)SCENARIO_MAX_BUFFER_BYTES, "max_file_bytes",
				      (json_int_t)SCENARIO_MAX_FILE_BYTES));
	if (json_dumpf(doc, stdout, JSON_INDENT(1)) || puts("") == EOF)
		return 1;
	json_decref(doc);
	return 0;
}
