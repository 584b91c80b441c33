// SPDX-License-Identifier: GPL-2.0-only
/* The one generic argument parser: JSON value + table entry -> field of the verb's struct. */
#define LOG_PREFIX "args: "

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iommutest/args.h"
#include "iommutest/scenario.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

#define ARG_MAX_STRING 256
#define ARG_MAX_LIST 64

const char *arg_type_name(enum arg_type t)
{
	switch (t) {
	case ARG_STRING: return "string";
	case ARG_U64: return "size";
	case ARG_BOOL: return "bool";
	case ARG_ENUM: return "enum";
	case ARG_FLAGS: return "flags";
	case ARG_REF: return "name";
	case ARG_NEW: return "new name";
	case ARG_IOVA: return "iova";
	case ARG_FILL: return "fill";
	case ARG_FIELDS: return "fields";
	case ARG_STRINGS: return "strings";
	case ARG_INT: return "integer";
	case ARG_RANGES: return "ranges";
	}
	return "?";
}

static int parse_u64(struct load_ctx *lc, const char *path, json_t *v, uint64_t *out)
{
	int ret;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return load_error(lc, path, "must not be negative");
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return load_error(lc, path, "expected a number or a size string, got %s",
				  json_is_real(v) ? "a fraction" : "another type");
	ret = parse_size(json_string_value(v), out);
	if (ret == -ERANGE)
		return load_error(lc, path, "\"%.64s\" overflows 64 bits", json_string_value(v));
	if (ret)
		return load_error(lc, path, "\"%.64s\" is not a size (4096, 0x1000, 64K, 2M, 1G)",
				  json_string_value(v));
	return 0;
}

static int lookup_enum(struct load_ctx *lc, const char *path, const struct name_value *e,
		       const char *name, uint64_t *out)
{
	long found = table_find(e, SIZE_MAX, sizeof(*e), offsetof(struct name_value, name), name);
	char list[256] = "";

	if (found >= 0) {
		*out = e[found].value;
		return 0;
	}
	for (size_t i = 0; e[i].name; i++) {
		if (strlen(list) + strlen(e[i].name) + 3 < sizeof(list)) {
			if (i)
				strcat(list, ", ");
			strcat(list, e[i].name);
		}
	}
	return load_error(lc, path, "\"%.64s\" is not one of: %s", name, list);
}

int arg_parse_name(struct load_ctx *lc, const char *path, void *json, const char **out)
{
	json_t *v = json;
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return load_error(lc, path, "expected a name (string)");
	s = json_string_value(v);
	n = strlen(s);
	if (!n || n > SCENARIO_MAX_NAME)
		return load_error(lc, path, "a name must be 1..%d characters", SCENARIO_MAX_NAME);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return load_error(lc, path, "name \"%.64s\": only letters, digits, '_', '-', '.'", s);
	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return load_error(lc, path, "name \"%.64s\" must start with a letter", s);
	*out = s;
	return 0;
}

static int resolve_ref(struct load_ctx *lc, const char *path, const char *name, unsigned int kinds,
		       int *out)
{
	int any = scenario_find_symbol(lc->sc, name, ~0u);
	char want[128] = "";

	if (any >= 0 && (lc->sc->syms[any].kind & kinds)) {
		*out = any;
		return 0;
	}
	for (unsigned int k = 1; k <= OBJ_LAST; k <<= 1) {
		if (!(kinds & k))
			continue;
		if (want[0])
			strcat(want, " or ");
		strcat(want, obj_kind_name(k));
	}
	if (any < 0)
		return load_error(lc, path, "undefined name \"%s\" (expected %s)", name, want);
	return load_error(lc, path, "\"%s\" is a %s, expected %s", name,
			  obj_kind_name(lc->sc->syms[any].kind), want);
}

