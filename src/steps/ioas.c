// SPDX-License-Identifier: GPL-2.0-only
/* IOAS verbs: ioas_alloc, ioas_map, ioas_unmap, ioas_iova_ranges, ioas_copy, ioas_allow_iovas. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "iommutest/iommufd.h"
#include "iommutest/scenario.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

/* ---- ioas_alloc ---- */
struct ioas_alloc_args {
	int name;
};

static const struct arg_def ioas_alloc_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_IOAS, .required = true,
	  .off = offsetof(struct ioas_alloc_args, name), .help = "name of the new IOAS" },
	{ .name = NULL },
};

static int ioas_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct ioas_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	int ret = iommufd_ioas_alloc(rc->iommufd, &o->id);

	if (!ret)
		o->live = true;
	return ret;
}

const struct step_ops step_ioas_alloc = {
	.name = "ioas_alloc",
	.help = "allocate an IO address space (IOMMU_IOAS_ALLOC)",
	.args = ioas_alloc_argdefs,
	.args_size = sizeof(struct ioas_alloc_args),
	.run = ioas_alloc_run,
	.ioctls = STEP_IOCTLS("IOMMU_IOAS_ALLOC"),
};

/* ---- ioas_map ---- */
enum map_via { VIA_AUTO, VIA_VA, VIA_FILE };

struct ioas_map_args {
	int name, ioas, buffer, dmabuf;
	uint64_t offset, length, access, via;
	struct iova_arg iova;
};

static const struct name_value access_flags[] = {
	{ "read", IOMMUFD_MAP_READ }, { "write", IOMMUFD_MAP_WRITE }, { NULL, 0 },
};

static const struct name_value map_vias[] = {
	{ "auto", VIA_AUTO }, { "va", VIA_VA }, { "file", VIA_FILE }, { NULL, 0 },
};

enum ioas_map_arg {
	MAP_IOAS, MAP_BUFFER, MAP_OFFSET, MAP_LENGTH, MAP_IOVA, MAP_ACCESS, MAP_NAME, MAP_VIA, MAP_DMABUF,
	MAP_NARGS
};

static const struct arg_def ioas_map_argdefs[] = {
	[MAP_IOAS] = { .name = "ioas", .type = ARG_REF, .kinds = OBJ_IOAS, .required = true,
	  .off = offsetof(struct ioas_map_args, ioas), .help = "the IOAS to map into" },
	[MAP_BUFFER] = { .name = "buffer", .type = ARG_REF, .kinds = OBJ_BUFFER,
	  .off = offsetof(struct ioas_map_args, buffer), .help = "the buffer to map (or \"dmabuf\")" },
	[MAP_OFFSET] = { .name = "offset", .type = ARG_U64, .def = "0",
	  .off = offsetof(struct ioas_map_args, offset), .help = "offset into the buffer (the file: the start)" },
	[MAP_LENGTH] = { .name = "length", .type = ARG_U64,
	  .off = offsetof(struct ioas_map_args, length),
	  .help = "bytes to map (default: the rest of the buffer; with \"dmabuf\": required)" },
	[MAP_IOVA] = { .name = "iova", .type = ARG_IOVA,
	  .off = offsetof(struct ioas_map_args, iova), .help = "fixed IOVA (default: the kernel chooses)" },
	[MAP_ACCESS] = { .name = "access", .type = ARG_FLAGS, .enums = access_flags, .def = "read,write",
	  .off = offsetof(struct ioas_map_args, access), .help = "device access: read, write" },
	[MAP_NAME] = { .name = "name", .type = ARG_NEW, .kinds = OBJ_MAPPING,
	  .off = offsetof(struct ioas_map_args, name), .help = "name of the mapping, usable as an IOVA" },
	[MAP_VIA] = { .name = "via", .type = ARG_ENUM, .enums = map_vias, .def = "auto",
	  .off = offsetof(struct ioas_map_args, via),
	  .help = "auto (file for a memfd or hugetlb buffer, else va), va (IOMMU_IOAS_MAP of the user address), file (IOMMU_IOAS_MAP_FILE of the buffer's memfd)" },
	[MAP_DMABUF] = { .name = "dmabuf", .type = ARG_REF, .kinds = OBJ_DMABUF,
	  .off = offsetof(struct ioas_map_args, dmabuf),
	  .help = "map this dma-buf (mock_dmabuf) through IOMMU_IOAS_MAP_FILE instead of a buffer" },
	[MAP_NARGS] = { .name = NULL },
};

