// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner: for each scenario, check requirements, open devices, run steps, compare each
 * step's errno with its "expect" (here, once for every verb), report, and clean up whatever
 * happened — engines quiesced before memory goes, fds closed.
 */
#define LOG_PREFIX "runner: "

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "iommutest/device.h"
#include "iommutest/fail_nth.h"
#include "iommutest/hwinfo.h"
#include "iommutest/iommufd.h"
#include "iommutest/log.h"
#include "iommutest/output.h"
#include "iommutest/runner.h"
#include "iommutest/step.h"
#include "iommutest/stream.h"
#include "iommutest/util.h"

void step_fail(struct run_ctx *rc, const char *fmt, ...)
{
	va_list ap;

	if (rc->verdict == VERDICT_FAIL)
		return;
	rc->verdict = VERDICT_FAIL;
	va_start(ap, fmt);
	vsnprintf(rc->msg, sizeof(rc->msg), fmt, ap);
	va_end(ap);
}

void step_skip(struct run_ctx *rc, const char *fmt, ...)
{
	va_list ap;

	if (rc->verdict != VERDICT_NONE)
		return;
	rc->verdict = VERDICT_SKIP;
	va_start(ap, fmt);
	vsnprintf(rc->msg, sizeof(rc->msg), fmt, ap);
	va_end(ap);
}

void step_note(struct run_ctx *rc, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (rc->mute_notes)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	out_diag(rc->out, "%s", line);
}

/* ---- IOMMU fault reports ---- */
static int fault_slot(const struct run_ctx *rc, const struct iommu_fault *f)
{
	for (size_t i = 0; f->device[0] && i < rc->sc->ndevices; i++) {
		const struct test_device *d = rc->objs[rc->sc->devices[i].sym].dev;

		if (d && (!strcmp(d->name, f->device) || !strcmp(d->vdev.bdf, f->device)))
			return (int)i;
	}
	return -1;
}

static void fault_seen(void *ctx, const struct iommu_fault *f)
{
	struct run_ctx *rc = ctx;
	struct rt_faults *w = &rc->faults;
	int slot = fault_slot(rc, f);

	w->log->recent[w->log->nrecent++ % RUN_LOG_RECENT] = f->usec;
	w->total++;
	if (slot >= 0)
		w->per_device[slot]++;
	else
		w->other++;
	if (w->nkept < RT_FAULTS_KEPT)
		w->kept[w->nkept++] = (struct rt_fault){ .f = *f, .slot = slot };
}

static void faults_read(struct run_ctx *rc)
{
	if (rc->faults.log && !rc->faults.log->err && rc->faults.per_device)
		kmsg_read_faults(&rc->faults.log->kmsg, fault_seen, rc);
}

static void faults_reset(struct rt_faults *w, size_t ndevices)
{
	w->total = w->other = 0;
	w->nkept = 0;
	for (size_t i = 0; w->per_device && i < ndevices; i++)
		w->per_device[i] = 0;
}

void rt_faults_window(struct run_ctx *rc)
{
	faults_read(rc);
	if (rc->faults.total)
		rt_faults_note(rc, "between steps");
	faults_reset(&rc->faults, rc->sc->ndevices);
}

int64_t rt_faults_for(struct run_ctx *rc, const struct test_device *d, uint64_t iova, uint64_t len,
		      unsigned int wait_ms, struct iommu_fault *first)
{
	struct rt_faults *w = &rc->faults;
	uint64_t deadline = now_ns() + (uint64_t)wait_ms * 1000000ull;
	const struct timespec tick = { .tv_nsec = 2000000 };
	int slot = -1;

	if (!w->log)
		return -ENOENT;
	if (w->log->err)
		return w->log->err;
	for (size_t i = 0; i < rc->sc->ndevices; i++)
		if (rc->objs[rc->sc->devices[i].sym].dev == d)
			slot = (int)i;
	for (;;) {
		int64_t n = 0;

		faults_read(rc);
		for (size_t i = 0; i < w->nkept; i++) {
			const struct iommu_fault *f = &w->kept[i].f;

			if (w->kept[i].slot != slot ||
			    (len && (!f->has_iova || f->iova < iova || f->iova - iova >= len)))
				continue;
			if (!n && first)
				*first = *f;
			n++;
		}
		if (!len && slot >= 0) /* beyond the kept ones, any IOVA counts */
			n = (int64_t)w->per_device[slot];
		if (n || now_ns() >= deadline)
			return n;
		nanosleep(&tick, NULL); /* the IOMMU driver's fault handler may run later */
	}
}

/*
 * The kernel's DEFAULT_RATELIMIT_INTERVAL (5 s; a burst of 10 lines per call site): VT-d's
 * dmar_fault() spends two of them on each fault ("DRHD: handling fault status" and the fault),
 * and lines not parsed as reports spend them too, so any report in the last 5 s may mean the
 * burst is gone. Waiting costs at most 5 s, once per step that needs a report.
 */
#define RATELIMIT_REPORTS 1
#define RATELIMIT_INTERVAL_US 5000000

unsigned int rt_faults_make_heard(struct run_ctx *rc)
{
	struct run_log *log = rc->faults.log;
	struct timespec ts;
	uint64_t now, oldest = UINT64_MAX;
	unsigned int in_window = 0, waited;

	faults_read(rc);
	if (!log || log->err || clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	for (size_t i = 0; i < RUN_LOG_RECENT && i < log->nrecent; i++) {
		uint64_t t = log->recent[i];

		if (t && t + RATELIMIT_INTERVAL_US > now) {
			in_window++;
			if (t < oldest)
				oldest = t;
		}
	}
	if (log->storm_us && log->storm_us + RATELIMIT_INTERVAL_US > now) {
		in_window = RATELIMIT_REPORTS; /* heard or not, they may have used the interval up */
		if (log->storm_us < oldest)
			oldest = log->storm_us;
	}
	if (in_window < RATELIMIT_REPORTS)
		return 0;
	/* past the interval that began at the oldest of them, plus a margin */
	waited = (unsigned int)((oldest + RATELIMIT_INTERVAL_US + 100000 - now) / 1000);
	ts = (struct timespec){ .tv_sec = waited / 1000, .tv_nsec = (long)(waited % 1000) * 1000000 };
	nanosleep(&ts, NULL);
	faults_read(rc);
	faults_reset(&rc->faults, rc->sc->ndevices); /* what came meanwhile is not the step's */
	return waited;
}

void rt_faults_storm(struct run_ctx *rc)
{
	if (rc->faults.log)
		rc->faults.log->storm_us = now_ns() / 1000u;
}

void rt_faults_note(struct run_ctx *rc, const char *during)
{
	struct rt_faults *w = &rc->faults;
	char line[900], one[200];
	size_t off = 0;
	int n;

	if (!w->total)
		return;
	n = snprintf(line, sizeof(line), "%s: the IOMMU reported %llu fault(s)", during,
		     (unsigned long long)w->total);
	off = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; i < rc->sc->ndevices && off < sizeof(line); i++) {
		if (!w->per_device[i])
			continue;
		n = snprintf(line + off, sizeof(line) - off, ", %llu for %s",
			     (unsigned long long)w->per_device[i], rc->sc->syms[rc->sc->devices[i].sym].name);
		off += n > 0 ? (size_t)n : 0;
	}
	for (size_t i = 0; i < w->nkept && i < 3 && off < sizeof(line); i++) {
		iommu_fault_describe(&w->kept[i].f, one, sizeof(one));
		n = snprintf(line + off, sizeof(line) - off, "%s%s", i ? "; " : ": ", one);
		off += n > 0 ? (size_t)n : 0;
	}
	if (w->log->kmsg.suppressed && off < sizeof(line))
		snprintf(line + off, sizeof(line) - off, " (%llu more suppressed by the kernel's ratelimit so far)",
			 (unsigned long long)w->log->kmsg.suppressed);
	out_diag(rc->out, "%s", line); /* also under a stream's muted iterations */
}

