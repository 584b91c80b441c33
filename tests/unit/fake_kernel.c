// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake iommufd of the unit tests (see fake_kernel.h). Objects live in a small table per
 * open "iommufd" (a /dev/null fd, so the runner's close() is real), ids allocated lowest-first
 * from 1 as the kernel's xarray does. Semantics follow drivers/iommu/iommufd/ of Linux 7.2
 * (ioas.c, io_pagetable.c, hw_pagetable.c, device.c, selftest.c) where the runner can see them;
 * the IOVA the fake chooses is the lowest free 4K-aligned one, so results are reproducible.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "config.h"
#include "fake_kernel.h"
#include "iommutest/hwinfo.h"
#include "iommutest/ioctl.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/util.h"

#define FAKE_MAX_IDS 128      /* object ids per iommufd, [1, FAKE_MAX_IDS) */
#define FAKE_MAX_CONTEXTS 4   /* iommufds open at once */
#define FAKE_PAGE 4096ull     /* the CPU page: kernel-chosen IOVAs are aligned to it */
#define FAKE_IO_PAGE 2048ull  /* the mock domain's page size */
#define FAKE_APERTURE_START (1ull << 24)      /* the mock domain's aperture */
#define FAKE_APERTURE_LAST ((1ull << 31) - 1)
#define FAKE_MAX_PASID_LOG2 20
#define FAKE_SELFTEST_REGVAL 0xdeadbeefu

/* IOMMU_TEST_CMD: the 7.2 op table has 23 ops, 6.12's the first 15 of them; only these are
 * modelled */
#define FAKE_TEST_CMD_NR 0xa0
#define FAKE_TEST_OPS_7_2 23
#define FAKE_TEST_OPS_6_12 15
enum {
	FAKE_OP_MOCK_DOMAIN = 2,
	FAKE_OP_MD_CHECK_MAP = 3,
	FAKE_OP_MOCK_DOMAIN_REPLACE = 10,
	FAKE_OP_MOCK_DOMAIN_FLAGS = 12,
	FAKE_OP_DIRTY = 13,
	FAKE_OP_TRIGGER_IOPF = 15,
	FAKE_OP_DEV_CHECK_CACHE = 16,
	FAKE_OP_DMABUF_GET = 22,
	FAKE_OP_DMABUF_REVOKE = 23,
};
#define FAKE_DMABUF_MAX_PAGES 512 /* selftest.c iommufd_test_dmabuf_get() */
#define FAKE_MAX_DMABUFS 8

/* the selftest command as the 7.2 kernel lays it out: header, a 48-byte union, a marker */
struct fake_test_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t reserved;
	union {
		struct {
			uint32_t out_stdev_id, out_hwpt_id, out_idev_id, dev_flags;
		} mock_domain;
		struct {
			uint32_t pt_id;
		} replace;
		struct {
			uint64_t iova, length, uptr;
		} check_map;
		struct {
			uint32_t flags, pad;
			uint64_t iova, length, page_size, uptr, out_nr_dirty;
		} dirty;
		struct {
			uint32_t dev_id, pasid, grpid, perm;
			uint64_t addr;
		} trigger_iopf;
		struct {
			uint32_t length, open_flags;
		} dmabuf_get;
		struct {
			int32_t dmabuf_fd;
			uint32_t revoked;
		} dmabuf_revoke;
		uint64_t union_size[6];
	};
	uint32_t last;
};

#define FAKE_MAP_PROT (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

/* one mapping: of an IOAS, or an entry of a domain */
struct fake_area {
	uint64_t iova, length;
	uint8_t *va;   /* NULL: a dma-buf's memory (no user address) */
	uint32_t prot; /* IOMMU_IOAS_MAP_READABLE / _WRITEABLE */
	bool file;     /* IOMMU_IOAS_MAP_FILE of a memfd (IOPT_ADDRESS_FILE) */
	int dmabuf;    /* IOMMU_IOAS_MAP_FILE of a mock dma-buf: its index in fake_ctx.dmabufs + 1;
			* negated once the dma-buf was revoked (its domains' entries gone for good) */
};

struct fake_areas {
	struct fake_area *v;
	size_t n, cap;
};

enum fake_obj_type {
	FAKE_FREE, FAKE_IOAS, FAKE_HWPT, FAKE_SELFTEST, FAKE_DEVICE, FAKE_VIOMMU, FAKE_HW_QUEUE,
	FAKE_FAULT, FAKE_ANY
};

#define FAKE_PGFAULT_LAST_PAGE (1u << 1)
#define FAKE_PGFAULT_PASID_VALID (1u << 0)
#define FAKE_FAULT_GROUPS 64

/* a fault group (one record: the mock reports single-page groups) in a fault queue */
struct fake_group {
	uint32_t hwpt_id, dev_id, pasid, grpid, perm, flags;
	uint64_t addr;
	uint32_t cookie; /* 0: not read yet (delivered); else read and waiting for a response */
};

struct fake_object {
	enum fake_obj_type type;
	struct fake_areas areas; /* IOAS: its mappings; HWPT: what its domain maps */
	uint32_t ioas_id;        /* HWPT: the IOAS it is filled from */
	bool auto_domain;        /* HWPT: made by attaching to an IOAS; goes with its last device */
	uint32_t dev_flags;      /* selftest device: MOCK_DEV_FLAG_* */
	uint32_t idev_id;        /* selftest device: its iommufd device */
	uint32_t attached;       /* selftest device: the HWPT its RID is attached to */
	uint32_t stdev_id;       /* iommufd device: its selftest object */
	struct fake_areas allowed; /* IOAS: IOMMU_IOAS_ALLOW_IOVAS ranges (iova, length) */
	bool no_huge_pages;      /* IOAS: IOMMU_OPTION_HUGE_PAGES set to 0 */
	bool nest_parent;        /* HWPT: allocated with NEST_PARENT */
	bool dirty_ops;          /* HWPT: allocated with DIRTY_TRACKING */
	bool dirty_on;           /* HWPT: IOMMU_HWPT_SET_DIRTY_TRACKING enabled it */
	struct fake_areas dirty; /* HWPT: its dirty IO pages (FAKE_IO_PAGE each) */
	uint32_t parent;         /* HWPT: its fault queue (0: none); vIOMMU: its NEST_PARENT HWPT;
				  * HW queue: its vIOMMU */
	uint32_t index;          /* HW queue: its index on the vIOMMU */
	uint64_t iova, length;   /* HW queue: the range it pins in the parent's IOAS */
	int fd;                  /* fault queue: its fd (a memfd, so its inode names it) */
	ino_t ino;
	struct fake_group *groups; /* fault queue: delivered or read, in order */
	size_t ngroups;
};

/* a mock dma-buf (DMABUF_GET): a memfd stands for it, so its fd is a real, closable file */
struct fake_dmabuf {
	int fd;
	ino_t ino;
	uint64_t length;
	bool revoked;
};

struct fake_ctx {
	int fd; /* -1: unused */
	struct fake_dmabuf dmabufs[FAKE_MAX_DMABUFS];
	size_t ndmabufs;
	struct fake_object obj[FAKE_MAX_IDS];
	struct fake_areas history; /* every mapping ever made: where memory "physically" is */
	uint32_t vfio_ioas;        /* IOMMU_VFIO_IOAS: the compatibility IOAS, 0 none */
	bool rlimit_per_process;   /* IOMMU_OPTION_RLIMIT_MODE */
};

static struct fake_kernel {
	unsigned int misbehaviour;
	enum fake_kernel_linux linux_version;
	const struct kernel_backend *saved;
	bool installed;
	struct fake_ctx ctx[FAKE_MAX_CONTEXTS];
} fake;

/* the uAPI and mock of Linux 6.12 (whatever its op count) */
static bool linux_6_12(void)
{
	return fake.linux_version != FAKE_LINUX_7_2;
}

/* the number of ops of IOMMU_TEST_CMD */
static uint32_t test_ops(void)
{
	return fake.linux_version == FAKE_LINUX_7_2 ? FAKE_TEST_OPS_7_2 :
	       fake.linux_version == FAKE_LINUX_6_12 ? FAKE_TEST_OPS_6_12 : 17;
}

/* ---- mapping lists ---- */
static int areas_reserve(struct fake_areas *l, size_t more)
{
	struct fake_area *v;
	size_t cap;

	if (l->n + more <= l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 16;
	while (cap < l->n + more)
		cap *= 2;
	v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

/* after areas_reserve() */
static void areas_push(struct fake_areas *l, const struct fake_area *a)
{
	l->v[l->n++] = *a;
}

static void areas_free(struct fake_areas *l)
{
	free(l->v);
	*l = (struct fake_areas){ 0 };
}

static uint64_t area_last(const struct fake_area *a)
{
	return a->iova + (a->length - 1);
}

/* the newest area holding iova, or NULL */
static const struct fake_area *areas_find(const struct fake_areas *l, uint64_t iova)
{
	for (size_t i = l->n; i-- > 0;)
		if (iova >= l->v[i].iova && iova <= area_last(&l->v[i]))
			return &l->v[i];
	return NULL;
}

static const struct fake_area *areas_overlapping(const struct fake_areas *l, uint64_t first,
						 uint64_t last)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].iova <= last && area_last(&l->v[i]) >= first)
			return &l->v[i];
	return NULL;
}