static const char *const backing_names[] = {
	[BUFFER_ANON] = "anon", [BUFFER_MEMFD] = "memfd", [BUFFER_HUGETLB] = "hugetlb", [BUFFER_THP] = "thp",
};

/* "via" resolved at load: VIA_VA or VIA_FILE */
static int ioas_map_validate_source(struct load_ctx *lc, struct step *st)
{
	struct ioas_map_args *a = st->args;
	bool by_buffer = arg_given_at(st, MAP_BUFFER), by_dmabuf = arg_given_at(st, MAP_DMABUF);
	uint64_t backing;

	if (by_buffer == by_dmabuf)
		return load_error(lc, lc->step_path, "give exactly one of \"buffer\" and \"dmabuf\"");
	if (by_dmabuf) {
		a->buffer = -1;
		if (a->via == VIA_VA)
			return load_error(lc, lc->step_path, "\"via\": a dma-buf is mapped through its fd only (\"file\")");
		if (!arg_given_at(st, MAP_LENGTH))
			return load_error(lc, lc->step_path, "with \"dmabuf\", give \"length\" (the kernel judges it against the dma-buf)");
		a->via = VIA_FILE;
		return 0;
	}
	a->dmabuf = -1;
	backing = lc->sc->buffers[scenario_buffer_index(lc->sc, a->buffer)].backing;
	if (a->via == VIA_FILE && !buffer_backing_is_file(backing))
		return load_error(lc, lc->step_path, "\"via\": \"file\" needs a memfd-backed buffer (\"backing\": \"memfd\" or \"hugetlb\"); \"%s\" is %s",
				  lc->sc->syms[a->buffer].name, backing_names[backing]);
	if (a->via == VIA_AUTO)
		a->via = buffer_backing_is_file(backing) ? VIA_FILE : VIA_VA;
	return 0;
}

static int ioas_map_validate(struct load_ctx *lc, struct step *st)
{
	struct ioas_map_args *a = st->args;
	uint64_t end;

	if (ioas_map_validate_source(lc, st))
		return -EINVAL;
	if (a->buffer >= 0 &&
	    load_check_range(lc, a->buffer, a->offset, &a->length, arg_given_at(st, MAP_LENGTH)))
		return -EINVAL;
	if (arg_given_at(st, MAP_IOVA) && a->iova.mapping >= 0)
		return load_error(lc, lc->step_path, "\"iova\": a new mapping needs a number, not a mapping name");
	if (arg_given_at(st, MAP_IOVA) && a->iova.phys < 0 && a->iova.ranges < 0 && a->length &&
	    add_overflows(a->iova.offset, a->length - 1, &end))
		return load_error(lc, lc->step_path, "\"iova\": iova + length overflows 64 bits");
	return 0;
}

static int ioas_map_run(struct run_ctx *rc, const struct step *st)
{
	const struct ioas_map_args *a = st->args;
	/* a dma-buf's memory is not ours: the mapping table holds no address for it */
	uint8_t *va = a->buffer >= 0 ? rc->objs[a->buffer].mem + a->offset : NULL;
	int file = a->buffer >= 0 ? rc->objs[a->buffer].fd : rc->objs[a->dmabuf].fd;
	bool fixed = arg_given_at(st, MAP_IOVA);
	uint64_t iova = 0;
	uint32_t ioas_id;
	int ret;

	if (fixed) {
		iova = rt_iova(rc, &a->iova);
		if (rc->verdict != VERDICT_NONE)
			return 0;
	}
	rt_pt_id(rc, a->ioas, &ioas_id);
	if (a->via == VIA_FILE)
		ret = iommufd_ioas_map_file(rc->iommufd, ioas_id, file, a->offset, a->length, &iova, fixed,
					    (unsigned int)a->access);
	else
		ret = iommufd_ioas_map(rc->iommufd, ioas_id, va, a->length, &iova, fixed,
				       (unsigned int)a->access);
	if (ret)
		return ret;
	ret = rt_map_add(rc, a->ioas, iova, a->length, va, a->name);
	if (ret)
		return ret;
	if (!fixed)
		step_note(rc, "%s: kernel placed %s+0x%llx (0x%llx bytes) at IOVA 0x%llx", st->path,
			  rc->sc->syms[a->buffer >= 0 ? a->buffer : a->dmabuf].name,
			  (unsigned long long)a->offset, (unsigned long long)a->length,
			  (unsigned long long)iova);
	if (a->name >= 0) {
		struct rt_object *m = &rc->objs[a->name];

		m->live = true;
		m->iova = iova;
		m->length = a->length;
		m->ioas = a->ioas;
		m->buffer = a->buffer;
		m->buf_off = a->offset;
	}
	return 0;
}

