// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scenario loader: reads a JSON file and validates all of it — keys, types, names, sizes,
 * object lifetimes and run-time bounds — before anything is opened. The first error becomes one
 * line "FILE: JSON.PATH: message".
 */
#define LOG_PREFIX "scenario: "

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "scenario/simulate.h"
#include "iommutest/names.h"
#include "iommutest/scenario.h"
#include "iommutest/step.h"
#include "iommutest/stream.h"
#include "iommutest/util.h"

const char *obj_kind_name(enum obj_kind k)
{
	switch (k) {
	case OBJ_BUFFER: return "buffer";
	case OBJ_DEVICE: return "device";
	case OBJ_IOAS: return "ioas";
	case OBJ_HWPT: return "hwpt";
	case OBJ_MAPPING: return "mapping";
	case OBJ_MARK: return "mark";
	case OBJ_VIOMMU: return "viommu";
	case OBJ_VDEVICE: return "vdevice";
	case OBJ_VEVENTQ: return "veventq";
	case OBJ_S1: return "s1";
	case OBJ_FAULT: return "fault_queue";
	case OBJ_HW_QUEUE: return "hw_queue";
	case OBJ_RANGES: return "ranges";
	case OBJ_DMABUF: return "dmabuf";
	default: break;
	}
	return "object";
}