/* physical address of va via /proc/self/pagemap (needs CAP_SYS_ADMIN for the frame numbers) */
static int virt_to_phys(const void *va, uint64_t *pa)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t ent;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, &ent, sizeof(ent), (off_t)((uintptr_t)va / (uintptr_t)page * sizeof(ent)));
	close(fd);
	if (n != sizeof(ent))
		return -EIO;
	if (!(ent >> 63))
		return -ENOENT; /* not present */
	if (!(ent & ((1ull << 55) - 1)))
		return -EPERM; /* frame numbers hidden from unprivileged readers */
	*pa = (ent & ((1ull << 55) - 1)) * (uint64_t)page + (uintptr_t)va % (uintptr_t)page;
	return 0;
}

uint64_t rt_iova_phys(struct run_ctx *rc, const struct iova_arg *a)
{
	uint64_t pa = 0;
	int ret = virt_to_phys(rc->objs[a->phys].mem + a->offset, &pa);

	if (ret == -EPERM)
		step_skip(rc, "reading physical addresses (/proc/self/pagemap) needs root");
	else if (ret)
		step_fail(rc, "physical address of %s+0x%llx: %s", rc->sc->syms[a->phys].name,
			  (unsigned long long)a->offset, strerror(-ret));
	return pa;
}

uint64_t rt_iova_in_ranges(struct run_ctx *rc, const struct iova_arg *a)
{
	const struct rt_object *o = &rc->objs[a->ranges];
	const char *name = rc->sc->syms[a->ranges].name;
	long i = a->index < 0 ? (long)o->nranges + a->index : a->index;
	uint64_t end, iova;
	bool wraps;

	if (!o->live) {
		step_fail(rc, "%s: no IOVA ranges were read (its ioas_iova_ranges step did not succeed)", name);
		return 0;
	}
	if (i < 0 || (size_t)i >= o->nranges) {
		step_fail(rc, "%s[%d]: the kernel reported %zu usable IOVA range(s): the scenario assumes an aperture this IOMMU does not have",
			  name, a->index, o->nranges);
		return 0;
	}
	end = a->last ? o->ranges[i].last : o->ranges[i].start;
	wraps = a->minus ? end < a->offset : add_overflows(end, a->offset, &iova);
	if (wraps) {
		step_fail(rc, "%s[%d].%s%c0x%llx: 0x%llx %s 0x%llx leaves the 64-bit IOVA space", name, a->index,
			  a->last ? "last" : "start", a->minus ? '-' : '+', (unsigned long long)a->offset,
			  (unsigned long long)end, a->minus ? "-" : "+", (unsigned long long)a->offset);
		return 0;
	}
	return a->minus ? end - a->offset : iova;
}

struct test_device *rt_device(const struct run_ctx *rc, int sym)
{
	return rc->objs[sym].dev;
}

static bool overlaps(const struct rt_mapping *m, int ioas, uint64_t iova, uint64_t length)
{
	return m->ioas == ioas && iova <= m->iova + (m->length - 1) && m->iova <= iova + (length - 1);
}

/* the entry of the named mapping sym, or NULL when it has none (forgotten, or never mapped) */
static struct rt_mapping *named_entry(const struct run_ctx *rc, int sym)
{
	size_t slot = rc->objs[sym].map_slot;

	return slot < rc->nmaps && rc->maps[slot].name == sym ? &rc->maps[slot] : NULL;
}

/* drop gone entry i: the last entry takes its place (the order a linear pass has always seen) */
static void forget_gone(struct run_ctx *rc, size_t i)
{
	rc->maps[i] = rc->maps[--rc->nmaps];
	if (i < rc->nmaps && rc->maps[i].name >= 0)
		rc->objs[rc->maps[i].name].map_slot = i;
	rc->nmaps_gone--;
}

static void mark_gone(struct run_ctx *rc, struct rt_mapping *m)
{
	m->gone = true;
	rc->nmaps_gone++;
	rc->objs[m->ioas].maps_live--;
}

/* rt_map_add() in general: the linear pass over the gone entries, then an entry at the end */
static __attribute__((noinline)) int map_add_linear(struct run_ctx *rc, int ioas, uint64_t iova,
						     uint64_t length, uint8_t *va, int name)
{
	struct rt_mapping *old;

	/* only gone mappings are forgotten: with none in the table there is nothing to look for */
	for (size_t i = 0; rc->nmaps_gone && i < rc->nmaps;) {
		if (rc->maps[i].gone && overlaps(&rc->maps[i], ioas, iova, length))
			forget_gone(rc, i);
		else
			i++;
	}
	if (rc->nmaps == rc->maps_cap) {
		size_t cap = rc->maps_cap ? rc->maps_cap * 2 : 16;
		struct rt_mapping *m = realloc(rc->maps, cap * sizeof(*m));

		if (!m)
			return -ENOMEM;
		rc->maps = m;
		rc->maps_cap = cap;
	}
	if (name >= 0) {
		old = named_entry(rc, name);
		if (old)
			old->name = -1; /* the name now means the new entry */
		rc->objs[name].map_slot = rc->nmaps;
	}
	rc->maps[rc->nmaps++] = (struct rt_mapping){ .ioas = ioas, .name = name, .iova = iova,
						     .length = length, .va = va };
	rc->objs[ioas].maps_live++;
	return 0;
}

int rt_map_add(struct run_ctx *rc, int ioas, uint64_t iova, uint64_t length, uint8_t *va, int name)
{
	struct rt_mapping *old;

	/*
	 * A name mapped again over its own gone entry, the last of the table and its only gone one:
	 * the linear pass would forget that entry alone and append the new one in the same slot.
	 */
	if (name >= 0 && rc->nmaps_gone == 1) {
		old = named_entry(rc, name);
		if (old == &rc->maps[rc->nmaps - 1] && old->gone && overlaps(old, ioas, iova, length)) {
			old->ioas = ioas;
			old->iova = iova;
			old->length = length;
			old->va = va;
			old->gone = false;
			rc->nmaps_gone = 0;
			rc->objs[ioas].maps_live++;
			return 0;
		}
	}
	return map_add_linear(rc, ioas, iova, length, va, name);
}