const struct step_ops step_ioas_map = {
	.name = "ioas_map",
	.help = "map (part of) a buffer or a dma-buf into an IOAS at a fixed or kernel-chosen IOVA (IOMMU_IOAS_MAP; a memfd or hugetlb buffer and a dma-buf: IOMMU_IOAS_MAP_FILE)",
	.args = ioas_map_argdefs,
	.args_size = sizeof(struct ioas_map_args),
	.validate = ioas_map_validate,
	.run = ioas_map_run,
	.ioctls = STEP_IOCTLS("IOMMU_IOAS_MAP", "IOMMU_IOAS_MAP_FILE"),
};

/* ---- ioas_unmap ---- */
struct ioas_unmap_args {
	int ioas, mapping;
	struct iova_arg iova;
	uint64_t length;
	bool all;
};

enum ioas_unmap_arg { UNMAP_MAPPING, UNMAP_IOAS, UNMAP_IOVA, UNMAP_LENGTH, UNMAP_ALL, UNMAP_NARGS };

static const struct arg_def ioas_unmap_argdefs[] = {
	[UNMAP_MAPPING] = { .name = "mapping", .type = ARG_REF, .kinds = OBJ_MAPPING, .kills = true,
	  .off = offsetof(struct ioas_unmap_args, mapping), .help = "unmap this named mapping, whole" },
	[UNMAP_IOAS] = { .name = "ioas", .type = ARG_REF, .kinds = OBJ_IOAS,
	  .off = offsetof(struct ioas_unmap_args, ioas), .help = "the IOAS (with iova + length, or all)" },
	[UNMAP_IOVA] = { .name = "iova", .type = ARG_IOVA,
	  .off = offsetof(struct ioas_unmap_args, iova), .help = "first IOVA to unmap" },
	[UNMAP_LENGTH] = { .name = "length", .type = ARG_U64,
	  .off = offsetof(struct ioas_unmap_args, length), .help = "bytes to unmap" },
	[UNMAP_ALL] = { .name = "all", .type = ARG_BOOL,
	  .off = offsetof(struct ioas_unmap_args, all), .help = "unmap everything in the IOAS" },
	[UNMAP_NARGS] = { .name = NULL },
};

static int ioas_unmap_validate(struct load_ctx *lc, struct step *st)
{
	struct ioas_unmap_args *a = st->args;
	int by_mapping = arg_given_at(st, UNMAP_MAPPING);
	int by_range = arg_given_at(st, UNMAP_IOVA) || arg_given_at(st, UNMAP_LENGTH);

	if (by_mapping + by_range + (a->all ? 1 : 0) != 1 || (by_mapping && arg_given_at(st, UNMAP_IOAS)))
		return load_error(lc, lc->step_path, "give exactly one of: \"mapping\"; \"ioas\" + \"iova\" + \"length\"; \"ioas\" + \"all\": true");
	if (!by_mapping && !arg_given_at(st, UNMAP_IOAS))
		return load_error(lc, lc->step_path, "missing required key \"ioas\"");
	if (by_range && (!arg_given_at(st, UNMAP_IOVA) || !arg_given_at(st, UNMAP_LENGTH)))
		return load_error(lc, lc->step_path, "\"iova\" and \"length\" go together");
	if (!by_mapping)
		a->mapping = -1;
	return 0;
}

