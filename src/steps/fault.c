// SPDX-License-Identifier: GPL-2.0-only
/*
 * I/O page faults: fault_queue_alloc (a fault queue and its fd; hwpt_alloc's "fault" hands it to a
 * HWPT), mock_iopf (the IOMMUFD_TEST mock reports a page request of a device), fault_read (read
 * the fault groups the queue holds, decode and check them, remember their cookies) and
 * fault_respond (answer the groups read: success or invalid).
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommutest/device.h"
#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

#define PASID_MAX ((1u << 20) - 1)
#define FAULT_MAX_RECORDS 64 /* records one fault_read takes, and groups a queue remembers */
#define FAULT_NOTED 8        /* records decoded into the results per fault_read */

/* OBJ_FAULT's rt_object.fq: the groups read and not answered yet, and the last answers sent */
struct fault_state {
	uint32_t pending[FAULT_MAX_RECORDS];
	size_t npending;
	uint32_t answered[FAULT_MAX_RECORDS];
	size_t nanswered;
	uint32_t answered_code;
};

static const struct name_value pgfault_perms[] = {
	{ "read", IOMMUFD_PGFAULT_PERM_READ }, { "write", IOMMUFD_PGFAULT_PERM_WRITE },
	{ "exec", IOMMUFD_PGFAULT_PERM_EXEC }, { "priv", IOMMUFD_PGFAULT_PERM_PRIV }, { NULL, 0 },
};

static const struct name_value pgfault_flags[] = {
	{ "pasid_valid", IOMMUFD_PGFAULT_PASID_VALID }, { "last_page", IOMMUFD_PGFAULT_LAST_PAGE },
	{ NULL, 0 },
};

static const struct name_value response_codes[] = {
	{ "success", IOMMUFD_PAGE_RESPONSE_SUCCESS }, { "invalid", IOMMUFD_PAGE_RESPONSE_INVALID },
	{ NULL, 0 },
};

/* "read|write", "none" when no bit is set, unknown bits in hex */
static void bits_str(const struct name_value *names, uint32_t v, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i].name; i++) {
		if (!(v & names[i].value))
			continue;
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%s", at ? "|" : "", names[i].name);
		v &= ~(uint32_t)names[i].value;
	}
	if (v)
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s0x%x", at ? "|" : "", v);
	if (!at)
		snprintf(buf, len, "none");
}

/* ---- fault_queue_alloc ---- */
struct fault_queue_alloc_args {
	int name;
};

static const struct arg_def fault_queue_alloc_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_FAULT, .required = true,
	  .off = offsetof(struct fault_queue_alloc_args, name), .help = "name of the new fault queue" },
	{ .name = NULL },
};

static int fault_queue_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct fault_queue_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	struct fault_state *fq = calloc(1, sizeof(*fq));
	int ret;

	if (!fq)
		return -ENOMEM;
	ret = iommufd_fault_queue_alloc(rc->iommufd, &o->id, &o->fd);
	if (ret) {
		free(fq);
		return ret;
	}
	free(o->fq); /* of an earlier life of the name (a repeat block) */
	o->fq = fq;
	o->live = true;
	return 0;
}

const struct step_ops step_fault_queue_alloc = {
	.name = "fault_queue_alloc",
	.ioctls = STEP_IOCTLS("IOMMU_FAULT_QUEUE_ALLOC"),
	.help = "allocate a fault queue for I/O page faults, with its fd (IOMMU_FAULT_QUEUE_ALLOC)",
	.args = fault_queue_alloc_argdefs,
	.args_size = sizeof(struct fault_queue_alloc_args),
	.run = fault_queue_alloc_run,
};

/* ---- mock_iopf ---- */
struct mock_iopf_args {
	int device;
	struct iova_arg iova;
	uint64_t pasid, grpid, perm;
};

static const struct arg_def mock_iopf_argdefs[] = {
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct mock_iopf_args, device), .help = "the mock device that faults" },
	{ .name = "iova", .type = ARG_IOVA, .def = "0",
	  .off = offsetof(struct mock_iopf_args, iova), .help = "the address it asks for" },
	{ .name = "pasid", .type = ARG_INT, .min = 0, .max = PASID_MAX, .def = "0",
	  .off = offsetof(struct mock_iopf_args, pasid),
	  .help = "the PASID of the request (0: none, the RID's domain takes it)" },
	{ .name = "grpid", .type = ARG_INT, .min = 0, .max = UINT32_MAX, .def = "0",
	  .off = offsetof(struct mock_iopf_args, grpid), .help = "the page request group index" },
	{ .name = "perm", .type = ARG_FLAGS, .enums = pgfault_perms, .def = "read,write",
	  .off = offsetof(struct mock_iopf_args, perm), .help = "the access asked for: read, write, exec, priv" },
	{ .name = NULL },
};

