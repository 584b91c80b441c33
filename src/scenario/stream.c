// SPDX-License-Identifier: GPL-2.0-only
/*
 * Streams: DMA in flight while a block of steps runs, and every transfer accounted for
 * (iommutest/stream.h). The runner calls stream_before_step / stream_after_step around each
 * step of the block; everything here goes through the engine wrapper's asynchronous calls.
 */
#define LOG_PREFIX "stream: "

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommutest/device.h"
#include "iommutest/engine.h"
#include "iommutest/log.h"
#include "iommutest/step.h"
#include "iommutest/stream.h"
#include "iommutest/util.h"

#define STREAM_MAX_STATES 16     /* distinct translations of the stream's IOVA in one block */
#define STREAM_POISON 0xa5
#define STREAM_DRAIN_MS 10000
#define STREAM_MAX_LENGTH 8192   /* two pages at most: the NVMe engine's PRP-list-free limit */
#define STREAM_MAX_SLOTS 256

enum stream_faults { STREAM_FAULTS_AUTO, STREAM_FAULTS_NONE, STREAM_FAULTS_ALLOWED };

static const struct name_value stream_fault_names[] = {
	{ "auto", STREAM_FAULTS_AUTO },
	{ "none", STREAM_FAULTS_NONE },
	{ "allowed", STREAM_FAULTS_ALLOWED },
	{ NULL, 0 },
};

enum {
	SA_DEVICE, SA_IOVA, SA_LENGTH, SA_SLOTS, SA_DEV_OFFSET, SA_DEV_SLOTS, SA_IN_FLIGHT,
	SA_TRANSFERS, SA_DURATION, SA_WATCH, SA_WATCH_OFFSET, SA_REFERENCE, SA_SEED, SA_JITTER, SA_FAULTS,
};

const struct arg_def stream_argdefs[] = {
	[SA_DEVICE] = { .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct stream_args, device), .help = "the device whose DMA engine runs the transfers" },
	[SA_IOVA] = { .name = "iova", .type = ARG_IOVA, .required = true,
	  .off = offsetof(struct stream_args, iova),
	  .help = "destination slot 0 (slot j at iova + j * length); \"phys:BUF\" aims at a page the tool owns" },
	[SA_LENGTH] = { .name = "length", .type = ARG_U64, .def = "512",
	  .off = offsetof(struct stream_args, length), .help = "bytes per transfer (at most 8K)" },
	[SA_SLOTS] = { .name = "slots", .type = ARG_INT, .min = 1, .max = STREAM_MAX_SLOTS, .def = "64",
	  .off = offsetof(struct stream_args, slots), .help = "destination slots" },
	[SA_DEV_OFFSET] = { .name = "dev_offset", .type = ARG_U64, .def = "0",
	  .off = offsetof(struct stream_args, dev_offset), .help = "device slot 0 (slot k at dev_offset + k * length)" },
	[SA_DEV_SLOTS] = { .name = "dev_slots", .type = ARG_INT, .min = 1, .max = 64, .def = "4",
	  .off = offsetof(struct stream_args, dev_slots),
	  .help = "device slots, read once at the start; their bytes must differ" },
	[SA_IN_FLIGHT] = { .name = "in_flight", .type = ARG_INT, .min = 1, .max = 1024, .def = "32",
	  .off = offsetof(struct stream_args, in_flight),
	  .help = "transfers kept in flight (at most the engine's queue depth and the slots)" },
	[SA_TRANSFERS] = { .name = "transfers", .type = ARG_INT, .min = 1, .max = SCENARIO_MAX_EXEC_DMA,
	  .required = true, .off = offsetof(struct stream_args, transfers),
	  .help = "transfers to issue at least (more while the block has not run \"repeat\" times); the steps repeat until all are issued" },
	[SA_DURATION] = { .name = "duration_ms", .type = ARG_INT, .min = 0, .max = 3600000, .def = "0",
	  .off = offsetof(struct stream_args, duration_ms),
	  .help = "stop issuing after this long (0: no limit), so one file suits fast and slow engines" },
	[SA_WATCH] = { .name = "watch", .type = ARG_STRINGS, .required = true,
	  .off = offsetof(struct stream_args, watch),
	  .help = "buffers whose slots are poisoned and checked: every place a transfer could land" },
	[SA_WATCH_OFFSET] = { .name = "watch_offset", .type = ARG_U64, .def = "0",
	  .off = offsetof(struct stream_args, watch_offset), .help = "slot 0's offset in each watched buffer" },
	[SA_REFERENCE] = { .name = "reference", .type = ARG_IOVA,
	  .off = offsetof(struct stream_args, reference),
	  .help = "a mapped IOVA for the reference reads of the device slots (default: iova)" },
	[SA_SEED] = { .name = "seed", .type = ARG_U64,
	  .off = offsetof(struct stream_args, seed),
	  .help = "the stream's random choices (slots, delays); default: from the run's seed" },
	[SA_JITTER] = { .name = "jitter_us", .type = ARG_INT, .min = 0, .max = 100000, .def = "0",
	  .off = offsetof(struct stream_args, jitter_us),
	  .help = "a random pause of 0..N microseconds before each step" },
	[SA_FAULTS] = { .name = "faults", .type = ARG_ENUM, .enums = stream_fault_names, .def = "auto",
	  .off = offsetof(struct stream_args, faults),
	  .help = "IOMMU fault reports for the device: none, allowed, or auto (allowed when the block leaves the IOVA untranslated)" },
	{ .name = NULL },
};