static int ioas_unmap_run(struct run_ctx *rc, const struct step *st)
{
	const struct ioas_unmap_args *a = st->args;
	struct rt_object *m = a->mapping >= 0 ? &rc->objs[a->mapping] : NULL;
	int ioas = m ? m->ioas : a->ioas;
	uint64_t iova, length, done = 0;
	uint32_t ioas_id;
	int ret;

	rt_pt_id(rc, ioas, &ioas_id);
	if (m) {
		iova = m->iova;
		length = m->length;
	} else if (a->all) {
		iova = 0;
		length = UINT64_MAX;
	} else {
		iova = rt_iova(rc, &a->iova);
		length = a->length;
		if (rc->verdict != VERDICT_NONE)
			return 0;
	}
	ret = iommufd_ioas_unmap(rc->iommufd, ioas_id, iova, length, &done);
	if (ret)
		return ret;
	if (m)
		rt_map_remove_named(rc, a->mapping);
	else
		rt_map_remove(rc, ioas, iova, length);
	if (m) {
		m->live = false;
		if (done != length)
			step_fail(rc, "unmapped 0x%llx bytes, the mapping has 0x%llx",
				  (unsigned long long)done, (unsigned long long)length);
	} else {
		step_note(rc, "%s: unmapped 0x%llx bytes", st->path, (unsigned long long)done);
	}
	return 0;
}

const struct step_ops step_ioas_unmap = {
	.name = "ioas_unmap",
	.help = "unmap a named mapping, an IOVA range, or everything (IOMMU_IOAS_UNMAP)",
	.args = ioas_unmap_argdefs,
	.args_size = sizeof(struct ioas_unmap_args),
	.validate = ioas_unmap_validate,
	.run = ioas_unmap_run,
	.ioctls = STEP_IOCTLS("IOMMU_IOAS_UNMAP"),
};

/* ---- ioas_iova_ranges ---- */
struct ioas_iova_ranges_args {
	int ioas, name;
	struct iova_arg iova;
	uint64_t length, bits_min, bits_max;
	bool allowed;
};

enum ioas_iova_ranges_arg {
	RANGES_IOAS, RANGES_IOVA, RANGES_LENGTH, RANGES_ALLOWED, RANGES_NAME, RANGES_BITS_MIN,
	RANGES_BITS_MAX, RANGES_NARGS
};

static const struct arg_def ioas_iova_ranges_argdefs[] = {
	[RANGES_IOAS] = { .name = "ioas", .type = ARG_REF, .kinds = OBJ_IOAS, .required = true,
	  .off = offsetof(struct ioas_iova_ranges_args, ioas), .help = "the IOAS" },
	[RANGES_IOVA] = { .name = "iova", .type = ARG_IOVA,
	  .off = offsetof(struct ioas_iova_ranges_args, iova), .help = "check this IOVA range..." },
	[RANGES_LENGTH] = { .name = "length", .type = ARG_U64, .def = "1",
	  .off = offsetof(struct ioas_iova_ranges_args, length), .help = "...of this many bytes" },
	[RANGES_ALLOWED] = { .name = "allowed", .type = ARG_BOOL, .def = "true",
	  .off = offsetof(struct ioas_iova_ranges_args, allowed),
	  .help = "true: the range must lie inside one allowed range; false: it must overlap none" },
	[RANGES_NAME] = { .name = "name", .type = ARG_NEW, .kinds = OBJ_RANGES,
	  .off = offsetof(struct ioas_iova_ranges_args, name),
	  .help = "keep the ranges read under this name: IOVAs \"NAME[I].start+OFF\", \"NAME[I].last-OFF\" ([-1]: the last range)" },
	[RANGES_BITS_MIN] = { .name = "aperture_bits_min", .type = ARG_INT, .min = 1, .max = 64,
	  .off = offsetof(struct ioas_iova_ranges_args, bits_min),
	  .help = "the last range must end at 2^B - 1, a whole number B of address bits, B at least this (B is shown)" },
	[RANGES_BITS_MAX] = { .name = "aperture_bits_max", .type = ARG_INT, .min = 1, .max = 63,
	  .off = offsetof(struct ioas_iova_ranges_args, bits_max),
	  .help = "the scenario is SKIP when the IOVA space has more bits than this (e.g. 63: steps past its top need a 2^B within 64 bits)" },
	[RANGES_NARGS] = { .name = NULL },
};

/* B when the IOVA space ends at 2^B - 1 (its last byte top), else 0 */
static unsigned int aperture_bits(uint64_t top)
{
	if (top == UINT64_MAX)
		return 64;
	return (top & (top + 1)) ? 0 : (unsigned int)__builtin_ctzll(top + 1);
}