void rt_map_remove(struct run_ctx *rc, int ioas, uint64_t iova, uint64_t length)
{
	uint64_t last = length ? iova + (length - 1) : iova;

	if (last < iova)
		last = UINT64_MAX;
	for (size_t i = 0; i < rc->nmaps; i++) {
		struct rt_mapping *m = &rc->maps[i];

		if (!m->gone && m->ioas == ioas && m->iova >= iova && m->iova + (m->length - 1) <= last)
			mark_gone(rc, m);
	}
}

void rt_map_remove_named(struct run_ctx *rc, int name)
{
	const struct rt_object *o = &rc->objs[name];
	struct rt_mapping *m = named_entry(rc, name); /* its ioas, iova, length are o's */

	/* its own entry, the only one on the IOAS not gone: exactly what the linear pass marks */
	if (m && !m->gone && o->length && rc->objs[o->ioas].maps_live == 1)
		mark_gone(rc, m);
	else
		rt_map_remove(rc, o->ioas, o->iova, o->length);
}

/* the IOAS a HWPT (possibly nested, through a vIOMMU) finally translates through */
static int ioas_of(const struct run_ctx *rc, int sym)
{
	for (int depth = 0; depth < 6 && sym >= 0 && (rc->objs[sym].kind & (OBJ_HWPT | OBJ_VIOMMU)); depth++)
		sym = rc->objs[sym].ioas;
	return sym >= 0 && rc->objs[sym].kind == OBJ_IOAS ? sym : -1;
}

int rt_attach_ioas(const struct run_ctx *rc, int sym, uint32_t *ioas_id, bool *nested)
{
	int ioas = ioas_of(rc, sym), pt = rc->objs[sym].kind == OBJ_HWPT ? rc->objs[sym].ioas : -1;

	*nested = pt >= 0 && rc->objs[pt].kind != OBJ_IOAS; /* on a parent HWPT or a vIOMMU */
	*ioas_id = ioas >= 0 ? rc->objs[ioas].id : 0;
	return ioas >= 0 ? 0 : -ENOENT;
}

const struct rt_mapping *rt_map_at(const struct run_ctx *rc, int ioas, uint64_t iova, uint64_t len,
				   bool gone)
{
	for (size_t i = 0; i < rc->nmaps; i++) {
		const struct rt_mapping *m = &rc->maps[i];

		if (m->gone == gone && m->ioas == ioas && iova >= m->iova && iova - m->iova + len <= m->length)
			return m;
	}
	return NULL;
}

/* iova_resolver for emulated engines: the buffer memory the device's domain maps at iova */
static int resolve_iova(void *ctx, const struct test_device *d, uint64_t iova, uint64_t len,
			bool gone, uint8_t **va)
{
	const struct run_ctx *rc = ctx;
	int ioas = d->attached >= 0 ? ioas_of(rc, d->attached) : -1;
	const struct rt_mapping *m = ioas >= 0 ? rt_map_at(rc, ioas, iova, len, gone) : NULL;

	if (!m)
		return -ENOENT;
	if (!m->va)
		return -EFAULT; /* a dma-buf: memory the tool does not own */
	*va = m->va + (iova - m->iova);
	return 0;
}

/* ---- one step ---- */
static enum result exec_step(struct run_ctx *rc, const struct step *st, char *why, size_t len);
static enum result judge_step(struct run_ctx *rc, const struct step *st, int ret, char *why,
			      size_t len);

/*
 * A plain step (st->plain, decided at load): one call, and the common case decided here — it had
 * to succeed, it did, and the verb found nothing. rc->verdict is VERDICT_NONE and rc->msg empty
 * before every step: a step that ends with a verdict ends the run.
 */
static enum result exec_dma_step(struct run_ctx *rc, const struct step *st, char *why, size_t len);

static inline enum result exec_plain(struct run_ctx *rc, const struct step *st, char *why,
				     size_t len)
{
	int ret;

	if (st->ops->flags & STEP_DMA)
		return exec_dma_step(rc, st, why, len);
	ret = st->ops->run(rc, st);
	if (!ret && rc->verdict == VERDICT_NONE)
		return RESULT_PASS;
	return judge_step(rc, st, ret, why, len);
}

/* a step inside a block: under a stream, the stream keeps its transfers going around it */
static enum result exec_child(struct run_ctx *rc, const struct step *child, char *why, size_t len)
{
	enum result r;

	if (!rc->stream || !child->ops)
		return child->plain && !iommutest_stop ? exec_plain(rc, child, why, len)
						       : exec_step(rc, child, why, len);
	stream_before_step(rc->stream, child);
	r = exec_step(rc, child, why, len);
	stream_after_step(rc->stream, child);
	return r;
}

/* one pass over a block's steps; why holds the reason of anything but a pass */
static enum result exec_children(struct run_ctx *rc, const struct step *st, uint64_t it,
				 uint64_t of, char *why, size_t len)
{
	for (const struct step *child = st->children; child < st->children + st->nchildren; child++) {
		enum result r = exec_child(rc, child, why, len);

		if (r != RESULT_PASS) {
			char inner[900];

			snprintf(inner, sizeof(inner), "%s", why);
			if (of)
				snprintf(why, len, "iteration %llu/%llu: %s", (unsigned long long)it + 1,
					 (unsigned long long)of, inner);
			else
				snprintf(why, len, "iteration %llu: %s", (unsigned long long)it + 1, inner);
			return r;
		}
	}
	return RESULT_PASS;
}

/* a stream block: its steps repeat while transfers run on the device, then every one is judged */
static enum result exec_stream(struct run_ctx *rc, const struct step *st, char *why, size_t len)
{
	struct stream *s, *outer = rc->stream;
	enum result r;
	uint64_t it = 0;

	if (outer) {
		snprintf(why, len, "%s (stream): streams do not nest", st->path);
		return RESULT_ERROR;
	}
	r = stream_begin(rc, st, &s, why, len);
	if (r != RESULT_PASS)
		return r;
	rc->stream = s;
	while (r == RESULT_PASS && stream_wants_more(s, it) && !iommutest_stop) {
		rc->iterations++;
		r = exec_children(rc, st, it, 0, why, len);
		it++;
		rc->mute_notes = true; /* the steps' notes once, not once per iteration */
	}
	rc->mute_notes = false;
	rc->stream = NULL;
	if (iommutest_stop && r == RESULT_PASS) {
		snprintf(why, len, "interrupted");
		r = RESULT_ERROR;
	}
	return stream_end(s, r, it, why, len);
}