static int mock_iopf_run(struct run_ctx *rc, const struct step *st)
{
	const struct mock_iopf_args *a = st->args;
	struct test_device *d = rt_device(rc, a->device);
	uint64_t iova;

	if (!d->facts.iommufd_test_mock) {
		step_skip(rc, "mock_iopf needs an IOMMUFD_TEST mock device, %s is %s", rc->sc->syms[a->device].name,
			  d->name);
		return 0;
	}
	iova = rt_iova(rc, &a->iova);
	if (rc->verdict != VERDICT_NONE)
		return 0;
	return mock_trigger_iopf(rc->iommufd, d->dev_id, (uint32_t)a->pasid, (uint32_t)a->grpid,
				 (uint32_t)a->perm, iova);
}

const struct step_ops step_mock_iopf = {
	.name = "mock_iopf",
	.ioctls = STEP_NO_IOCTLS, /* IOMMU_TEST_CMD: the mock's, not the uAPI's */
	.help = "IOMMUFD_TEST mock: a device reports an I/O page fault (TRIGGER_IOPF)",
	.args = mock_iopf_argdefs,
	.args_size = sizeof(struct mock_iopf_args),
	.run = mock_iopf_run,
};

/* ---- fault_read ---- */
struct fault_read_args {
	int fault, device;
	uint64_t min_groups, max_groups, pasid, grpid, perm, timeout_ms;
	struct iova_arg iova;
};

enum fault_read_arg {
	FREAD_FAULT, FREAD_MIN_GROUPS, FREAD_MAX_GROUPS, FREAD_DEVICE, FREAD_IOVA, FREAD_PASID,
	FREAD_PERM, FREAD_GRPID, FREAD_TIMEOUT_MS, FREAD_NARGS
};

static const struct arg_def fault_read_argdefs[] = {
	[FREAD_FAULT] = { .name = "fault", .type = ARG_REF, .kinds = OBJ_FAULT, .required = true,
	  .off = offsetof(struct fault_read_args, fault), .help = "the fault queue" },
	[FREAD_MIN_GROUPS] = { .name = "min_groups", .type = ARG_INT, .min = 0, .max = FAULT_MAX_RECORDS,
	  .def = "1", .off = offsetof(struct fault_read_args, min_groups),
	  .help = "at least this many fault groups (waits up to timeout_ms for them)" },
	[FREAD_MAX_GROUPS] = { .name = "max_groups", .type = ARG_INT, .min = 0, .max = FAULT_MAX_RECORDS,
	  .off = offsetof(struct fault_read_args, max_groups),
	  .help = "at most this many (0: the queue must be empty)" },
	[FREAD_DEVICE] = { .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE,
	  .off = offsetof(struct fault_read_args, device), .help = "every fault must name this device" },
	[FREAD_IOVA] = { .name = "iova", .type = ARG_IOVA,
	  .off = offsetof(struct fault_read_args, iova), .help = "every fault must be at this address" },
	[FREAD_PASID] = { .name = "pasid", .type = ARG_INT, .min = 0, .max = PASID_MAX,
	  .off = offsetof(struct fault_read_args, pasid),
	  .help = "every fault must carry this PASID (0: none, the PASID-valid flag clear)" },
	[FREAD_PERM] = { .name = "perm", .type = ARG_FLAGS, .enums = pgfault_perms,
	  .off = offsetof(struct fault_read_args, perm), .help = "every fault must ask exactly this access" },
	[FREAD_GRPID] = { .name = "grpid", .type = ARG_INT, .min = 0, .max = UINT32_MAX,
	  .off = offsetof(struct fault_read_args, grpid), .help = "every fault must have this group index" },
	[FREAD_TIMEOUT_MS] = { .name = "timeout_ms", .type = ARG_INT, .min = 0, .max = 60000, .def = "1000",
	  .off = offsetof(struct fault_read_args, timeout_ms), .help = "how long to wait for min_groups" },
	[FREAD_NARGS] = { .name = NULL },
};