/* the top of the IOVA space: a diagnostic, and checked against aperture_bits_min when given; a
 * SKIP past aperture_bits_max */
static void aperture_check(struct run_ctx *rc, const struct step *st, const struct iova_range *r,
			   size_t n)
{
	const struct ioas_iova_ranges_args *a = st->args;
	unsigned int bits = n ? aperture_bits(r[n - 1].last) : 0;

	if (bits)
		step_note(rc, "%s: the last usable IOVA is 0x%llx = 2^%u - 1: a %u-bit IOVA space", st->path,
			  (unsigned long long)r[n - 1].last, bits, bits);
	if (arg_given_at(st, RANGES_BITS_MAX) && bits > a->bits_max) {
		step_skip(rc, "the IOVA space has %u bits (more than %llu): nothing this scenario checks lies past its top",
			  bits, (unsigned long long)a->bits_max);
		return;
	}
	if (!arg_given_at(st, RANGES_BITS_MIN))
		return;
	if (!n)
		step_fail(rc, "no usable IOVA range: expected one ending at 2^B - 1, B >= %llu",
			  (unsigned long long)a->bits_min);
	else if (!bits)
		step_fail(rc, "the last usable IOVA 0x%llx is not 2^B - 1 (the IOVA space is no whole number of address bits)",
			  (unsigned long long)r[n - 1].last);
	else if (bits < a->bits_min)
		step_fail(rc, "the IOVA space has %u bits, expected at least %llu", bits,
			  (unsigned long long)a->bits_min);
}

/* the ranges read, kept as the result named sym (replacing what it held) */
static int ranges_keep(struct run_ctx *rc, int sym, const struct iova_range *r, size_t n)
{
	struct rt_object *o = &rc->objs[sym];
	struct range_arg *v = calloc(n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct range_arg){ .start = r[i].start, .last = r[i].last };
	free(o->ranges);
	o->ranges = v;
	o->nranges = n;
	o->live = true;
	return 0;
}

static int ioas_iova_ranges_run(struct run_ctx *rc, const struct step *st)
{
	const struct ioas_iova_ranges_args *a = st->args;
	struct iova_range *r = NULL;
	uint64_t align = 0, first, last;
	size_t n = 0;
	uint32_t ioas_id;
	bool inside = false, overlaps = false;
	int ret;

	rt_pt_id(rc, a->ioas, &ioas_id);
	ret = iommufd_ioas_iova_ranges(rc->iommufd, ioas_id, &r, &n, &align);
	if (ret)
		return ret;
	step_note(rc, "%s: %zu allowed IOVA range(s), alignment 0x%llx", st->path, n,
		  (unsigned long long)align);
	for (size_t i = 0; i < n; i++)
		step_note(rc, "  [0x%llx, 0x%llx]", (unsigned long long)r[i].start,
			  (unsigned long long)r[i].last);
	if (a->name >= 0 || arg_given_at(st, RANGES_BITS_MIN) || arg_given_at(st, RANGES_BITS_MAX))
		aperture_check(rc, st, r, n);
	if (rc->verdict != VERDICT_NONE)
		goto out;
	if (a->name >= 0) {
		ret = ranges_keep(rc, a->name, r, n);
		if (ret)
			goto out;
	}
	if (arg_given_at(st, RANGES_IOVA)) {
		first = rt_iova(rc, &a->iova);
		if (rc->verdict != VERDICT_NONE)
			goto out;
		if (!a->length || add_overflows(first, a->length - 1, &last)) {
			step_fail(rc, "the IOVA range to check overflows");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			if (first >= r[i].start && last <= r[i].last)
				inside = true;
			if (first <= r[i].last && last >= r[i].start)
				overlaps = true;
		}
		if (a->allowed && !inside)
			step_fail(rc, "[0x%llx, 0x%llx] is not inside an allowed range",
				  (unsigned long long)first, (unsigned long long)last);
		if (!a->allowed && overlaps)
			step_fail(rc, "[0x%llx, 0x%llx] overlaps an allowed range, expected it reserved",
				  (unsigned long long)first, (unsigned long long)last);
	}
out:
	free(r);
	return ret;
}