static int parse_fill(struct load_ctx *lc, const char *path, json_t *v, struct fill_spec *f)
{
	static const struct name_value kinds[] = {
		{ "zero", FILL_ZERO }, { "byte", FILL_BYTE }, { "seq", FILL_SEQ },
		{ "random", FILL_RANDOM }, { NULL, 0 },
	};
	uint64_t k;
	const char *key;
	json_t *val;

	memset(f, 0, sizeof(*f));
	if (json_is_string(v)) {
		if (lookup_enum(lc, path, kinds, json_string_value(v), &k))
			return -EINVAL;
		if (k == FILL_BYTE)
			return load_error(lc, path, "\"byte\" needs a value: {\"pattern\": \"byte\", \"value\": 90}");
		f->kind = (enum fill_kind)k;
		return 0;
	}
	if (!json_is_object(v))
		return load_error(lc, path, "expected a pattern name or {\"pattern\": ..., \"value\": ...}");
	val = json_object_get(v, "pattern");
	if (!val || !json_is_string(val))
		return load_error(lc, path, "missing \"pattern\" (zero, byte, seq, random)");
	if (lookup_enum(lc, path, kinds, json_string_value(val), &k))
		return -EINVAL;
	f->kind = (enum fill_kind)k;
	json_object_foreach(v, key, val) {
		if (!strcmp(key, "pattern"))
			continue;
		if (strcmp(key, "value") && strcmp(key, "seed") && strcmp(key, "start"))
			return load_error(lc, path, "unknown key \"%.64s\" in a fill pattern", key);
		if (parse_u64(lc, path, val, &f->value))
			return -EINVAL;
	}
	if (f->kind == FILL_BYTE && f->value > 0xff)
		return load_error(lc, path, "byte value %llu does not fit in a byte",
				  (unsigned long long)f->value);
	return 0;
}

static int parse_fields(struct load_ctx *lc, const char *path, json_t *v, struct field_list *fl)
{
	const char *key;
	json_t *val;

	if (!json_is_object(v))
		return load_error(lc, path, "expected an object of field expectations");
	if (json_object_size(v) > ARG_MAX_LIST)
		return load_error(lc, path, "more than %d fields", ARG_MAX_LIST);
	fl->v = calloc(json_object_size(v) + 1, sizeof(*fl->v));
	if (!fl->v)
		return -ENOMEM;
	json_object_foreach(v, key, val) {
		struct field_expect *fe = &fl->v[fl->n];
		const char *k2;
		json_t *v2;

		if (strlen(key) > SCENARIO_MAX_NAME)
			return load_error(lc, path, "field name too long");
		fe->name = strdup(key);
		if (!fe->name)
			return -ENOMEM;
		fl->n++;
		if (!json_is_object(val)) {
			if (parse_u64(lc, path, val, &fe->min))
				return -EINVAL;
			fe->max = fe->min;
			continue;
		}
		fe->min = 0;
		fe->max = UINT64_MAX;
		json_object_foreach(val, k2, v2) {
			if (!strcmp(k2, "min")) {
				if (parse_u64(lc, path, v2, &fe->min))
					return -EINVAL;
			} else if (!strcmp(k2, "max")) {
				if (parse_u64(lc, path, v2, &fe->max))
					return -EINVAL;
			} else {
				return load_error(lc, path, "field \"%s\": unknown key \"%.64s\" (min, max)", key, k2);
			}
		}
		if (fe->min > fe->max)
			return load_error(lc, path, "field \"%s\": min > max", key);
	}
	return 0;
}

static int parse_strings(struct load_ctx *lc, const char *path, json_t *v, struct string_list *sl)
{
	size_t i;
	json_t *e;

	if (json_is_string(v)) {
		json_t *arr = json_array();
		int ret;

		if (!arr)
			return -ENOMEM;
		json_array_append(arr, v);
		ret = parse_strings(lc, path, arr, sl);
		json_decref(arr);
		return ret;
	}
	if (!json_is_array(v))
		return load_error(lc, path, "expected an array of strings");
	if (json_array_size(v) > ARG_MAX_LIST)
		return load_error(lc, path, "more than %d entries", ARG_MAX_LIST);
	sl->v = calloc(json_array_size(v) + 1, sizeof(*sl->v));
	if (!sl->v)
		return -ENOMEM;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || strlen(json_string_value(e)) > ARG_MAX_STRING)
			return load_error(lc, path, "entry %zu: expected a string (at most %d characters)",
					  i, ARG_MAX_STRING);
		sl->v[sl->n] = strdup(json_string_value(e));
		if (!sl->v[sl->n])
			return -ENOMEM;
		sl->n++;
	}
	return 0;
}

