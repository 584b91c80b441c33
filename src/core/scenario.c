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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "iommutest/hwinfo.h"
#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/scenario.h"
#include "iommutest/step.h"
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
	default: break;
	}
	return "object";
}

/* IOMMU types a scenario may require (iommu_hw_info_type names) */
static const char *const hw_info_type_names[] = {
	"none", "intel_vtd", "arm_smmuv3", "tegra241_cmdqv", "amd", "selftest", NULL,
};

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

static int declare(struct load_ctx *lc, const char *path, json_t *jname, enum obj_kind kind, int *sym)
{
	struct scenario *sc = lc->sc;
	const char *name;
	int prev;
	struct symbol *ns;

	if (!json_is_string(jname))
		return load_error(lc, path, "expected a name (string)");
	name = json_string_value(jname);
	if (!*name || strlen(name) > SCENARIO_MAX_NAME)
		return load_error(lc, path, "a name must be 1..%d characters", SCENARIO_MAX_NAME);
	for (const char *p = name; *p; p++)
		if (!(*p == '_' || *p == '-' || *p == '.' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return load_error(lc, path, "name \"%.64s\": only letters, digits, '_', '-', '.'", name);
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_'))
		return load_error(lc, path, "name \"%.64s\" must start with a letter", name);
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

	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], key))
				break;
		if (!allowed[i])
			return load_error(lc, path, "unknown key \"%.64s\"", key);
	}
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
		if (json_object_get(st, "repeat")) {
			if (declare_steps(lc, json_object_get(st, "steps"), path, depth + 1))
				return -EINVAL;
			continue;
		}
		op = json_object_get(st, "op");
		if (!op || !json_is_string(op))
			return load_error(lc, path, "missing \"op\" (or \"repeat\")");
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
			if (declare(lc, dpath, v, (enum obj_kind)ops->args[a].kinds, NULL))
				return -EINVAL;
		}
	}
	return 0;
}

/* ---- pass 2: parse every step ---- */
static int parse_steps(struct load_ctx *lc, json_t *arr, const char *prefix, struct step **out,
		       size_t *nout);

