/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarative step arguments, as fio's option tables: each verb lists {name, type, offset,...}
 * and one generic parser (src/scenario/args.c) fills the verb's struct. Verbs contain no JSON code.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/pattern.h"
#include "iommutest/util.h"

struct load_ctx;
struct step;

enum arg_type {
	ARG_STRING, /* char * */
	ARG_U64,    /* uint64_t: a number, or a size/hex string ("64K", "0x1000") */
	ARG_BOOL,   /* bool */
	ARG_ENUM,   /* uint64_t: the value of one of .enums (a string) */
	ARG_FLAGS,  /* uint64_t: OR of .enums values (an array of strings) */
	ARG_REF,    /* int: symbol index of an existing name of a kind in .kinds */
	ARG_NEW,    /* int: symbol index of a name this step declares (kind .kinds) */
	ARG_IOVA,   /* struct iova_arg: a number, "MAPPING" / "MAPPING+OFFSET", "phys:BUF+OFFSET",
		     * or "RANGES[I].start+OFFSET" / "RANGES[I].last-OFFSET" */
	ARG_FILL,   /* struct fill_spec: "zero" | "seq" | "random" | {"pattern":..,"value":..} */
	ARG_FIELDS, /* struct field_list: {"NAME": number | {"min": n, "max": n}} */
	ARG_STRINGS,/* struct string_list: an array of strings (of .names, when given) */
	ARG_INT,    /* uint64_t: a JSON integer in .min...max */
	ARG_RANGES, /* struct range_list: an array of {"start": n, "last": n} (inclusive, start <= last) */
};

struct arg_def {
	const char *name;
	enum arg_type type;
	size_t off;
	bool required;
	const char *def;              /* default, in the file's syntax (strings unquoted) */
	const char *help;
	unsigned int kinds;           /* ARG_REF / ARG_NEW: enum obj_kind mask */
	const struct name_value *enums; /* ARG_ENUM / ARG_FLAGS: {NULL} terminated */
	bool kills;                   /* ARG_REF: a successful step ends the object's life */
	uint64_t min, max;            /* ARG_INT: the range */
	/* ARG_STRINGS: the values it takes, the i-th or NULL past the last (a table the layer that
	 * owns the names exports: features, engines, IOMMU types) */
	const char *(*names)(size_t i);
};

/* "RANGES[I]": I from -IOVA_RANGE_INDEX_MAX (the last range: -1) to IOVA_RANGE_INDEX_MAX - 1 */
#define IOVA_RANGE_INDEX_MAX 256

struct iova_arg {
	int mapping;     /* symbol of a mapping, or -1 for a plain number */
	int phys;        /* symbol of a buffer whose physical address is the IOVA ("phys:BUF"), or -1 */
	int ranges;      /* symbol of a ranges result ("RANGES[I].start" / ".last"), or -1 */
	int16_t index;   /* ranges: which range; negative counts from the end (-1: the last) */
	bool last;       /* ranges: the range's last byte (else its start) */
	bool minus;      /* ranges: the offset is subtracted ("RANGES[I].last-0xfff") */
	uint64_t offset; /* the number, or the offset into the mapping/buffer/from the range's end */
};

struct field_expect {
	char *name;
	uint64_t min, max;
};

struct field_list {
	struct field_expect *v;
	size_t n;
};

struct range_arg {
	uint64_t start, last; /* inclusive */
};

struct range_list {
	struct range_arg *v;
	size_t n;
};

struct string_list {
	char **v;
	size_t n;
};

/* Parse obj (a json_t object) into st->args per st->ops->args. 0 or -EINVAL (reported).
 * Keys in skip[] (NULL-terminated) belong to the caller ("op", "expect", "label"). */
int args_parse(struct load_ctx *lc, struct step *st, void *obj, const char *const *skip);
/*
 * Parse obj (a json_t object) outside the steps — "requires", each of "devices" and "buffers" —
 * through a table like a step's: unknown keys, then missing required keys are reported at path,
 * then each key in the table's order at "path.key" (an ARG_NEW declares its name at path: where
 * the object is declared). Bit i of *given: defs[i] was in the file. 0 or -EINVAL (reported).
 */
int args_parse_section(struct load_ctx *lc, const char *path, const struct arg_def *defs,
		       void *obj, void *dst, uint64_t *given);
/* A name as the file writes it: 1..SCENARIO_MAX_NAME of [A-Za-z0-9_.-], starting with a letter
 * or '_'. 0 or -EINVAL (reported at path). */
int arg_parse_name(struct load_ctx *lc, const char *path, void *json, const char **out);
/* Parse a value of one type outside a table. */
int arg_parse_value(struct load_ctx *lc, const char *path, const struct arg_def *def, void *json,
		    void *dst);
void args_free(const struct arg_def *defs, void *args);
/* Whether the step's file gave argument name (vs. the default). */
bool arg_given(const struct step *st, const char *name);
/* Check one table for sanity (names unique, offsets in range, enums present). 0 or -EINVAL. */
int args_check_table(const char *verb, const struct arg_def *defs, size_t args_size);
const char *arg_type_name(enum arg_type t);