const struct step_ops step_ioas_iova_ranges = {
	.name = "ioas_iova_ranges",
	.help = "read the usable IOVA ranges (IOMMU_IOAS_IOVA_RANGES, two-pass); optionally check one",
	.args = ioas_iova_ranges_argdefs,
	.args_size = sizeof(struct ioas_iova_ranges_args),
	.run = ioas_iova_ranges_run,
	.ioctls = STEP_IOCTLS("IOMMU_IOAS_IOVA_RANGES"),
};

/* ---- ioas_copy ---- */
struct ioas_copy_args {
	int ioas, src_ioas, name;
	struct iova_arg src, iova;
	uint64_t length, access;
};

enum ioas_copy_arg { COPY_IOAS, COPY_SRC, COPY_SRC_IOAS, COPY_LENGTH, COPY_IOVA, COPY_ACCESS, COPY_NAME, COPY_NARGS };

static const struct arg_def ioas_copy_argdefs[] = {
	[COPY_IOAS] = { .name = "ioas", .type = ARG_REF, .kinds = OBJ_IOAS, .required = true,
	  .off = offsetof(struct ioas_copy_args, ioas), .help = "the IOAS to copy into" },
	[COPY_SRC] = { .name = "src", .type = ARG_IOVA, .required = true,
	  .off = offsetof(struct ioas_copy_args, src),
	  .help = "the source IOVA: a mapping (\"MAPPING\", \"MAPPING+OFFSET\"), or a number with src_ioas" },
	[COPY_SRC_IOAS] = { .name = "src_ioas", .type = ARG_REF, .kinds = OBJ_IOAS,
	  .off = offsetof(struct ioas_copy_args, src_ioas),
	  .help = "the IOAS to copy from (default: the source mapping's)" },
	[COPY_LENGTH] = { .name = "length", .type = ARG_U64,
	  .off = offsetof(struct ioas_copy_args, length),
	  .help = "bytes to copy (default: the rest of the source mapping)" },
	[COPY_IOVA] = { .name = "iova", .type = ARG_IOVA,
	  .off = offsetof(struct ioas_copy_args, iova), .help = "fixed destination IOVA (default: the kernel chooses)" },
	[COPY_ACCESS] = { .name = "access", .type = ARG_FLAGS, .enums = access_flags, .def = "read,write",
	  .off = offsetof(struct ioas_copy_args, access), .help = "device access: read, write" },
	[COPY_NAME] = { .name = "name", .type = ARG_NEW, .kinds = OBJ_MAPPING,
	  .off = offsetof(struct ioas_copy_args, name),
	  .help = "name of the new mapping (the source's pages), usable as an IOVA" },
	[COPY_NARGS] = { .name = NULL },
};

extern const struct step_ops step_ioas_copy;

/* the step declaring mapping sym (ioas_map or ioas_copy), or NULL */
static const struct step *mapping_decl(const struct step *steps, size_t n, int sym)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *st = &steps[i], *found;

		if (!st->ops) {
			found = mapping_decl(st->children, st->nchildren, sym);
			if (found)
				return found;
		} else if (st->ops == &step_ioas_map && ((const struct ioas_map_args *)st->args)->name == sym) {
			return st;
		} else if (st->ops == &step_ioas_copy && ((const struct ioas_copy_args *)st->args)->name == sym) {
			return st;
		}
	}
	return NULL;
}

/* the length of mapping sym as its declaring step gives it (0: not known at load time) */
static uint64_t mapping_length(const struct scenario *sc, int sym)
{
	const struct step *d = mapping_decl(sc->steps, sc->nsteps, sym);

	if (!d)
		return 0;
	if (d->ops == &step_ioas_map)
		return ((const struct ioas_map_args *)d->args)->length;
	return ((const struct ioas_copy_args *)d->args)->length;
}

static int ioas_copy_validate(struct load_ctx *lc, struct step *st)
{
	struct ioas_copy_args *a = st->args;

	if (a->src.phys >= 0)
		return load_error(lc, lc->step_path, "\"src\": a copy's source is a mapping or an IOVA, not a physical address");
	if (a->src.mapping < 0 && !arg_given_at(st, COPY_SRC_IOAS))
		return load_error(lc, lc->step_path, "\"src\" is a number: give \"src_ioas\" too");
	if (a->src.mapping < 0 && !arg_given_at(st, COPY_LENGTH))
		return load_error(lc, lc->step_path, "\"src\" is a number: give \"length\" too");
	if (arg_given_at(st, COPY_LENGTH) && !a->length)
		return load_error(lc, lc->step_path, "\"length\": a copy of 0 bytes");
	if (arg_given_at(st, COPY_IOVA) && a->iova.mapping >= 0)
		return load_error(lc, lc->step_path, "\"iova\": a new mapping needs a number, not a mapping name");
	return 0;
}