static int parse_step(struct load_ctx *lc, json_t *obj, const char *path, struct step *st)
{
	static const char *const skip[] = { "op", "expect", "label", "fail_nth", NULL };
	static const char *const repeat_keys[] = { "repeat", "steps", "label", NULL };
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
			return load_error(lc, step_path, "\"expect\" must be \"ok\", \"error\" or an errno name");
		if (!strcmp(e, "error")) {
			st->expect = EXPECT_ANY_ERROR;
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
	st->args = calloc(1, st->ops->args_size ? st->ops->args_size : 1);
	if (!st->args)
		return -ENOMEM;
	ret = args_parse(lc, st, obj, skip);
	if (!ret && st->ops->validate)
		ret = st->ops->validate(lc, st);
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

/* ---- pass 4: object lifetimes and run-time bounds ---- */
struct sim {
	char *live;              /* per symbol */
	const char **killed_at;  /* per symbol: path of the step that destroyed it */
};

static int sim_use(struct load_ctx *lc, struct sim *s, const struct step *st, int sym, const char *what)
{
	enum obj_kind k = lc->sc->syms[sym].kind;
	char path[300];

	if (!(k & OBJ_LIFETIME) || s->live[sym] || st->expect)
		return 0;
	snprintf(path, sizeof(path), "%s (%s): \"%s\"", st->path, st->ops->name, what);
	if (s->killed_at[sym])
		return load_error(lc, path, "%s \"%s\" is used after it was destroyed at %s",
				  obj_kind_name(k), lc->sc->syms[sym].name, s->killed_at[sym]);
	return load_error(lc, path, "%s \"%s\" is used before it is created", obj_kind_name(k),
			  lc->sc->syms[sym].name);
}

static int simulate(struct load_ctx *lc, struct sim *s, const struct step *steps, size_t n,
		    uint64_t mult, uint64_t *exec, uint64_t *dma)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *st = &steps[i];

		if (!st->ops) {
			uint64_t m;

			if (__builtin_mul_overflow(mult, st->repeat, &m) || m > SCENARIO_MAX_EXEC_STEPS)
				return load_error(lc, st->path, "repeat %llu: the scenario would run more than %llu steps",
						  (unsigned long long)st->repeat, SCENARIO_MAX_EXEC_STEPS);
			/* two passes find what breaks from one iteration to the next */
			for (uint64_t it = 0; it < (st->repeat > 1 ? 2 : 1); it++) {
				uint64_t e = 0, d = 0;

				if (simulate(lc, s, st->children, st->nchildren, it ? 0 : m, it ? &e : exec,
					     it ? &d : dma))
					return -EINVAL;
			}
			continue;
		}
		if (mult) {
			if (add_overflows(*exec, mult, exec) || *exec > SCENARIO_MAX_EXEC_STEPS)
				return load_error(lc, st->path, "the scenario would run more than %llu steps",
						  SCENARIO_MAX_EXEC_STEPS);
			if ((st->ops->flags & STEP_DMA) &&
			    (add_overflows(*dma, mult, dma) || *dma > SCENARIO_MAX_EXEC_DMA))
				return load_error(lc, st->path, "the scenario would run more than %llu DMA transfers",
						  SCENARIO_MAX_EXEC_DMA);
		}
		for (size_t a = 0; st->ops->args[a].name; a++) {
			const struct arg_def *d = &st->ops->args[a];
			const void *f = (const char *)st->args + d->off;
			int sym = -1;

			if (!(st->given & (1ull << a)) && !d->def)
				continue;
			if (d->type == ARG_REF)
				sym = *(const int *)f;
			else if (d->type == ARG_IOVA)
				sym = ((const struct iova_arg *)f)->mapping;
			if (sym >= 0 && sim_use(lc, s, st, sym, d->name))
				return -EINVAL;
		}
		if (st->expect)
			continue; /* a step that must fail creates and destroys nothing */
		for (size_t a = 0; st->ops->args[a].name; a++) {
			const struct arg_def *d = &st->ops->args[a];
			const void *f = (const char *)st->args + d->off;

			if (!(st->given & (1ull << a)))
				continue;
			if (d->type == ARG_REF && d->kills) {
				int sym = *(const int *)f;

				s->live[sym] = 0;
				s->killed_at[sym] = st->path;
			} else if (d->type == ARG_NEW) {
				int sym = *(const int *)f;

				if (s->live[sym] && lc->sc->syms[sym].kind != OBJ_MARK) {
					char path[300];

					snprintf(path, sizeof(path), "%s (%s)", st->path, st->ops->name);
					return load_error(lc, path, "%s \"%s\" is created again while it still exists (destroy it first)",
							  obj_kind_name(lc->sc->syms[sym].kind), lc->sc->syms[sym].name);
				}
				s->live[sym] = 1;
				s->killed_at[sym] = NULL;
			}
		}
	}
	return 0;
}

/* ---- top level ---- */
static int parse_string_array(struct load_ctx *lc, const char *path, json_t *v, char ***out,
			      size_t *n, const char *const *allowed)
{
	struct arg_def d = { .name = "x", .type = ARG_STRINGS };
	struct string_list sl = { 0 };

	if (arg_parse_value(lc, path, &d, v, &sl))
		goto err;
	*out = sl.v;
	*n = sl.n;
	for (size_t i = 0; allowed && i < sl.n; i++) {
		size_t j;

		for (j = 0; allowed[j]; j++)
			if (!strcmp(allowed[j], sl.v[i]))
				break;
		if (!allowed[j])
			return load_error(lc, path, "unknown value \"%.64s\"", sl.v[i]);
	}
	return 0;
err:
	*out = sl.v;
	*n = sl.n;
	return -EINVAL;
}