/* length of the well-formed UTF-8 sequence at s (1..4), or 0 when it is not one */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
		   (s[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (n == 2 && s[0] < 0xc2)
		return 0; /* overlong */
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Copy src into dst with control bytes and bytes that are not well-formed UTF-8 (a character cut
 * by a %.Ns or by jansson's quote of the input) written as \xNN: the error line stays one
 * printable, valid line whatever the file holds.
 */
static void escape_controls(char *dst, size_t dstlen, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t o = 0;

	while (*p && o + 5 < dstlen) {
		size_t n = utf8_len(p);

		if (n == 1 && *p >= 0x20 && *p != 0x7f) {
			dst[o++] = (char)*p++;
		} else if (n > 1 && o + n < dstlen) {
			memcpy(dst + o, p, n);
			o += n;
			p += n;
		} else if (n > 1) {
			break;
		} else {
			o += (size_t)snprintf(dst + o, dstlen - o, "\\x%02x", *p++);
		}
	}
	dst[o] = '\0';
}

int load_error(struct load_ctx *lc, const char *path, const char *fmt, ...)
{
	char raw[1024];
	va_list ap;
	int n;

	if (lc->failed++)
		return -EINVAL; /* keep the first error */
	n = snprintf(raw, sizeof(raw), "%s: %s%s", lc->file, path ? path : "", path ? ": " : "");
	if (n >= 0 && (size_t)n < sizeof(raw)) {
		va_start(ap, fmt);
		vsnprintf(raw + n, sizeof(raw) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	/* names, keys and jansson's quotes of the input come from the file: never raw */
	escape_controls(lc->err, lc->errlen, raw);
	return -EINVAL;
}

int scenario_buffer_index(const struct scenario *sc, int sym)
{
	for (size_t i = 0; i < sc->nbuffers; i++)
		if (sc->buffers[i].sym == sym)
			return (int)i;
	return -1;
}

uint64_t scenario_buffer_size(const struct scenario *sc, int sym)
{
	int i = scenario_buffer_index(sc, sym);

	return i < 0 ? 0 : sc->buffers[i].size;
}

int load_check_range(struct load_ctx *lc, int sym, uint64_t offset, uint64_t *length,
		     bool length_given)
{
	uint64_t size = scenario_buffer_size(lc->sc, sym), end;

	if (offset >= size)
		return load_error(lc, lc->step_path, "offset 0x%llx is beyond buffer \"%s\" (0x%llx bytes)",
				  (unsigned long long)offset, lc->sc->syms[sym].name,
				  (unsigned long long)size);
	if (!length_given)
		*length = size - offset;
	if (!*length || add_overflows(offset, *length, &end) || end > size)
		return load_error(lc, lc->step_path, "offset 0x%llx + length 0x%llx exceeds buffer \"%s\" (0x%llx bytes)",
				  (unsigned long long)offset, (unsigned long long)*length,
				  lc->sc->syms[sym].name, (unsigned long long)size);
	return 0;
}

int scenario_find_symbol(const struct scenario *sc, const char *name, unsigned int kinds)
{
	for (size_t i = 0; i < sc->nsyms; i++)
		if ((sc->syms[i].kind & kinds) && !strcmp(sc->syms[i].name, name))
			return (int)i;
	return -1;
}

int scenario_declare(struct load_ctx *lc, const char *path, void *json_name, enum obj_kind kind,
		     int *sym)
{
	struct scenario *sc = lc->sc;
	const char *name;
	int prev;
	struct symbol *ns;

	if (arg_parse_name(lc, path, json_name, &name))
		return -EINVAL;
	prev = scenario_find_symbol(sc, name, ~0u);
	if (prev >= 0)
		return load_error(lc, path, "duplicate name \"%s\" (already declared at %s)", name,
				  sc->syms[prev].decl_path);
	ns = realloc(sc->syms, (sc->nsyms + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	sc->syms = ns;
	ns[sc->nsyms] = (struct symbol){ .name = strdup(name), .kind = kind, .decl_path = strdup(path) };
	if (!ns[sc->nsyms].name || !ns[sc->nsyms].decl_path)
		return -ENOMEM;
	if (sym)
		*sym = (int)sc->nsyms;
	sc->nsyms++;
	return 0;
}

static int check_keys(struct load_ctx *lc, const char *path, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
		if (string_list_find(allowed, key) < 0)
			return load_error(lc, path, "unknown key \"%.64s\"", key);
	return 0;
}

/* ---- pass 1: every name a step declares, so later references resolve in any order ---- */
static int declare_steps(struct load_ctx *lc, json_t *steps, const char *prefix, unsigned int depth)
{
	size_t i;
	json_t *st;
	char path[256];

	if (!json_is_array(steps))
		return load_error(lc, prefix, "\"steps\" must be an array");
	if (depth > SCENARIO_MAX_REPEAT_DEPTH)
		return load_error(lc, prefix, "repeat blocks nested deeper than %d", SCENARIO_MAX_REPEAT_DEPTH);
	json_array_foreach(steps, i, st) {
		const struct step_ops *ops;
		json_t *op;

		snprintf(path, sizeof(path), "%s%ssteps[%zu]", prefix, *prefix ? "." : "", i);
		if (!json_is_object(st))
			return load_error(lc, path, "a step must be an object");
		if (json_object_get(st, "repeat") || json_object_get(st, "stream")) {
			if (declare_steps(lc, json_object_get(st, "steps"), path, depth + 1))
				return -EINVAL;
			continue;
		}
		op = json_object_get(st, "op");
		if (!op || !json_is_string(op))
			return load_error(lc, path, "missing \"op\" (or \"repeat\" or \"stream\")");
		ops = step_find(json_string_value(op));
		if (!ops)
			return load_error(lc, path, "unknown op \"%.64s\" (see: iommutest list steps)",
					  json_string_value(op));
		for (size_t a = 0; ops->args[a].name; a++) {
			json_t *v;
			char dpath[300];

			if (ops->args[a].type != ARG_NEW)
				continue;
			v = json_object_get(st, ops->args[a].name);
			if (!v)
				continue; /* reported as missing in pass 2 */
			snprintf(dpath, sizeof(dpath), "%s (%s): \"%s\"", path, ops->name, ops->args[a].name);
			if (scenario_declare(lc, dpath, v, (enum obj_kind)ops->args[a].kinds, NULL))
				return -EINVAL;
		}
	}
	return 0;
}

/* ---- pass 2: parse every step ---- */
static int parse_steps(struct load_ctx *lc, json_t *arr, const char *prefix, struct step **out,
		       size_t *nout);

/* "expect": "any": the step may succeed or fail, so it can neither name nor destroy an object
 * (the lifetime check at load time could not tell which) */
static int check_either(struct load_ctx *lc, const struct step *st, const char *step_path)
{
	for (size_t a = 0; st->ops->args[a].name; a++) {
		const struct arg_def *d = &st->ops->args[a];

		if ((st->given & (1ull << a)) && (d->type == ARG_NEW || (d->type == ARG_REF && d->kills)))
			return load_error(lc, step_path, "\"expect\": \"any\": a step that may or may not "
					  "succeed can neither create nor destroy an object (\"%s\")", d->name);
	}
	return 0;
}

static int parse_step(struct load_ctx *lc, json_t *obj, const char *path, struct step *st)
{
	static const char *const skip[] = { "op", "expect", "label", "fail_nth", NULL };
	static const char *const repeat_keys[] = { "repeat", "steps", "label", NULL };
	static const char *const stream_keys[] = { "stream", "repeat", "steps", "label", NULL };
	char step_path[300];
	json_t *v;
	int ret;

	st->path = strdup(path);
	if (!st->path)
		return -ENOMEM;
	v = json_object_get(obj, "label");
	if (v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) > 128)
			return load_error(lc, path, "\"label\" must be a string of at most 128 characters");
		st->label = strdup(json_string_value(v));
		if (!st->label)
			return -ENOMEM;
	}
	if (json_object_get(obj, "stream")) {
		snprintf(step_path, sizeof(step_path), "%s (stream)", path);
		if (check_keys(lc, step_path, obj, stream_keys))
			return -EINVAL;
		st->repeat = 1;
		v = json_object_get(obj, "repeat");
		if (v && (!json_is_integer(v) || json_integer_value(v) < 1))
			return load_error(lc, step_path, "\"repeat\" must be an integer >= 1");
		if (v)
			st->repeat = (uint64_t)json_integer_value(v);
		snprintf(step_path, sizeof(step_path), "%s.stream", path);
		if (stream_parse(lc, step_path, json_object_get(obj, "stream"), st))
			return -EINVAL;
		return parse_steps(lc, json_object_get(obj, "steps"), path, &st->children, &st->nchildren);
	}
	if (json_object_get(obj, "repeat")) {
		snprintf(step_path, sizeof(step_path), "%s (repeat)", path);
		if (check_keys(lc, step_path, obj, repeat_keys))
			return -EINVAL;
		v = json_object_get(obj, "repeat");
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return load_error(lc, step_path, "\"repeat\" must be an integer >= 1");
		st->repeat = (uint64_t)json_integer_value(v);
		return parse_steps(lc, json_object_get(obj, "steps"), path, &st->children, &st->nchildren);
	}
	st->ops = step_find(json_string_value(json_object_get(obj, "op")));
	snprintf(step_path, sizeof(step_path), "%s (%s)", path, st->ops->name);
	lc->step_path = step_path;
	v = json_object_get(obj, "expect");
	if (v) {
		const char *e = json_is_string(v) ? json_string_value(v) : NULL;

		if (!e)
			return load_error(lc, step_path, "\"expect\" must be \"ok\", \"error\", \"any\" or an errno name");
		if (!strcmp(e, "error")) {
			st->expect = EXPECT_ANY_ERROR;
		} else if (!strcmp(e, "any")) {
			st->expect = EXPECT_EITHER;
		} else if (strcmp(e, "ok")) {
			st->expect = errno_from_name(e);
			if (!st->expect)
				return load_error(lc, step_path, "\"expect\": unknown errno name \"%.32s\"", e);
		}
		if (st->expect && (st->ops->flags & STEP_NO_EXPECT))
			return load_error(lc, step_path, "\"expect\": a %s step cannot be expected to fail",
					  st->ops->name);
	}
	v = json_object_get(obj, "fail_nth");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 10000)
			return load_error(lc, step_path, "\"fail_nth\" must be an integer 1..10000");
		if (st->ops->flags & STEP_NO_EXPECT)
			return load_error(lc, step_path, "\"fail_nth\": a %s step issues no ioctl to fail",
					  st->ops->name);
		st->fail_nth = (unsigned int)json_integer_value(v);
	}
	if (st->expect == EXPECT_EITHER && !st->fail_nth)
		return load_error(lc, step_path, "\"expect\": \"any\" only with \"fail_nth\" (a fault-injection sweep)");
	st->args = calloc(1, st->ops->args_size ? st->ops->args_size : 1);
	if (!st->args)
		return -ENOMEM;
	st->plain = !st->fail_nth && !st->expect;
	ret = args_parse(lc, st, obj, skip);
	if (!ret && st->ops->validate)
		ret = st->ops->validate(lc, st);
	if (!ret && st->expect == EXPECT_EITHER)
		ret = check_either(lc, st, step_path);
	lc->step_path = NULL;
	return ret;
}

static int parse_steps(struct load_ctx *lc, json_t *arr, const char *prefix, struct step **out,
		       size_t *nout)
{
	size_t i, n = json_array_size(arr);
	json_t *st;
	char path[256];

	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	json_array_foreach(arr, i, st) {
		snprintf(path, sizeof(path), "%s%ssteps[%zu]", prefix, *prefix ? "." : "", i);
		*nout = i + 1;
		if (parse_step(lc, st, path, &(*out)[i]))
			return -EINVAL;
	}
	if (!n)
		return load_error(lc, prefix[0] ? prefix : "steps", "no steps");
	return 0;
}

/* ---- pass 3: checks of a step against the whole scenario ---- */
static int validate_against_scenario(struct load_ctx *lc, struct step *steps, size_t n)
{
	char step_path[300];

	for (size_t i = 0; i < n; i++) {
		struct step *st = &steps[i];
		int ret;

		if (!st->ops) {
			if (validate_against_scenario(lc, st->children, st->nchildren))
				return -EINVAL;
			continue;
		}
		if (!st->ops->validate_scenario)
			continue;
		snprintf(step_path, sizeof(step_path), "%s (%s)", st->path, st->ops->name);
		lc->step_path = step_path;
		ret = st->ops->validate_scenario(lc, st);
		lc->step_path = NULL;
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- top level: "requires", "devices", "buffers", through argument tables as steps are ---- */

/* the names each list in "requires" takes, from the tables of the layers that own them (names.h) */
struct requires_args {
	uint64_t devices;
	struct string_list engines, hw_info, features;
	struct field_list hw_fields;
	bool same_iommu, separate_groups;
};

enum { REQUIRES_ARG_DEVICES };
static const struct arg_def requires_argdefs[] = {
	[REQUIRES_ARG_DEVICES] = { .name = "devices", .type = ARG_INT, .min = 0, .max = 16,
	  .off = offsetof(struct requires_args, devices),
	  .help = "how many devices -d must give (default: the slots -d fills)" },
	{ .name = "engines", .type = ARG_STRINGS, .names = dma_engine_name_at,
	  .off = offsetof(struct requires_args, engines), .help = "any of these DMA engines" },
	{ .name = "hw_info", .type = ARG_STRINGS, .names = hw_info_type_name_at,
	  .off = offsetof(struct requires_args, hw_info), .help = "any of these IOMMU types" },
	{ .name = "features", .type = ARG_STRINGS, .names = iommufd_feature_name_at,
	  .off = offsetof(struct requires_args, features), .help = "all of these iommufd features" },
	{ .name = "hw_info_fields", .type = ARG_FIELDS,
	  .off = offsetof(struct requires_args, hw_fields),
	  .help = "decoded hw_info fields that must hold (names of the required IOMMU types)" },
	{ .name = "same_iommu", .type = ARG_BOOL, .def = "false",
	  .off = offsetof(struct requires_args, same_iommu),
	  .help = "all its devices behind one IOMMU instance (one domain's state serves them all)" },
	{ .name = "separate_groups", .type = ARG_BOOL, .def = "false",
	  .off = offsetof(struct requires_args, separate_groups),
	  .help = "no two of its devices in one IOMMU group (a group shares one domain)" },
	{ .name = NULL },
};

/* hw_info_fields: every name a field of one of the required IOMMU types */
static int check_required_fields(struct load_ctx *lc, const struct requirements *r)
{
	if (!r->hw_fields.n)
		return 0;
	if (!r->nhw_info)
		return load_error(lc, "requires.hw_info_fields", "needs \"hw_info\" (field names are per IOMMU type)");
	for (size_t i = 0; i < r->hw_fields.n; i++) {
		int known = 0;

		for (size_t t = 0; t < r->nhw_info; t++)
			if (hw_info_field_known(r->hw_info[t], r->hw_fields.v[i].name))
				known = 1;
		if (!known)
			return load_error(lc, "requires.hw_info_fields", "no required IOMMU type has a field \"%.64s\"",
					  r->hw_fields.v[i].name);
	}
	return 0;
}

static int parse_requires(struct load_ctx *lc, json_t *v)
{
	struct requirements *r = &lc->sc->req;
	struct requires_args a = { 0 };
	uint64_t given;
	int ret;

	if (!json_is_object(v))
		return load_error(lc, "requires", "must be an object");
	ret = args_parse_section(lc, "requires", requires_argdefs, v, &a, &given);
	/* the scenario owns what was parsed, also on error */
	r->engines = a.engines.v;
	r->nengines = a.engines.n;
	r->hw_info = a.hw_info.v;
	r->nhw_info = a.hw_info.n;
	r->features = a.features.v;
	r->nfeatures = a.features.n;
	r->hw_fields = a.hw_fields;
	r->same_iommu = a.same_iommu;
	r->separate_groups = a.separate_groups;
	if (ret)
		return ret;
	if (given & (1ull << REQUIRES_ARG_DEVICES)) /* else the slots -d fills */
		r->devices = (unsigned int)a.devices;
	return check_required_fields(lc, r);
}

struct device_args {
	int name;
	char *engine;
	uint64_t mock;
};

enum { DEVICE_ARG_NAME, DEVICE_ARG_ENGINE, DEVICE_ARG_MOCK };
static const struct arg_def device_argdefs[] = {
	[DEVICE_ARG_NAME] = { .name = "name", .type = ARG_NEW, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct device_args, name), .help = "the slot's name" },
	[DEVICE_ARG_ENGINE] = { .name = "engine", .type = ARG_STRING,
	  .off = offsetof(struct device_args, engine),
	  .help = "a DMA engine name, or \"any\": the device must have that engine" },
	[DEVICE_ARG_MOCK] = { .name = "mock", .type = ARG_FLAGS, .enums = mock_device_flag_names,
	  .off = offsetof(struct device_args, mock),
	  .help = "an IOMMUFD_TEST mock device the tool plugs (true, or its flags: pasid, no_dirty)" },
	{ .name = NULL },
};

static int parse_device(struct load_ctx *lc, const char *path, json_t *d, struct device_slot *slot)
{
	struct device_args a = { 0 };
	uint64_t given;
	int ret;

	if (json_is_true(json_object_get(d, "mock")))
		json_object_set_new(d, "mock", json_array()); /* "mock": true is a mock without flags */
	ret = args_parse_section(lc, path, device_argdefs, d, &a, &given);
	slot->sym = a.name;
	slot->engine = a.engine; /* the scenario owns it, also on error */
	if (ret)
		return ret;
	if (a.engine && strcmp(a.engine, "any") && name_at_find(dma_engine_name_at, a.engine) < 0)
		return load_error(lc, path, "unknown engine \"%.64s\" (see: iommutest list engines)",
				  a.engine);
	slot->mock = given & (1ull << DEVICE_ARG_MOCK);
	slot->mock_flags = (uint32_t)a.mock;
	if (!slot->mock)
		lc->sc->req.devices++; /* a slot -d fills */
	return 0;
}

/* a top-level array of sections ("devices", "buffers"): at most max, *out one zeroed entry each */
static int section_array(struct load_ctx *lc, json_t *v, const char *key, size_t max,
			 const char *what, size_t entry_size, void **out)
{
	if (!json_is_array(v))
		return load_error(lc, key, "must be an array");
	if (json_array_size(v) > max)
		return load_error(lc, key, "at most %zu %s", max, what);
	*out = calloc(json_array_size(v) + 1, entry_size);
	return *out ? 0 : -ENOMEM;
}

static int parse_devices(struct load_ctx *lc, json_t *v)
{
	struct scenario *sc = lc->sc;
	char path[64];
	size_t i;
	json_t *d;
	int ret;

	ret = section_array(lc, v, "devices", 16, "device slots", sizeof(*sc->devices),
			    (void **)&sc->devices);
	if (ret)
		return ret;
	json_array_foreach(v, i, d) {
		struct device_slot *slot = &sc->devices[i];

		snprintf(path, sizeof(path), "devices[%zu]", i);
		sc->ndevices = i + 1;
		if (json_is_string(d)) { /* "dev": a slot -d fills, any engine or none */
			if (scenario_declare(lc, path, d, OBJ_DEVICE, &slot->sym))
				return -EINVAL;
			sc->req.devices++;
			continue;
		}
		if (!json_is_object(d))
			return load_error(lc, path, "expected a name or {\"name\": ..., \"engine\": ...}");
		if (parse_device(lc, path, d, slot))
			return -EINVAL;
	}
	return 0;
}

static const struct name_value buffer_backings[] = {
	{ "anon", BUFFER_ANON }, { "memfd", BUFFER_MEMFD }, { "hugetlb", BUFFER_HUGETLB },
	{ "thp", BUFFER_THP }, { NULL, 0 },
};

static const struct arg_def buffer_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_BUFFER, .required = true,
	  .off = offsetof(struct buffer_def, sym), .help = "the buffer's name" },
	{ .name = "size", .type = ARG_U64, .required = true,
	  .off = offsetof(struct buffer_def, size), .help = "bytes (page-aligned memory)" },
	{ .name = "fill", .type = ARG_FILL, .def = "zero",
	  .off = offsetof(struct buffer_def, fill), .help = "the initial pattern" },
	{ .name = "backing", .type = ARG_ENUM, .enums = buffer_backings, .def = "anon",
	  .off = offsetof(struct buffer_def, backing),
	  .help = "anon (mmap), memfd (ioas_map uses IOMMU_IOAS_MAP_FILE), hugetlb (a memfd of 2 MiB huge pages; size a multiple of 2M), thp (anonymous, 2 MiB aligned, MADV_HUGEPAGE)" },
	{ .name = NULL },
};

static int parse_buffers(struct load_ctx *lc, json_t *v)
{
	struct scenario *sc = lc->sc;
	uint64_t total = 0, given;
	char path[64], vpath[96];
	size_t i;
	json_t *b;
	int ret;

	ret = section_array(lc, v, "buffers", 64, "buffers", sizeof(*sc->buffers),
			    (void **)&sc->buffers);
	if (ret)
		return ret;
	json_array_foreach(v, i, b) {
		struct buffer_def *bd = &sc->buffers[i];

		snprintf(path, sizeof(path), "buffers[%zu]", i);
		sc->nbuffers = i + 1;
		if (!json_is_object(b))
			return load_error(lc, path, "expected {\"name\": ..., \"size\": ..., \"fill\": ...}");
		if (args_parse_section(lc, path, buffer_argdefs, b, bd, &given))
			return -EINVAL;
		snprintf(vpath, sizeof(vpath), "%s.size", path);
		if (!bd->size)
			return load_error(lc, vpath, "must not be 0");
		if (bd->backing == BUFFER_HUGETLB && bd->size % BUFFER_HUGE_PAGE)
			return load_error(lc, vpath, "a hugetlb buffer's size must be a multiple of 2M (its huge pages)");
		if (add_overflows(total, bd->size, &total) || total > SCENARIO_MAX_BUFFER_BYTES)
			return load_error(lc, vpath, "buffers larger than %llu bytes in all",
					  SCENARIO_MAX_BUFFER_BYTES);
	}
	return 0;
}

static int scenario_from_json(struct load_ctx *lc, json_t *root)
{
	static const char *const keys[] = {
		"iommutest", "name", "description", "requires", "devices", "buffers", "steps", NULL,
	};
	struct scenario *sc = lc->sc;
	unsigned int slots;
	json_t *v;

	if (!json_is_object(root))
		return load_error(lc, NULL, "the top level must be an object");
	if (check_keys(lc, "(top level)", root, keys))
		return -EINVAL;
	v = json_object_get(root, "iommutest");
	if (v && (!json_is_integer(v) || json_integer_value(v) != SCENARIO_FORMAT_VERSION))
		return load_error(lc, "iommutest", "unsupported format version (this build reads %d)",
				  SCENARIO_FORMAT_VERSION);
	v = json_object_get(root, "name");
	if (!v)
		return load_error(lc, "(top level)", "missing required key \"name\"");
	if (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 128)
		return load_error(lc, "name", "must be a string of 1..128 characters");
	sc->name = strdup(json_string_value(v));
	v = json_object_get(root, "description");
	if (v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) > 4096)
			return load_error(lc, "description", "must be a string of at most 4096 characters");
		sc->description = strdup(json_string_value(v));
	}
	if (!sc->name || (v && !sc->description))
		return -ENOMEM;
	if ((v = json_object_get(root, "devices")) && parse_devices(lc, v))
		return -EINVAL;
	slots = sc->req.devices; /* the slots -d fills (mock slots are plugged by the tool) */
	if ((v = json_object_get(root, "requires")) && parse_requires(lc, v))
		return -EINVAL;
	if (sc->req.devices < slots)
		return load_error(lc, "requires.devices", "fewer than the %u device slots declared",
				  slots);
	if ((v = json_object_get(root, "buffers")) && parse_buffers(lc, v))
		return -EINVAL;
	v = json_object_get(root, "steps");
	if (!v)
		return load_error(lc, "(top level)", "missing required key \"steps\"");
	if (declare_steps(lc, v, "", 0) || parse_steps(lc, v, "", &sc->steps, &sc->nsteps) ||
	    validate_against_scenario(lc, sc->steps, sc->nsteps))
		return -EINVAL;
	return scenario_simulate(lc);
}

