/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario verbs. A verb is one file in src/steps/ with a `const struct step_ops` and one line
 * in src/steps/steps.def. Its arguments are a table (args.h); the runner (src/scenario/runner.c)
 * compares the errno a step returns with the step's "expect" once, for every verb.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/args.h"
#include "iommutest/kmsg.h"
#include "iommutest/scenario.h"

struct run_ctx;
struct load_ctx;
struct test_device; /* iommutest/device.h, for the verbs that drive one */

enum step_flags {
	STEP_NO_EXPECT = 1 << 0, /* a pure check: "expect" makes no sense */
	STEP_DMA = 1 << 1,       /* issues DMA (counted against SCENARIO_MAX_EXEC_DMA) */
};

struct step_ops {
	const char *name;
	const char *help;
	const struct arg_def *args; /* {NULL}-terminated */
	size_t args_size;
	unsigned int flags;
	/* Optional load-time checks across arguments; report with load_error(). 0 or -EINVAL. */
	int (*validate)(struct load_ctx *lc, struct step *st);
	/* Optional checks against the whole scenario (lc->sc->steps), once every step is parsed. */
	int (*validate_scenario)(struct load_ctx *lc, struct step *st);
	/* Optional: update the load-time liveness model (declare/destroy names). */
	/*
	 * Run. Returns 0 or -errno of the operation under test (compared with "expect").
	 * A wrong result that is not an errno (bytes differ, a field mismatches) is reported
	 * with step_fail(); a missing capability with step_skip().
	 */
	int (*run)(struct run_ctx *rc, const struct step *st);
	/* Free what args_parse does not know about (optional). */
	void (*free_args)(void *args);
	/*
	 * The iommufd ioctls (linux/iommufd.h names, "IOMMU_IOAS_MAP") the verb issues, NULL-terminated;
	 * an empty list for a verb that issues none (VFIO, IOMMUFD_TEST or no ioctl). Every verb gives
	 * one: `iommutest list ioctls` and a unit test read them.
	 */
	const char *const *ioctls;
};

/* STEP_IOCTLS("IOMMU_IOAS_MAP") for a step_ops's .ioctls; STEP_NO_IOCTLS for none */
#define STEP_IOCTLS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define STEP_NO_IOCTLS ((const char *const[]){ NULL })

/* An iommufd ioctl no verb issues, and why (src/steps/registry.c). */
struct ioctl_unissued {
	const char *ioctl;
	const char *reason;
};
/* {NULL}-terminated */
extern const struct ioctl_unissued step_ioctls_unissued[];
/* The verbs issuing ioctl, "a, b" into buf; returns how many. */
size_t step_ioctl_verbs(const char *ioctl, char *buf, size_t len);
/* Why no verb issues ioctl (step_ioctls_unissued), or NULL. */
const char *step_ioctl_unissued_reason(const char *ioctl);
/* Every ioctl the verbs and step_ioctls_unissued name, once each, sorted: *out malloc'ed,
 * NULL-terminated (the strings are static). 0 or -ENOMEM. */
int step_ioctls_known(const char ***out, size_t *count);

/* The registry, NULL-terminated, in src/steps/steps.def order. */
extern const struct step_ops *const step_registry[];
const struct step_ops *step_find(const char *name);