static int parse_requires(struct load_ctx *lc, json_t *v)
{
	static const char *const keys[] = {
		"devices", "engines", "hw_info", "hw_info_fields", "features", NULL,
	};
	static const struct arg_def fields_def = { .name = "hw_info_fields", .type = ARG_FIELDS };
	struct requirements *r = &lc->sc->req;
	const char *engine_names[16] = { 0 };
	json_t *x;
	size_t i;

	if (!json_is_object(v))
		return load_error(lc, "requires", "must be an object");
	if (check_keys(lc, "requires", v, keys))
		return -EINVAL;
	x = json_object_get(v, "devices");
	if (x) {
		if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 16)
			return load_error(lc, "requires.devices", "must be an integer 0..16");
		r->devices = (unsigned int)json_integer_value(x);
	}
	for (i = 0; dma_engine_registry[i] && i < ARRAY_SIZE(engine_names) - 1; i++)
		engine_names[i] = dma_engine_registry[i]->name;
	x = json_object_get(v, "engines");
	if (x && parse_string_array(lc, "requires.engines", x, &r->engines, &r->nengines, engine_names))
		return -EINVAL;
	x = json_object_get(v, "hw_info");
	if (x && parse_string_array(lc, "requires.hw_info", x, &r->hw_info, &r->nhw_info, hw_info_type_names))
		return -EINVAL;
	x = json_object_get(v, "features");
	if (x && parse_string_array(lc, "requires.features", x, &r->features, &r->nfeatures,
				    iommufd_feature_names))
		return -EINVAL;
	x = json_object_get(v, "hw_info_fields");
	if (x) {
		if (!r->nhw_info)
			return load_error(lc, "requires.hw_info_fields", "needs \"hw_info\" (field names are per IOMMU type)");
		if (arg_parse_value(lc, "requires.hw_info_fields", &fields_def, x, &r->hw_fields))
			return -EINVAL;
		for (i = 0; i < r->hw_fields.n; i++) {
			int known = 0;

			for (size_t t = 0; t < r->nhw_info; t++) {
				uint32_t type;

				if (!hw_info_type_from_name(r->hw_info[t], &type) &&
				    hw_info_name_known(type, r->hw_fields.v[i].name))
					known = 1;
			}
			if (!known)
				return load_error(lc, "requires.hw_info_fields", "no required IOMMU type has a field \"%.64s\"",
						  r->hw_fields.v[i].name);
		}
	}
	return 0;
}

static int parse_devices(struct load_ctx *lc, json_t *v)
{
	static const char *const keys[] = { "name", "engine", "mock", NULL };
	static const struct arg_enum mock_flags[] = {
		{ "pasid", MOCK_DEV_FLAG_PASID }, { "no_dirty", MOCK_DEV_FLAG_NO_DIRTY }, { NULL, 0 },
	};
	static const struct arg_def mock_def = { .name = "mock", .type = ARG_FLAGS, .enums = mock_flags };
	struct scenario *sc = lc->sc;
	char path[64], mpath[80];
	size_t i;
	json_t *d;

	if (!json_is_array(v))
		return load_error(lc, "devices", "must be an array");
	if (json_array_size(v) > 16)
		return load_error(lc, "devices", "at most 16 device slots");
	sc->devices = calloc(json_array_size(v) + 1, sizeof(*sc->devices));
	if (!sc->devices)
		return -ENOMEM;
	json_array_foreach(v, i, d) {
		struct device_slot *slot = &sc->devices[i];
		json_t *e;

		snprintf(path, sizeof(path), "devices[%zu]", i);
		sc->ndevices = i + 1;
		if (json_is_string(d)) {
			if (declare(lc, path, d, OBJ_DEVICE, &slot->sym))
				return -EINVAL;
			sc->req.devices++;
			continue;
		}
		if (!json_is_object(d))
			return load_error(lc, path, "expected a name or {\"name\": ..., \"engine\": ...}");
		if (check_keys(lc, path, d, keys))
			return -EINVAL;
		if (!json_object_get(d, "name"))
			return load_error(lc, path, "missing required key \"name\"");
		if (declare(lc, path, json_object_get(d, "name"), OBJ_DEVICE, &slot->sym))
			return -EINVAL;
		e = json_object_get(d, "engine");
		if (e) {
			if (!json_is_string(e))
				return load_error(lc, path, "\"engine\" must be a string");
			if (strcmp(json_string_value(e), "any") && !dma_engine_find(json_string_value(e)))
				return load_error(lc, path, "unknown engine \"%.64s\" (see: iommutest list engines)",
						  json_string_value(e));
			slot->engine = strdup(json_string_value(e));
			if (!slot->engine)
				return -ENOMEM;
		}
		e = json_object_get(d, "mock");
		if (e) {
			uint64_t flags = 0;

			snprintf(mpath, sizeof(mpath), "%s.mock", path);
			if (!json_is_true(e) && arg_parse_value(lc, mpath, &mock_def, e, &flags))
				return -EINVAL;
			slot->mock = true;
			slot->mock_flags = (uint32_t)flags;
		} else {
			sc->req.devices++; /* a slot -d fills */
		}
	}
	return 0;
}