/* drop every area inside [first, last]; the bytes dropped */
static uint64_t areas_remove(struct fake_areas *l, uint64_t first, uint64_t last)
{
	uint64_t bytes = 0;
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].iova >= first && area_last(&l->v[i]) <= last)
			bytes += l->v[i].length;
		else
			l->v[kept++] = l->v[i];
	}
	l->n = kept;
	return bytes;
}

/* the memory behind [iova, iova + len) through l, in one piece; prot: the access needed */
static int areas_translate(const struct fake_areas *l, uint64_t iova, uint64_t len, uint32_t prot,
			   uint8_t **va)
{
	uint64_t off = 0;

	if (!len || iova + (len - 1) < iova)
		return -EFAULT;
	while (off < len) {
		const struct fake_area *a = areas_find(l, iova + off);
		uint8_t *here;

		if (!a || !a->va)
			return -EFAULT; /* nothing, or a dma-buf: no user memory the fake can reach */
		if ((a->prot & prot) != prot)
			return -EACCES;
		here = a->va + (iova + off - a->iova);
		if (!off)
			*va = here;
		else if (here != *va + off)
			return -EFAULT;
		off = area_last(a) - iova + 1;
	}
	return 0;
}

/* ---- objects ---- */
static struct fake_ctx *ctx_of(int fd)
{
	for (size_t i = 0; fake.installed && fd >= 0 && i < FAKE_MAX_CONTEXTS; i++)
		if (fake.ctx[i].fd == fd)
			return &fake.ctx[i];
	return NULL;
}

static void ctx_reset(struct fake_ctx *c)
{
	for (size_t i = 0; i < FAKE_MAX_IDS; i++) {
		areas_free(&c->obj[i].areas);
		areas_free(&c->obj[i].allowed);
		areas_free(&c->obj[i].dirty);
		free(c->obj[i].groups);
	}
	areas_free(&c->history);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static struct fake_object *obj_get(struct fake_ctx *c, uint32_t id, enum fake_obj_type type)
{
	struct fake_object *o = id < FAKE_MAX_IDS ? &c->obj[id] : NULL;

	if (!id || !o || o->type == FAKE_FREE || (type != FAKE_ANY && o->type != type))
		return NULL;
	return o;
}

static int obj_alloc(struct fake_ctx *c, enum fake_obj_type type, uint32_t *id)
{
	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++) {
		if (c->obj[i].type != FAKE_FREE)
			continue;
		c->obj[i] = (struct fake_object){ .type = type };
		*id = i;
		return 0;
	}
	return -ENOSPC;
}

static void obj_free(struct fake_ctx *c, uint32_t id)
{
	areas_free(&c->obj[id].areas);
	areas_free(&c->obj[id].allowed);
	areas_free(&c->obj[id].dirty);
	if (c->vfio_ioas == id)
		c->vfio_ioas = 0; /* main.c: destroying the compatibility IOAS clears it */
	free(c->obj[id].groups);
	c->obj[id] = (struct fake_object){ .type = FAKE_FREE };
}

/* how many HWPTs (domains) are filled from IOAS ioas_id */
static unsigned int ioas_domains(struct fake_ctx *c, uint32_t ioas_id)
{
	unsigned int n = 0;

	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
		n += c->obj[i].type == FAKE_HWPT && c->obj[i].ioas_id == ioas_id;
	return n;
}

/* how many devices have their RID attached to HWPT hwpt_id */
static unsigned int hwpt_users(struct fake_ctx *c, uint32_t hwpt_id)
{
	unsigned int n = 0;

	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
		n += c->obj[i].type == FAKE_SELFTEST && c->obj[i].attached == hwpt_id;
	return n;
}

/* how many objects of type name id as their parent: vIOMMUs on a HWPT, HW queues on
 * a vIOMMU, HWPTs on a fault queue */
static unsigned int children(struct fake_ctx *c, enum fake_obj_type type, uint32_t id)
{
	unsigned int n = 0;

	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
		n += c->obj[i].type == type && c->obj[i].parent == id;
	return n;
}

/* whether a fault queue's fd is still open (the memfd it was given, not a reused number) */
static bool fault_fd_open(const struct fake_object *q)
{
	struct stat st;

	return q->fd >= 0 && !fstat(q->fd, &st) && st.st_ino == q->ino;
}

/* the groups of device dev_id through HWPT hwpt_id in its fault queue, delivered or read, are
 * answered "invalid" by the kernel when the device leaves the HWPT (iommufd_auto_response_faults) */
static void fault_auto_respond(struct fake_ctx *c, uint32_t hwpt_id, uint32_t dev_id)
{
	struct fake_object *hwpt = obj_get(c, hwpt_id, FAKE_HWPT);
	struct fake_object *q = hwpt && hwpt->parent ? obj_get(c, hwpt->parent, FAKE_FAULT) : NULL;
	size_t kept = 0;

	for (size_t i = 0; q && i < q->ngroups; i++)
		if (q->groups[i].hwpt_id != hwpt_id || q->groups[i].dev_id != dev_id)
			q->groups[kept++] = q->groups[i];
	if (q)
		q->ngroups = kept;
}

/* an IOAS with a mock domain on it is restricted to the mock's aperture and IO page */
static void ioas_limits(struct fake_ctx *c, uint32_t ioas_id, uint64_t *first, uint64_t *last,
			uint64_t *align)
{
	bool domains = ioas_domains(c, ioas_id) > 0;

	*first = domains ? FAKE_APERTURE_START : 0;
	*last = domains ? FAKE_APERTURE_LAST : UINT64_MAX;
	*align = domains ? FAKE_IO_PAGE : 1;
}

/* a mapping of a dma-buf that was revoked: in its IOAS, in no domain */
static bool area_revoked(const struct fake_area *a)
{
	return a->dmabuf < 0;
}

/* a new domain on IOAS ioas_id, filled with its mappings */
static int hwpt_create(struct fake_ctx *c, uint32_t ioas_id, bool auto_domain, uint32_t *hwpt_id)
{
	struct fake_object *ioas = obj_get(c, ioas_id, FAKE_IOAS), *hwpt;
	int ret;

	/* iopt_table_add_domain(): the aperture and IO page must hold every existing mapping */
	for (size_t i = 0; i < ioas->areas.n; i++) {
		const struct fake_area *a = &ioas->areas.v[i];

		if (a->iova < FAKE_APERTURE_START || area_last(a) > FAKE_APERTURE_LAST ||
		    a->iova % FAKE_IO_PAGE || a->length % FAKE_IO_PAGE)
			return -EADDRINUSE;
	}
	/* iopt_reserve_iova(): the aperture's ends must not cut into an allowed range */
	for (size_t i = 0; i < ioas->allowed.n; i++)
		if (ioas->allowed.v[i].iova < FAKE_APERTURE_START || area_last(&ioas->allowed.v[i]) > FAKE_APERTURE_LAST)
			return -EADDRINUSE;
	ret = obj_alloc(c, FAKE_HWPT, hwpt_id);
	if (ret)
		return ret;
	hwpt = &c->obj[*hwpt_id];
	hwpt->ioas_id = ioas_id;
	hwpt->auto_domain = auto_domain;
	if (fake.misbehaviour & FAKE_KERNEL_BAD_TRANSLATION)
		return 0; /* the domain stays empty */
	ret = areas_reserve(&hwpt->areas, ioas->areas.n);
	if (ret) {
		obj_free(c, *hwpt_id);
		return ret;
	}
	for (size_t i = 0; i < ioas->areas.n; i++)
		if (!area_revoked(&ioas->areas.v[i])) /* iopt_fill_domain() skips a revoked dma-buf */
			areas_push(&hwpt->areas, &ioas->areas.v[i]);
	return 0;
}

/* an automatic domain goes with the last device attached to it */
static void hwpt_put_auto(struct fake_ctx *c, uint32_t hwpt_id)
{
	struct fake_object *hwpt = obj_get(c, hwpt_id, FAKE_HWPT);

	if (hwpt && hwpt->auto_domain && !hwpt_users(c, hwpt_id))
		obj_free(c, hwpt_id);
}

/* attach (or replace) the RID of selftest device sd: to a HWPT, or to an IOAS's automatic domain */
static int device_attach(struct fake_ctx *c, struct fake_object *sd, uint32_t *pt_id)
{
	struct fake_object *pt = obj_get(c, *pt_id, FAKE_ANY);
	uint32_t hwpt_id = 0, old;
	int ret;

	if (!pt)
		return -ENOENT;
	if (pt->type == FAKE_HWPT) {
		hwpt_id = *pt_id;
	} else if (pt->type == FAKE_IOAS) {
		for (uint32_t i = 1; i < FAKE_MAX_IDS && !hwpt_id; i++)
			if (c->obj[i].type == FAKE_HWPT && c->obj[i].auto_domain && c->obj[i].ioas_id == *pt_id)
				hwpt_id = i;
		if (!hwpt_id) {
			ret = hwpt_create(c, *pt_id, true, &hwpt_id);
			if (ret)
				return ret;
		}
	} else {
		return -EINVAL;
	}
	old = sd->attached;
	sd->attached = hwpt_id;
	if (old != hwpt_id) {
		fault_auto_respond(c, old, sd->idev_id);
		hwpt_put_auto(c, old);
	}
	*pt_id = hwpt_id;
	return 0;
}