/* why holds the reason of anything but a pass; on a pass it is left as it was */
static enum result exec_block(struct run_ctx *rc, const struct step *st, char *why, size_t len)
{
	const struct step *first = st->children, *end = st->children + st->nchildren;

	if (st->stream)
		return exec_stream(rc, st, why, len);
	if (rc->stream) {
		for (uint64_t it = 0; it < st->repeat; it++) {
			enum result r;

			rc->iterations++;
			r = exec_children(rc, st, it, st->repeat, why, len);

			if (r != RESULT_PASS)
				return r;
		}
		return RESULT_PASS;
	}
	for (uint64_t it = 0; it < st->repeat; it++) {
		rc->iterations++;
		for (const struct step *child = first; child < end; child++) {
			enum result r = child->plain && !iommutest_stop ? exec_plain(rc, child, why, len)
								      : exec_step(rc, child, why, len);

			if (r != RESULT_PASS) {
				char inner[900];

				snprintf(inner, sizeof(inner), "%s", why);
				snprintf(why, len, "iteration %llu/%llu: %s", (unsigned long long)it + 1,
					 (unsigned long long)st->repeat, inner);
				return r;
			}
		}
	}
	return RESULT_PASS;
}

/*
 * The verdict of a step whose run returned ret, when it is not the plain success exec_step
 * decides itself: the verb's own step_fail/step_skip, then ret against "expect". Out of line,
 * so the run-time path of a passing step stays one call and a few compares.
 */
static __attribute__((noinline)) enum result judge_step(struct run_ctx *rc, const struct step *st,
							 int ret, char *why, size_t len)
{
	if (rc->verdict == VERDICT_FAIL) {
		snprintf(why, len, "%s (%s): %s", st->path, st->ops->name, rc->msg);
		return RESULT_FAIL;
	}
	if (rc->verdict == VERDICT_SKIP) {
		snprintf(why, len, "%s (%s): %s", st->path, st->ops->name, rc->msg);
		return RESULT_SKIP;
	}
	if (st->expect == EXPECT_EITHER) {
		if (ret)
			step_note(rc, "%s: failed with %s (either outcome allowed)", st->path, errno_name(ret));
		else
			step_note(rc, "%s: succeeded (either outcome allowed)", st->path);
		return RESULT_PASS;
	}
	/* the kernel lacks the operation (an ioctl it does not know, or what the layer below found it
	 * lacks: a mock op, a VFIO flag): it cannot show the failure expected either */
	if (ret == -ENOTTY && st->expect && st->expect != ENOTTY) {
		snprintf(why, len, "%s (%s): ENOTTY: this kernel lacks the operation, so it cannot show "
			 "the %s expected%s%s", st->path, st->ops->name,
			 st->expect == EXPECT_ANY_ERROR ? "error" : errno_name(st->expect),
			 rc->msg[0] ? ": " : "", rc->msg);
		return RESULT_SKIP;
	}
	if (-ret == st->expect || (st->expect == EXPECT_ANY_ERROR && ret)) {
		if (st->expect == EXPECT_ANY_ERROR)
			step_note(rc, "%s: failed as expected with %s", st->path, errno_name(ret));
		return RESULT_PASS;
	}
	if (!st->expect && (ret == -ENOTTY || ret == -EOPNOTSUPP)) {
		snprintf(why, len, "%s (%s): %s: not supported by this kernel or IOMMU%s%s", st->path,
			 st->ops->name, errno_name(ret), rc->msg[0] ? ": " : "", rc->msg);
		return RESULT_SKIP;
	}
	if (!st->expect)
		snprintf(why, len, "%s (%s): expected success, got %s (%s)%s%s", st->path,
			 st->ops->name, errno_name(ret), strerror(-ret), rc->msg[0] ? ": " : "", rc->msg);
	else if (!ret)
		snprintf(why, len, "%s (%s): expected %s, but it succeeded", st->path, st->ops->name,
			 st->expect == EXPECT_ANY_ERROR ? "an error" : errno_name(st->expect));
	else
		snprintf(why, len, "%s (%s): expected %s, got %s (%s)", st->path, st->ops->name,
			 errno_name(st->expect), errno_name(ret), strerror(-ret));
	return RESULT_FAIL;
}

/* a step with "fail_nth": run with fault injection armed, then judged */
static enum result exec_step_fail_nth(struct run_ctx *rc, const struct step *st, char *why,
				      size_t len)
{
	int fd = fail_nth_arm(st->fail_nth), ret;

	if (fd < 0) {
		snprintf(why, len, "%s (%s): fail_nth needs CONFIG_FAULT_INJECTION and FAILSLAB "
			 "(/proc/thread-self/fail-nth, debugfs failslab/)", st->path, st->ops->name);
		return RESULT_SKIP;
	}
	ret = st->ops->run(rc, st);
	step_note(rc, "%s: fail-nth %u %s", st->path, st->fail_nth,
		  fail_nth_disarm(fd) ? "fired" : "did not fire (fewer fallible sites on this path)");
	return judge_step(rc, st, ret, why, len);
}

/* a step that is not plain (st->plain): "fail_nth" armed, or an "expect" to judge */
static __attribute__((noinline)) enum result exec_step_judged(struct run_ctx *rc,
							       const struct step *st, char *why,
							       size_t len)
{
	if (st->fail_nth)
		return exec_step_fail_nth(rc, st, why, len);
	if (st->ops->flags & STEP_DMA)
		return exec_dma_step(rc, st, why, len);
	return judge_step(rc, st, st->ops->run(rc, st), why, len);
}

/* a DMA step: the IOMMU's fault reports during it are its own (the verb may ask for them) */
static __attribute__((noinline)) enum result exec_dma_step(struct run_ctx *rc, const struct step *st,
							    char *why, size_t len)
{
	enum result r;
	int ret;

	rt_faults_window(rc);
	ret = st->ops->run(rc, st);
	r = st->plain && !ret && rc->verdict == VERDICT_NONE ? RESULT_PASS
								 : judge_step(rc, st, ret, why, len);
	faults_read(rc);
	rt_faults_note(rc, st->path);
	faults_reset(&rc->faults, rc->sc->ndevices); /* said */
	return r;
}

/* why holds the reason of anything but a pass; on a pass it is left as it was */
static enum result exec_step(struct run_ctx *rc, const struct step *st, char *why, size_t len)
{
	if (iommutest_stop) {
		snprintf(why, len, "interrupted");
		return RESULT_ERROR;
	}
	if (!st->ops)
		return exec_block(rc, st, why, len);
	if (!st->plain)
		return exec_step_judged(rc, st, why, len);
	return exec_plain(rc, st, why, len);
}

