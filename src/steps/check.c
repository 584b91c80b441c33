// SPDX-License-Identifier: GPL-2.0-only
/* mark (snapshot buffers) and check (bytes hold a pattern / equal another range / untouched). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/step.h"
#include "iommutest/util.h"

/* ---- mark ---- */
struct mark_args {
	int name, buffer;
};

static const struct arg_def mark_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_MARK, .required = true,
	  .off = offsetof(struct mark_args, name), .help = "name of the snapshot" },
	{ .name = "buffer", .type = ARG_REF, .kinds = OBJ_BUFFER,
	  .off = offsetof(struct mark_args, buffer), .help = "snapshot only this buffer (default: all)" },
	{ .name = NULL },
};

static int mark_run(struct run_ctx *rc, const struct step *st)
{
	const struct mark_args *a = st->args;
	struct rt_object *m = &rc->objs[a->name];
	const struct scenario *sc = rc->sc;

	if (!m->snap) {
		m->snap = calloc(sc->nbuffers + 1, sizeof(*m->snap));
		if (!m->snap)
			return -ENOMEM;
	}
	for (size_t i = 0; i < sc->nbuffers; i++) {
		const struct rt_object *b = &rc->objs[sc->buffers[i].sym];

		free(m->snap[i]);
		m->snap[i] = NULL;
		if (a->buffer >= 0 && a->buffer != sc->buffers[i].sym)
			continue;
		m->snap[i] = malloc(b->size);
		if (!m->snap[i])
			return -ENOMEM;
		memcpy(m->snap[i], b->mem, b->size);
	}
	m->live = true;
	return 0;
}

const struct step_ops step_mark = {
	.name = "mark",
	.help = "snapshot buffers, for a later check \"unchanged_since\"",
	.args = mark_argdefs,
	.args_size = sizeof(struct mark_args),
	.flags = STEP_NO_EXPECT,
	.run = mark_run,
	.ioctls = STEP_NO_IOCTLS,
};

/* ---- check ---- */
struct check_args {
	int buffer, equals, not_equals, unchanged_since;
	uint64_t offset, length, other_offset, pattern_offset;
	struct fill_spec pattern;
};

enum check_arg {
	CHECK_BUFFER, CHECK_OFFSET, CHECK_LENGTH, CHECK_PATTERN, CHECK_PATTERN_OFFSET, CHECK_EQUALS,
	CHECK_NOT_EQUALS, CHECK_OTHER_OFFSET, CHECK_UNCHANGED_SINCE, CHECK_NARGS
};

static const struct arg_def check_argdefs[] = {
	[CHECK_BUFFER] = { .name = "buffer", .type = ARG_REF, .kinds = OBJ_BUFFER, .required = true,
	  .off = offsetof(struct check_args, buffer), .help = "the buffer to check" },
	[CHECK_OFFSET] = { .name = "offset", .type = ARG_U64, .def = "0",
	  .off = offsetof(struct check_args, offset), .help = "first byte checked" },
	[CHECK_LENGTH] = { .name = "length", .type = ARG_U64,
	  .off = offsetof(struct check_args, length), .help = "bytes checked (default: to the end)" },
	[CHECK_PATTERN] = { .name = "pattern", .type = ARG_FILL,
	  .off = offsetof(struct check_args, pattern), .help = "the bytes hold this fill pattern" },
	[CHECK_PATTERN_OFFSET] = { .name = "pattern_offset", .type = ARG_U64,
	  .off = offsetof(struct check_args, pattern_offset),
	  .help = "position in the pattern of the first byte (default: offset)" },
	[CHECK_EQUALS] = { .name = "equals", .type = ARG_REF, .kinds = OBJ_BUFFER,
	  .off = offsetof(struct check_args, equals), .help = "the bytes equal this buffer's..." },
	[CHECK_NOT_EQUALS] = { .name = "not_equals", .type = ARG_REF, .kinds = OBJ_BUFFER,
	  .off = offsetof(struct check_args, not_equals), .help = "the bytes differ from this buffer's..." },
	[CHECK_OTHER_OFFSET] = { .name = "other_offset", .type = ARG_U64,
	  .off = offsetof(struct check_args, other_offset),
	  .help = "...bytes at this offset (default: offset)" },
	[CHECK_UNCHANGED_SINCE] = { .name = "unchanged_since", .type = ARG_REF, .kinds = OBJ_MARK,
	  .off = offsetof(struct check_args, unchanged_since),
	  .help = "the bytes are as they were at this mark" },
	[CHECK_NARGS] = { .name = NULL },
};