/* ---- ioctls ---- */
static int cmd_destroy(struct fake_ctx *c, void *arg)
{
	struct iommu_destroy *cmd = arg;
	struct fake_object *o = obj_get(c, cmd->id, FAKE_ANY);

	if (!o)
		return -ENOENT;
	switch (o->type) {
	case FAKE_IOAS:
		if (ioas_domains(c, cmd->id))
			return -EBUSY; /* its HWPTs hold it */
		break;
	case FAKE_HWPT:
		if (hwpt_users(c, cmd->id) || children(c, FAKE_VIOMMU, cmd->id))
			return -EBUSY; /* a device attached, or a vIOMMU on it */
		break;
	case FAKE_VIOMMU:
		if (children(c, FAKE_HW_QUEUE, cmd->id))
			return -EBUSY; /* its HW queues hold it */
		break;
	case FAKE_HW_QUEUE:
		for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
			if (c->obj[i].type == FAKE_HW_QUEUE && c->obj[i].parent == o->parent &&
			    c->obj[i].index == o->index + 1)
				return -EBUSY; /* the next index depends on it */
		break;
	case FAKE_FAULT:
		if (fault_fd_open(o) || children(c, FAKE_HWPT, cmd->id))
			return -EBUSY; /* its fd, or a HWPT, holds it */
		break;
	case FAKE_SELFTEST: {
		uint32_t attached = o->attached;

		/* unplugging detaches the RID and unbinds the device */
		obj_free(c, o->idev_id);
		obj_free(c, cmd->id);
		hwpt_put_auto(c, attached);
		return 0;
	}
	default:
		return -EBUSY; /* an iommufd device goes with its selftest object */
	}
	obj_free(c, cmd->id);
	return 0;
}

static int cmd_ioas_alloc(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_alloc *cmd = arg;

	if (cmd->flags)
		return -EOPNOTSUPP;
	return obj_alloc(c, FAKE_IOAS, &cmd->out_ioas_id);
}

/* the lowest free IOVA in [first, last] with the user address's offset in its page */
static int choose_in(const struct fake_areas *areas, uint64_t first, uint64_t last, uint64_t va,
		     uint64_t length, uint64_t *iova)
{
	const struct fake_area *busy;
	uint64_t at, end;

	if (first < FAKE_PAGE)
		first = FAKE_PAGE;
	at = (first + FAKE_PAGE - 1) / FAKE_PAGE * FAKE_PAGE + va % FAKE_PAGE;
	for (;;) {
		if (at < first || add_overflows(at, length - 1, &end) || end > last)
			return -ENOSPC;
		busy = areas_overlapping(areas, at, end);
		if (!busy)
			break;
		at = (area_last(busy) + FAKE_PAGE) / FAKE_PAGE * FAKE_PAGE + va % FAKE_PAGE;
	}
	*iova = at;
	return 0;
}

/* iopt_alloc_iova(): inside the allowed ranges when the IOAS has any, else anywhere usable */
static int ioas_choose_iova(struct fake_ctx *c, uint32_t ioas_id, uint64_t va, uint64_t length,
			    uint64_t *iova)
{
	const struct fake_object *ioas = &c->obj[ioas_id];
	uint64_t first, last, align;

	ioas_limits(c, ioas_id, &first, &last, &align);
	if (!ioas->allowed.n)
		return choose_in(&ioas->areas, first, last, va, length, iova);
	for (size_t i = 0; i < ioas->allowed.n; i++) {
		const struct fake_area *r = &ioas->allowed.v[i];
		uint64_t lo = r->iova > first ? r->iova : first, hi = area_last(r) < last ? area_last(r) : last;

		if (lo <= hi && !choose_in(&ioas->areas, lo, hi, va, length, iova))
			return 0;
	}
	return -ENOSPC;
}

/* n areas into IOAS ioas_id and the domains filled from it, all or nothing */
static int ioas_insert(struct fake_ctx *c, uint32_t ioas_id, const struct fake_area *a, size_t n)
{
	struct fake_object *ioas = &c->obj[ioas_id];
	int ret;

	/* room everywhere first: the map then cannot fail half-way */
	ret = areas_reserve(&ioas->areas, n);
	if (!ret)
		ret = areas_reserve(&c->history, n);
	for (uint32_t i = 1; !ret && i < FAKE_MAX_IDS; i++)
		if (c->obj[i].type == FAKE_HWPT && c->obj[i].ioas_id == ioas_id)
			ret = areas_reserve(&c->obj[i].areas, n);
	if (ret)
		return ret;
	for (size_t k = 0; k < n; k++) {
		areas_push(&ioas->areas, &a[k]);
		areas_push(&c->history, &a[k]);
		for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
			if (c->obj[i].type == FAKE_HWPT && c->obj[i].ioas_id == ioas_id &&
			    !(fake.misbehaviour & FAKE_KERNEL_BAD_TRANSLATION) && !area_revoked(&a[k]))
				areas_push(&c->obj[i].areas, &a[k]);
	}
	return 0;
}

/* iopt_check_iova(): a fixed IOVA range, aligned, in the usable space, not mapped yet */
static int ioas_check_fixed(struct fake_ctx *c, uint32_t ioas_id, uint64_t iova, uint64_t length)
{
	uint64_t first, last, align, end;

	ioas_limits(c, ioas_id, &first, &last, &align);
	if (add_overflows(iova, length - 1, &end))
		return -EOVERFLOW;
	if (iova % align || length % align || iova < first || end > last)
		return -EINVAL;
	if (areas_overlapping(&c->obj[ioas_id].areas, iova, end))
		return -EEXIST;
	return 0;
}

static int cmd_ioas_map(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_map *cmd = arg;
	struct fake_object *ioas = obj_get(c, cmd->ioas_id, FAKE_IOAS);
	struct fake_area a;
	int ret;

	if (!ioas)
		return -ENOENT;
	if (cmd->flags & ~(IOMMU_IOAS_MAP_FIXED_IOVA | FAKE_MAP_PROT))
		return -EOPNOTSUPP;
	if (!(cmd->flags & FAKE_MAP_PROT) || !cmd->length)
		return -EINVAL;
	if (!cmd->user_va)
		return -EFAULT; /* nothing to pin there */
	if (cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA) {
		ret = ioas_check_fixed(c, cmd->ioas_id, cmd->iova, cmd->length);
		if (ret)
			return ret;
	} else {
		uint64_t iova;

		ret = ioas_choose_iova(c, cmd->ioas_id, cmd->user_va, cmd->length, &iova);
		if (ret)
			return ret;
		cmd->iova = iova;
	}
	a = (struct fake_area){
		.iova = cmd->iova,
		.length = cmd->length,
		.va = (uint8_t *)(uintptr_t)cmd->user_va,
		.prot = cmd->flags & FAKE_MAP_PROT,
	};
	return ioas_insert(c, cmd->ioas_id, &a, 1);
}

/* the fixed or kernel-chosen IOVA of a new mapping (IOAS_MAP, IOAS_MAP_FILE) */
static int map_place(struct fake_ctx *c, uint32_t ioas_id, uint32_t flags, uint64_t va, uint64_t length,
		     uint64_t *iova)
{
	if (flags & IOMMU_IOAS_MAP_FIXED_IOVA)
		return ioas_check_fixed(c, ioas_id, *iova, length);
	return ioas_choose_iova(c, ioas_id, va, length, iova);
}

/* the mock dma-buf whose file fd is, or NULL */
static struct fake_dmabuf *dmabuf_of(struct fake_ctx *c, int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	for (size_t i = 0; i < c->ndmabufs; i++)
		if (c->dmabufs[i].ino == st.st_ino)
			return &c->dmabufs[i];
	return NULL;
}

/*
 * Where this process maps [start, start + length) of the file fd, shared (/proc/self/maps): the
 * fake has no pages of its own, so a memfd's pages are "where the runner's buffer is". NULL when
 * no shared mapping of the file holds the range (the real kernel would map it anyway; the fake
 * cannot, and says EFAULT).
 */
static uint8_t *file_va(int fd, uint64_t start, uint64_t length)
{
	unsigned long long lo, hi, off, ino;
	FILE *f = fopen("/proc/self/maps", "re");
	uint8_t *va = NULL;
	char line[512], perms[8];
	struct stat st;

	if (!f)
		return NULL;
	if (fstat(fd, &st)) {
		fclose(f);
		return NULL;
	}
	while (!va && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s %llx %*s %llu", &lo, &hi, perms, &off, &ino) != 5)
			continue;
		if (ino == st.st_ino && perms[3] == 's' && start >= off && start + length <= off + (hi - lo))
			va = (uint8_t *)(uintptr_t)(lo + (start - off));
	}
	fclose(f);
	return va;
}