/* [{"start": n, "last": n}, ...]: inclusive ranges, each start <= last */
static int parse_ranges(struct load_ctx *lc, const char *path, json_t *v, struct range_list *rl)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return load_error(lc, path, "expected an array of {\"start\", \"last\"} ranges");
	if (json_array_size(v) > ARG_MAX_LIST)
		return load_error(lc, path, "more than %d ranges", ARG_MAX_LIST);
	rl->v = calloc(json_array_size(v) + 1, sizeof(*rl->v));
	if (!rl->v)
		return -ENOMEM;
	json_array_foreach(v, i, e) {
		struct range_arg *r = &rl->v[i];
		json_t *start = json_object_get(e, "start"), *last = json_object_get(e, "last");
		const char *key;
		json_t *val;

		if (!json_is_object(e))
			return load_error(lc, path, "range %zu: expected an object {\"start\", \"last\"}", i);
		json_object_foreach(e, key, val)
			if (strcmp(key, "start") && strcmp(key, "last"))
				return load_error(lc, path, "range %zu: unknown key \"%.64s\" (start, last)", i, key);
		if (!start || !last)
			return load_error(lc, path, "range %zu: needs \"start\" and \"last\"", i);
		if (parse_u64(lc, path, start, &r->start) || parse_u64(lc, path, last, &r->last))
			return -EINVAL;
		if (r->start > r->last)
			return load_error(lc, path, "range %zu: start 0x%llx is after last 0x%llx", i,
					  (unsigned long long)r->start, (unsigned long long)r->last);
		rl->n++;
	}
	return 0;
}

/* every entry of sl one of d->names (when the table gives them) */
static int check_names(struct load_ctx *lc, const char *path, const struct arg_def *d,
		       const struct string_list *sl)
{
	for (size_t i = 0; d->names && i < sl->n; i++)
		if (name_at_find(d->names, sl->v[i]) < 0)
			return load_error(lc, path, "unknown value \"%.64s\"", sl->v[i]);
	return 0;
}

/* a size string (after "+" or "-") as parse_u64 reads it */
static int parse_size_str(struct load_ctx *lc, const char *path, const char *str, uint64_t *out)
{
	json_t *tmp = json_string(str);
	int ret;

	if (!tmp)
		return -ENOMEM;
	ret = parse_u64(lc, path, tmp, out);
	json_decref(tmp);
	return ret;
}

/*
 * "RANGES[I].start+OFF" / "RANGES[I].last-OFF": an end of the I-th usable IOVA range an
 * ioas_iova_ranges step read (I < 0 counts from the end: -1 is the last range), plus or minus an
 * offset; resolved at run time from what that step read.
 */
static int parse_iova_in_ranges(struct load_ctx *lc, const char *path, const char *s,
				struct iova_arg *ia)
{
	const char *br = strchr(s, '['), *p, *field;
	char base[SCENARIO_MAX_NAME + 1];
	size_t flen;
	long idx = 0;
	bool neg;

	if ((size_t)(br - s) > SCENARIO_MAX_NAME)
		return load_error(lc, path, "ranges name too long");
	snprintf(base, sizeof(base), "%.*s", (int)(br - s), s);
	if (!base[0])
		return load_error(lc, path, "\"%.64s\": expected RANGES[I].start or RANGES[I].last (RANGES: an ioas_iova_ranges result)", s);
	if (resolve_ref(lc, path, base, OBJ_RANGES, &ia->ranges))
		return -EINVAL;
	p = br + 1;
	neg = *p == '-';
	p += neg;
	if (!isdigit((unsigned char)*p))
		return load_error(lc, path, "\"%.64s\": the range index is an integer, [0] the first range, [-1] the last", s);
	while (isdigit((unsigned char)*p) && idx <= IOVA_RANGE_INDEX_MAX)
		idx = idx * 10 + (*p++ - '0');
	if (neg && !idx && !isdigit((unsigned char)*p))
		return load_error(lc, path, "\"%.64s\": [-0] is no range ([0] is the first, [-1] the last)", s);
	if (isdigit((unsigned char)*p) || idx > IOVA_RANGE_INDEX_MAX - (neg ? 0 : 1))
		return load_error(lc, path, "\"%.64s\": the range index must be %d..%d", s,
				  -IOVA_RANGE_INDEX_MAX, IOVA_RANGE_INDEX_MAX - 1);
	if (*p != ']')
		return load_error(lc, path, "\"%.64s\": the range index is an integer, [0] the first range, [-1] the last", s);
	ia->index = (int16_t)(neg ? -idx : idx);
	if (*++p != '.')
		return load_error(lc, path, "\"%.64s\": expected \".start\" or \".last\" after the range index", s);
	field = ++p;
	flen = strcspn(field, "+-");
	if (flen == 5 && !strncmp(field, "start", 5))
		ia->last = false;
	else if (flen == 4 && !strncmp(field, "last", 4))
		ia->last = true;
	else
		return load_error(lc, path, "\"%.64s\": unknown range field \"%.*s\" (start, last)", s,
				  (int)(flen > 16 ? 16 : flen), field);
	p = field + flen;
	if (!*p)
		return 0;
	ia->minus = *p == '-';
	return parse_size_str(lc, path, p + 1, &ia->offset);
}