int stream_parse(struct load_ctx *lc, const char *path, void *json, struct step *st)
{
	struct stream_args *a = calloc(1, sizeof(*a));
	char apath[320];
	int ret;

	if (!a)
		return -ENOMEM;
	st->stream = a;
	if (!json_is_object((json_t *)json))
		return load_error(lc, path, "\"stream\" must be an object");
	ret = args_parse_section(lc, path, stream_argdefs, json, a, &a->given);
	if (ret)
		return ret;
	if (!a->length || a->length > STREAM_MAX_LENGTH) {
		snprintf(apath, sizeof(apath), "%s.length", path);
		return load_error(lc, apath, "must be 1..%u", STREAM_MAX_LENGTH);
	}
	snprintf(apath, sizeof(apath), "%s.watch", path);
	if (!a->watch.n || a->watch.n > STREAM_MAX_WATCH)
		return load_error(lc, apath, "names 1..%d buffers", STREAM_MAX_WATCH);
	for (size_t i = 0; i < a->watch.n; i++) {
		int sym = scenario_find_symbol(lc->sc, a->watch.v[i], OBJ_BUFFER);
		uint64_t need = a->watch_offset + a->slots * a->length;

		if (sym < 0)
			return load_error(lc, apath, "\"%.64s\" is not a buffer", a->watch.v[i]);
		if (need < a->watch_offset || need > scenario_buffer_size(lc->sc, sym))
			return load_error(lc, apath, "buffer \"%s\" (0x%llx bytes) does not hold %llu slots of %llu bytes from offset 0x%llx",
					  a->watch.v[i], (unsigned long long)scenario_buffer_size(lc->sc, sym),
					  (unsigned long long)a->slots, (unsigned long long)a->length,
					  (unsigned long long)a->watch_offset);
		a->watch_sym[a->nwatch++] = sym;
	}
	if (a->iova.phys >= 0 && a->iova.offset % 4096 + a->slots * a->length > 4096) {
		snprintf(apath, sizeof(apath), "%s.iova", path);
		return load_error(lc, apath, "aimed at a physical address, the slots must stay in its 4 KiB page (a buffer is contiguous only page by page)");
	}
	if (!(a->given & (1ull << SA_REFERENCE)))
		a->reference = a->iova;
	if (a->reference.phys >= 0) {
		snprintf(apath, sizeof(apath), "%s.reference", path);
		return load_error(lc, apath, "the reference reads need an IOVA the domain maps (give \"reference\" when \"iova\" is phys:)");
	}
	return 0;
}