/*
 * ioas.c iommufd_ioas_map_file() + io_pagetable.c iopt_map_file_pages(): a mock dma-buf (EINVAL
 * beyond its end, ENODEV revoked) or a memfd (EINVAL for another file, as memfd_pin_folios()).
 */
static int cmd_ioas_map_file(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_map_file *cmd = arg;
	struct fake_area a = { .prot = cmd->flags & FAKE_MAP_PROT };
	struct fake_dmabuf *db;
	uint64_t last;
	int ret;

	if (cmd->flags & ~(IOMMU_IOAS_MAP_FIXED_IOVA | FAKE_MAP_PROT))
		return -EOPNOTSUPP;
	if (!(cmd->flags & FAKE_MAP_PROT))
		return -EINVAL;
	if (!obj_get(c, cmd->ioas_id, FAKE_IOAS))
		return -ENOENT;
	if (!cmd->length)
		return -EINVAL;
	if (add_overflows(cmd->start, cmd->length - 1, &last))
		return -EOVERFLOW;
	db = dmabuf_of(c, cmd->fd);
	if (db) {
		if (db->length <= last || cmd->length / FAKE_PAGE >= (1ull << 32))
			return -EINVAL;
		if (db->revoked)
			return -ENODEV;
		a.dmabuf = (int)(db - c->dmabufs) + 1;
	} else {
		struct stat st;

		if (fcntl(cmd->fd, F_GETFD) < 0)
			return -EBADF;
		if (fstat(cmd->fd, &st) || !S_ISREG(st.st_mode))
			return -EINVAL; /* not a memfd */
		a.va = file_va(cmd->fd, cmd->start, cmd->length);
		if (!a.va)
			return -EFAULT;
		a.file = true;
	}
	a.iova = cmd->iova;
	ret = map_place(c, cmd->ioas_id, cmd->flags, cmd->start, cmd->length, &a.iova);
	if (ret)
		return ret;
	cmd->iova = a.iova;
	a.length = cmd->length;
	return ioas_insert(c, cmd->ioas_id, &a, 1);
}

/* ioas.c iommufd_ioas_change_process(): every mapping of every IOAS file-backed, else EINVAL */
static int cmd_ioas_change_process(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_change_process *cmd = arg;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
		for (size_t k = 0; c->obj[i].type == FAKE_IOAS && k < c->obj[i].areas.n; k++)
			if (!c->obj[i].areas.v[k].file)
				return -EINVAL;
	return 0;
}

/* ioas.c iommufd_ioas_copy() + iopt_get_pages(): the source range must be mapped without a gap */
static int cmd_ioas_copy(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_copy *cmd = arg;
	struct fake_object *src = obj_get(c, cmd->src_ioas_id, FAKE_IOAS);
	struct fake_area pieces[16];
	uint64_t off = 0, last;
	size_t n = 0;
	int ret;

	if (cmd->flags & ~(IOMMU_IOAS_MAP_FIXED_IOVA | FAKE_MAP_PROT))
		return -EOPNOTSUPP;
	if (!(cmd->flags & FAKE_MAP_PROT))
		return -EINVAL;
	if (!src)
		return -ENOENT;
	if (!cmd->length)
		return -EINVAL;
	if (add_overflows(cmd->src_iova, cmd->length - 1, &last))
		return -EOVERFLOW;
	while (off < cmd->length) {
		const struct fake_area *a = areas_find(&src->areas, cmd->src_iova + off);
		uint64_t at = cmd->src_iova + off, piece;

		if (!a || n == ARRAY_SIZE(pieces))
			return -ENOENT; /* a hole: iopt_area_contig_done() fails */
		piece = area_last(a) - at + 1;
		if (piece > cmd->length - off)
			piece = cmd->length - off;
		pieces[n++] = (struct fake_area){ .iova = off, .length = piece,
						  .va = a->va ? a->va + (at - a->iova) : NULL,
						  .prot = cmd->flags & FAKE_MAP_PROT, .file = a->file,
						  .dmabuf = a->dmabuf };
		off += piece;
	}
	if (!obj_get(c, cmd->dst_ioas_id, FAKE_IOAS))
		return -ENOENT;
	if (cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA) {
		ret = ioas_check_fixed(c, cmd->dst_ioas_id, cmd->dst_iova, cmd->length);
	} else {
		uint64_t iova;

		ret = ioas_choose_iova(c, cmd->dst_ioas_id, (uintptr_t)pieces[0].va, cmd->length, &iova);
		cmd->dst_iova = ret ? cmd->dst_iova : iova;
	}
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++)
		pieces[i].iova += cmd->dst_iova;
	return ioas_insert(c, cmd->dst_ioas_id, pieces, n);
}

/* ioas.c iommufd_ioas_allow_iovas() + io_pagetable.c iopt_set_allow_iova() */
static int cmd_ioas_allow_iovas(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_allow_iovas *cmd = arg;
	struct fake_object *ioas;
	const struct iommu_iova_range *r = (const void *)(uintptr_t)cmd->allowed_iovas;
	struct fake_areas list = { 0 };
	uint64_t first, last, align;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ioas = obj_get(c, cmd->ioas_id, FAKE_IOAS);
	if (!ioas)
		return -ENOENT;
	if (cmd->num_iovas && !r)
		return -EFAULT;
	ret = areas_reserve(&list, cmd->num_iovas);
	if (ret)
		return ret;
	ioas_limits(c, cmd->ioas_id, &first, &last, &align);
	for (uint32_t i = 0; i < cmd->num_iovas; i++) {
		struct fake_area a = { .iova = r[i].start, .length = r[i].last - r[i].start + 1 };

		if (r[i].start >= r[i].last || areas_overlapping(&list, r[i].start, r[i].last)) {
			ret = -EINVAL;
			goto err_free;
		}
		/* what is reserved: outside the domains' aperture */
		if (r[i].start < first || r[i].last > last) {
			ret = -EADDRINUSE;
			goto err_free;
		}
		areas_push(&list, &a);
	}
	areas_free(&ioas->allowed);
	ioas->allowed = list;
	return 0;
err_free:
	areas_free(&list);
	return ret;
}

/* main.c iommufd_option(), ioas.c iommufd_option_rlimit_mode() / iommufd_ioas_option_huge_pages() */
static int cmd_option(struct fake_ctx *c, void *arg)
{
	struct iommu_option *cmd = arg;
	struct fake_object *ioas;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->option_id == IOMMU_OPTION_RLIMIT_MODE) {
		if (cmd->object_id)
			return -EOPNOTSUPP;
		if (cmd->op == IOMMU_OPTION_OP_GET) {
			cmd->val64 = c->rlimit_per_process;
			return 0;
		}
		if (cmd->op != IOMMU_OPTION_OP_SET)
			return -EOPNOTSUPP;
		for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
			if (c->obj[i].type != FAKE_FREE)
				return -EBUSY;
		if (cmd->val64 > 1)
			return -EINVAL;
		c->rlimit_per_process = cmd->val64;
		return 0;
	}
	if (cmd->option_id != IOMMU_OPTION_HUGE_PAGES)
		return -EOPNOTSUPP;
	ioas = obj_get(c, cmd->object_id, FAKE_IOAS);
	if (!ioas)
		return -ENOENT;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = !ioas->no_huge_pages;
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return -EOPNOTSUPP;
	if (cmd->val64 > 1)
		return -EINVAL;
	/* iopt_disable_large_pages(): not once domains hold mappings */
	if (!cmd->val64 && !ioas->no_huge_pages && ioas_domains(c, cmd->object_id) && ioas->areas.n)
		return -EINVAL;
	ioas->no_huge_pages = !cmd->val64;
	return 0;
}