int arg_parse_value(struct load_ctx *lc, const char *path, const struct arg_def *d, void *json,
		    void *dst)
{
	json_t *v = json;
	const char *name = NULL;
	uint64_t u;
	size_t i;
	json_t *e;

	switch (d->type) {
	case ARG_STRING:
		if (!json_is_string(v))
			return load_error(lc, path, "expected a string");
		if (strlen(json_string_value(v)) > ARG_MAX_STRING)
			return load_error(lc, path, "string longer than %d characters", ARG_MAX_STRING);
		*(char **)dst = strdup(json_string_value(v));
		return *(char **)dst ? 0 : -ENOMEM;
	case ARG_U64:
		return parse_u64(lc, path, v, dst);
	case ARG_BOOL:
		if (!json_is_boolean(v))
			return load_error(lc, path, "expected true or false");
		*(bool *)dst = json_is_true(v);
		return 0;
	case ARG_ENUM:
		if (!json_is_string(v))
			return load_error(lc, path, "expected a string");
		return lookup_enum(lc, path, d->enums, json_string_value(v), dst);
	case ARG_FLAGS:
		if (json_is_string(v)) {
			if (lookup_enum(lc, path, d->enums, json_string_value(v), &u))
				return -EINVAL;
			*(uint64_t *)dst = u;
			return 0;
		}
		if (!json_is_array(v))
			return load_error(lc, path, "expected an array of flag names");
		*(uint64_t *)dst = 0;
		json_array_foreach(v, i, e) {
			if (!json_is_string(e))
				return load_error(lc, path, "entry %zu: expected a flag name", i);
			if (lookup_enum(lc, path, d->enums, json_string_value(e), &u))
				return -EINVAL;
			*(uint64_t *)dst |= u;
		}
		return 0;
	case ARG_REF:
	case ARG_NEW:
		if (arg_parse_name(lc, path, v, &name))
			return -EINVAL;
		return resolve_ref(lc, path, name, d->kinds, dst);
	case ARG_IOVA: {
		struct iova_arg *ia = dst;
		const char *s, *plus;
		char base[SCENARIO_MAX_NAME + 1];
		int ret;

		*ia = (struct iova_arg){ .mapping = -1, .phys = -1, .ranges = -1 };
		if (!json_is_string(v) || isdigit((unsigned char)json_string_value(v)[0]))
			return parse_u64(lc, path, v, &ia->offset);
		s = json_string_value(v);
		if (strchr(s, '['))
			return parse_iova_in_ranges(lc, path, s, ia);
		if (!strncmp(s, "phys:", 5)) {
			/* the physical address of a buffer byte: aims DMA where bypass would land */
			int *target = &ia->phys;
			unsigned int kinds = OBJ_BUFFER;

			s += 5;
			plus = strchr(s, '+');
			if ((size_t)(plus ? plus - s : (ptrdiff_t)strlen(s)) > SCENARIO_MAX_NAME)
				return load_error(lc, path, "buffer name too long");
			snprintf(base, sizeof(base), "%.*s", plus ? (int)(plus - s) : (int)strlen(s), s);
			if (resolve_ref(lc, path, base, kinds, target))
				return -EINVAL;
			goto offset;
		}
		plus = strchr(s, '+');
		if ((size_t)(plus ? plus - s : (ptrdiff_t)strlen(s)) > SCENARIO_MAX_NAME)
			return load_error(lc, path, "mapping name too long");
		snprintf(base, sizeof(base), "%.*s", plus ? (int)(plus - s) : (int)strlen(s), s);
		if (resolve_ref(lc, path, base, OBJ_MAPPING, &ia->mapping))
			return -EINVAL;
offset:
		if (!plus)
			return 0;
		ret = parse_size_str(lc, path, plus + 1, &ia->offset);
		/* like every other offset into a buffer: a byte outside it is no address to aim at */
		if (!ret && ia->phys >= 0 && ia->offset >= scenario_buffer_size(lc->sc, ia->phys))
			return load_error(lc, path, "offset 0x%llx is beyond buffer \"%s\" (0x%llx bytes)",
					  (unsigned long long)ia->offset, lc->sc->syms[ia->phys].name,
					  (unsigned long long)scenario_buffer_size(lc->sc, ia->phys));
		return ret;
	}
	case ARG_FILL:
		return parse_fill(lc, path, v, dst);
	case ARG_FIELDS:
		return parse_fields(lc, path, v, dst);
	case ARG_STRINGS:
		return parse_strings(lc, path, v, dst) ? -EINVAL : check_names(lc, path, d, dst);
	case ARG_RANGES:
		return parse_ranges(lc, path, v, dst);
	case ARG_INT:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (uint64_t)json_integer_value(v) < d->min || (uint64_t)json_integer_value(v) > d->max)
			return load_error(lc, path, "must be an integer %llu..%llu",
					  (unsigned long long)d->min, (unsigned long long)d->max);
		*(uint64_t *)dst = (uint64_t)json_integer_value(v);
		return 0;
	}
	return load_error(lc, path, "internal: unknown argument type");
}