static int fault_read_validate(struct load_ctx *lc, struct step *st)
{
	const struct fault_read_args *a = st->args;

	if (arg_given_at(st, FREAD_MAX_GROUPS) && a->max_groups < a->min_groups)
		return load_error(lc, lc->step_path, "\"max_groups\" %llu is below \"min_groups\" %llu",
				  (unsigned long long)a->max_groups, (unsigned long long)a->min_groups);
	return 0;
}

static const char *device_of(struct run_ctx *rc, uint32_t dev_id)
{
	for (size_t i = 0; i < rc->sc->ndevices; i++) {
		int sym = rc->sc->devices[i].sym;
		const struct test_device *d = rc->objs[sym].dev;

		if (d && d->dev_id == dev_id)
			return rc->sc->syms[sym].name;
	}
	return "no device of the scenario";
}

/* the first field of record f that differs from what the step asks: a message, or "" */
static void fault_mismatch(struct run_ctx *rc, const struct step *st, const struct iommufd_pgfault *f,
			   char *why, size_t len)
{
	const struct fault_read_args *a = st->args;
	char got[64], want[64];

	why[0] = '\0';
	if (a->device >= 0 && f->dev_id != rt_device(rc, a->device)->dev_id) {
		snprintf(why, len, "dev_id %u (%s), expected %u (%s)", f->dev_id, device_of(rc, f->dev_id),
			 rt_device(rc, a->device)->dev_id, rc->sc->syms[a->device].name);
	} else if (arg_given_at(st, FREAD_IOVA) && f->addr != rt_iova(rc, &a->iova)) {
		snprintf(why, len, "addr 0x%llx, expected 0x%llx", (unsigned long long)f->addr,
			 (unsigned long long)rt_iova(rc, &a->iova));
	} else if (arg_given_at(st, FREAD_PASID) &&
		   (!!(f->flags & IOMMUFD_PGFAULT_PASID_VALID) != !!a->pasid ||
		    (a->pasid && f->pasid != a->pasid))) {
		snprintf(why, len, "pasid %u%s, expected %s%llu", f->pasid,
			 f->flags & IOMMUFD_PGFAULT_PASID_VALID ? "" : " (not valid)", a->pasid ? "" : "none: ",
			 (unsigned long long)a->pasid);
	} else if (arg_given_at(st, FREAD_PERM) && f->perm != a->perm) {
		bits_str(pgfault_perms, f->perm, got, sizeof(got));
		bits_str(pgfault_perms, (uint32_t)a->perm, want, sizeof(want));
		snprintf(why, len, "perm %s, expected %s", got, want);
	} else if (arg_given_at(st, FREAD_GRPID) && f->grpid != a->grpid) {
		snprintf(why, len, "grpid %u, expected %llu", f->grpid, (unsigned long long)a->grpid);
	}
}

static void remember_cookie(struct fault_state *fq, uint32_t cookie)
{
	for (size_t i = 0; i < fq->npending; i++)
		if (fq->pending[i] == cookie)
			return;
	if (fq->npending < FAULT_MAX_RECORDS)
		fq->pending[fq->npending++] = cookie;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000l };

	nanosleep(&ts, NULL);
}