void stream_free(struct stream_args *a)
{
	if (!a)
		return;
	args_free(stream_argdefs, a);
	free(a);
}

uint64_t stream_exec_dma(const struct stream_args *a)
{
	return a->transfers + a->dev_slots;
}

/* ---- run time ---- */

struct stream_xfer {
	uint64_t idx;      /* issue order */
	uint32_t dev_slot;
	uint32_t states;   /* bit s: translation s was in force at some point of its lifetime */
	bool busy;
};

struct stream {
	struct run_ctx *rc;
	const struct step *st;
	const struct stream_args *a;
	struct test_device *dev;
	struct dma_engine *e;
	uint64_t iova, in_flight, seed, rng;
	uint64_t transfers;         /* to issue: "transfers", or fewer when "duration_ms" ran out */
	uint64_t iterations;        /* of the block's steps, begun */
	uint8_t *ref;               /* dev_slots * length: the bytes of each device slot */
	struct stream_xfer *xf;     /* per destination slot */
	uint8_t *watch[STREAM_MAX_WATCH]; /* slot 0 in each watched buffer */
	/* the translations seen: what the domain maps at the IOVA (NULL: nothing) */
	uint8_t *state_va[STREAM_MAX_STATES];
	int state_watch[STREAM_MAX_STATES]; /* the watched buffer it is, -1 none, -2 unwatched memory */
	size_t nstates, cur;
	uint64_t replaces0;
	/* the accounting */
	uint64_t issued, reaped, busy;
	uint64_t t0, deadline;      /* now_ns() at the start; stop issuing after deadline (0: none) */
	uint64_t refused;           /* starts the engine refused while nothing was mapped */
	size_t refused_state;       /* ... in this state: no more tries until the translation changes */
	bool refusing;
	uint64_t ioctls, ioctls_in_flight, in_flight_sum, inside;
	uint64_t landed[STREAM_MAX_WATCH], dropped, faulted, partial, lost, failed, stray, torn, corrupt, doubled;
	char first_bad[512];
	char broken[512];           /* the stream itself could not go on */
};