/* vfio_compat.c iommufd_vfio_ioas() */
static int cmd_vfio_ioas(struct fake_ctx *c, void *arg)
{
	struct iommu_vfio_ioas *cmd = arg;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		if (!c->vfio_ioas)
			return -ENODEV;
		cmd->ioas_id = c->vfio_ioas;
		return 0;
	case IOMMU_VFIO_IOAS_SET:
		if (!obj_get(c, cmd->ioas_id, FAKE_IOAS))
			return -ENOENT;
		c->vfio_ioas = cmd->ioas_id;
		return 0;
	case IOMMU_VFIO_IOAS_CLEAR:
		c->vfio_ioas = 0;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int cmd_ioas_unmap(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_unmap *cmd = arg;
	struct fake_object *ioas = obj_get(c, cmd->ioas_id, FAKE_IOAS);
	bool all = cmd->iova == 0 && cmd->length == UINT64_MAX;
	uint64_t first = 0, last = UINT64_MAX, bytes;

	if (!ioas)
		return -ENOENT;
	if (!all) {
		if (!cmd->length)
			return -EINVAL;
		if (add_overflows(cmd->iova, cmd->length - 1, &last))
			return -EOVERFLOW;
		first = cmd->iova;
		/* a mapping is unmapped whole or not at all */
		for (size_t i = 0; i < ioas->areas.n; i++) {
			const struct fake_area *a = &ioas->areas.v[i];

			if (a->iova <= last && area_last(a) >= first && (a->iova < first || area_last(a) > last))
				return -ENOENT;
		}
	}
	/* a HW queue's range is pinned (iopt_unmap_iova_range(): area->num_locks) */
	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++) {
		const struct fake_object *q = &c->obj[i], *viommu, *parent;

		if (q->type != FAKE_HW_QUEUE)
			continue;
		viommu = &c->obj[q->parent];
		parent = &c->obj[viommu->parent];
		if (parent->ioas_id == cmd->ioas_id && q->iova <= last && q->iova + (q->length - 1) >= first)
			return -EBUSY;
	}
	bytes = areas_remove(&ioas->areas, first, last);
	if (!all && !bytes)
		return -ENOENT;
	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
		if (c->obj[i].type == FAKE_HWPT && c->obj[i].ioas_id == cmd->ioas_id &&
		    !(fake.misbehaviour & FAKE_KERNEL_STALE_UNMAP)) {
			areas_remove(&c->obj[i].areas, first, last);
			areas_remove(&c->obj[i].dirty, first, last); /* the entries held the bits */
		}
	cmd->length = bytes;
	return 0;
}

static int cmd_ioas_iova_ranges(struct fake_ctx *c, void *arg)
{
	struct iommu_ioas_iova_ranges *cmd = arg;
	struct iommu_iova_range range;
	uint64_t first, last, align;
	uint32_t room;

	if (!obj_get(c, cmd->ioas_id, FAKE_IOAS))
		return -ENOENT;
	ioas_limits(c, cmd->ioas_id, &first, &last, &align);
	if ((fake.misbehaviour & FAKE_KERNEL_WIDE_RANGES) && last != UINT64_MAX)
		last += 4096;
	range = (struct iommu_iova_range){ .start = first, .last = last };
	room = cmd->num_iovas;
	cmd->num_iovas = 1;
	cmd->out_iova_alignment = align;
	if (room < 1)
		return -EMSGSIZE;
	if (!cmd->allowed_iovas)
		return -EFAULT;
	memcpy((void *)(uintptr_t)cmd->allowed_iovas, &range, sizeof(range));
	return 0;
}