/* once every step is parsed: a copy longer than its source mapping is refused here */
static int ioas_copy_validate_scenario(struct load_ctx *lc, struct step *st)
{
	struct ioas_copy_args *a = st->args;
	uint64_t have, end;

	if (a->src.mapping < 0)
		return 0;
	have = mapping_length(lc->sc, a->src.mapping);
	if (!have)
		return 0; /* the source is a copy whose length is known only at run time */
	if (a->src.offset >= have)
		return load_error(lc, lc->step_path, "\"src\": offset 0x%llx is beyond mapping \"%s\" (0x%llx bytes)",
				  (unsigned long long)a->src.offset, lc->sc->syms[a->src.mapping].name,
				  (unsigned long long)have);
	if (!arg_given_at(st, COPY_LENGTH))
		a->length = have - a->src.offset;
	if (add_overflows(a->src.offset, a->length, &end) || end > have)
		return load_error(lc, lc->step_path, "\"length\": 0x%llx bytes from offset 0x%llx is longer than mapping \"%s\" (0x%llx bytes)",
				  (unsigned long long)a->length, (unsigned long long)a->src.offset,
				  lc->sc->syms[a->src.mapping].name, (unsigned long long)have);
	if (arg_given_at(st, COPY_IOVA) && a->iova.phys < 0 && a->iova.ranges < 0 &&
	    add_overflows(a->iova.offset, a->length - 1, &end))
		return load_error(lc, lc->step_path, "\"iova\": iova + length overflows 64 bits");
	return 0;
}

/* the buffer whose memory holds va, or -1 */
static int buffer_at(const struct run_ctx *rc, const uint8_t *va, uint64_t *off)
{
	for (size_t b = 0; b < rc->sc->nbuffers; b++) {
		const struct rt_object *o = &rc->objs[rc->sc->buffers[b].sym];

		if (o->mem && va >= o->mem && (uint64_t)(va - o->mem) < o->size) {
			*off = (uint64_t)(va - o->mem);
			return rc->sc->buffers[b].sym;
		}
	}
	return -1;
}

/*
 * The copy maps the source's own pages: register each piece of the runner's mapping table the
 * source range covers at its place in the destination. Returns the bytes registered (the kernel
 * copied the whole length: fewer means it copied what the scenario never mapped), or -ENOMEM.
 */
static int64_t copy_register(struct run_ctx *rc, int src_ioas, uint64_t src_iova, int dst_ioas,
			     uint64_t dst_iova, uint64_t length, int name, uint8_t **first_va)
{
	uint64_t done = 0;

	while (done < length) {
		uint64_t at = src_iova + done, piece;
		const struct rt_mapping *m = rt_map_at(rc, src_ioas, at, 1, false);
		uint8_t *va;
		int ret;

		if (!m)
			break;
		piece = m->length - (at - m->iova);
		if (piece > length - done)
			piece = length - done;
		va = m->va + (at - m->iova);
		if (!done)
			*first_va = va;
		/* m may move: rt_map_add reallocates the table */
		ret = rt_map_add(rc, dst_ioas, dst_iova + done, piece, va, done ? -1 : name);
		if (ret)
			return ret;
		done += piece;
	}
	return (int64_t)done;
}