/* the device a step acts on (its first device argument), or -1 */
static int step_device(const struct step *st)
{
	for (size_t i = 0; st->ops && st->ops->args[i].name; i++) {
		const struct arg_def *a = &st->ops->args[i];

		if (a->type == ARG_REF && a->kinds == OBJ_DEVICE && (st->given & (1ull << i)))
			return *(const int *)((const char *)st->args + a->off);
	}
	return -1;
}

/* a step's name in the results: its label, else its path and verb (and, with several devices,
 * the device it acts on) */
static void step_label(const struct scenario *sc, const struct step *st, char *out, size_t len)
{
	int dev = sc->ndevices > 1 ? step_device(st) : -1;

	if (st->label)
		snprintf(out, len, "%s", st->label);
	else if (st->ops && dev >= 0)
		snprintf(out, len, "%s %s %s", st->path, st->ops->name, sc->syms[dev].name);
	else if (st->ops)
		snprintf(out, len, "%s %s", st->path, st->ops->name);
	else
		snprintf(out, len, "%s %s x%llu", st->path, st->stream ? "stream" : "repeat",
			 (unsigned long long)st->repeat);
}

/* ---- setup and teardown ---- */
#ifndef MFD_HUGE_2MB /* linux/memfd.h: log2 of the page size at MFD_HUGE_SHIFT (26) */
#define MFD_HUGE_2MB (21u << 26)
#endif

/* a memfd (hugetlb: of 2 MiB pages) of len bytes, mapped shared and populated: o->mem, o->fd */
static int buffer_memfd(const char *name, uint64_t backing, uint64_t len, struct rt_object *o)
{
	unsigned int flags = MFD_CLOEXEC | (backing == BUFFER_HUGETLB ? MFD_HUGETLB | MFD_HUGE_2MB : 0);
	int fd = memfd_create(name, flags), ret;
	void *p;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len)) {
		ret = -errno;
		goto err_close;
	}
	/* hugetlb: the pages are reserved here (ENOMEM when too few), so faults cannot SIGBUS */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto err_close;
	}
	o->mem = p;
	o->fd = fd;
	return 0;
err_close:
	close(fd);
	return ret;
}

/* anonymous memory of len bytes (a multiple of 2M), 2 MiB aligned, MADV_HUGEPAGE, not yet faulted */
static int buffer_thp(uint64_t len, struct rt_object *o)
{
	uint64_t span = len + BUFFER_HUGE_PAGE;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;
	int ret;

	if (p == MAP_FAILED)
		return -errno;
	a = (uint8_t *)(((uintptr_t)p + BUFFER_HUGE_PAGE - 1) & ~(uintptr_t)(BUFFER_HUGE_PAGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + span)
		munmap(a + len, (size_t)(p + span - (a + len)));
	/* ENOSYS: a kernel without madvise (CONFIG_ADVISE_SYSCALLS off, as the lab's tinyconfig):
	 * with THP "always" the kernel may still give huge pages, which the results report */
	if (madvise(a, len, MADV_HUGEPAGE) && errno != ENOSYS) {
		ret = -errno;
		munmap(a, len);
		return ret;
	}
	o->mem = a;
	return 0;
}

/* why a backing the machine lacks is a SKIP: the reason in why; false for a real error */
static bool buffer_unavailable(const char *name, uint64_t backing, int err, char *why, size_t len)
{
	if (backing == BUFFER_HUGETLB && err == -ENOMEM) {
		snprintf(why, len, "buffer %s: too few free 2 MiB huge pages (mmap of a hugetlb memfd: ENOMEM); reserve some in /proc/sys/vm/nr_hugepages",
			 name);
		return true;
	}
	if (backing == BUFFER_HUGETLB && (err == -EINVAL || err == -ENOSYS || err == -ENOENT ||
					   err == -ENODEV)) {
		snprintf(why, len, "buffer %s: no 2 MiB hugetlb pages on this kernel (memfd_create MFD_HUGETLB|MFD_HUGE_2MB: %s; CONFIG_HUGETLBFS? see /proc/sys/vm/nr_hugepages)",
			 name, errno_name(err));
		return true;
	}
	if (backing == BUFFER_THP && err == -EINVAL) {
		snprintf(why, len, "buffer %s: madvise(MADV_HUGEPAGE): EINVAL (kernel without CONFIG_TRANSPARENT_HUGEPAGE)",
			 name);
		return true;
	}
	if (backing == BUFFER_MEMFD && err == -ENOSYS) {
		snprintf(why, len, "buffer %s: memfd_create: ENOSYS (kernel without memfd)", name);
		return true;
	}
	return false;
}

/* every buffer, with its backing; RESULT_SKIP when the machine lacks one (the reason in why) */
static enum result setup_buffers(struct run_ctx *rc, char *why, size_t len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	for (size_t i = 0; i < rc->sc->nbuffers; i++) {
		const struct buffer_def *bd = &rc->sc->buffers[i];
		const char *name = rc->sc->syms[bd->sym].name;
		struct rt_object *o = &rc->objs[bd->sym];
		uint64_t unit = bd->backing == BUFFER_ANON || bd->backing == BUFFER_MEMFD ? page : BUFFER_HUGE_PAGE;
		uint64_t bytes = (bd->size + unit - 1) & ~(unit - 1);
		int ret = 0;

		o->fd = -1;
		if (buffer_backing_is_file(bd->backing)) {
			ret = buffer_memfd(name, bd->backing, bytes, o);
		} else if (bd->backing == BUFFER_THP) {
			ret = buffer_thp(bytes, o);
		} else {
			void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

			if (p == MAP_FAILED)
				ret = -errno;
			else
				o->mem = p;
		}
		if (ret && buffer_unavailable(name, bd->backing, ret, why, len))
			return RESULT_SKIP;
		if (ret) {
			snprintf(why, len, "allocating buffer %s: %s", name, strerror(-ret));
			return RESULT_ERROR;
		}
		o->size = bd->size;
		o->length = bytes; /* what teardown unmaps */
		o->live = true;
		pattern_fill(o->mem, bd->size, &bd->fill, 0); /* a THP buffer is faulted in here */
		mlock(o->mem, bytes); /* best effort: keeps "phys:" addresses stable */
	}
	return RESULT_PASS;
}

/*
 * How much of a THP buffer the kernel backs with huge pages: the AnonHugePages of the VMAs of
 * /proc/self/smaps inside [mem, mem + len), in KiB. -EBUSY when a VMA reaches beyond the range
 * (merged with other memory: its count would not be the buffer's alone), -errno else.
 */
static int thp_huge_kib(const uint8_t *mem, uint64_t len, uint64_t *kib)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	uintptr_t lo = (uintptr_t)mem, hi = lo + len;
	bool inside = false, seen = false;
	unsigned long long a, b, k;
	char line[512];
	int ret = 0;

	if (!f)
		return -errno;
	*kib = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = a < hi && b > lo;
			if (inside && (a < lo || b > hi))
				ret = -EBUSY;
			seen |= inside;
		} else if (inside && sscanf(line, "AnonHugePages: %llu kB", &k) == 1) {
			*kib += k;
		}
	}
	fclose(f);
	return ret ? ret : seen ? 0 : -ENOENT;
}