static int fault_read_run(struct run_ctx *rc, const struct step *st)
{
	const struct fault_read_args *a = st->args;
	struct rt_object *o = &rc->objs[a->fault];
	struct fault_state *fq = o->fq;
	struct iommufd_pgfault rec[FAULT_MAX_RECORDS];
	uint64_t deadline = now_ns() + a->timeout_ms * 1000000ull;
	size_t n = 0, groups = 0, bad = 0;
	char why[160] = "", first_bad[200] = "";
	int ret;

	if (o->fd < 0) {
		step_fail(rc, "the fd of fault queue %s was closed (destroy closes it)", rc->sc->syms[a->fault].name);
		return 0;
	}
	/* wait for min_groups, then take what is already there */
	while (n < FAULT_MAX_RECORDS) {
		struct pollfd pfd = { .fd = o->fd, .events = POLLIN };
		size_t got;
		uint64_t now;

		ret = iommufd_fault_read(o->fd, rec + n, FAULT_MAX_RECORDS - n, &got);
		if (ret)
			return ret;
		for (size_t i = n; i < n + got; i++)
			groups += !i || rec[i].cookie != rec[i - 1].cookie;
		n += got;
		if (got)
			continue;
		now = now_ns();
		if (groups >= a->min_groups || now >= deadline)
			break;
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000ull) + 1) <= 0)
			break;
		sleep_ms(1); /* readable but empty a moment ago: let the producer finish */
	}
	for (size_t i = 0; i < n; i++) {
		const struct iommufd_pgfault *f = &rec[i];
		char flags[64], perm[64];

		remember_cookie(fq, f->cookie);
		fault_mismatch(rc, st, f, why, sizeof(why));
		if (why[0] && !bad++)
			snprintf(first_bad, sizeof(first_bad), "fault %zu (cookie %u): %s", i + 1, f->cookie, why);
		if (i >= FAULT_NOTED)
			continue;
		bits_str(pgfault_flags, f->flags, flags, sizeof(flags));
		bits_str(pgfault_perms, f->perm, perm, sizeof(perm));
		step_note(rc, "%s: fault %zu: flags %s, dev_id %u (%s), pasid %u, grpid %u, perm %s, addr 0x%llx, length %u, cookie %u",
			  st->path, i + 1, flags, f->dev_id, device_of(rc, f->dev_id), f->pasid, f->grpid, perm,
			  (unsigned long long)f->addr, f->length, f->cookie);
	}
	step_note(rc, "%s: %zu fault group(s) of %zu record(s)%s", st->path, groups, n,
		  n > FAULT_NOTED ? " (the first ones decoded above)" : "");
	if (groups < a->min_groups)
		step_fail(rc, "%zu fault group(s) within %llu ms, expected at least %llu", groups,
			  (unsigned long long)a->timeout_ms, (unsigned long long)a->min_groups);
	else if (arg_given_at(st, FREAD_MAX_GROUPS) && groups > a->max_groups)
		step_fail(rc, "%zu fault group(s), expected at most %llu", groups,
			  (unsigned long long)a->max_groups);
	else if (bad)
		step_fail(rc, "%zu of %zu fault(s) differ from what the step expects; the first: %s", bad, n,
			  first_bad);
	return 0;
}

const struct step_ops step_fault_read = {
	.name = "fault_read",
	.ioctls = STEP_NO_IOCTLS, /* read(2) of the fault queue fd */
	.help = "read the fault groups a fault queue holds, decode them into the results, check them and keep their cookies",
	.args = fault_read_argdefs,
	.args_size = sizeof(struct fault_read_args),
	.flags = STEP_NO_EXPECT,
	.validate = fault_read_validate,
	.run = fault_read_run,
};

/* ---- fault_respond ---- */
struct fault_respond_args {
	int fault;
	uint64_t code, cookie;
	bool again;
};

enum fault_respond_arg { FRESP_FAULT, FRESP_CODE, FRESP_COOKIE, FRESP_AGAIN, FRESP_NARGS };

static const struct arg_def fault_respond_argdefs[] = {
	[FRESP_FAULT] = { .name = "fault", .type = ARG_REF, .kinds = OBJ_FAULT, .required = true,
	  .off = offsetof(struct fault_respond_args, fault), .help = "the fault queue" },
	[FRESP_CODE] = { .name = "code", .type = ARG_ENUM, .enums = response_codes, .def = "success",
	  .off = offsetof(struct fault_respond_args, code), .help = "the response: success or invalid" },
	[FRESP_COOKIE] = { .name = "cookie", .type = ARG_INT, .min = 0, .max = UINT32_MAX,
	  .off = offsetof(struct fault_respond_args, cookie),
	  .help = "answer this cookie alone, read or not (default: every group read and not answered)" },
	[FRESP_AGAIN] = { .name = "again", .type = ARG_BOOL, .def = "false",
	  .off = offsetof(struct fault_respond_args, again),
	  .help = "send the previous fault_respond's answers once more (with its code unless \"code\" is given)" },
	[FRESP_NARGS] = { .name = NULL },
};

static int fault_respond_validate(struct load_ctx *lc, struct step *st)
{
	const struct fault_respond_args *a = st->args;

	if (arg_given_at(st, FRESP_COOKIE) && a->again)
		return load_error(lc, lc->step_path, "\"cookie\" and \"again\" exclude each other");
	return 0;
}