#ifdef HAVE_IOMMU_HWPT_ALLOC
static int cmd_hwpt_alloc(struct fake_ctx *c, void *arg)
{
	/* IOMMU_HWPT_ALLOC_PASID is 7.2's (6.12: EOPNOTSUPP, as any unknown flag) */
	const uint32_t known = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
			       IOMMU_HWPT_FAULT_ID_VALID |
			       (linux_6_12() ? 0 : IOMMU_HWPT_ALLOC_PASID);
	struct iommu_hwpt_alloc *cmd = arg;
	struct fake_object *dev = obj_get(c, cmd->dev_id, FAKE_DEVICE);
	struct fake_object *pt = obj_get(c, cmd->pt_id, FAKE_ANY);
	bool with_fault = cmd->flags & IOMMU_HWPT_FAULT_ID_VALID;
	int ret;

	if (!dev || !pt)
		return -ENOENT;
	if (cmd->flags & ~known)
		return -EOPNOTSUPP;
	if (pt->type == FAKE_HWPT || pt->type == FAKE_VIOMMU)
		return -EOPNOTSUPP; /* nested domains are not modelled */
	if (pt->type != FAKE_IOAS)
		return -EINVAL;
	if (cmd->data_type || cmd->data_len)
		return -EOPNOTSUPP; /* a paging domain takes no driver data */
	if ((cmd->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    (c->obj[dev->stdev_id].dev_flags & MOCK_DEV_FLAG_NO_DIRTY))
		return -EOPNOTSUPP;
	if (with_fault && (cmd->flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return -EOPNOTSUPP; /* iommufd_hwpt_paging_alloc() */
	if (with_fault && !obj_get(c, cmd->fault_id, FAKE_FAULT))
		return -ENOENT;
	ret = hwpt_create(c, cmd->pt_id, false, &cmd->out_hwpt_id);
	if (ret)
		return ret;
	c->obj[cmd->out_hwpt_id].nest_parent = cmd->flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	c->obj[cmd->out_hwpt_id].dirty_ops = cmd->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	c->obj[cmd->out_hwpt_id].parent = with_fault ? cmd->fault_id : 0;
	return 0;
}
#endif

#ifdef HAVE_IOMMU_VIOMMU_ALLOC
/* the mock's vIOMMU (selftest type) on a NEST_PARENT HWPT, without driver data */
static int cmd_viommu_alloc(struct fake_ctx *c, void *arg)
{
	struct iommu_viommu_alloc *cmd = arg;
	struct fake_object *hwpt;
	int ret;

	if (cmd->flags || cmd->type != MOCK_VIOMMU_TYPE_SELFTEST)
		return -EOPNOTSUPP;
	if (!obj_get(c, cmd->dev_id, FAKE_DEVICE))
		return -ENOENT;
	hwpt = obj_get(c, cmd->hwpt_id, FAKE_HWPT);
	if (!hwpt)
		return -ENOENT;
	if (!hwpt->nest_parent)
		return -EINVAL;
	ret = obj_alloc(c, FAKE_VIOMMU, &cmd->out_viommu_id);
	if (!ret)
		c->obj[cmd->out_viommu_id].parent = cmd->hwpt_id;
	return ret;
}
#endif

#ifdef HAVE_IOMMU_HW_QUEUE_ALLOC
/* iommufd_hw_queue_alloc_ioctl() and mock_hw_queue_init_phys(): the range must be mapped in the
 * parent's IOAS (it is pinned), indexes 0 and 1, each needing the one before */
static int cmd_hw_queue_alloc(struct fake_ctx *c, void *arg)
{
	struct iommu_hw_queue_alloc *cmd = arg;
	struct fake_object *viommu, *q;
	uint64_t last;
	uint8_t *va;
	uint32_t id;
	int ret;

	if (cmd->flags || cmd->type == 0)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (add_overflows(cmd->nesting_parent_iova, cmd->length - 1, &last))
		return -EOVERFLOW;
	viommu = obj_get(c, cmd->viommu_id, FAKE_VIOMMU);
	if (!viommu)
		return -ENOENT;
	if (cmd->type != MOCK_HW_QUEUE_TYPE_SELFTEST)
		return -EOPNOTSUPP;
	if (areas_translate(&c->obj[c->obj[viommu->parent].ioas_id].areas, cmd->nesting_parent_iova,
			    cmd->length, 0, &va))
		return -ENOENT;
	if (cmd->index >= MOCK_HW_QUEUE_MAX)
		return -EINVAL;
	for (uint32_t i = 1; i < FAKE_MAX_IDS; i++)
		if (c->obj[i].type == FAKE_HW_QUEUE && c->obj[i].parent == cmd->viommu_id &&
		    c->obj[i].index == cmd->index)
			return -EEXIST;
	if (cmd->index && !children(c, FAKE_HW_QUEUE, cmd->viommu_id))
		return -EIO; /* index - 1 is missing (with two indexes: every other queue) */
	ret = obj_alloc(c, FAKE_HW_QUEUE, &id);
	if (ret)
		return ret;
	q = &c->obj[id];
	q->parent = cmd->viommu_id;
	q->index = cmd->index;
	q->iova = cmd->nesting_parent_iova;
	q->length = cmd->length;
	cmd->out_hw_queue_id = id;
	return 0;
}
#endif

#ifdef HAVE_IOMMU_FAULT_QUEUE_ALLOC
static int cmd_fault_alloc(struct fake_ctx *c, void *arg)
{
	struct iommu_fault_alloc *cmd = arg;
	struct fake_object *q;
	struct stat st;
	uint32_t id;
	int fd, ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	ret = obj_alloc(c, FAKE_FAULT, &id);
	if (ret)
		return ret;
	fd = memfd_create("fake-fault-queue", MFD_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		obj_free(c, id);
		return ret;
	}
	q = &c->obj[id];
	q->fd = fd;
	q->ino = st.st_ino;
	cmd->out_fault_id = id;
	cmd->out_fault_fd = (uint32_t)fd;
	return 0;
}
#endif

/* the fault queue whose fd is fd, in any open iommufd */
static struct fake_object *fault_of_fd(int fd)
{
	for (size_t i = 0; fake.installed && i < FAKE_MAX_CONTEXTS; i++)
		for (uint32_t id = 1; fake.ctx[i].fd >= 0 && id < FAKE_MAX_IDS; id++) {
			struct fake_object *q = &fake.ctx[i].obj[id];

			if (q->type == FAKE_FAULT && q->fd == fd && fault_fd_open(q))
				return q;
		}
	return NULL;
}

/* xa_alloc() on the response xarray (XA_FLAGS_ALLOC1): the lowest cookie no read group holds */
static uint32_t fault_cookie(const struct fake_object *q)
{
	for (uint32_t cookie = 1;; cookie++) {
		size_t i;

		for (i = 0; i < q->ngroups && q->groups[i].cookie != cookie; i++)
			;
		if (i == q->ngroups)
			return cookie;
	}
}

/* iommufd_fault_fops_read(): whole records of the groups not read yet, each given a cookie */
static long fault_read(struct fake_object *q, void *buf, size_t len)
{
	struct iommu_hwpt_pgfault rec;
	size_t done = 0;

	if (len % sizeof(rec))
		return -ESPIPE;
	for (size_t i = 0; i < q->ngroups; i++) {
		struct fake_group *g = &q->groups[i];

		if (g->cookie)
			continue;
		if (done + sizeof(rec) > len)
			return done ? (long)done : -EINVAL;
		g->cookie = fault_cookie(q);
		rec = (struct iommu_hwpt_pgfault){
			.flags = g->flags, .dev_id = g->dev_id, .pasid = g->pasid, .grpid = g->grpid,
			.perm = g->perm, .addr = g->addr, .cookie = g->cookie,
		};
		memcpy((uint8_t *)buf + done, &rec, sizeof(rec));
		done += sizeof(rec);
	}
	return (long)done;
}

/* iommufd_fault_fops_write(): each response ends its group; a cookie not waiting is EINVAL */
static long fault_write(struct fake_object *q, const void *buf, size_t len)
{
	struct iommu_hwpt_page_response resp;
	size_t done = 0;

	if (len % sizeof(resp))
		return -ESPIPE;
	for (; done < len; done += sizeof(resp)) {
		size_t i;

		memcpy(&resp, (const uint8_t *)buf + done, sizeof(resp));
		if (resp.code > 1)
			break;
		for (i = 0; i < q->ngroups && (!resp.cookie || q->groups[i].cookie != resp.cookie); i++)
			;
		if (i == q->ngroups) {
			if (fake.misbehaviour & FAKE_KERNEL_LIE)
				continue; /* takes an answer to nothing */
			break;
		}
		memmove(&q->groups[i], &q->groups[i + 1], (q->ngroups - i - 1) * sizeof(q->groups[0]));
		q->ngroups--;
	}
	return done ? (long)done : -EINVAL;
}

/* the tool reads and writes only fault queue fds through the seam: any other is a closed one */
static long fake_read(int fd, void *buf, size_t len)
{
	struct fake_object *q = fault_of_fd(fd);

	return q ? fault_read(q, buf, len) : -EBADF;
}

static long fake_write(int fd, const void *buf, size_t len)
{
	struct fake_object *q = fault_of_fd(fd);

	return q ? fault_write(q, buf, len) : -EBADF;
}


#ifdef HAVE_IOMMU_GET_HW_INFO
static int cmd_get_hw_info(struct fake_ctx *c, void *arg)
{
	struct iommu_hw_info *cmd = arg;
	struct fake_object *dev = obj_get(c, cmd->dev_id, FAKE_DEVICE);
	const uint32_t data[2] = { 0, FAKE_SELFTEST_REGVAL }; /* flags, test_reg */
	uint8_t *user = (uint8_t *)(uintptr_t)cmd->data_uptr;
	uint32_t dev_flags;

	if (!dev)
		return -ENOENT;
	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->data_len && !user)
		return -EFAULT;
	dev_flags = c->obj[dev->stdev_id].dev_flags;
	memcpy(user, data, cmd->data_len < sizeof(data) ? cmd->data_len : sizeof(data));
	if (cmd->data_len > sizeof(data))
		memset(user + sizeof(data), 0, cmd->data_len - sizeof(data));
	cmd->data_len = sizeof(data);
	cmd->out_data_type = HW_INFO_TYPE_SELFTEST;
#ifdef HAVE_IOMMU_HW_INFO_CAPS
	cmd->out_max_pasid_log2 = dev_flags & MOCK_DEV_FLAG_PASID ? FAKE_MAX_PASID_LOG2 : 0;
	/* 6.12 knows no ATS_NOT_SUPPORTED (7.2 sets it for every device not PCI) */
	cmd->out_capabilities = (linux_6_12() ? 0 : IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED) |
				(dev_flags & MOCK_DEV_FLAG_NO_DIRTY ? 0 : IOMMU_HW_CAP_DIRTY_TRACKING);
#else
	(void)dev_flags;
#endif
	return 0;
}
#endif

/* MOCK_DOMAIN[_FLAGS]: a selftest object, its iommufd device, its RID attached to cmd->id */
static int test_mock_domain(struct fake_ctx *c, struct fake_test_cmd *cmd)
{
	/* 6.12's bit 1 is HUGE_IOVA (not modelled), its mock has no PASID devices */
	const uint32_t known = MOCK_DEV_FLAG_NO_DIRTY |
			       (linux_6_12() ? 0 : MOCK_DEV_FLAG_PASID);
	uint32_t flags = cmd->op == FAKE_OP_MOCK_DOMAIN_FLAGS ? cmd->mock_domain.dev_flags : 0;
	uint32_t stdev_id, idev_id, pt_id = cmd->id;
	int ret;

	if (fake.misbehaviour & FAKE_KERNEL_PLUG_ENOMEM)
		return -ENOMEM;
	if (fake.misbehaviour & FAKE_KERNEL_PLUG_EINVAL)
		return -EINVAL;
	if (flags & ~known)
		return -EINVAL;
	ret = obj_alloc(c, FAKE_SELFTEST, &stdev_id);
	if (ret)
		return ret;
	ret = obj_alloc(c, FAKE_DEVICE, &idev_id);
	if (ret)
		goto err_free_stdev;
	c->obj[stdev_id].dev_flags = flags;
	c->obj[stdev_id].idev_id = idev_id;
	c->obj[idev_id].stdev_id = stdev_id;
	ret = device_attach(c, &c->obj[stdev_id], &pt_id);
	if (ret)
		goto err_free_idev;
	cmd->mock_domain.out_stdev_id = stdev_id;
	cmd->mock_domain.out_hwpt_id = pt_id;
	cmd->mock_domain.out_idev_id = idev_id;
	return 0;
err_free_idev:
	obj_free(c, idev_id);
err_free_stdev:
	obj_free(c, stdev_id);
	return ret;
}

/* ---- dirty tracking: a HWPT's dirty IO pages, marked by the mock's DIRTY op ---- */
static bool hwpt_dirty_at(const struct fake_object *hwpt, uint64_t io_page)
{
	const struct fake_area *a = areas_find(&hwpt->dirty, io_page);

	return a && a->iova == io_page;
}

/* the IO page at io_page dirty, if the domain maps it; whether it does */
static bool hwpt_dirty_mark(struct fake_object *hwpt, uint64_t io_page)
{
	struct fake_area a = { .iova = io_page, .length = FAKE_IO_PAGE };

	if (!areas_find(&hwpt->areas, io_page))
		return false;
	if (!hwpt_dirty_at(hwpt, io_page) && !areas_reserve(&hwpt->dirty, 1))
		areas_push(&hwpt->dirty, &a);
	return true;
}

/* hw_pagetable.c iommufd_hwpt_set_dirty_tracking(), io_pagetable.c iopt_set_dirty_tracking():
 * enabling starts from a clean snapshot */
static int cmd_set_dirty_tracking(struct fake_ctx *c, void *arg)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = arg;
	struct fake_object *hwpt;

	if (cmd->flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return -EOPNOTSUPP;
	hwpt = obj_get(c, cmd->hwpt_id, FAKE_HWPT);
	if (!hwpt)
		return -ENOENT;
	if (!hwpt->dirty_ops)
		return -EOPNOTSUPP;
	hwpt->dirty_on = cmd->flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	if (hwpt->dirty_on)
		hwpt->dirty.n = 0;
	return 0;
}

/* hw_pagetable.c iommufd_hwpt_get_dirty_bitmap(), io_pagetable.c iommufd_check_iova_range() and
 * iopt_read_and_clear_dirty_data(): the range must be mapped in the IOAS without a gap; each dirty
 * IO page sets the bit of the page holding it */
static int cmd_get_dirty_bitmap(struct fake_ctx *c, void *arg)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = arg;
	uint8_t *bits = (uint8_t *)(uintptr_t)cmd->data;
	struct fake_object *hwpt, *ioas;
	uint64_t first, last, align, end;
	size_t kept = 0;

	if ((cmd->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) || cmd->__reserved)
		return -EOPNOTSUPP;
	hwpt = obj_get(c, cmd->hwpt_id, FAKE_HWPT);
	if (!hwpt)
		return -ENOENT;
	if (!cmd->length || add_overflows(cmd->iova, cmd->length - 1, &end))
		return -EOVERFLOW;
	ioas_limits(c, hwpt->ioas_id, &first, &last, &align);
	if (cmd->iova % align || (end + 1) % align || !cmd->page_size ||
	    cmd->page_size & (cmd->page_size - 1) || cmd->iova % cmd->page_size ||
	    (end + 1) % cmd->page_size)
		return -EINVAL;
	if (!hwpt->dirty_ops)
		return -EOPNOTSUPP;
	if (!hwpt->dirty_on || !bits)
		return -EINVAL;
	ioas = &c->obj[hwpt->ioas_id];
	for (uint64_t at = cmd->iova; at <= end;) {
		const struct fake_area *a = areas_find(&ioas->areas, at);

		if (!a)
			return -EINVAL; /* iopt_area_contig_done(): a hole */
		if (area_last(a) >= end)
			break;
		at = area_last(a) + 1;
	}
	for (size_t i = 0; i < hwpt->dirty.n; i++) {
		const struct fake_area *d = &hwpt->dirty.v[i];
		bool in = d->iova >= cmd->iova && d->iova <= end;

		if (in && areas_find(&hwpt->areas, d->iova)) {
			uint64_t bit = (d->iova - cmd->iova) / cmd->page_size;

			bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
		}
		/* read clears, unless NO_CLEAR; a page no longer mapped lost its bit with its entry */
		if ((!in || (cmd->flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR)) &&
		    areas_find(&hwpt->areas, d->iova))
			hwpt->dirty.v[kept++] = *d;
	}
	hwpt->dirty.n = kept;
	return 0;
}

/* MD_CHECK_MAP: every IO page of the range maps exactly the user memory at uptr */
static int test_md_check_map(struct fake_ctx *c, struct fake_test_cmd *cmd)
{
	struct fake_object *hwpt = obj_get(c, cmd->id, FAKE_HWPT);
	uint64_t iova = cmd->check_map.iova, length = cmd->check_map.length;
	uint8_t *uptr = (uint8_t *)(uintptr_t)cmd->check_map.uptr;
	uint64_t end;

	if (!hwpt)
		return -ENOENT;
	if (iova % FAKE_IO_PAGE || length % FAKE_IO_PAGE || cmd->check_map.uptr % FAKE_IO_PAGE ||
	    add_overflows(cmd->check_map.uptr, length, &end))
		return -EINVAL;
	for (uint64_t off = 0; off < length; off += FAKE_IO_PAGE) {
		const struct fake_area *a = areas_find(&hwpt->areas, iova + off);

		if (!a || a->va + (iova + off - a->iova) != uptr + off)
			return -EINVAL;
	}
	return 0;
}

/*
 * DIRTY: the mock marks pages dirty as device writes would, for every bit set in the bitmap at
 * uptr. 7.2 marks the entry holding each page (the fake: every IO page of it the domain maps) and
 * counts every page asked for. 6.12 looks each page up as iova / page_size in its table of IO
 * pages (selftest.c xa_load(&mock->pfns, cur / page_size)): only a page_size of one IO page marks
 * the page asked for, and it counts the IO pages it found mapped.
 */
static int test_dirty(struct fake_ctx *c, struct fake_test_cmd *cmd)
{
	uint64_t ps = cmd->dirty.page_size, n, count = 0;
	const uint8_t *bits = (const uint8_t *)(uintptr_t)cmd->dirty.uptr;
	struct fake_object *hwpt;

	if (!ps || !cmd->dirty.length || cmd->dirty.iova % ps || cmd->dirty.length % ps || !bits)
		return -EINVAL;
	n = cmd->dirty.length / ps;
	if (n > (16ull << 20) * 8)
		return -EOVERFLOW;
	hwpt = obj_get(c, cmd->id, FAKE_HWPT);
	if (!hwpt)
		return -ENOENT;
	if (!hwpt->dirty_on)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page = cmd->dirty.iova + i * ps;

		if (!(bits[i / 8] >> (i % 8) & 1))
			continue;
		if (linux_6_12()) {
			count += hwpt_dirty_mark(hwpt, page / ps * FAKE_IO_PAGE);
			continue;
		}
		for (uint64_t io = page / FAKE_IO_PAGE * FAKE_IO_PAGE; io < page + ps; io += FAKE_IO_PAGE)
			hwpt_dirty_mark(hwpt, io);
		count++;
	}
	cmd->dirty.out_nr_dirty = count;
	return 0;
}