/* a diagnostic per THP buffer: whether the kernel gave it huge pages (never a failure) */
static void note_thp_buffers(struct run_ctx *rc)
{
	for (size_t i = 0; i < rc->sc->nbuffers; i++) {
		const struct buffer_def *bd = &rc->sc->buffers[i];
		const struct rt_object *o = &rc->objs[bd->sym];
		uint64_t kib = 0;
		int ret;

		if (bd->backing != BUFFER_THP)
			continue;
		ret = thp_huge_kib(o->mem, o->length, &kib);
		if (ret)
			out_diag(rc->out, "buffer %s (thp): huge pages not measured (/proc/self/smaps: %s)",
				 rc->sc->syms[bd->sym].name, errno_name(ret));
		else
			out_diag(rc->out, "buffer %s (thp): %llu of %llu KiB in transparent huge pages (AnonHugePages)%s",
				 rc->sc->syms[bd->sym].name, (unsigned long long)kib,
				 (unsigned long long)(o->length >> 10),
				 kib ? "" : ": the kernel gave none (see /sys/kernel/mm/transparent_hugepage/enabled)");
	}
}

static void teardown(struct run_ctx *rc)
{
	const struct scenario *sc = rc->sc;

	/* engines first: no DMA may be in flight when fds close and memory is unmapped */
	for (size_t i = 0; i < sc->ndevices; i++) {
		struct test_device *d = rc->objs[sc->devices[i].sym].dev;

		if (d && d->engine_up)
			dma_engine_teardown(&d->engine);
	}
	for (size_t i = 0; i < sc->ndevices; i++) {
		struct test_device *d = rc->objs[sc->devices[i].sym].dev;

		if (d)
			device_close(d);
		free(d);
	}
	if (rc->iommufd >= 0)
		close(rc->iommufd);
	for (size_t i = 0; i < sc->nsyms; i++) {
		struct rt_object *o = &rc->objs[i];

		if (o->kind == OBJ_BUFFER && o->mem)
			munmap(o->mem, o->length);
		if ((o->kind & (OBJ_BUFFER | OBJ_VEVENTQ | OBJ_FAULT | OBJ_DMABUF)) && o->fd > 0)
			close(o->fd);
		free(o->s1);
		free(o->fq);
		free(o->ranges);
		if (o->kind == OBJ_MARK && o->snap) {
			for (size_t b = 0; b < sc->nbuffers; b++)
				free(o->snap[b]);
			free(o->snap);
		}
	}
	free(rc->objs);
	free(rc->maps);
	free(rc->faults.per_device);
}

