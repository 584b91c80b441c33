// SPDX-License-Identifier: GPL-2.0-only
/*
 * fill: rewrite a buffer range from the CPU mid-scenario, so each leg of a repeated transfer
 * starts from bytes that only that leg's DMA can produce (a fresh source per iteration, a
 * poisoned destination before every transfer).
 */
#include <stddef.h>

#include "iommutest/step.h"

struct fill_args {
	int buffer;
	uint64_t offset, length;
	struct fill_spec pattern;
	bool vary;
};

enum fill_arg { FILL_BUFFER, FILL_OFFSET, FILL_LENGTH, FILL_PATTERN, FILL_VARY, FILL_NARGS };

static const struct arg_def fill_argdefs[] = {
	[FILL_BUFFER] = { .name = "buffer", .type = ARG_REF, .kinds = OBJ_BUFFER, .required = true,
	  .off = offsetof(struct fill_args, buffer), .help = "the buffer to rewrite" },
	[FILL_OFFSET] = { .name = "offset", .type = ARG_U64, .def = "0",
	  .off = offsetof(struct fill_args, offset), .help = "first byte written" },
	[FILL_LENGTH] = { .name = "length", .type = ARG_U64,
	  .off = offsetof(struct fill_args, length), .help = "bytes written (default: to the end)" },
	[FILL_PATTERN] = { .name = "pattern", .type = ARG_FILL, .required = true,
	  .off = offsetof(struct fill_args, pattern), .help = "the fill pattern" },
	[FILL_VARY] = { .name = "vary", .type = ARG_BOOL, .def = "false",
	  .off = offsetof(struct fill_args, vary),
	  .help = "a new pattern every repeat iteration: the seed (random), value (byte) or start (seq) "
		  "plus the number of repeat iterations begun so far" },
	[FILL_NARGS] = { .name = NULL },
};

static int fill_validate(struct load_ctx *lc, struct step *st)
{
	struct fill_args *a = st->args;

	if (a->vary && a->pattern.kind == FILL_ZERO)
		return load_error(lc, lc->step_path, "\"vary\" needs a pattern with a value (byte, seq, random)");
	return load_check_range(lc, a->buffer, a->offset, &a->length, arg_given_at(st, FILL_LENGTH));
}

static int fill_run(struct run_ctx *rc, const struct step *st)
{
	const struct fill_args *a = st->args;
	struct fill_spec f = a->pattern;

	if (a->vary) {
		f.value += rc->iterations;
		if (f.kind == FILL_BYTE)
			f.value &= 0xff;
	}
	pattern_fill(rc->objs[a->buffer].mem + a->offset, a->length, &f, a->offset);
	return 0;
}

const struct step_ops step_fill = {
	.name = "fill",
	.help = "rewrite a buffer range from the CPU with a pattern (optionally a new one every repeat iteration)",
	.args = fill_argdefs,
	.args_size = sizeof(struct fill_args),
	.flags = STEP_NO_EXPECT,
	.validate = fill_validate,
	.run = fill_run,
	.ioctls = STEP_NO_IOCTLS,
};