static uint64_t next_rand(struct stream *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t hash_str(const char *p)
{
	uint64_t h = 1469598103934665603ull;

	while (*p)
		h = (h ^ (uint8_t)*p++) * 1099511628211ull;
	return h;
}

/* what the device's domain maps at the stream's IOVA now, as an index into the states seen */
static int current_state(struct stream *s, size_t *idx)
{
	struct test_device *d = s->dev;
	uint8_t *va = NULL;

	if (!d->resolve || d->resolve(d->resolve_ctx, d, s->iova, s->a->slots * s->a->length, false, &va))
		va = NULL;
	for (size_t i = 0; i < s->nstates; i++) {
		if (s->state_va[i] == va) {
			*idx = i;
			return 0;
		}
	}
	if (s->nstates == STREAM_MAX_STATES) {
		snprintf(s->broken, sizeof(s->broken), "more than %d distinct translations of the stream's IOVA",
			 STREAM_MAX_STATES);
		return -E2BIG;
	}
	s->state_va[s->nstates] = va;
	s->state_watch[s->nstates] = va ? -2 : -1;
	for (size_t w = 0; va && w < s->a->nwatch; w++)
		if (s->watch[w] == va)
			s->state_watch[s->nstates] = (int)w;
	if (s->state_watch[s->nstates] == -2) {
		/* a landing there could not be seen: the file must watch every buffer in play */
		snprintf(s->broken, sizeof(s->broken), "the domain maps the stream's IOVA to memory that is not slot 0 of a watched buffer (add it to \"watch\", with \"watch_offset\" where slot 0 is)");
		return -EINVAL;
	}
	*idx = s->nstates++;
	return 0;
}

static void note_bad(struct stream *s, uint64_t *counter, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note_bad(struct stream *s, uint64_t *counter, const char *fmt, ...)
{
	va_list ap;

	(*counter)++;
	if (s->first_bad[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->first_bad, sizeof(s->first_bad), fmt, ap);
	va_end(ap);
}

static const char *watch_name(const struct stream *s, size_t w)
{
	return s->a->watch.v[w];
}

/* a reaped transfer: where did its bytes go, and was that allowed? */
static void judge(struct stream *s, size_t j, int result)
{
	struct stream_xfer *x = &s->xf[j];
	const uint8_t *want = s->ref + (size_t)x->dev_slot * s->a->length;
	uint64_t len = s->a->length;
	int landed = -1, nlanded = 0, partial = -1;
	bool may_drop = false, may_land[STREAM_MAX_WATCH] = { false };

	for (size_t i = 0; i < s->nstates; i++) {
		if (!(x->states & (1u << i)))
			continue;
		if (s->state_watch[i] == -1)
			may_drop = true;
		else if (s->state_watch[i] >= 0)
			may_land[s->state_watch[i]] = true;
	}
	x->busy = false;
	s->busy--;
	s->reaped++;
	for (size_t w = 0; w < s->a->nwatch; w++) {
		const uint8_t *p = s->watch[w] + j * len;
		bool some = false;

		if (!memcmp(p, want, len)) {
			landed = (int)w;
			nlanded++;
			continue;
		}
		/* byte by byte: its own bytes where it got through, the poison where it did not */
		for (uint64_t b = 0; b < len; b++) {
			if (p[b] == want[b] && want[b] != STREAM_POISON) {
				some = true;
			} else if (p[b] != STREAM_POISON) {
				note_bad(s, &s->corrupt, "transfer #%llu: %s slot %zu at +0x%llx holds a byte that is neither the transfer's nor the poison: misdirected or corrupted",
					 (unsigned long long)x->idx, watch_name(s, w), j, (unsigned long long)b);
				return;
			}
		}
		if (some)
			partial = (int)w;
	}
	if (partial >= 0) {
		/* part of it before a transition to nothing mapped, the rest stopped: allowed there */
		if (may_drop && may_land[partial] && !nlanded)
			s->partial++;
		else
			note_bad(s, &s->torn, "transfer #%llu landed only in part in %s slot %zu%s",
				 (unsigned long long)x->idx, watch_name(s, (size_t)partial), j,
				 may_land[partial] ? ": the rest was lost in a transition" : ", which no translation in force during it maps");
		return;
	}
	if (nlanded > 1) {
		note_bad(s, &s->doubled, "transfer #%llu landed in %d watched buffers at once",
			 (unsigned long long)x->idx, nlanded);
	} else if (nlanded == 1 && may_land[landed]) {
		s->landed[landed]++;
	} else if (nlanded == 1) {
		note_bad(s, &s->stray, "transfer #%llu landed in %s, which no translation in force during it maps at IOVA 0x%llx%s",
			 (unsigned long long)x->idx, watch_name(s, (size_t)landed),
			 (unsigned long long)(s->iova + j * len),
			 s->a->iova.phys >= 0 ? " (aimed at its physical address: DMA passed through untranslated)" : "");
	} else if (may_drop) {
		if (result)
			s->faulted++;
		else
			s->dropped++;
	} else if (result) {
		note_bad(s, &s->failed, "transfer #%llu failed (%s) although every translation during it mapped IOVA 0x%llx",
			 (unsigned long long)x->idx, s->e->errmsg[0] ? s->e->errmsg : strerror(-result),
			 (unsigned long long)(s->iova + j * len));
	} else {
		note_bad(s, &s->lost, "transfer #%llu completed but landed nowhere, although every translation during it mapped IOVA 0x%llx",
			 (unsigned long long)x->idx, (unsigned long long)(s->iova + j * len));
	}
}

/* reap every completion there is; inside: they completed while the last step ran */
static void reap_all(struct stream *s, bool inside)
{
	struct dma_completion done;

	while (s->busy && !dma_engine_poll(s->e, &done)) {
		if (done.tag >= s->a->slots || !s->xf[done.tag].busy) {
			snprintf(s->broken, sizeof(s->broken), "the engine completed tag %llu, which is not in flight",
				 (unsigned long long)done.tag);
			return;
		}
		if (inside)
			s->inside++;
		judge(s, (size_t)done.tag, done.result);
	}
}

static void refill(struct stream *s)
{
	uint64_t len = s->a->length;
	char msg[300];

	if (s->refusing && s->cur == s->refused_state)
		return;
	s->refusing = false;
	if (s->deadline && now_ns() > s->deadline)
		s->transfers = s->issued; /* time is up: no more */
	/* "transfers" at least; more while the block has not run its "repeat" iterations yet, so
	 * every one of them has transfers in flight (within the scenario's DMA budget) */
	while (!s->broken[0] && s->busy < s->in_flight &&
	       (s->issued < s->transfers ||
		(s->iterations < s->st->repeat && s->issued < SCENARIO_MAX_EXEC_DMA &&
		 !(s->deadline && now_ns() > s->deadline)))) {
		size_t j = (size_t)(next_rand(s) % s->a->slots);
		uint32_t k = (uint32_t)(next_rand(s) % s->a->dev_slots);
		struct dma_request rq;
		int ret;

		while (s->xf[j].busy)
			j = (j + 1) % s->a->slots;
		for (size_t w = 0; w < s->a->nwatch; w++)
			memset(s->watch[w] + j * len, STREAM_POISON, len);
		rq = (struct dma_request){ .dir = DMA_FROM_DEVICE, .iova = s->iova + j * len,
					   .dev_off = s->a->dev_offset + k * len, .len = len, .tag = j };
		ret = dma_engine_start(s->e, &rq, msg, sizeof(msg));
		if (ret && s->state_watch[s->cur] == -1) {
			/* nothing translates the IOVA now: an engine whose own DMA is blocked too (NVMe
			 * queues) cannot start; try again once the translation changes */
			s->refused++;
			s->refusing = true;
			s->refused_state = s->cur;
			return;
		}
		if (ret) {
			snprintf(s->broken, sizeof(s->broken), "starting transfer #%llu: %s",
				 (unsigned long long)s->issued, msg);
			return;
		}
		s->xf[j] = (struct stream_xfer){ .idx = s->issued++, .dev_slot = k,
						 .states = 1u << s->cur, .busy = true };
		s->busy++;
	}
}

bool stream_wants_more(struct stream *s, uint64_t iterations_done)
{
	s->iterations = iterations_done;
	if (s->broken[0] || s->rc->verdict != VERDICT_NONE)
		return false;
	return iterations_done < s->st->repeat ||
	       (s->issued < s->transfers && !(s->deadline && now_ns() > s->deadline));
}

void stream_before_step(struct stream *s, const struct step *st)
{
	refill(s);
	reap_all(s, false);
	if (!(st->ops->flags & STEP_NO_EXPECT)) {
		s->ioctls++;
		if (s->busy)
			s->ioctls_in_flight++;
		s->in_flight_sum += s->busy;
	}
	if (s->a->jitter_us) {
		uint64_t us = next_rand(s) % (s->a->jitter_us + 1);
		struct timespec ts = { .tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000 };

		nanosleep(&ts, NULL);
	}
}

void stream_after_step(struct stream *s, const struct step *st)
{
	size_t now;

	(void)st;
	/* first the translation the step left: a transfer that completed inside it may have used it */
	if (current_state(s, &now))
		return; /* s->broken says why */
	if (now != s->cur) {
		s->cur = now;
		for (uint64_t j = 0; j < s->a->slots; j++)
			if (s->xf[j].busy)
				s->xf[j].states |= 1u << now;
	}
	reap_all(s, true);
}

static void stream_free_rt(struct stream *s)
{
	free(s->ref);
	free(s->xf);
	free(s);
}

/* the bytes of every device slot, read through the domain attached now, all different */
static enum result read_reference(struct stream *s, char *why, size_t len)
{
	struct test_device *d = s->dev;
	uint64_t l = s->a->length, ref_iova = rt_iova(s->rc, &s->a->reference);
	char msg[300];
	uint8_t *va;

	for (uint64_t k = 0; k < s->a->dev_slots; k++) {
		uint64_t b = 0;
		int ret;

		if (!d->resolve || d->resolve(d->resolve_ctx, d, ref_iova, l, false, &va)) {
			snprintf(why, len, "%s: the reference IOVA 0x%llx is not mapped by the attached domain",
				 s->st->path, (unsigned long long)ref_iova);
			return RESULT_FAIL;
		}
		memset(va, STREAM_POISON, l);
		ret = dma_engine_transfer(s->e, DMA_FROM_DEVICE, ref_iova, s->a->dev_offset + k * l, l,
					  msg, sizeof(msg));
		if (ret) {
			snprintf(why, len, "%s: reference read of device slot %llu: %s", s->st->path,
				 (unsigned long long)k, msg);
			return ret == -EINVAL || ret == -ERANGE || ret == -E2BIG ? RESULT_SKIP : RESULT_FAIL;
		}
		while (b < l && va[b] == STREAM_POISON)
			b++;
		if (b == l) {
			snprintf(why, len, "%s: the reference read of device slot %llu into IOVA 0x%llx moved nothing (the engine did not run, or the attached domain does not translate that IOVA)",
				 s->st->path, (unsigned long long)k, (unsigned long long)ref_iova);
			return RESULT_FAIL;
		}
		memcpy(s->ref + k * l, va, l);
		s->rc->dma_transfers++;
	}
	for (uint64_t k = 0; k < s->a->dev_slots; k++) {
		const uint8_t *p = s->ref + k * l;
		uint64_t b = 0;

		while (b < l && p[b] == STREAM_POISON)
			b++;
		for (uint64_t m = 0; m < k && b < l; m++)
			if (!memcmp(p, s->ref + m * l, l))
				b = l;
		if (b == l) {
			snprintf(why, len, "%s: device slot %llu holds the same bytes as another slot or the poison: transfers could not be told apart (load the device with distinct bytes first)",
				 s->st->path, (unsigned long long)k);
			return RESULT_SKIP;
		}
	}
	return RESULT_PASS;
}

enum result stream_begin(struct run_ctx *rc, const struct step *st, struct stream **out, char *why,
			 size_t len)
{
	const struct stream_args *a = st->stream;
	struct stream *s = calloc(1, sizeof(*s));
	enum result r;

	if (!s || !(s->xf = calloc(a->slots, sizeof(*s->xf))) ||
	    !(s->ref = malloc(a->dev_slots * a->length))) {
		snprintf(why, len, "out of memory");
		if (s)
			stream_free_rt(s);
		return RESULT_ERROR;
	}
	s->rc = rc;
	s->st = st;
	s->a = a;
	s->dev = rt_device(rc, a->device);
	s->e = &s->dev->engine;
	s->replaces0 = rc->replaces;
	s->transfers = a->transfers;
	if (!s->dev->engine_up || !s->e->ops->async) {
		snprintf(why, len, "%s: device %s: engine %s has no asynchronous transfers", st->path,
			 rc->sc->syms[a->device].name, s->dev->engine_up ? s->e->ops->name : "(none)");
		stream_free_rt(s);
		return RESULT_SKIP;
	}
	s->in_flight = a->in_flight;
	if (s->in_flight > s->e->limits.queue_depth)
		s->in_flight = s->e->limits.queue_depth;
	if (s->in_flight > a->slots)
		s->in_flight = a->slots;
	s->seed = (a->given & (1ull << SA_SEED)) ? a->seed : rc->seed ^ hash_str(st->path);
	s->rng = s->seed;
	s->iova = rt_iova(rc, &a->iova);
	if (rc->verdict != VERDICT_NONE) { /* phys: needs root */
		snprintf(why, len, "%s: %s", st->path, rc->msg);
		r = rc->verdict == VERDICT_SKIP ? RESULT_SKIP : RESULT_FAIL;
		stream_free_rt(s);
		return r;
	}
	for (size_t w = 0; w < a->nwatch; w++)
		s->watch[w] = rc->objs[a->watch_sym[w]].mem + a->watch_offset;
	r = read_reference(s, why, len);
	if (r != RESULT_PASS) {
		stream_free_rt(s);
		return r;
	}
	for (size_t w = 0; w < a->nwatch; w++)
		memset(s->watch[w], STREAM_POISON, a->slots * a->length);
	if (current_state(s, &s->cur)) {
		snprintf(why, len, "%s (stream): %s", st->path, s->broken);
		stream_free_rt(s);
		return RESULT_FAIL;
	}
	rt_faults_window(rc); /* the block's IOMMU fault reports from here */
	s->t0 = now_ns();
	s->deadline = a->duration_ms ? s->t0 + a->duration_ms * 1000000ull : 0;
	step_note(rc, "%s: stream on %s (%s): seed 0x%llx, up to %llu of %llu transfer(s) of %llu bytes in flight",
		  st->path, rc->sc->syms[a->device].name, s->e->ops->name, (unsigned long long)s->seed,
		  (unsigned long long)s->in_flight, (unsigned long long)a->transfers,
		  (unsigned long long)a->length);
	*out = s;
	return RESULT_PASS;
}

enum result stream_end(struct stream *s, enum result r, uint64_t iterations, char *why, size_t len)
{
	const struct stream_args *a = s->a;
	struct run_ctx *rc = s->rc;
	struct dma_completion done;
	uint64_t bad, landed = 0;
	bool untranslated = false, faults_allowed;
	struct iommu_fault f;
	int64_t faults;
	char where[256] = "";
	size_t off = 0;

	while (s->busy && !s->broken[0]) {
		int ret = dma_engine_wait_any(s->e, STREAM_DRAIN_MS, &done);

		if (ret) {
			snprintf(s->broken, sizeof(s->broken), "%llu transfer(s) did not complete within %d ms: %s",
				 (unsigned long long)s->busy, STREAM_DRAIN_MS, s->e->errmsg);
			break;
		}
		if (done.tag < a->slots && s->xf[done.tag].busy)
			judge(s, (size_t)done.tag, done.result);
	}
	rc->dma_transfers += s->reaped;
	for (size_t w = 0; w < a->nwatch; w++) {
		int n = snprintf(where + off, sizeof(where) - off, "%s%llu in %s", w ? ", " : "",
				 (unsigned long long)s->landed[w], watch_name(s, w));

		landed += s->landed[w];
		if (n > 0 && (size_t)n < sizeof(where) - off)
			off += (size_t)n;
	}
	bad = s->lost + s->failed + s->stray + s->torn + s->corrupt + s->doubled;
	faults = rt_faults_for(rc, s->dev, 0, 0, 0, &f);
	for (size_t i = 0; i < s->nstates; i++)
		untranslated |= s->state_watch[i] == -1;
	faults_allowed = a->faults == STREAM_FAULTS_ALLOWED ||
			 (a->faults == STREAM_FAULTS_AUTO && untranslated);
	rt_faults_note(rc, s->st->path);
	if (faults < 0)
		step_note(rc, "%s: the IOMMU's fault reports are unknown: the kernel log cannot be read (%s)",
			  s->st->path, strerror((int)-faults));
	step_note(rc, "%s: %.1f s, %llu iteration(s), %llu replace(s), %llu ioctl(s); %llu transfer(s) issued, %llu reaped; %llu ioctl(s) entered with transfers in flight (%llu in flight in all), %llu transfer(s) completed inside an ioctl",
		  s->st->path, (double)(now_ns() - s->t0) / 1e9, (unsigned long long)iterations,
		  (unsigned long long)(rc->replaces - s->replaces0), (unsigned long long)s->ioctls,
		  (unsigned long long)s->issued, (unsigned long long)s->reaped,
		  (unsigned long long)s->ioctls_in_flight, (unsigned long long)s->in_flight_sum,
		  (unsigned long long)s->inside);
	if (s->ioctls)
		step_note(rc, "%s: under load: %.0f replace(s)/s, %.2f transfer(s) in flight per ioctl",
			  s->st->path, (double)(rc->replaces - s->replaces0) * 1e9 / (double)(now_ns() - s->t0 + 1),
			  (double)s->in_flight_sum / (double)s->ioctls);
	if (s->refused)
		step_note(rc, "%s: %llu start(s) refused by the engine while nothing translated the IOVA",
			  s->st->path, (unsigned long long)s->refused);
	step_note(rc, "%s: landed %s; where nothing was mapped: %llu not landed, %llu faulted, %llu partly landed; %llu lost, %llu failed, %llu stray, %llu torn, %llu corrupt, %llu doubled",
		  s->st->path, where, (unsigned long long)s->dropped, (unsigned long long)s->faulted,
		  (unsigned long long)s->partial, (unsigned long long)s->lost,
		  (unsigned long long)s->failed, (unsigned long long)s->stray,
		  (unsigned long long)s->torn, (unsigned long long)s->corrupt,
		  (unsigned long long)s->doubled);
	if (r == RESULT_PASS) {
		if (s->broken[0]) {
			snprintf(why, len, "%s (stream): %s", s->st->path, s->broken);
			r = RESULT_FAIL;
		} else if (bad) {
			snprintf(why, len, "%s (stream): %llu of %llu transfers went wrong across %llu replace(s) and %llu ioctl(s) (%llu lost, %llu failed, %llu stray, %llu torn, %llu corrupt, %llu doubled); first: %s",
				 s->st->path, (unsigned long long)bad, (unsigned long long)s->reaped,
				 (unsigned long long)(rc->replaces - s->replaces0), (unsigned long long)s->ioctls,
				 (unsigned long long)s->lost, (unsigned long long)s->failed,
				 (unsigned long long)s->stray, (unsigned long long)s->torn,
				 (unsigned long long)s->corrupt, (unsigned long long)s->doubled, s->first_bad);
			r = RESULT_FAIL;
		} else if (faults > 0 && !faults_allowed) {
			char what[200];

			iommu_fault_describe(&f, what, sizeof(what));
			snprintf(why, len, "%s (stream): the IOMMU reported %lld fault(s) for %s although every translation during the block mapped the stream's IOVA; first: %s",
				 s->st->path, (long long)faults, rc->sc->syms[a->device].name, what);
			r = RESULT_FAIL;
		} else if (!s->inside) {
			snprintf(why, len, "%s (stream): inconclusive: none of %llu transfers completed inside any of the %llu ioctl(s) (%llu entered with transfers in flight): the transitions were not exercised",
				 s->st->path, (unsigned long long)s->reaped, (unsigned long long)s->ioctls,
				 (unsigned long long)s->ioctls_in_flight);
			r = RESULT_FAIL;
		}
	}
	(void)landed;
	stream_free_rt(s);
	return r;
}