/* whether a fault_read of queue sym comes before step `until` in the steps (file order) */
static int read_before(const struct step *steps, size_t n, const struct step *until, int sym, bool *seen)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];

		if (s == until)
			return 1;
		if (!s->ops) {
			if (read_before(s->children, s->nchildren, until, sym, seen))
				return 1;
			continue;
		}
		if (s->ops == &step_fault_read && ((const struct fault_read_args *)s->args)->fault == sym)
			*seen = true;
	}
	return 0;
}

static int fault_respond_validate_scenario(struct load_ctx *lc, struct step *st)
{
	const struct fault_respond_args *a = st->args;
	bool seen = false;

	if (arg_given_at(st, FRESP_COOKIE))
		return 0;
	read_before(lc->sc->steps, lc->sc->nsteps, st, a->fault, &seen);
	if (!seen)
		return load_error(lc, lc->step_path,
				  "no fault_read of \"%s\" comes before it: there is no group to respond to (\"cookie\" answers one never read)",
				  lc->sc->syms[a->fault].name);
	return 0;
}

/* answer each of cookies[0..n) with code; *done = how many the kernel took (in order) */
static int respond_all(struct run_ctx *rc, const struct step *st, int fd, const uint32_t *cookies,
		       size_t n, uint32_t code, size_t *done)
{
	int ret = 0;

	for (*done = 0; *done < n; (*done)++) {
		ret = iommufd_fault_respond(fd, cookies[*done], code);
		if (ret) {
			step_note(rc, "%s: the response %s to cookie %u: %s", st->path, response_codes[code].name,
				  cookies[*done], errno_name(ret));
			break;
		}
	}
	return ret;
}

static int fault_respond_run(struct run_ctx *rc, const struct step *st)
{
	const struct fault_respond_args *a = st->args;
	struct rt_object *o = &rc->objs[a->fault];
	struct fault_state *fq = o->fq;
	const char *name = rc->sc->syms[a->fault].name;
	uint32_t code = (uint32_t)a->code, one = (uint32_t)a->cookie;
	size_t done;
	int ret;

	if (o->fd < 0) {
		step_fail(rc, "the fd of fault queue %s was closed (destroy closes it)", name);
		return 0;
	}
	if (arg_given_at(st, FRESP_COOKIE)) {
		ret = respond_all(rc, st, o->fd, &one, 1, code, &done);
		for (size_t i = 0; !ret && i < fq->npending; i++) {
			if (fq->pending[i] != one)
				continue;
			memmove(&fq->pending[i], &fq->pending[i + 1], (fq->npending - i - 1) * sizeof(fq->pending[0]));
			fq->npending--;
			break;
		}
		return ret;
	}
	if (a->again) {
		if (!fq->nanswered) {
			step_fail(rc, "no earlier fault_respond of %s answered a group", name);
			return 0;
		}
		if (!arg_given_at(st, FRESP_CODE))
			code = fq->answered_code; /* the answers as they were */
		for (size_t i = 0; i < fq->nanswered; i++)
			for (size_t j = 0; j < fq->npending; j++)
				if (fq->answered[i] == fq->pending[j])
					step_note(rc, "%s: cookie %u was given to a group read since (the kernel reuses cookies): this answers that group",
						  st->path, fq->answered[i]);
		return respond_all(rc, st, o->fd, fq->answered, fq->nanswered, code, &done);
	}
	if (!fq->npending) {
		step_fail(rc, "no group read from %s waits for a response", name);
		return 0;
	}
	ret = respond_all(rc, st, o->fd, fq->pending, fq->npending, code, &done);
	/* what the kernel took is answered; the rest stays pending */
	if (done) {
		memcpy(fq->answered, fq->pending, done * sizeof(fq->pending[0]));
		fq->nanswered = done;
		fq->answered_code = code;
		memmove(fq->pending, fq->pending + done, (fq->npending - done) * sizeof(fq->pending[0]));
		fq->npending -= done;
	}
	if (!ret)
		step_note(rc, "%s: answered %zu group(s) of %s: %s", st->path, done, name, response_codes[code].name);
	return ret;
}

const struct step_ops step_fault_respond = {
	.name = "fault_respond",
	.ioctls = STEP_NO_IOCTLS, /* write(2) to the fault queue fd */
	.help = "answer the fault groups read from a fault queue: success or invalid (struct iommu_hwpt_page_response)",
	.args = fault_respond_argdefs,
	.args_size = sizeof(struct fault_respond_args),
	.validate = fault_respond_validate,
	.validate_scenario = fault_respond_validate_scenario,
	.run = fault_respond_run,
};