static int ioas_copy_run(struct run_ctx *rc, const struct step *st)
{
	const struct ioas_copy_args *a = st->args;
	bool fixed = arg_given_at(st, COPY_IOVA);
	int src_ioas = arg_given_at(st, COPY_SRC_IOAS) ? a->src_ioas : rc->objs[a->src.mapping].ioas;
	uint64_t src_iova, length = a->length, dst_iova = 0;
	uint32_t dst_id, src_id;
	uint8_t *va = NULL;
	int64_t got;
	int ret;

	src_iova = rt_iova(rc, &a->src);
	if (a->src.mapping >= 0 && !arg_given_at(st, COPY_LENGTH))
		length = rc->objs[a->src.mapping].length - a->src.offset; /* the source known at run time */
	if (fixed) {
		dst_iova = rt_iova(rc, &a->iova);
		if (rc->verdict != VERDICT_NONE)
			return 0;
	}
	rt_pt_id(rc, a->ioas, &dst_id);
	rt_pt_id(rc, src_ioas, &src_id);
	ret = iommufd_ioas_copy(rc->iommufd, dst_id, src_id, src_iova, length, &dst_iova, fixed,
				(unsigned int)a->access);
	if (ret)
		return ret;
	got = copy_register(rc, src_ioas, src_iova, a->ioas, dst_iova, length, a->name, &va);
	if (got < 0)
		return (int)got;
	if ((uint64_t)got != length) {
		step_fail(rc, "the kernel copied [0x%llx, +0x%llx) of IOAS \"%s\", but only 0x%llx bytes from 0x%llx are mapped there",
			  (unsigned long long)src_iova, (unsigned long long)length,
			  rc->sc->syms[src_ioas].name, (unsigned long long)got, (unsigned long long)src_iova);
		return 0;
	}
	if (!fixed)
		step_note(rc, "%s: kernel placed the copy of IOVA 0x%llx (0x%llx bytes) at IOVA 0x%llx",
			  st->path, (unsigned long long)src_iova, (unsigned long long)length,
			  (unsigned long long)dst_iova);
	if (a->name >= 0) {
		struct rt_object *m = &rc->objs[a->name];
		uint64_t off = 0;

		m->live = true;
		m->iova = dst_iova;
		m->length = length;
		m->ioas = a->ioas;
		m->buffer = buffer_at(rc, va, &off);
		m->buf_off = off;
	}
	return 0;
}

const struct step_ops step_ioas_copy = {
	.name = "ioas_copy",
	.help = "map the pages behind a source IOVA range again in an IOAS, at a fixed or kernel-chosen IOVA (IOMMU_IOAS_COPY)",
	.args = ioas_copy_argdefs,
	.args_size = sizeof(struct ioas_copy_args),
	.validate = ioas_copy_validate,
	.validate_scenario = ioas_copy_validate_scenario,
	.run = ioas_copy_run,
	.ioctls = STEP_IOCTLS("IOMMU_IOAS_COPY"),
};

/* ---- ioas_allow_iovas ---- */
struct ioas_allow_iovas_args {
	int ioas;
	struct range_list ranges;
};

static const struct arg_def ioas_allow_iovas_argdefs[] = {
	{ .name = "ioas", .type = ARG_REF, .kinds = OBJ_IOAS, .required = true,
	  .off = offsetof(struct ioas_allow_iovas_args, ioas), .help = "the IOAS" },
	{ .name = "ranges", .type = ARG_RANGES, .required = true,
	  .off = offsetof(struct ioas_allow_iovas_args, ranges),
	  .help = "the allowed IOVA ranges [{\"start\", \"last\"}...], replacing the old ones; [] clears them" },
	{ .name = NULL },
};

static int ioas_allow_iovas_run(struct run_ctx *rc, const struct step *st)
{
	const struct ioas_allow_iovas_args *a = st->args;
	struct iova_range *r = calloc(a->ranges.n + 1, sizeof(*r));
	uint32_t ioas_id;
	int ret;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < a->ranges.n; i++)
		r[i] = (struct iova_range){ .start = a->ranges.v[i].start, .last = a->ranges.v[i].last };
	rt_pt_id(rc, a->ioas, &ioas_id);
	ret = iommufd_ioas_allow_iovas(rc->iommufd, ioas_id, r, a->ranges.n);
	free(r);
	return ret;
}

const struct step_ops step_ioas_allow_iovas = {
	.name = "ioas_allow_iovas",
	.help = "set the IOVA ranges an IOAS keeps usable: kernel-chosen IOVAs come from them, a device whose reserved regions cut into them cannot attach (IOMMU_IOAS_ALLOW_IOVAS)",
	.args = ioas_allow_iovas_argdefs,
	.args_size = sizeof(struct ioas_allow_iovas_args),
	.run = ioas_allow_iovas_run,
	.ioctls = STEP_IOCTLS("IOMMU_IOAS_ALLOW_IOVAS"),
};