static int parse_buffers(struct load_ctx *lc, json_t *v)
{
	static const char *const keys[] = { "name", "size", "fill", NULL };
	static const struct arg_def size_def = { .name = "size", .type = ARG_U64 };
	static const struct arg_def fill_def = { .name = "fill", .type = ARG_FILL };
	struct scenario *sc = lc->sc;
	uint64_t total = 0;
	char path[64], vpath[96];
	size_t i;
	json_t *b;

	if (!json_is_array(v))
		return load_error(lc, "buffers", "must be an array");
	if (json_array_size(v) > 64)
		return load_error(lc, "buffers", "at most 64 buffers");
	sc->buffers = calloc(json_array_size(v) + 1, sizeof(*sc->buffers));
	if (!sc->buffers)
		return -ENOMEM;
	json_array_foreach(v, i, b) {
		struct buffer_def *bd = &sc->buffers[i];

		snprintf(path, sizeof(path), "buffers[%zu]", i);
		sc->nbuffers = i + 1;
		if (!json_is_object(b))
			return load_error(lc, path, "expected {\"name\": ..., \"size\": ..., \"fill\": ...}");
		if (check_keys(lc, path, b, keys))
			return -EINVAL;
		if (!json_object_get(b, "name") || !json_object_get(b, "size"))
			return load_error(lc, path, "missing required key \"%s\"",
					  json_object_get(b, "name") ? "size" : "name");
		if (declare(lc, path, json_object_get(b, "name"), OBJ_BUFFER, &bd->sym))
			return -EINVAL;
		snprintf(vpath, sizeof(vpath), "%s.size", path);
		if (arg_parse_value(lc, vpath, &size_def, json_object_get(b, "size"), &bd->size))
			return -EINVAL;
		if (!bd->size)
			return load_error(lc, vpath, "must not be 0");
		if (add_overflows(total, bd->size, &total) || total > SCENARIO_MAX_BUFFER_BYTES)
			return load_error(lc, vpath, "buffers larger than %llu bytes in all",
					  SCENARIO_MAX_BUFFER_BYTES);
		bd->fill.kind = FILL_ZERO;
		if (json_object_get(b, "fill")) {
			snprintf(vpath, sizeof(vpath), "%s.fill", path);
			if (arg_parse_value(lc, vpath, &fill_def, json_object_get(b, "fill"), &bd->fill))
				return -EINVAL;
		}
	}
	return 0;
}

static int scenario_from_json(struct load_ctx *lc, json_t *root)
{
	static const char *const keys[] = {
		"iommutest", "name", "description", "requires", "devices", "buffers", "steps", NULL,
	};
	struct scenario *sc = lc->sc;
	struct sim sim = { 0 };
	unsigned int slots;
	json_t *v;
	int ret;

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

	sim.live = calloc(sc->nsyms + 1, 1);
	sim.killed_at = calloc(sc->nsyms + 1, sizeof(*sim.killed_at));
	if (!sim.live || !sim.killed_at) {
		ret = -ENOMEM;
		goto out;
	}
	ret = simulate(lc, &sim, sc->steps, sc->nsteps, 1, &sc->exec_steps, &sc->exec_dma);
out:
	free(sim.live);
	free(sim.killed_at);
	return ret;
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