/* ---- load time ---- */
struct load_ctx {
	const char *file;
	char *err;
	size_t errlen;
	int failed;
	struct scenario *sc;
	const char *step_path; /* "steps[3] (attach)" for messages */
};
int load_error(struct load_ctx *lc, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Declare the name json_name (a json_t) of a new object of kind at path (its declaration): the
 * name's syntax, then uniqueness in the file. *sym = its symbol (when sym). 0, -EINVAL or -ENOMEM. */
int scenario_declare(struct load_ctx *lc, const char *path, void *json_name, enum obj_kind kind,
		     int *sym);
/* Index in sc->buffers of the buffer symbol sym, or -1. */
int scenario_buffer_index(const struct scenario *sc, int sym);
/* Size of the buffer symbol sym (0 when it is not a buffer). */
uint64_t scenario_buffer_size(const struct scenario *sc, int sym);
/*
 * A step's [offset, offset + *length) inside buffer sym: *length = the rest of the buffer when
 * length_given is false. 0, or -EINVAL reported with the step's path.
 */
int load_check_range(struct load_ctx *lc, int sym, uint64_t offset, uint64_t *length,
		     bool length_given);

/*
 * Whether the file gave argument idx of the step's table: the verbs that ask at run time name
 * their arguments by an enum that indexes their table ([ARG] = { ... }), not by string.
 */
static inline bool arg_given_at(const struct step *st, unsigned int idx)
{
	return (st->given >> idx) & 1;
}

/* ---- run time ---- */

/*
 * every mapping of the run, named or not (what an emulated engine translates through); an
 * unmapped one stays, marked gone, until a new mapping overlaps it: the memory a stale
 * translation would still reach, which an emulated engine asks the kernel about
 */
struct rt_mapping {
	int ioas; /* symbol */
	int name; /* the named mapping (symbol) whose current entry this is, or -1 */
	uint64_t iova, length;
	uint8_t *va; /* NULL: a dma-buf (memory the tool does not own) */
	bool gone;
};

struct rt_object {
	enum obj_kind kind;
	bool live;
	uint32_t id; /* IOAS / HWPT: the kernel's object id */
	/* OBJ_BUFFER */
	uint8_t *mem;
	uint64_t size;
	/* OBJ_MAPPING; OBJ_HWPT: ioas = the IOAS or parent HWPT it was allocated on; OBJ_BUFFER: length
	 * = the bytes mapped for it (its size rounded up to its pages) */
	int ioas, buffer;
	uint64_t iova, length, buf_off;
	size_t map_slot; /* OBJ_MAPPING: its entry in rc->maps, valid while that entry's name is it */
	size_t maps_live; /* OBJ_IOAS: entries of rc->maps on it that are not gone */
	/* OBJ_MARK: a copy of every buffer when it was taken (NULL where not taken) */
	uint8_t **snap;
	/* OBJ_DEVICE */
	struct test_device *dev;
	/* OBJ_VEVENTQ, OBJ_FAULT, OBJ_DMABUF: its fd (-1 once closed); OBJ_BUFFER: its memfd (-1:
	 * anonymous); OBJ_VDEVICE: the virtual id */
	int fd;
	uint64_t virt_id;
	/* OBJ_S1: the table set (owned), see src/steps/smmuv3_s1.c */
	void *s1;
	/* OBJ_FAULT: the groups read and their responses (owned), see src/steps/fault.c */
	void *fq;
	/* OBJ_RANGES: the usable IOVA ranges its ioas_iova_ranges step read last (owned) */
	struct range_arg *ranges;
	size_t nranges;
};

enum verdict { VERDICT_NONE, VERDICT_FAIL, VERDICT_SKIP };

#define RT_FAULTS_KEPT 16
#define RUN_LOG_RECENT 16

/* the kernel log for the whole run: its reader, and when the IOMMU's last reports came */
struct run_log {
	struct kmsg_reader kmsg;
	int err;                          /* 0, or why it cannot be read (-errno) */
	uint64_t recent[RUN_LOG_RECENT];  /* timestamps (us since boot) of the last reports, a ring */
	size_t nrecent;                   /* reports ever seen (the ring holds the last ones) */
	/* when (CLOCK_MONOTONIC us) an engine last saw a transfer the IOMMU stopped fail, 0 never:
	 * its reports may have been many (an NVMe controller retries), ratelimited out of the log
	 * so none is in recent[], and the next report of that interval is suppressed too */
	uint64_t storm_us;
};

/* the IOMMU fault reports of the current window (rt_faults_window) */
struct rt_faults {
	struct run_log *log;      /* the run's; NULL in a context without one (none is read) */
	uint64_t total, other;    /* in the window; other: for no device of the scenario */
	uint64_t *per_device;     /* per device slot (sc->devices order) */
	struct rt_fault {
		struct iommu_fault f;
		int slot;         /* device slot, -1 none */
	} kept[RT_FAULTS_KEPT];   /* the first ones */
	size_t nkept;
};

struct output;

struct run_ctx {
	const struct scenario *sc;
	int iommufd;
	struct rt_object *objs; /* one per symbol */
	struct output *out;
	enum verdict verdict;
	char msg[1024];
	uint64_t dma_transfers;
	uint64_t replaces; /* attach/replace on an already attached RID */
	uint64_t iterations; /* repeat iterations begun so far (a `fill` with "vary" adds it) */
	uint64_t blocked_attempts; /* blocked DMAs the engine completed (judged by the bytes) */
	bool mute_notes; /* step_note() says nothing (a stream's iterations after its first) */
	struct stream *stream; /* the stream block running now (iommutest/stream.h), or NULL */
	uint64_t seed; /* this scenario run's seed (run_opts.seed, per repetition): streams derive theirs */
	struct rt_faults faults;
	struct rt_mapping *maps;
	size_t nmaps, maps_cap;
	size_t nmaps_gone; /* how many of maps are gone */
};

/*
 * The mapping table: ioas_map adds (forgetting gone mappings it overlaps; name = the mapping's
 * symbol or -1), ioas_unmap marks every mapping inside the range gone. rt_map_remove_named() is
 * rt_map_remove() over the named mapping's own range (its rt_object's ioas, iova, length), in
 * O(1) when its entry is the only one on that IOAS not gone.
 */
int rt_map_add(struct run_ctx *rc, int ioas, uint64_t iova, uint64_t length, uint8_t *va, int name);
void rt_map_remove(struct run_ctx *rc, int ioas, uint64_t iova, uint64_t length);
void rt_map_remove_named(struct run_ctx *rc, int name);
/* The first entry (gone or not, as asked) of IOAS ioas whose range holds [iova, iova + len), or
 * NULL */
const struct rt_mapping *rt_map_at(const struct run_ctx *rc, int ioas, uint64_t iova, uint64_t len,
				   bool gone);

void step_fail(struct run_ctx *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void step_skip(struct run_ctx *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A `# ` diagnostic line in the results, under the current scenario. */
void step_note(struct run_ctx *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * IOMMU fault reports from the kernel log (/dev/kmsg, read from where it stood when the scenario
 * began), attributed to windows: the runner opens one before every DMA step, a stream block one
 * for itself. rt_faults_window() reads what is pending into the old window and starts a new one.
 * rt_faults_for(): the reports for device d in the window, for an IOVA in [iova, iova + len)
 * (len 0: any), waiting up to wait_ms for a first one: the count, *first when not NULL; -errno
 * when the log cannot be read (no root, dmesg_restrict).
 */
void rt_faults_window(struct run_ctx *rc);
int64_t rt_faults_for(struct run_ctx *rc, const struct test_device *d, uint64_t iova, uint64_t len,
		      unsigned int wait_ms, struct iommu_fault *first);
/* A diagnostic naming the window's reports (count per device and the first ones), if any. */
void rt_faults_note(struct run_ctx *rc, const char *during);
/*
 * Before a DMA whose fault report a step needs: the kernel prints IOMMU faults ratelimited (10
 * per 5 s per call site), so when that many came in the last 5 s, or an engine saw a blocked
 * transfer fail in the last 5 s (rt_faults_storm), wait until a new report would be printed.
 * Returns how many ms it waited.
 */
unsigned int rt_faults_make_heard(struct run_ctx *rc);
/* An engine saw a transfer the IOMMU stopped fail: the reports of it may fill the ratelimit. */
void rt_faults_storm(struct run_ctx *rc);

/* A "phys:BUF" argument: the buffer's physical address (root); a failure is reported with
 * step_skip/step_fail and 0 returned. */
uint64_t rt_iova_phys(struct run_ctx *rc, const struct iova_arg *a);

/* A "RANGES[I].start+OFF" / ".last-OFF" argument, from what the ranges' step read: an index
 * beyond the ranges read, or an offset past 0 or 2^64, fails the step (step_fail) and 0 is
 * returned. */
uint64_t rt_iova_in_ranges(struct run_ctx *rc, const struct iova_arg *a);

/* Resolve an IOVA argument to a number (mapping base + offset, or see rt_iova_phys() and
 * rt_iova_in_ranges(): those may end the step with a verdict, which a verb checks before it uses
 * the number). Inline: the run-time path of every verb with an IOVA. */
static inline uint64_t rt_iova(struct run_ctx *rc, const struct iova_arg *a)
{
	if (a->mapping >= 0)
		return rc->objs[a->mapping].iova + a->offset;
	if (a->phys >= 0)
		return rt_iova_phys(rc, a);
	if (a->ranges >= 0)
		return rt_iova_in_ranges(rc, a);
	return a->offset;
}

/* The kernel id of an IOAS or HWPT symbol; -ENOENT when not live. */
static inline int rt_pt_id(const struct run_ctx *rc, int sym, uint32_t *id)
{
	*id = rc->objs[sym].id; /* a destroyed object keeps its old id: the kernel judges it */
	return rc->objs[sym].live ? 0 : -ENOENT;
}
struct test_device *rt_device(const struct run_ctx *rc, int sym);
/* The kernel id of the IOAS an attached IOAS/HWPT symbol finally translates through, and whether
 * a nested stage 1 comes first; -ENOENT (and 0) when there is none. */
int rt_attach_ioas(const struct run_ctx *rc, int sym, uint32_t *ioas_id, bool *nested);