/* a default, in the file's syntax, as a JSON value of the right shape */
static json_t *default_json(const struct arg_def *d)
{
	json_t *arr;
	char buf[256], *tok, *save = NULL;

	switch (d->type) {
	case ARG_BOOL:
		return json_boolean(!strcmp(d->def, "true"));
	case ARG_FLAGS:
		arr = json_array();
		snprintf(buf, sizeof(buf), "%s", d->def);
		for (tok = strtok_r(buf, ",", &save); tok && arr; tok = strtok_r(NULL, ",", &save))
			json_array_append_new(arr, json_string(tok));
		return arr;
	case ARG_INT:
		return json_integer((json_int_t)strtoll(d->def, NULL, 0));
	default:
		return json_string(d->def);
	}
}

/* the index of key in a table, or -1 */
static long def_find(const struct arg_def *defs, const char *key)
{
	return table_find(defs, SIZE_MAX, sizeof(*defs), offsetof(struct arg_def, name), key);
}

/* an argument the file does not give: no symbol, or its default (where = the table's owner) */
static int arg_absent(struct load_ctx *lc, const char *where, const struct arg_def *d, void *field)
{
	char path[300];
	json_t *dv;
	int ret;

	/* an absent name or IOVA must never read as symbol 0 */
	if (d->type == ARG_REF || d->type == ARG_NEW)
		*(int *)field = -1;
	if (d->type == ARG_IOVA)
		*(struct iova_arg *)field = (struct iova_arg){ .mapping = -1, .phys = -1, .ranges = -1 };
	if (!d->def)
		return 0;
	dv = default_json(d);
	if (!dv)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s: default of \"%s\"", where, d->name);
	ret = arg_parse_value(lc, path, d, dv, field);
	json_decref(dv);
	return ret;
}

int args_parse(struct load_ctx *lc, struct step *st, void *obj, const char *const *skip)
{
	const struct arg_def *defs = st->ops->args;
	const char *key;
	json_t *v;
	char path[256];

	json_object_foreach((json_t *)obj, key, v) {
		long i;

		if (skip && string_list_find(skip, key) >= 0)
			continue;
		i = def_find(defs, key);
		if (i < 0)
			return load_error(lc, lc->step_path, "unknown key \"%.64s\"", key);
		snprintf(path, sizeof(path), "%s: \"%s\"", lc->step_path, key);
		if (arg_parse_value(lc, path, &defs[i], v, (char *)st->args + defs[i].off))
			return -EINVAL;
		st->given |= 1ull << i;
	}
	for (size_t i = 0; defs[i].name; i++) {
		if (st->given & (1ull << i))
			continue;
		if (defs[i].required)
			return load_error(lc, lc->step_path, "missing required key \"%s\"", defs[i].name);
		if (arg_absent(lc, lc->step_path, &defs[i], (char *)st->args + defs[i].off))
			return -EINVAL;
	}
	return 0;
}