static int check_validate(struct load_ctx *lc, struct step *st)
{
	struct check_args *a = st->args;
	uint64_t end;
	int kinds = arg_given_at(st, CHECK_PATTERN) + arg_given_at(st, CHECK_EQUALS) + arg_given_at(st, CHECK_NOT_EQUALS) +
		    arg_given_at(st, CHECK_UNCHANGED_SINCE);

	if (kinds != 1)
		return load_error(lc, lc->step_path,
				  "give exactly one of \"pattern\", \"equals\", \"not_equals\", \"unchanged_since\"");
	if (load_check_range(lc, a->buffer, a->offset, &a->length, arg_given_at(st, CHECK_LENGTH)))
		return -EINVAL;
	if (!arg_given_at(st, CHECK_PATTERN_OFFSET))
		a->pattern_offset = a->offset;
	if (!arg_given_at(st, CHECK_OTHER_OFFSET))
		a->other_offset = a->offset;
	if (arg_given_at(st, CHECK_EQUALS) || arg_given_at(st, CHECK_NOT_EQUALS)) {
		int other = arg_given_at(st, CHECK_EQUALS) ? a->equals : a->not_equals;
		uint64_t osize = scenario_buffer_size(lc->sc, other);

		if (add_overflows(a->other_offset, a->length, &end) || end > osize)
			return load_error(lc, lc->step_path, "other_offset 0x%llx + length 0x%llx exceeds buffer \"%s\" (0x%llx bytes)",
					  (unsigned long long)a->other_offset, (unsigned long long)a->length,
					  lc->sc->syms[other].name, (unsigned long long)osize);
	}
	return 0;
}

static void report_diff(struct run_ctx *rc, const struct check_args *a, const uint8_t *got,
			const uint8_t *want, const struct fill_spec *pat, const char *what)
{
	uint64_t first = UINT64_MAX, count = 0;

	for (uint64_t i = 0; i < a->length; i++) {
		uint8_t w = want ? want[i] : pattern_byte(pat, a->pattern_offset + i);

		if (got[i] != w) {
			if (first == UINT64_MAX)
				first = i;
			count++;
		}
	}
	if (!count) {
		/* the first comparison saw a difference: the step fails whatever the recount says */
		step_fail(rc, "%s+0x%llx..+0x%llx %s: the bytes differ (the recount found no byte; they changed while checked?)",
			  rc->sc->syms[a->buffer].name, (unsigned long long)a->offset,
			  (unsigned long long)(a->offset + a->length), what);
		return;
	}
	step_fail(rc, "%s+0x%llx..+0x%llx %s: %llu of %llu bytes differ, first at +0x%llx (got 0x%02x, expected 0x%02x)",
		  rc->sc->syms[a->buffer].name, (unsigned long long)a->offset,
		  (unsigned long long)(a->offset + a->length), what, (unsigned long long)count,
		  (unsigned long long)a->length, (unsigned long long)(a->offset + first), got[first],
		  want ? want[first] : pattern_byte(pat, a->pattern_offset + first));
}

static int check_run(struct run_ctx *rc, const struct step *st)
{
	const struct check_args *a = st->args;
	const uint8_t *got = rc->objs[a->buffer].mem + a->offset;
	char desc[64];

	if (arg_given_at(st, CHECK_PATTERN)) {
		if (pattern_check(got, a->length, &a->pattern, a->pattern_offset) >= 0) {
			pattern_describe(&a->pattern, desc, sizeof(desc));
			report_diff(rc, a, got, NULL, &a->pattern, desc);
		}
	} else if (arg_given_at(st, CHECK_EQUALS)) {
		const uint8_t *want = rc->objs[a->equals].mem + a->other_offset;

		if (memcmp(got, want, a->length))
			report_diff(rc, a, got, want, NULL, "vs its expected copy");
	} else if (arg_given_at(st, CHECK_NOT_EQUALS)) {
		const uint8_t *other = rc->objs[a->not_equals].mem + a->other_offset;

		if (!memcmp(got, other, a->length))
			step_fail(rc, "%s+0x%llx (0x%llx bytes) equals %s+0x%llx, expected it to differ",
				  rc->sc->syms[a->buffer].name, (unsigned long long)a->offset,
				  (unsigned long long)a->length, rc->sc->syms[a->not_equals].name,
				  (unsigned long long)a->other_offset);
	} else {
		const struct rt_object *m = &rc->objs[a->unchanged_since];
		int bi = scenario_buffer_index(rc->sc, a->buffer);

		if (!m->snap || !m->snap[bi]) {
			step_fail(rc, "mark \"%s\" holds no snapshot of \"%s\"",
				  rc->sc->syms[a->unchanged_since].name, rc->sc->syms[a->buffer].name);
			return 0;
		}
		if (memcmp(got, m->snap[bi] + a->offset, a->length))
			report_diff(rc, a, got, m->snap[bi] + a->offset, NULL, "changed since the mark");
	}
	return 0;
}

const struct step_ops step_check = {
	.name = "check",
	.help = "check a buffer range: holds a pattern, equals/differs from another range, or is unchanged since a mark",
	.args = check_argdefs,
	.args_size = sizeof(struct check_args),
	.flags = STEP_NO_EXPECT,
	.validate = check_validate,
	.run = check_run,
	.ioctls = STEP_NO_IOCTLS,
};