/*
 * TRIGGER_IOPF: iommu_report_device_fault() finds the domain attached to the RID (a PASID: none,
 * PASIDs are not modelled) and, when it has a fault queue, delivers a one-record group there;
 * otherwise the fault is answered and dropped. The op returns 0 either way.
 */
static int test_trigger_iopf(struct fake_ctx *c, struct fake_test_cmd *cmd)
{
	struct fake_object *dev = obj_get(c, cmd->trigger_iopf.dev_id, FAKE_DEVICE);
	struct fake_object *hwpt, *q = NULL;
	uint32_t hwpt_id;
	struct fake_group *g;

	if (!dev)
		return -ENOENT;
	hwpt_id = c->obj[dev->stdev_id].attached;
	hwpt = obj_get(c, hwpt_id, FAKE_HWPT);
	if (hwpt && hwpt->parent && !cmd->trigger_iopf.pasid)
		q = obj_get(c, hwpt->parent, FAKE_FAULT);
	for (uint32_t i = 1; !q && (fake.misbehaviour & FAKE_KERNEL_IOPF_ANY_QUEUE) && i < FAKE_MAX_IDS; i++)
		if (c->obj[i].type == FAKE_FAULT)
			q = &c->obj[i]; /* delivered where no domain asked for it */
	if (!q || q->ngroups == FAKE_FAULT_GROUPS)
		return 0;
	if (!q->groups) {
		q->groups = calloc(FAKE_FAULT_GROUPS, sizeof(*q->groups));
		if (!q->groups)
			return 0; /* the kernel's iopf_group_alloc() failure: the fault is aborted */
	}
	g = &q->groups[q->ngroups++];
	*g = (struct fake_group){
		.hwpt_id = hwpt_id, .dev_id = cmd->trigger_iopf.dev_id, .pasid = cmd->trigger_iopf.pasid,
		.grpid = cmd->trigger_iopf.grpid, .perm = cmd->trigger_iopf.perm,
		.flags = FAKE_PGFAULT_LAST_PAGE | (cmd->trigger_iopf.pasid ? FAKE_PGFAULT_PASID_VALID : 0),
		.addr = cmd->trigger_iopf.addr,
	};
	return 0;
}

/* DMABUF_GET: a dma-buf of length bytes rounded up to the page, at most 512 pages; its fd */
static int test_dmabuf_get(struct fake_ctx *c, struct fake_test_cmd *cmd)
{
	uint64_t len = (cmd->dmabuf_get.length + FAKE_PAGE - 1) / FAKE_PAGE * FAKE_PAGE;
	struct fake_dmabuf *db;
	struct stat st;
	int fd;

	if (!len || len > FAKE_PAGE * FAKE_DMABUF_MAX_PAGES)
		return -EINVAL;
	if (c->ndmabufs == FAKE_MAX_DMABUFS)
		return -ENOMEM;
	fd = memfd_create("fake-dmabuf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -EIO;
	}
	db = &c->dmabufs[c->ndmabufs++];
	*db = (struct fake_dmabuf){ .fd = fd, .ino = st.st_ino, .length = len };
	return fd;
}

/* DMABUF_REVOKE: revoked, its mappings leave every domain (iopt_revoke_notify()); restored, new
 * maps work again but what was revoked stays unmapped */
static int test_dmabuf_revoke(struct fake_ctx *c, struct fake_test_cmd *cmd)
{
	struct fake_dmabuf *db = dmabuf_of(c, cmd->dmabuf_revoke.dmabuf_fd);
	int idx;

	if (!db)
		return fcntl(cmd->dmabuf_revoke.dmabuf_fd, F_GETFD) < 0 ? -EBADF : -EINVAL;
	idx = (int)(db - c->dmabufs) + 1;
	db->revoked = cmd->dmabuf_revoke.revoked;
	for (uint32_t i = 1; db->revoked && i < FAKE_MAX_IDS; i++) {
		struct fake_areas *l = &c->obj[i].areas;
		size_t kept = 0;

		for (size_t k = 0; c->obj[i].type == FAKE_IOAS && k < l->n; k++)
			if (l->v[k].dmabuf == idx)
				l->v[k].dmabuf = -idx; /* revoked for good: restoring maps it nowhere again */
		if (c->obj[i].type != FAKE_HWPT)
			continue;
		for (size_t k = 0; k < l->n; k++)
			if (l->v[k].dmabuf != idx)
				l->v[kept++] = l->v[k];
		l->n = kept;
	}
	return 0;
}