int scenario_load_mem(const char *name, const char *data, size_t len, struct scenario **out,
		      char *err, size_t errlen)
{
	struct load_ctx lc = { .file = name, .err = err, .errlen = errlen };
	json_error_t jerr;
	json_t *root;
	int ret;

	*out = NULL;
	err[0] = '\0';
	if (len > SCENARIO_MAX_FILE_BYTES)
		return load_error(&lc, NULL, "larger than %u bytes", SCENARIO_MAX_FILE_BYTES);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return load_error(&lc, NULL, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	lc.sc = calloc(1, sizeof(*lc.sc));
	if (!lc.sc) {
		json_decref(root);
		return -ENOMEM;
	}
	lc.sc->file = strdup(name);
	ret = lc.sc->file ? scenario_from_json(&lc, root) : -ENOMEM;
	json_decref(root);
	if (ret == -ENOMEM && !lc.failed)
		load_error(&lc, NULL, "out of memory");
	if (ret || lc.failed) {
		scenario_free(lc.sc);
		return ret ? ret : -EINVAL;
	}
	*out = lc.sc;
	return 0;
}

int scenario_load(const char *path, struct scenario **out, char *err, size_t errlen)
{
	struct load_ctx lc = { .file = path, .err = err, .errlen = errlen };
	struct stat stt;
	char *data;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		load_error(&lc, NULL, "%s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &stt) || !S_ISREG(stt.st_mode)) {
		close(fd);
		return load_error(&lc, NULL, "not a regular file");
	}
	if (stt.st_size > SCENARIO_MAX_FILE_BYTES) {
		close(fd);
		return load_error(&lc, NULL, "larger than %u bytes", SCENARIO_MAX_FILE_BYTES);
	}
	data = malloc((size_t)stt.st_size + 1);
	if (!data) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, data, (size_t)stt.st_size);
	close(fd);
	if (n != stt.st_size) {
		free(data);
		return load_error(&lc, NULL, "short read");
	}
	ret = scenario_load_mem(path, data, (size_t)n, out, err, errlen);
	free(data);
	return ret;
}