static bool name_in(const char *name, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

/* the scenario's needs this run cannot meet before any device is touched; opens the iommufd */
static enum result setup_requirements(struct run_ctx *rc, const struct run_opts *opts, char *why,
				      size_t len)
{
	const struct scenario *sc = rc->sc;
	int ret;

	if (sc->req.devices > opts->nbdfs) {
		snprintf(why, len, "needs %u device(s), %zu given (-d BDF|mock)", sc->req.devices, opts->nbdfs);
		return RESULT_SKIP;
	}
	ret = iommufd_open(&rc->iommufd);
	if (ret) {
		snprintf(why, len, "cannot open /dev/iommu: %s (kernel without CONFIG_IOMMUFD?)",
			 strerror(-ret));
		return RESULT_SKIP;
	}
	for (size_t i = 0; i < sc->req.nfeatures; i++) {
		if (iommufd_feature_present(rc->iommufd, sc->req.features[i]) != 1) {
			snprintf(why, len, "the running kernel lacks iommufd feature \"%s\" (ENOTTY)",
				 sc->req.features[i]);
			return RESULT_SKIP;
		}
	}
	return RESULT_PASS;
}

/* the IOMMU behind d is one of the hw_info types the scenario requires, with the fields in range */
static enum result check_hw_info(struct run_ctx *rc, const struct test_device *d, char *why,
				 size_t len)
{
	const struct scenario *sc = rc->sc;
	struct hw_info_result hw;
	const char *tname;
	int ret;

	if (!sc->req.nhw_info)
		return RESULT_PASS;
	ret = iommufd_get_hw_info(rc->iommufd, d->dev_id, &hw);
	if (ret) {
		snprintf(why, len, "IOMMU_GET_HW_INFO: %s", strerror(-ret));
		return ret == -ENOTTY || ret == -EOPNOTSUPP ? RESULT_SKIP : RESULT_ERROR;
	}
	tname = hw_info_type_name(hw.type);
	if (!name_in(tname, sc->req.hw_info, sc->req.nhw_info)) {
		snprintf(why, len, "the IOMMU behind %s is %s, not one this scenario requires",
			 d->name, tname);
		return RESULT_SKIP;
	}
	for (size_t f = 0; f < sc->req.hw_fields.n; f++) {
		const struct field_expect *fe = &sc->req.hw_fields.v[f];
		uint64_t v;

		if (hw_info_value(&hw, fe->name, &v)) {
			snprintf(why, len, "%s reports no field %s", tname, fe->name);
			return RESULT_SKIP;
		}
		if (v < fe->min || v > fe->max) {
			char want[64];

			if (fe->min == fe->max)
				snprintf(want, sizeof(want), "= %llu", (unsigned long long)fe->min);
			else
				snprintf(want, sizeof(want), "in %llu..%llu", (unsigned long long)fe->min,
					 (unsigned long long)fe->max);
			snprintf(why, len, "needs %s %s %s, this IOMMU has %llu", tname, fe->name,
				 want, (unsigned long long)v);
			return RESULT_SKIP;
		}
	}
	return RESULT_PASS;
}

/* its DMA engine: the one the slot names, "any", or the first that probes it; then requirements */
static enum result setup_engine(struct run_ctx *rc, const struct device_slot *slot,
				struct test_device *d, uint64_t dma_mask, char *why, size_t len)
{
	const struct scenario *sc = rc->sc;
	const char *sname = sc->syms[slot->sym].name;
	int ret = dma_engine_setup(&d->engine, d, slot->engine, dma_mask);

	if (ret == -ENODEV && slot->engine) {
		snprintf(why, len, "device %s (%s, %04x:%04x class %06x): no DMA engine %s drives it",
			 sname, d->name, d->facts.vendor, d->facts.device, d->facts.class_code,
			 strcmp(slot->engine, "any") ? slot->engine : "compiled in");
		return RESULT_SKIP;
	}
	if (ret && ret != -ENODEV) {
		snprintf(why, len, "device %s (%s): DMA engine setup: %s", sname, d->name, strerror(-ret));
		return RESULT_ERROR;
	}
	d->engine_up = !ret;
	if (sc->req.nengines && (!d->engine_up || !name_in(d->engine.ops->name, sc->req.engines,
							   sc->req.nengines))) {
		snprintf(why, len, "device %s (%s): engine %s is not one this scenario requires",
			 sname, d->name, d->engine_up ? d->engine.ops->name : "(none)");
		return RESULT_SKIP;
	}
	return RESULT_PASS;
}

/* one device slot: its device (the slot's own mock, or the next -d), bound, with its engine */
static enum result setup_device(struct run_ctx *rc, const struct run_opts *opts,
				const struct device_slot *slot, size_t *next_bdf, char *why, size_t len)
{
	const char *sname = rc->sc->syms[slot->sym].name;
	struct test_device *d = calloc(1, sizeof(*d));
	const char *spec = NULL, *unavailable;
	uint64_t dma_mask = 0;
	enum result r;
	int ret;

	if (!d) {
		snprintf(why, len, "out of memory");
		return RESULT_ERROR;
	}
	d->allow_destructive = opts->allow_destructive;
	d->resolve = resolve_iova;
	d->resolve_ctx = rc;
	rc->objs[slot->sym].dev = d;
	rc->objs[slot->sym].live = true;
	if (!slot->mock) {
		spec = opts->bdfs[*next_bdf];
		dma_mask = opts->dma_masks ? opts->dma_masks[*next_bdf] : 0;
		(*next_bdf)++;
	}
	ret = device_open(d, rc->iommufd, spec, slot->mock_flags, &unavailable);
	if (ret && unavailable) {
		snprintf(why, len, "device %s: %s", sname, unavailable);
		return RESULT_SKIP;
	}
	if (ret) {
		snprintf(why, len, "device %s (%s): %s: %s%s", sname, d->name, d->ops->opening,
			 strerror(-ret), ret == -EPERM ? " (no MSI isolation: interrupt remapping off?)" : "");
		return ret == -EOPNOTSUPP ? RESULT_SKIP : RESULT_ERROR;
	}
	r = setup_engine(rc, slot, d, dma_mask, why, len);
	if (r != RESULT_PASS)
		return r;
	return check_hw_info(rc, d, why, len);
}

/* "same_iommu" and "separate_groups": where the devices sit, as their providers found it */
static enum result check_topology(struct run_ctx *rc, char *why, size_t len)
{
	const struct scenario *sc = rc->sc;

	for (size_t i = 0; i < sc->ndevices; i++) {
		const struct test_device *a = rc->objs[sc->devices[i].sym].dev;
		const char *an = sc->syms[sc->devices[i].sym].name;

		if ((sc->req.same_iommu || sc->req.separate_groups) && !a->facts.iommu[0]) {
			snprintf(why, len, "cannot tell which IOMMU instance device %s (%s) is behind (no sysfs iommu link)",
				 an, a->name);
			return RESULT_SKIP;
		}
		for (size_t j = 0; j < i; j++) {
			const struct test_device *b = rc->objs[sc->devices[j].sym].dev;
			const char *bn = sc->syms[sc->devices[j].sym].name;

			if (sc->req.same_iommu && strcmp(a->facts.iommu, b->facts.iommu)) {
				snprintf(why, len, "needs its devices behind one IOMMU instance: %s (%s) is behind %s, %s (%s) behind %s",
					 bn, b->name, b->facts.iommu, an, a->name, a->facts.iommu);
				return RESULT_SKIP;
			}
			/* group numbers are system-wide, whatever the instance */
			if (sc->req.separate_groups && a->facts.iommu_group >= 0 &&
			    a->facts.iommu_group == b->facts.iommu_group) {
				snprintf(why, len, "needs its devices in separate IOMMU groups: %s (%s) and %s (%s) share group %d, whose devices share one domain",
					 bn, b->name, an, a->name, a->facts.iommu_group);
				return RESULT_SKIP;
			}
		}
	}
	return RESULT_PASS;
}

/* RESULT_PASS ready, or a SKIP/FAIL reason in why and the result to report */
static enum result setup(struct run_ctx *rc, const struct run_opts *opts, char *why, size_t len)
{
	const struct scenario *sc = rc->sc;
	enum result r = setup_requirements(rc, opts, why, len);
	size_t next_bdf = 0;

	if (r != RESULT_PASS)
		return r;
	for (size_t i = 0; i < sc->nsyms; i++)
		rc->objs[i].kind = sc->syms[i].kind;
	/* the kernel log from here on: the IOMMU's fault reports during the scenario */
	rc->faults.per_device = calloc(sc->ndevices + 1, sizeof(*rc->faults.per_device));
	if (!rc->faults.per_device) {
		snprintf(why, len, "out of memory");
		return RESULT_ERROR;
	}
	r = setup_buffers(rc, why, len);
	if (r != RESULT_PASS)
		return r;
	for (size_t i = 0; i < sc->ndevices && r == RESULT_PASS; i++)
		r = setup_device(rc, opts, &sc->devices[i], &next_bdf, why, len);
	return r == RESULT_PASS ? check_topology(rc, why, len) : r;
}

static void progress(const struct run_opts *opts, unsigned int idx, unsigned int n,
		     const char *scenario, const char *step)
{
	if (!opts->progress)
		return;
	if (scenario)
		fprintf(stderr, "\r\033[K[%u/%u] %s: %s", idx, n, scenario, step);
	else
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* ---- one scenario of one repetition, and how it ends ---- */
struct repetition {
	unsigned int number; /* from 1 */
	unsigned int count;  /* repetitions planned */
	uint64_t seed;       /* the run's seed + number - 1 */
	struct run_log *log; /* the run's kernel log */
};

/* the known limitation the run lists for the scenario called name (--xfail), or NULL */
static const char *known_limitation_of(const struct run_opts *opts, const char *name)
{
	for (size_t i = 0; i < opts->nxfail; i++)
		if (!strcmp(opts->xfail[i].scenario, name))
			return opts->xfail[i].reason;
	return NULL;
}

/*
 * Report a scenario that ran: its seed when the run repeats, then its result through the known
 * limitations — a FAIL of a listed scenario is an XFAIL (its failure stays the reason, so the
 * numbers are not lost), a PASS an XPASS. SKIP stays SKIP. Returns the result reported.
 */
static enum result report_scenario_end(struct output *out, const struct run_opts *opts,
				       const struct scenario *sc, const char *name, unsigned int idx,
				       const struct repetition *rep, enum result r,
				       const char *why, uint64_t duration_ns)
{
	const char *known = known_limitation_of(opts, sc->name);

	if (rep->count > 1)
		out_diag(out, "seed 0x%016llx (repetition %u)", (unsigned long long)rep->seed,
			 rep->number);
	if (known && r == RESULT_FAIL) {
		r = RESULT_XFAIL;
	} else if (known && r == RESULT_PASS) {
		r = RESULT_XPASS;
		why = "known limitation did not show: remove it from the list when a kernel fixes it";
	}
	out_scenario_end_known(out, idx, name, sc->file, r, why, known, duration_ns);
	return r;
}

/* name: the scenario's name in the results ("NAME #I" when the run repeats) */
static enum result run_one(const struct scenario *sc, const char *name,
			   const struct repetition *rep, unsigned int idx, unsigned int n,
			   const struct run_opts *opts, struct output *out)
{
	struct run_ctx rc = { .sc = sc, .iommufd = -1, .out = out, .seed = rep->seed,
			       .faults = { .log = rep->log } };
	enum result overall = RESULT_PASS, r;
	char why[1024] = "", first[1024] = "", label[256];
	uint64_t t0 = now_ns();
	size_t k;

	rc.objs = calloc(sc->nsyms + 1, sizeof(*rc.objs));
	if (!rc.objs) {
		out_scenario_end(out, idx, name, sc->file, RESULT_ERROR, "out of memory", 0);
		return RESULT_ERROR;
	}
	r = setup(&rc, opts, why, sizeof(why));
	if (r != RESULT_PASS) {
		teardown(&rc);
		out_scenario_end(out, idx, name, sc->file, r, why, now_ns() - t0);
		return r;
	}
	out_scenario_begin(out, idx, name, sc->file, (unsigned int)sc->nsteps);
	if (sc->description)
		out_diag(out, "%s", sc->description);
	for (size_t i = 0; i < sc->ndevices; i++) {
		struct test_device *d = rc.objs[sc->devices[i].sym].dev;
		char what[96], group[24] = "";

		d->ops->describe(d, what, sizeof(what));
		if (d->facts.iommu_group >= 0)
			snprintf(group, sizeof(group), ", group %d", d->facts.iommu_group);
		out_diag(out, "device %s = %s, engine %s, behind IOMMU %s%s",
			 sc->syms[sc->devices[i].sym].name, what,
			 d->engine_up ? d->engine.ops->name : "none",
			 d->facts.iommu[0] ? d->facts.iommu : "(unknown)", group);
	}
	note_thp_buffers(&rc);
	for (k = 0; k < sc->nsteps; k++) {
		const struct step *st = &sc->steps[k];

		step_label(sc, st, label, sizeof(label));
		progress(opts, idx, n, name, label);
		why[0] = '\0';
		r = exec_step(&rc, st, why, sizeof(why));
		out_step_result(out, (unsigned int)k + 1, label, r, why);
		if (r != RESULT_PASS) {
			overall = r == RESULT_ERROR ? RESULT_FAIL : r;
			snprintf(first, sizeof(first), "%s", why);
			break;
		}
	}
	/* what was not run is reported, so the plan holds */
	for (k = k + 1; k < sc->nsteps; k++) {
		step_label(sc, &sc->steps[k], label, sizeof(label));
		out_step_result(out, (unsigned int)k + 1, label, RESULT_SKIP,
				overall == RESULT_SKIP ? "scenario skipped" : "not run after a failure");
	}
	if (rc.dma_transfers)
		out_diag(out, "%llu DMA transfer(s) across %llu replace(s), %.0f transfer(s)/s",
			 (unsigned long long)rc.dma_transfers, (unsigned long long)rc.replaces,
			 (double)rc.dma_transfers * 1e9 / (double)(now_ns() - t0 + 1));
	if (rc.blocked_attempts)
		out_diag(out, "%llu blocked DMA attempt(s) the engine completed, judged by the bytes",
			 (unsigned long long)rc.blocked_attempts);
	/* what an engine did to its device that outside checks need (the NVMe Writes' LBAs) */
	for (size_t i = 0; i < sc->ndevices; i++) {
		struct test_device *d = rc.objs[sc->devices[i].sym].dev;
		char sum[1024] = "";

		if (d->engine_up && d->engine.ops->summary)
			d->engine.ops->summary(&d->engine, sum, sizeof(sum));
		if (sum[0])
			out_diag(out, "%s", sum);
	}
	teardown(&rc);
	return report_scenario_end(out, opts, sc, name, idx, rep, overall, first, now_ns() - t0);
}

/*
 * Every scenario, once or --repeat N times (the plan holds them all; "NAME #I" in repetition I
 * when there are several, run with the run's seed + I - 1). With --until-fail the first failure
 * (FAIL or ERROR; an XFAIL is none) stops the run and the rest of the plan is SKIP. The first
 * failure of a run that repeats says how to run it again alone.
 */
int run_scenarios(struct scenario *const *scs, size_t n, const struct run_opts *opts,
		  struct output *out)
{
	unsigned int count = opts->repeat ? opts->repeat
					  : opts->until_fail ? RUN_UNTIL_FAIL_REPETITIONS : 1;
	uint64_t planned = (uint64_t)n * count;
	bool failed = false, stopped = false;
	char seed[32], name[160];
	struct run_log log = { 0 };

	if ((unsigned int)planned != planned)
		return -E2BIG;
	out_run_begin(out, (unsigned int)planned);
	snprintf(seed, sizeof(seed), "0x%016llx", (unsigned long long)opts->seed);
	out_run_property(out, "seed", seed);
	/* the kernel log from here on: the IOMMU's fault reports during the run */
	log.err = kmsg_open(&log.kmsg);
	for (unsigned int number = 1; number <= count; number++) {
		struct repetition rep = { .number = number, .count = count,
					  .seed = opts->seed + (number - 1), .log = &log };

		for (size_t i = 0; i < n; i++) {
			const struct scenario *sc = scs[i];
			unsigned int idx = (unsigned int)((number - 1) * n + i + 1);
			enum result r;

			if (count > 1)
				snprintf(name, sizeof(name), "%s #%u", sc->name, number);
			else
				snprintf(name, sizeof(name), "%s", sc->name);
			if (iommutest_stop) {
				out_scenario_end(out, idx, name, sc->file, RESULT_ERROR, "interrupted", 0);
				continue;
			}
			if (stopped) {
				out_scenario_end(out, idx, name, sc->file, RESULT_SKIP,
						 "not run: stopped at the first failure", 0);
				continue;
			}
			r = run_one(sc, name, &rep, idx, (unsigned int)planned, opts, out);
			if (r != RESULT_FAIL && r != RESULT_ERROR)
				continue;
			if (!failed && (count > 1 || opts->until_fail))
				out_diag(out, "first failure: %s, repetition %u, seed 0x%016llx; reproduce "
					 "with: iommutest run --seed 0x%016llx %s", sc->name, number,
					 (unsigned long long)rep.seed, (unsigned long long)rep.seed,
					 sc->file);
			failed = true;
			stopped = opts->until_fail;
		}
	}
	progress(opts, 0, 0, NULL, NULL);
	fault_knobs_restore();
	if (!log.err)
		kmsg_close(&log.kmsg);
	out_run_end(out);
	return 0;
}