static int cmd_test(struct fake_ctx *c, void *arg)
{
	struct fake_test_cmd *cmd = arg;
	struct fake_object *sd;
	int ret;

	switch (cmd->op) {
	case FAKE_OP_MOCK_DOMAIN:
	case FAKE_OP_MOCK_DOMAIN_FLAGS:
		return test_mock_domain(c, cmd);
	case FAKE_OP_MD_CHECK_MAP:
		return test_md_check_map(c, cmd);
	case FAKE_OP_DIRTY:
		return test_dirty(c, cmd);
	case FAKE_OP_TRIGGER_IOPF:
		return test_trigger_iopf(c, cmd);
	case FAKE_OP_MOCK_DOMAIN_REPLACE:
		sd = obj_get(c, cmd->id, FAKE_SELFTEST);
		ret = sd ? device_attach(c, sd, &cmd->replace.pt_id) : -ENOENT;
		return ret && (fake.misbehaviour & FAKE_KERNEL_LIE) ? 0 : ret;
	case FAKE_OP_DMABUF_GET:
		return test_dmabuf_get(c, cmd);
	case FAKE_OP_DMABUF_REVOKE:
		return test_dmabuf_revoke(c, cmd); /* the layout probe's fd 0 is no dma-buf: EINVAL */
	default:
		/*
		 * The other ops of the table are not modelled. An object id naming nothing is ENOENT,
		 * as the kernel's lookups say (the op-table probe's DEV_CHECK_CACHE of device 0);
		 * anything else is EOPNOTSUPP, as an unknown op would be.
		 */
		return cmd->op == FAKE_OP_DEV_CHECK_CACHE && !obj_get(c, cmd->id, FAKE_DEVICE) ?
			       -ENOENT : -EOPNOTSUPP;
	}
}

/* ---- the backend ---- */
struct fake_cmd {
	unsigned int nr;
	size_t size;         /* the smallest valid argument */
	int (*run)(struct fake_ctx *c, void *arg);
	bool lies;           /* FAKE_KERNEL_LIE turns its failures into 0 */
	bool after_6_12;     /* Linux 6.12 does not know it: ENOTTY there */
};

static const struct fake_cmd fake_cmds[] = {
	{ .nr = IOMMUFD_CMD_DESTROY, .size = sizeof(struct iommu_destroy), .run = cmd_destroy, .lies = true },
	{ .nr = IOMMUFD_CMD_IOAS_ALLOC, .size = sizeof(struct iommu_ioas_alloc), .run = cmd_ioas_alloc },
	{ .nr = IOMMUFD_CMD_IOAS_IOVA_RANGES, .size = sizeof(struct iommu_ioas_iova_ranges),
	  .run = cmd_ioas_iova_ranges },
	{ .nr = IOMMUFD_CMD_IOAS_MAP, .size = sizeof(struct iommu_ioas_map), .run = cmd_ioas_map, .lies = true },
	{ .nr = IOMMUFD_CMD_IOAS_UNMAP, .size = sizeof(struct iommu_ioas_unmap), .run = cmd_ioas_unmap,
	  .lies = true },
#ifdef HAVE_IOMMU_IOAS_MAP_FILE
	{ .nr = IOMMUFD_CMD_IOAS_MAP_FILE, .size = sizeof(struct iommu_ioas_map_file), .run = cmd_ioas_map_file,
	  .lies = true, .after_6_12 = true },
#endif
#ifdef HAVE_IOMMU_IOAS_CHANGE_PROCESS
	{ .nr = IOMMUFD_CMD_IOAS_CHANGE_PROCESS, .size = sizeof(struct iommu_ioas_change_process),
	  .run = cmd_ioas_change_process, .after_6_12 = true },
#endif
	{ .nr = IOMMUFD_CMD_IOAS_COPY, .size = sizeof(struct iommu_ioas_copy), .run = cmd_ioas_copy, .lies = true },
	{ .nr = IOMMUFD_CMD_IOAS_ALLOW_IOVAS, .size = sizeof(struct iommu_ioas_allow_iovas),
	  .run = cmd_ioas_allow_iovas, .lies = true },
	{ .nr = IOMMUFD_CMD_OPTION, .size = sizeof(struct iommu_option), .run = cmd_option, .lies = true },
	{ .nr = IOMMUFD_CMD_VFIO_IOAS, .size = sizeof(struct iommu_vfio_ioas), .run = cmd_vfio_ioas,
	  .lies = true },
#ifdef HAVE_IOMMU_HWPT_ALLOC
	{ .nr = IOMMUFD_CMD_HWPT_ALLOC, .size = sizeof(struct iommu_hwpt_alloc), .run = cmd_hwpt_alloc,
	  .lies = true },
#endif
#ifdef HAVE_IOMMU_GET_HW_INFO
	{ .nr = IOMMUFD_CMD_GET_HW_INFO, .size = sizeof(struct iommu_hw_info), .run = cmd_get_hw_info },
#endif
#ifdef HAVE_IOMMU_DIRTY_TRACKING
	{ .nr = IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING, .size = sizeof(struct iommu_hwpt_set_dirty_tracking),
	  .run = cmd_set_dirty_tracking },
	{ .nr = IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP, .size = sizeof(struct iommu_hwpt_get_dirty_bitmap),
	  .run = cmd_get_dirty_bitmap },
#endif
#ifdef HAVE_IOMMU_VIOMMU_ALLOC
	{ .nr = IOMMUFD_CMD_VIOMMU_ALLOC, .size = sizeof(struct iommu_viommu_alloc), .run = cmd_viommu_alloc,
	  .after_6_12 = true },
#endif
#ifdef HAVE_IOMMU_FAULT_QUEUE_ALLOC
	{ .nr = IOMMUFD_CMD_FAULT_QUEUE_ALLOC, .size = sizeof(struct iommu_fault_alloc),
	  .run = cmd_fault_alloc },
#endif
#ifdef HAVE_IOMMU_HW_QUEUE_ALLOC
	{ .nr = IOMMUFD_CMD_HW_QUEUE_ALLOC, .size = sizeof(struct iommu_hw_queue_alloc),
	  .run = cmd_hw_queue_alloc, .after_6_12 = true },
#endif
	{ .nr = FAKE_TEST_CMD_NR, .size = sizeof(struct fake_test_cmd), .run = cmd_test },
};

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	struct fake_ctx *c = ctx_of(fd);
	uint32_t size;
	int ret;

	if (!c || _IOC_TYPE(req) != IOMMUFD_TYPE || req != _IO(IOMMUFD_TYPE, _IOC_NR(req)))
		return -ENOTTY;
	memcpy(&size, arg, sizeof(size));
	for (size_t i = 0; i < ARRAY_SIZE(fake_cmds); i++) {
		const struct fake_cmd *fc = &fake_cmds[i];

		if (fc->nr != _IOC_NR(req) || (fc->after_6_12 && linux_6_12()))
			continue;
		if (size < fc->size)
			return -EINVAL; /* what every feature probe (size 0) gets */
		if (fc->nr == FAKE_TEST_CMD_NR) {
			uint32_t op = ((struct fake_test_cmd *)arg)->op;

			if (!op || op > test_ops())
				return -EOPNOTSUPP;
		}
		ret = fc->run(c, arg);
		return ret && fc->lies && (fake.misbehaviour & FAKE_KERNEL_LIE) ? 0 : ret;
	}
	return -ENOTTY;
}

static int fake_open_iommufd(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct fake_ctx *c;

	if (fd < 0)
		return -errno;
	c = ctx_of(fd); /* a number reused: its iommufd was closed */
	for (size_t i = 0; !c && i < FAKE_MAX_CONTEXTS; i++)
		if (fake.ctx[i].fd < 0 || fcntl(fake.ctx[i].fd, F_GETFD) < 0)
			c = &fake.ctx[i];
	if (!c) {
		close(fd);
		return -EMFILE;
	}
	ctx_reset(c);
	c->fd = fd;
	return fd;
}

static const struct kernel_backend fake_backend = {
	.name = "fake kernel (unit tests)",
	.open_iommufd = fake_open_iommufd,
	.ioctl = fake_ioctl,
	.read = fake_read,
	.write = fake_write,
};

void fake_kernel_install(unsigned int misbehaviours, enum fake_kernel_linux linux_version)
{
	if (!fake.installed) {
		for (size_t i = 0; i < FAKE_MAX_CONTEXTS; i++)
			ctx_reset(&fake.ctx[i]);
		fake.saved = kernel_backend_set(&fake_backend);
		fake.installed = true;
	}
	fake.misbehaviour = misbehaviours;
	fake.linux_version = linux_version;
}

void fake_kernel_uninstall(void)
{
	if (!fake.installed)
		return;
	for (size_t i = 0; i < FAKE_MAX_CONTEXTS; i++)
		ctx_reset(&fake.ctx[i]);
	kernel_backend_set(fake.saved);
	fake.installed = false;
	fake.misbehaviour = 0;
	fake.linux_version = FAKE_LINUX_7_2;
}

int fake_kernel_dma_translate(int fd, uint32_t idev_id, uint64_t iova, uint64_t len, bool write,
			      bool bypass, uint8_t **va)
{
	struct fake_ctx *c = ctx_of(fd);
	struct fake_object *dev = c ? obj_get(c, idev_id, FAKE_DEVICE) : NULL;
	struct fake_object *hwpt;

	if (!dev)
		return -ENODEV;
	if (bypass)
		return areas_translate(&c->history, iova, len, 0, va);
	hwpt = obj_get(c, c->obj[dev->stdev_id].attached, FAKE_HWPT);
	if (!hwpt)
		return -ENODEV;
	return areas_translate(&hwpt->areas, iova, len,
			       write ? IOMMU_IOAS_MAP_WRITEABLE : IOMMU_IOAS_MAP_READABLE, va);
}