static void free_steps(struct step *steps, size_t n)
{
	for (size_t i = 0; steps && i < n; i++) {
		struct step *st = &steps[i];

		if (st->ops) {
			if (st->ops->free_args)
				st->ops->free_args(st->args);
			args_free(st->ops->args, st->args);
		}
		free(st->args);
		free(st->path);
		free(st->label);
		free_steps(st->children, st->nchildren);
		stream_free(st->stream);
	}
	free(steps);
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	free_steps(sc->steps, sc->nsteps);
	for (size_t i = 0; i < sc->nsyms; i++) {
		free(sc->syms[i].name);
		free(sc->syms[i].decl_path);
	}
	free(sc->syms);
	for (size_t i = 0; i < sc->ndevices; i++)
		free(sc->devices[i].engine);
	free(sc->devices);
	free(sc->buffers);
	free_strings(sc->req.engines, sc->req.nengines);
	free_strings(sc->req.hw_info, sc->req.nhw_info);
	for (size_t i = 0; i < sc->req.hw_fields.n; i++)
		free(sc->req.hw_fields.v[i].name);
	free(sc->req.hw_fields.v);
	free_strings(sc->req.features, sc->req.nfeatures);
	free(sc->file);
	free(sc->name);
	free(sc->description);
	free(sc);
}