int args_parse_section(struct load_ctx *lc, const char *path, const struct arg_def *defs,
		       void *obj, void *dst, uint64_t *given)
{
	const char *key;
	char kpath[300];
	json_t *v;

	*given = 0;
	json_object_foreach((json_t *)obj, key, v)
		if (def_find(defs, key) < 0)
			return load_error(lc, path, "unknown key \"%.64s\"", key);
	for (size_t i = 0; defs[i].name; i++)
		if (defs[i].required && !json_object_get(obj, defs[i].name))
			return load_error(lc, path, "missing required key \"%s\"", defs[i].name);
	for (size_t i = 0; defs[i].name; i++) {
		void *field = (char *)dst + defs[i].off;
		int ret;

		v = json_object_get(obj, defs[i].name);
		snprintf(kpath, sizeof(kpath), "%s.%s", path, defs[i].name);
		if (!v)
			ret = arg_absent(lc, kpath, &defs[i], field);
		else if (defs[i].type == ARG_NEW)
			ret = scenario_declare(lc, path, v, (enum obj_kind)defs[i].kinds, field);
		else
			ret = arg_parse_value(lc, kpath, &defs[i], v, field);
		if (ret)
			return ret;
		if (v)
			*given |= 1ull << i;
	}
	return 0;
}

bool arg_given(const struct step *st, const char *name)
{
	/* verbs pass the literal their own table uses, which the compiler merges: compare the
	 * pointers first, so the run-time path does no string compares */
	for (size_t i = 0; st->ops && st->ops->args[i].name; i++)
		if (st->ops->args[i].name == name)
			return st->given & (1ull << i);
	for (size_t i = 0; st->ops && st->ops->args[i].name; i++)
		if (!strcmp(st->ops->args[i].name, name))
			return st->given & (1ull << i);
	return false;
}

void args_free(const struct arg_def *defs, void *args)
{
	if (!args)
		return;
	for (size_t i = 0; defs[i].name; i++) {
		void *f = (char *)args + defs[i].off;

		switch (defs[i].type) {
		case ARG_STRING:
			free(*(char **)f);
			break;
		case ARG_FIELDS: {
			struct field_list *fl = f;

			for (size_t j = 0; j < fl->n; j++)
				free(fl->v[j].name);
			free(fl->v);
			break;
		}
		case ARG_STRINGS: {
			struct string_list *sl = f;

			for (size_t j = 0; j < sl->n; j++)
				free(sl->v[j]);
			free(sl->v);
			break;
		}
		case ARG_RANGES:
			free(((struct range_list *)f)->v);
			break;
		default:
			break;
		}
	}
}

static size_t arg_type_size(enum arg_type t)
{
	switch (t) {
	case ARG_STRING: return sizeof(char *);
	case ARG_U64: case ARG_ENUM: case ARG_FLAGS: case ARG_INT: return sizeof(uint64_t);
	case ARG_BOOL: return sizeof(bool);
	case ARG_REF: case ARG_NEW: return sizeof(int);
	case ARG_IOVA: return sizeof(struct iova_arg);
	case ARG_FILL: return sizeof(struct fill_spec);
	case ARG_FIELDS: return sizeof(struct field_list);
	case ARG_STRINGS: return sizeof(struct string_list);
	case ARG_RANGES: return sizeof(struct range_list);
	}
	return 0;
}

int args_check_table(const char *verb, const struct arg_def *defs, size_t args_size)
{
	static const char *const reserved[] = { "op", "expect", "label", "fail_nth", NULL };
	size_t n = 0;

	for (size_t i = 0; defs[i].name; i++, n++) {
		if (defs[i].off + arg_type_size(defs[i].type) > args_size)
			return -EINVAL;
		if ((defs[i].type == ARG_ENUM || defs[i].type == ARG_FLAGS) && !defs[i].enums)
			return -EINVAL;
		if ((defs[i].type == ARG_REF || defs[i].type == ARG_NEW) && !defs[i].kinds)
			return -EINVAL;
		if (defs[i].required && defs[i].def)
			return -EINVAL;
		if ((defs[i].type == ARG_INT && defs[i].min > defs[i].max) ||
		    (defs[i].names && defs[i].type != ARG_STRINGS))
			return -EINVAL;
		if (!defs[i].help)
			return -EINVAL;
		for (size_t j = 0; reserved[j]; j++)
			if (!strcmp(defs[i].name, reserved[j]))
				return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(defs[i].name, defs[j].name))
				return -EINVAL;
	}
	(void)verb;
	return n < 64 ? 0 : -E2BIG;
}
