// SPDX-License-Identifier: GPL-2.0-only
/*
 * NVMe controllers as a DMA engine: any PCI function of class 01:08:02, whatever its vendor.
 * A minimal user-space NVMe driver over the VFIO device: reset and enable bounded by CAP.TO, one
 * admin and one I/O queue pair, completions polled (no interrupts: INTMS masks them). A
 * synchronous transfer is one command at a time; asynchronous ones (struct dma_async_ops) keep up
 * to the I/O queue's depth - 1 (63 with QEMU's controller) Reads, Compares or Writes of at most
 * two memory pages each (no PRP list) in flight, reaped by polling the completion queue.
 *
 * The "device buffer" is a window on the first active namespace: dev_offset D is byte D of the
 * namespace, for its first min(size, 1 GiB) bytes. D and the length must be whole logical blocks.
 * At dev_offset 0x40000000 (1 GiB) sits one more, read-only page: the Identify Controller data.
 *   from_device  NVMe Read of those LBAs into the IOVA (PRP list beyond two pages, up to MDTS);
 *                at 1 GiB, Identify Controller (exactly 4096 bytes), compared by the engine with
 *                the copy it took at init wherever the CPU can see the IOVA.
 *   to_device    without --allow-destructive: NVMe Compare (ONCS bit 0). The controller reads the
 *                IOVA and compares it with the LBAs, so success means it read exactly the bytes
 *                the window holds. On a miscompare the engine reads the LBAs itself: when the CPU
 *                sees other bytes at that IOVA the scenario is asking the device to store new
 *                bytes, which only a Write can: the transfer is refused (EINVAL: the step SKIPs,
 *                naming --allow-destructive); when it sees the same bytes, or nothing maps the
 *                IOVA, the controller read other memory: EIO.
 *                With --allow-destructive: NVMe Write. The window is then scratch and copy,
 *                to_device and from_device mean what they mean on edu. Never on a disk whose
 *                first gigabyte holds anything of value. The engine counts the Writes it
 *                submits and keeps the LBA ranges they cover; its summary op reports them at the
 *                end of each scenario, and the lab checks the scratch disk against that report.
 * The queues, the PRP list and the engine's own buffers are one region of engine memory mapped at
 * one IOVA near the top of the domain's aperture, into whichever IOAS the device is attached to,
 * before a transfer (the engines' shared dma_memory service): the controller's own DMA is
 * translated like the scenario's. At init the device is attached to a private IOAS for the
 * bring-up (Identify needs DMA), then detached.
 *
 * Faults. The controller's own DMA (queue entries, PRP lists, completions) fails when the device
 * is BLOCKED or the domain lacks the region: the controller sets CSTS.CFS (QEMU) or goes silent.
 * Either is reported as EIO with CSTS and what was being waited for, after the controller was
 * disabled (no DMA left in flight); the next transfer re-initialises it. A command that
 * completes with an error status is EIO naming the status. The data of a Read are posted PCIe
 * writes a controller never hears back about, and QEMU drops blocked data silently in both
 * directions: a blocked data transfer may complete "successfully", so reports_faults is false and
 * the bytes judge, as on edu. PASID-tagged DMA: none (limits.pasid = false).
 */
#define LOG_PREFIX "nvme: "

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommutest/device.h"
#include "iommutest/dma_memory.h"
#include "iommutest/engine.h"
#include "iommutest/iommufd.h"
#include "iommutest/log.h"
#include "iommutest/mmio.h"
#include "iommutest/nvme.h"
#include "iommutest/util.h"

_Static_assert(sizeof(struct nvme_sqe) == 64, "an SQE is 64 bytes");
_Static_assert(sizeof(struct nvme_cqe) == 16, "a CQE is 16 bytes");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "NVMe structures are little-endian");

#define NVME_PAGE_SHIFT 12 /* CC.MPS = 0: 4 KiB memory pages */
#define NVME_PAGE (1u << NVME_PAGE_SHIFT)
#define NVME_QDEPTH 64 /* a power of two: command id % NVME_QDEPTH names a command in flight */
#define NVME_MAX_XFER (1u << 20)         /* fits one PRP list page and the bounce buffer */
#define NVME_DEV_IDENTIFY (1ull << 30)   /* dev_offset of the Identify Controller page */
#define NVME_IOVA_TOP ((1ull << 47) - 1) /* below 128 TiB; lower where a domain needs it */
#define NVME_IOVA_ALIGN (2ull << 20)
#define NVME_CMD_TIMEOUT_MS 5000u
#define NVME_SETTLE_US 100000 /* before resetting a controller that stopped with commands in flight */
#define NVME_MAX_EXTENTS 24 /* LBA ranges of the Writes kept for the summary (the closest merge) */

/* the engine's own memory: one region, one IOVA, every IOAS the device is attached to */
enum {
	MEM_ASQ = 0x0000,
	MEM_ACQ = 0x1000,
	MEM_SQ = 0x2000,
	MEM_CQ = 0x3000,
	MEM_PRP = 0x4000,
	MEM_ID = 0x5000,
	MEM_BOUNCE = 0x8000,
	MEM_SIZE = MEM_BOUNCE + NVME_MAX_XFER,
};

struct nvme_queue {
	uint8_t *va;
	uint64_t iova;
	uint16_t depth;
	uint16_t idx;      /* SQ: tail; CQ: head */
	bool phase;        /* CQ: the phase tag of the next new entry */
	unsigned int db;   /* its doorbell register */
};

struct nvme {
	volatile uint8_t *bar;
	uint64_t bar_size;
	struct nvme_cap cap;
	struct dma_memory mem; /* the queues, the PRP list, the engine's own buffers */
	struct nvme_queue asq, acq, sq, cq;
	uint16_t depth, cid;
	bool live;          /* enabled and ready, I/O queues created */
	/* the controller and the namespace */
	uint8_t ident[NVME_IDENTIFY_SIZE];
	uint64_t mdts_bytes;
	bool has_compare;
	uint32_t nsid;
	unsigned int lba_shift;
	uint64_t nsze, window;
	/* the Writes submitted (whether or not they completed) and the LBAs they covered: sorted,
	 * disjoint, non-adjacent extents; one spare slot for the insertion */
	uint64_t writes;
	struct nvme_extent {
		uint64_t first, last;
	} written[NVME_MAX_EXTENTS + 1];
	size_t nwritten;
	bool widened; /* extents were merged over LBAs no Write covered */
	/* the asynchronous commands in flight, by command id % NVME_QDEPTH */
	struct nvme_async_cmd {
		uint64_t tag;
		uint64_t iova, len;
		uint8_t opc;
		bool busy;
		bool failed; /* the controller stopped under it: reported by the next poll */
	} async[NVME_QDEPTH];
	unsigned int async_polls;
	/* the command in flight */
	struct {
		struct nvme_queue *cq;
		uint16_t cid;
		uint8_t opc;
		const char *what;
		uint64_t iova, len, slba;
		uint32_t nlb;
	} io;
};

static void pause_us(long us)
{
	struct timespec ts = { .tv_nsec = us * 1000 };

	nanosleep(&ts, NULL); /* EINTR (Ctrl-C) only shortens a poll interval */
}

static const char *blocked_hint(const struct dma_engine *e)
{
	return e->dev->attached_ioas ? ""
				     : " (the device is detached: BLOCKED, so the controller's queue DMA cannot get through)";
}

/* CSTS.RDY == want within CAP.TO: 0, -ETIMEDOUT, -EIO (fatal status while enabling), -ENODEV */
static int wait_rdy(struct dma_engine *e, bool want)
{
	struct nvme *n = e->priv;
	uint64_t deadline = now_ns() + (uint64_t)n->cap.timeout_ms * 1000000ull;
	uint32_t csts;

	for (;;) {
		csts = mmio_read32(n->bar, NVME_REG_CSTS);
		if (csts == UINT32_MAX) {
			dma_engine_errmsg(e, "CSTS reads 0xffffffff: the controller is gone");
			return -ENODEV;
		}
		if (!!(csts & NVME_CSTS_RDY) == want)
			return 0;
		if (want && (csts & NVME_CSTS_CFS)) {
			dma_engine_errmsg(e, "controller fatal status while enabling (CSTS 0x%x)", csts);
			return -EIO;
		}
		if (now_ns() > deadline) {
			dma_engine_errmsg(e, "CSTS.RDY did not become %d within CAP.TO (%u ms), CSTS 0x%x",
					  want, n->cap.timeout_ms, csts);
			return -ETIMEDOUT;
		}
		pause_us(1000);
	}
}

/* CC.EN = 0, then CSTS.RDY = 0: the controller does no more DMA and its queues are gone */
static int ctrl_disable(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	uint32_t cc = mmio_read32(n->bar, NVME_REG_CC);

	n->live = false;
	if (cc & NVME_CC_EN)
		mmio_write32(n->bar, NVME_REG_CC, cc & ~NVME_CC_EN);
	return wait_rdy(e, false);
}

/* after a fatal status or a silent controller: disable it; -ETIMEDOUT when it does not stop */
static int quiesce(struct dma_engine *e)
{
	char why[sizeof(e->errmsg)];
	int ret;

	memcpy(why, e->errmsg, sizeof(why));
	ret = ctrl_disable(e);
	if (ret)
		dma_engine_errmsg(e, "%s; disabling the controller failed too: %s", why, e->errmsg);
	else
		dma_engine_errmsg(e, "%s; controller disabled, re-initialised at the next transfer", why);
	return ret;
}

static void queue_init(struct nvme *n, struct nvme_queue *q, unsigned int off, unsigned int qid,
		       bool cq)
{
	*q = (struct nvme_queue){
		.va = n->mem.va + off,
		.iova = n->mem.iova + off,
		.depth = n->depth,
		.phase = true,
		.db = NVME_REG_DBS + (2 * qid + (cq ? 1 : 0)) * n->cap.db_stride,
	};
	memset(q->va, 0, NVME_PAGE);
}

/* put cmd (opcode opc) on sq and ring its doorbell; returns the command id */
static uint16_t submit(struct nvme *n, struct nvme_queue *sq, struct nvme_sqe *cmd, uint8_t opc)
{
	uint16_t cid = n->cid++;

	cmd->cdw0 = opc | (uint32_t)cid << 16; /* PSDT 0: PRPs */
	memcpy(sq->va + (size_t)sq->idx * sizeof(*cmd), cmd, sizeof(*cmd));
	sq->idx = (uint16_t)((sq->idx + 1) % sq->depth);
	io_wmb();
	mmio_write32(n->bar, sq->db, sq->idx);
	return cid;
}

/* a controller that reads all ones (gone) or reports a fatal status does no more work */
static bool csts_fatal(uint32_t csts)
{
	return csts == UINT32_MAX || (csts & NVME_CSTS_CFS);
}

/*
 * Take the entry at cq's head when its phase tag says it is new: true, its command id and status
 * (with the phase bit), the head advanced and rung; false when nothing new was posted.
 */
static bool cq_take(struct nvme *n, struct nvme_queue *cq, uint16_t *cid, uint16_t *status)
{
	volatile struct nvme_cqe *c = (volatile struct nvme_cqe *)(cq->va + (size_t)cq->idx * 16);

	if ((c->status & 1) != cq->phase)
		return false;
	io_rmb(); /* the rest of the entry after its phase tag */
	*cid = c->cid;
	*status = c->status;
	if (++cq->idx == cq->depth) {
		cq->idx = 0;
		cq->phase = !cq->phase;
	}
	mmio_write32(n->bar, cq->db, cq->idx);
	return true;
}

/*
 * The completion of command cid on cq: 0 with its status field, or -EIO (controller fatal
 * status, a stray completion) / -ETIMEDOUT with e->errmsg saying what was waited for.
 */
static int reap(struct dma_engine *e, struct nvme_queue *cq, uint16_t cid, const char *what,
		unsigned int timeout_ms, uint16_t *status)
{
	struct nvme *n = e->priv;
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;

	for (unsigned int spin = 0;; spin++) {
		uint16_t got, st;

		if (cq_take(n, cq, &got, &st)) {
			if (got != cid) {
				dma_engine_errmsg(e, "%s: a completion for command id %u arrived instead of %u",
						  what, got, cid);
				return -EIO;
			}
			*status = st >> 1;
			return 0;
		}
		/* the register is read now and then: each read is a trip to the device */
		if (spin % 64 == 63) {
			uint32_t csts = mmio_read32(n->bar, NVME_REG_CSTS);

			if (csts_fatal(csts)) {
				dma_engine_errmsg(e, "%s: controller fatal status, CSTS 0x%x%s", what, csts,
						  blocked_hint(e));
				return -EIO;
			}
			if (now_ns() > deadline) {
				dma_engine_errmsg(e, "%s: no completion within %u ms, CSTS 0x%x%s", what,
						  timeout_ms, csts, blocked_hint(e));
				return -ETIMEDOUT;
			}
		}
		if (spin > 4096)
			pause_us(20);
	}
}

/* an admin command to its end: 0, or -EIO / -ETIMEDOUT with e->errmsg */
static int admin(struct dma_engine *e, struct nvme_sqe *cmd, uint8_t opc, const char *what)
{
	struct nvme *n = e->priv;
	uint16_t status;
	char buf[96];
	int ret = reap(e, &n->acq, submit(n, &n->asq, cmd, opc), what, NVME_CMD_TIMEOUT_MS, &status);

	if (ret)
		return ret;
	if (status) {
		nvme_status_describe(status, buf, sizeof(buf));
		dma_engine_errmsg(e, "%s: %s", what, buf);
		return -EIO;
	}
	return 0;
}

/* reset, then enable with the admin queue, then create the I/O queue pair */
static int ctrl_enable(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	struct nvme_sqe cmd;
	int ret = ctrl_disable(e);

	if (ret)
		return ret;
	queue_init(n, &n->asq, MEM_ASQ, 0, false);
	queue_init(n, &n->acq, MEM_ACQ, 0, true);
	queue_init(n, &n->sq, MEM_SQ, 1, false);
	queue_init(n, &n->cq, MEM_CQ, 1, true);
	mmio_write32(n->bar, NVME_REG_INTMS, UINT32_MAX); /* polled: no pin-based or MSI interrupts */
	mmio_write32(n->bar, NVME_REG_AQA, (uint32_t)(n->depth - 1) << 16 | (uint32_t)(n->depth - 1));
	mmio_write64_lo_hi(n->bar, NVME_REG_ASQ, n->asq.iova);
	mmio_write64_lo_hi(n->bar, NVME_REG_ACQ, n->acq.iova);
	/* NVM command set, 4 KiB pages (MPS 0), round robin, 64-byte SQEs, 16-byte CQEs */
	mmio_write32(n->bar, NVME_REG_CC, NVME_CC_IOSQES(6) | NVME_CC_IOCQES(4) | NVME_CC_EN);
	ret = wait_rdy(e, true);
	if (ret)
		return ret;
	/* one I/O queue pair (0-based counts); an error status here is not fatal */
	cmd = (struct nvme_sqe){ .cdw10 = NVME_FEAT_NUM_QUEUES, .cdw11 = 0 };
	ret = admin(e, &cmd, NVME_ADM_SET_FEATURES, "Set Features (Number of Queues)");
	if (ret == -ETIMEDOUT || (ret && (mmio_read32(n->bar, NVME_REG_CSTS) & NVME_CSTS_CFS)))
		return ret;
	e->errmsg[0] = '\0';
	cmd = (struct nvme_sqe){
		.prp1 = n->cq.iova,
		.cdw10 = (uint32_t)(n->depth - 1) << 16 | 1,
		.cdw11 = 1, /* physically contiguous, interrupts off */
	};
	ret = admin(e, &cmd, NVME_ADM_CREATE_IOCQ, "Create I/O Completion Queue");
	if (ret)
		return ret;
	cmd = (struct nvme_sqe){
		.prp1 = n->sq.iova,
		.cdw10 = (uint32_t)(n->depth - 1) << 16 | 1,
		.cdw11 = 1u << 16 | 1, /* on CQ 1, physically contiguous */
	};
	ret = admin(e, &cmd, NVME_ADM_CREATE_IOSQ, "Create I/O Submission Queue");
	if (ret)
		return ret;
	n->live = true;
	return 0;
}

/*
 * Before a command: the region must be in the attached IOAS and the controller live. The device
 * may be detached: then the re-initialisation itself runs into BLOCKED and says so.
 */
static int prepare(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	char why[sizeof(e->errmsg)];
	int ret = dma_memory_follow(e, &n->mem);

	if (ret)
		return ret;
	if (n->live)
		return 0;
	ret = ctrl_enable(e);
	if (!ret)
		return 0;
	memcpy(why, e->errmsg, sizeof(why));
	dma_engine_errmsg(e, "re-initialising the controller: %s", why);
	return quiesce(e) ? -ETIMEDOUT : -EIO;
}

static int window_range(struct dma_engine *e, uint64_t dev_off, uint64_t len, uint64_t *slba,
			uint32_t *nlb)
{
	struct nvme *n = e->priv;
	int ret = nvme_lba_range(dev_off, len, n->lba_shift, n->window, slba, nlb);

	if (ret == -EINVAL)
		dma_engine_errmsg(e, "NVMe moves whole %u-byte logical blocks: dev_offset 0x%llx and length 0x%llx must be multiples of it",
				  1u << n->lba_shift, (unsigned long long)dev_off, (unsigned long long)len);
	else if (ret)
		dma_engine_errmsg(e, "device range 0x%llx+0x%llx is outside the window on namespace %u (its first 0x%llx bytes; Identify at dev_offset 0x%llx)",
				  (unsigned long long)dev_off, (unsigned long long)len, n->nsid,
				  (unsigned long long)n->window, NVME_DEV_IDENTIFY);
	return ret;
}

/* start a data command: PRPs for [iova, iova + len) (the list in the region), then submit */
static int start(struct dma_engine *e, bool io_queue, uint8_t opc, struct nvme_sqe *cmd,
		 uint64_t iova, uint64_t len, const char *what)
{
	struct nvme *n = e->priv;
	int ret = nvme_prp_build(iova, len, NVME_PAGE_SHIFT, (uint64_t *)(n->mem.va + MEM_PRP),
				 NVME_PAGE / sizeof(uint64_t), n->mem.iova + MEM_PRP, &cmd->prp1,
				 &cmd->prp2);

	if (ret < 0) {
		dma_engine_errmsg(e, "%s: no PRPs for IOVA 0x%llx+0x%llx: %s", what,
				  (unsigned long long)iova, (unsigned long long)len, strerror(-ret));
		return ret;
	}
	n->io.cq = io_queue ? &n->cq : &n->acq;
	n->io.opc = opc;
	n->io.what = what;
	n->io.iova = iova;
	n->io.len = len;
	n->io.slba = (uint64_t)cmd->cdw11 << 32 | cmd->cdw10;
	n->io.nlb = (cmd->cdw12 & 0xffff) + 1;
	n->io.cid = submit(n, io_queue ? &n->sq : &n->asq, cmd, opc);
	return 0;
}

static void rw_cmd(struct nvme *n, struct nvme_sqe *cmd, uint64_t slba, uint32_t nlb)
{
	*cmd = (struct nvme_sqe){
		.nsid = n->nsid,
		.cdw10 = (uint32_t)slba,
		.cdw11 = (uint32_t)(slba >> 32),
		.cdw12 = nlb - 1,
	};
}

/* the started command to its end: 0, a status (> 0), or -EIO / -ETIMEDOUT after quiescing */
static int finish(struct dma_engine *e, unsigned int timeout_ms)
{
	struct nvme *n = e->priv;
	uint16_t status;
	int ret = reap(e, n->io.cq, n->io.cid, n->io.what, timeout_ms, &status);

	if (!ret)
		return status;
	/* the controller's own DMA failed, or it went silent: stop it before anything else */
	return quiesce(e) ? -ETIMEDOUT : -EIO;
}

/* a Read into the engine's own buffer, start to end: 0 or -errno with e->errmsg */
static int read_own(struct dma_engine *e, uint64_t slba, uint32_t nlb, const char *what)
{
	struct nvme *n = e->priv;
	struct nvme_sqe cmd;
	char buf[96];
	int ret;

	rw_cmd(n, &cmd, slba, nlb);
	ret = start(e, true, NVME_CMD_READ, &cmd, n->mem.iova + MEM_BOUNCE,
		    (uint64_t)nlb << n->lba_shift, what);
	if (!ret)
		ret = finish(e, NVME_CMD_TIMEOUT_MS);
	if (ret > 0) {
		nvme_status_describe((uint16_t)ret, buf, sizeof(buf));
		dma_engine_errmsg(e, "%s: %s", what, buf);
		ret = -EIO;
	}
	return ret;
}

static size_t first_difference(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i = 0;

	while (i < len && a[i] == b[i])
		i++;
	return i;
}

/* a Compare said the bytes differ: did the scenario ask for new bytes, or did the device misread? */
static int miscompare(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	struct test_device *d = e->dev;
	uint64_t iova = n->io.iova, len = n->io.len, slba = n->io.slba, nlb = n->io.nlb;
	uint8_t *va;
	size_t at;
	int ret;

	if (!d->resolve || d->resolve(d->resolve_ctx, d, iova, len, false, &va)) {
		dma_engine_errmsg(e, "Compare Failure: the controller did not read the bytes of LBAs %llu..%llu at IOVA 0x%llx, where the attached domain maps no buffer of the scenario",
				  (unsigned long long)slba, (unsigned long long)(slba + nlb - 1),
				  (unsigned long long)iova);
		return -EIO;
	}
	ret = read_own(e, slba, (uint32_t)nlb, "Read after a Compare Failure");
	if (ret)
		return ret;
	at = first_difference(va, n->mem.va + MEM_BOUNCE, len);
	if (at < len) {
		dma_engine_errmsg(e, "without --allow-destructive to_device is an NVMe Compare, and the bytes at IOVA 0x%llx differ from LBAs %llu..%llu (first at +0x%zx): storing new bytes needs --allow-destructive, on a scratch namespace",
				  (unsigned long long)iova, (unsigned long long)slba,
				  (unsigned long long)(slba + nlb - 1), at);
		return -EINVAL;
	}
	dma_engine_errmsg(e, "Compare Failure although IOVA 0x%llx holds the bytes of LBAs %llu..%llu for the CPU: the controller read other memory",
			  (unsigned long long)iova, (unsigned long long)slba,
			  (unsigned long long)(slba + nlb - 1));
	return -EIO;
}

/* Identify Controller into a scenario IOVA: the bytes the CPU sees there must be the data */
static int check_identify(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	struct test_device *d = e->dev;
	uint8_t *va;
	size_t at;

	if (!d->resolve || d->resolve(d->resolve_ctx, d, n->io.iova, n->io.len, false, &va))
		return 0; /* nothing the CPU can look at: the scenario's checks judge */
	at = first_difference(va, n->ident, sizeof(n->ident));
	if (at == sizeof(n->ident))
		return 0;
	dma_engine_errmsg(e, "Identify Controller completed, but the 4096 bytes at IOVA 0x%llx are not its data (first difference at +0x%zx): they went elsewhere",
			  (unsigned long long)n->io.iova, at);
	return -EIO;
}

/*
 * Record a Write of LBAs first..last for the summary: inserted in order, merged with the extents
 * it overlaps or touches; beyond NVME_MAX_EXTENTS the two extents closest to each other merge,
 * so the extents may cover LBAs no Write touched but never miss one that a Write did.
 */
static void note_write(struct nvme *n, uint64_t first, uint64_t last)
{
	struct nvme_extent *x = n->written;
	size_t i = 0, j = 0, best = 0;

	n->writes++;
	while (i < n->nwritten && x[i].first < first)
		i++;
	memmove(&x[i + 1], &x[i], (n->nwritten - i) * sizeof(*x));
	x[i] = (struct nvme_extent){ .first = first, .last = last };
	n->nwritten++;
	for (i = 1; i < n->nwritten; i++) {
		if (x[i].first <= x[j].last + 1) {
			if (x[i].last > x[j].last)
				x[j].last = x[i].last;
		} else {
			x[++j] = x[i];
		}
	}
	n->nwritten = j + 1;
	if (n->nwritten <= NVME_MAX_EXTENTS)
		return;
	for (i = 1; i + 1 < n->nwritten; i++)
		if (x[i + 1].first - x[i].last < x[best + 1].first - x[best].last)
			best = i;
	x[best].last = x[best + 1].last;
	memmove(&x[best + 1], &x[best + 2], (n->nwritten - best - 2) * sizeof(*x));
	n->nwritten--;
	n->widened = true;
}

static int nvme_to_device(struct dma_engine *e, uint64_t iova, uint64_t dev_off, uint64_t len)
{
	struct nvme *n = e->priv;
	bool write = e->dev->allow_destructive;
	struct nvme_sqe cmd;
	uint64_t slba;
	uint32_t nlb;
	int ret;

	if (dev_off == NVME_DEV_IDENTIFY) {
		dma_engine_errmsg(e, "the Identify page (dev_offset 0x%llx) is read-only", NVME_DEV_IDENTIFY);
		return -EINVAL;
	}
	ret = window_range(e, dev_off, len, &slba, &nlb);
	if (ret)
		return ret;
	if (!write && !n->has_compare) {
		dma_engine_errmsg(e, "without --allow-destructive to_device is an NVMe Compare, which this controller lacks (ONCS bit 0)");
		return -EINVAL;
	}
	ret = prepare(e);
	if (ret)
		return ret;
	rw_cmd(n, &cmd, slba, nlb);
	if (!write)
		return start(e, true, NVME_CMD_COMPARE, &cmd, iova, len, "Compare");
	ret = start(e, true, NVME_CMD_WRITE, &cmd, iova, len, "Write");
	if (!ret) /* submitted: the LBAs may change whatever its completion says */
		note_write(n, slba, slba + nlb - 1);
	return ret;
}

static int nvme_from_device(struct dma_engine *e, uint64_t dev_off, uint64_t iova, uint64_t len)
{
	struct nvme *n = e->priv;
	struct nvme_sqe cmd;
	uint64_t slba;
	uint32_t nlb;
	int ret;

	if (dev_off == NVME_DEV_IDENTIFY) {
		if (len != NVME_IDENTIFY_SIZE) {
			dma_engine_errmsg(e, "the Identify page (dev_offset 0x%llx) moves exactly 4096 bytes",
					  NVME_DEV_IDENTIFY);
			return -EINVAL;
		}
		ret = prepare(e);
		if (ret)
			return ret;
		cmd = (struct nvme_sqe){ .cdw10 = NVME_CNS_CTRL };
		return start(e, false, NVME_ADM_IDENTIFY, &cmd, iova, len, "Identify Controller");
	}
	ret = window_range(e, dev_off, len, &slba, &nlb);
	if (ret)
		return ret;
	ret = prepare(e);
	if (ret)
		return ret;
	rw_cmd(n, &cmd, slba, nlb);
	return start(e, true, NVME_CMD_READ, &cmd, iova, len, "Read");
}

static int nvme_wait(struct dma_engine *e, unsigned int timeout_ms)
{
	struct nvme *n = e->priv;
	char buf[96];
	int ret = finish(e, timeout_ms < NVME_CMD_TIMEOUT_MS ? timeout_ms : NVME_CMD_TIMEOUT_MS);

	if (ret < 0)
		return ret;
	if (!ret)
		return n->io.cq == &n->acq ? check_identify(e) : 0; /* admin: Identify */
	if (n->io.opc == NVME_CMD_COMPARE && NVME_STATUS_SCT(ret) == NVME_SCT_MEDIA &&
	    NVME_STATUS_SC(ret) == NVME_SC_COMPARE_FAILURE)
		return miscompare(e);
	nvme_status_describe((uint16_t)ret, buf, sizeof(buf));
	dma_engine_errmsg(e, "%s of 0x%llx bytes at IOVA 0x%llx: %s", n->io.what,
			  (unsigned long long)n->io.len, (unsigned long long)n->io.iova, buf);
	return -EIO;
}

static int identify(struct dma_engine *e, uint32_t cns, uint32_t nsid, const char *what)
{
	struct nvme *n = e->priv;
	struct nvme_sqe cmd = { .nsid = nsid, .prp1 = n->mem.iova + MEM_ID, .cdw10 = cns };

	return admin(e, &cmd, NVME_ADM_IDENTIFY, what);
}

/* enable, Identify the controller and its first active namespace, read LBA 0 */
static int bring_up(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	const uint8_t *id = n->mem.va + MEM_ID;
	unsigned int fmt, ms, lbads;
	uint32_t lbaf;
	int ret = ctrl_enable(e);

	if (ret)
		return ret;
	ret = identify(e, NVME_CNS_CTRL, 0, "Identify Controller");
	if (ret)
		return ret;
	memcpy(n->ident, id, sizeof(n->ident));
	n->mdts_bytes = nvme_mdts_bytes(n->ident[NVME_ID_CTRL_MDTS], n->cap.mps_min_shift);
	n->has_compare = le16_load(n->ident + NVME_ID_CTRL_ONCS) & NVME_ONCS_COMPARE;
	/* the first active namespace (controllers before NVMe 1.1 lack the list: namespace 1) */
	n->nsid = identify(e, NVME_CNS_ACTIVE_NS_LIST, 0, "Identify Active Namespace List") ? 1 : le32_load(id);
	if (!n->nsid) {
		dma_engine_errmsg(e, "the controller has no active namespace");
		return -ENODEV;
	}
	ret = identify(e, NVME_CNS_NS, n->nsid, "Identify Namespace");
	if (ret)
		return ret;
	n->nsze = le64_load(id + NVME_ID_NS_NSZE);
	fmt = (id[NVME_ID_NS_FLBAS] & 0xf) | ((id[NVME_ID_NS_FLBAS] >> 5) & 0x3) << 4;
	lbaf = le32_load(id + NVME_ID_NS_LBAF + 4 * fmt);
	ms = lbaf & 0xffff;
	lbads = (lbaf >> 16) & 0xff;
	if (lbads < 9 || lbads > 16 || ms || (id[NVME_ID_NS_DPS] & 7)) {
		dma_engine_errmsg(e, "namespace %u: format %u (2^%u-byte blocks, %u metadata bytes, protection %u) is not plain data",
				  n->nsid, fmt, lbads, ms, id[NVME_ID_NS_DPS] & 7);
		return -EOPNOTSUPP;
	}
	n->lba_shift = lbads;
	n->window = n->nsze << lbads;
	if (n->nsze > NVME_DEV_IDENTIFY >> lbads)
		n->window = NVME_DEV_IDENTIFY;
	return read_own(e, 0, 1, "Read of LBA 0");
}

static int nvme_probe(const struct device_facts *dev)
{
	return dev->pci && dev->bar_mmio && dev->class_code == NVME_CLASS_CODE ? 0 : -ENODEV;
}

static void ascii_field(char *out, const uint8_t *in, size_t len)
{
	memcpy(out, in, len);
	out[len] = '\0';
	while (len && (out[len - 1] == ' ' || out[len - 1] == '\0'))
		out[--len] = '\0';
}

static int nvme_init(struct dma_engine *e)
{
	struct test_device *d = e->dev;
	struct nvme *n = calloc(1, sizeof(*n));
	uint64_t max;
	char sn[21], mn[41];
	uint32_t ioas, pt;
	void *bar;
	int ret;

	if (!n)
		return -ENOMEM;
	e->priv = n;
	ret = vfio_bar_mmap(e->vdev, 0, &bar, &n->bar_size);
	if (ret)
		goto err_free;
	n->bar = bar;
	nvme_cap_decode(mmio_read64_lo_hi(n->bar, NVME_REG_CAP), &n->cap);
	if (!n->cap.css_nvm || n->cap.mps_min_shift > NVME_PAGE_SHIFT ||
	    n->bar_size < NVME_REG_DBS + 4ull * n->cap.db_stride) {
		pr_err("%s: CAP 0x%llx: no NVM command set, no 4 KiB pages or a BAR too small",
		       e->vdev->bdf, (unsigned long long)mmio_read64_lo_hi(n->bar, NVME_REG_CAP));
		ret = -EOPNOTSUPP;
		goto err_unmap_bar;
	}
	n->depth = n->cap.mqes < NVME_QDEPTH ? (uint16_t)n->cap.mqes : NVME_QDEPTH;
	ret = ctrl_disable(e);
	if (ret)
		goto err_unmap_bar;
	ret = dma_memory_alloc(&n->mem, MEM_SIZE, NVME_IOVA_ALIGN, NVME_IOVA_TOP, ctrl_disable);
	if (ret)
		goto err_unmap_bar;
	/* the bring-up needs DMA, and the scenario has attached nothing yet: a private IOAS */
	ret = iommufd_ioas_alloc(d->iommufd, &ioas);
	if (ret)
		goto err_free_mem;
	pt = ioas;
	ret = d->ops->attach(d, d->iommufd, &pt);
	if (ret) {
		dma_engine_errmsg(e, "attaching to a private IOAS for the bring-up: %s", strerror(-ret));
		goto err_destroy;
	}
	ret = dma_memory_place(e, &n->mem, ioas);
	if (ret)
		goto err_detach;
	ret = bring_up(e);
	if (ret)
		goto err_disable;
	/* the controller stays enabled and idle; the region follows the device to its IOAS */
	d->ops->detach(d, d->iommufd);
	iommufd_destroy(d->iommufd, ioas);
	dma_memory_forget(&n->mem);

	max = NVME_MAX_XFER;
	if (n->mdts_bytes && n->mdts_bytes < max)
		max = n->mdts_bytes;
	if ((65536ull << n->lba_shift) < max)
		max = 65536ull << n->lba_shift;
	e->limits.max_transfer = max;
	e->limits.queue_depth = n->depth - 1u; /* a full queue holds depth - 1 commands */
	ascii_field(sn, n->ident + NVME_ID_CTRL_SN, 20);
	ascii_field(mn, n->ident + NVME_ID_CTRL_MN, 40);
	pr_info("%s: %s (SN %s), NVMe %u.%u, max transfer %llu KiB (MDTS %u), Compare %s; namespace %u: %llu x %u bytes, window 0x%llx; queues at IOVA 0x%llx",
		e->vdev->bdf, mn, sn, mmio_read32(n->bar, NVME_REG_VS) >> 16,
		(mmio_read32(n->bar, NVME_REG_VS) >> 8) & 0xff,
		(unsigned long long)max >> 10, n->ident[NVME_ID_CTRL_MDTS], n->has_compare ? "yes" : "no",
		n->nsid, (unsigned long long)n->nsze, 1u << n->lba_shift, (unsigned long long)n->window,
		(unsigned long long)n->mem.iova);
	return 0;
err_disable:
	ctrl_disable(e);
err_detach:
	d->ops->detach(d, d->iommufd);
err_destroy:
	iommufd_destroy(d->iommufd, ioas);
err_free_mem:
	dma_memory_forget(&n->mem); /* its one IOAS is destroyed */
	dma_memory_free(e, &n->mem);
err_unmap_bar:
	vfio_bar_unmap(bar, n->bar_size);
err_free:
	if (e->errmsg[0])
		pr_err("%s: %s", e->vdev->bdf, e->errmsg);
	free(n);
	e->priv = NULL;
	return ret;
}

/*
 * "nvme BDF: N Write(s) to LBAs A-B,C,... (S-byte blocks)" when the scenario wrote the namespace
 * (--allow-destructive), else "": the lab checks the scratch disk against it (tests/lab/verdict.py).
 * When the list does not fit, one range from the lowest to the highest LBA written.
 */
static void nvme_summary(struct dma_engine *e, char *buf, size_t len)
{
	struct nvme *n = e->priv;
	const struct nvme_extent *x = n ? n->written : NULL;
	size_t off;
	int w;

	buf[0] = '\0';
	if (!n || !n->writes)
		return;
	w = snprintf(buf, len, "nvme %s: %llu Write(s) to LBAs ", e->vdev->bdf,
		     (unsigned long long)n->writes);
	off = w > 0 ? (size_t)w : len;
	for (size_t i = 0; i < n->nwritten && off < len; i++) {
		w = x[i].first == x[i].last
			    ? snprintf(buf + off, len - off, "%s%llu", i ? "," : "", (unsigned long long)x[i].first)
			    : snprintf(buf + off, len - off, "%s%llu-%llu", i ? "," : "",
				       (unsigned long long)x[i].first, (unsigned long long)x[i].last);
		off += w > 0 ? (size_t)w : len;
	}
	if (off < len)
		w = snprintf(buf + off, len - off, " (%u-byte blocks%s)", 1u << n->lba_shift,
			     n->widened ? "; ranges closer than the rest merged" : "");
	if (off >= len || w < 0 || (size_t)w >= len - off)
		snprintf(buf, len, "nvme %s: %llu Write(s) to LBAs %llu-%llu (%u-byte blocks; one range: the list is too long)",
			 e->vdev->bdf, (unsigned long long)n->writes, (unsigned long long)x[0].first,
			 (unsigned long long)x[n->nwritten - 1].last, 1u << n->lba_shift);
}

/* disabled, so nothing DMAs into memory about to go, and as the kernel's nvme driver expects it */
static void nvme_remove(struct dma_engine *e)
{
	struct nvme *n = e->priv;

	if (!n)
		return;
	if (ctrl_disable(e))
		pr_err("%s: the controller does not stop: %s", e->vdev->bdf, e->errmsg);
	dma_memory_free(e, &n->mem);
	vfio_bar_unmap((void *)n->bar, n->bar_size);
	free(n);
	e->priv = NULL;
}

/* ---- asynchronous transfers ---- */

static const char *opc_name(uint8_t opc)
{
	return opc == NVME_CMD_READ ? "Read" : opc == NVME_CMD_WRITE ? "Write" : "Compare";
}

/* the controller stopped (fatal status or silence): disable it, every command in flight fails */
static void async_fail_all(struct dma_engine *e)
{
	struct nvme *n = e->priv;
	bool in_flight = false;

	for (size_t i = 0; i < NVME_QDEPTH; i++)
		in_flight |= n->async[i].busy;
	/*
	 * Let the commands it still has in hand settle before the reset: QEMU 10.0's controller
	 * crashed (SIGSEGV in nvme_rw_complete_cb) when CC.EN went to 0 while the Reads of a
	 * stream it could no longer complete were still in its block layer.
	 */
	if (in_flight)
		pause_us(NVME_SETTLE_US);
	quiesce(e);
	for (size_t i = 0; i < NVME_QDEPTH; i++)
		if (n->async[i].busy)
			n->async[i].failed = true;
}

static int nvme_async_start(struct dma_engine *e, const struct dma_request *rq)
{
	struct nvme *n = e->priv;
	bool write = e->dev->allow_destructive;
	uint8_t opc = rq->dir == DMA_FROM_DEVICE ? NVME_CMD_READ : write ? NVME_CMD_WRITE : NVME_CMD_COMPARE;
	struct nvme_async_cmd *c;
	struct nvme_sqe cmd;
	uint64_t slba;
	uint32_t nlb;
	uint16_t cid;
	int ret;

	if (rq->dev_off >= NVME_DEV_IDENTIFY) {
		dma_engine_errmsg(e, "asynchronous transfers move namespace data, not the Identify page");
		return -EINVAL;
	}
	if (opc == NVME_CMD_COMPARE && !n->has_compare) {
		dma_engine_errmsg(e, "without --allow-destructive to_device is an NVMe Compare, which this controller lacks (ONCS bit 0)");
		return -EINVAL;
	}
	ret = window_range(e, rq->dev_off, rq->len, &slba, &nlb);
	if (ret)
		return ret;
	rw_cmd(n, &cmd, slba, nlb);
	ret = nvme_prp_build(rq->iova, rq->len, NVME_PAGE_SHIFT, NULL, 0, 0, &cmd.prp1, &cmd.prp2);
	if (ret) {
		dma_engine_errmsg(e, "an asynchronous transfer covers at most two memory pages (no PRP list): IOVA 0x%llx+0x%llx",
				  (unsigned long long)rq->iova, (unsigned long long)rq->len);
		return ret == -E2BIG ? -E2BIG : -EINVAL;
	}
	if (!n->live) {
		for (size_t i = 0; i < NVME_QDEPTH; i++)
			if (n->async[i].busy) {
				dma_engine_errmsg(e, "the controller stopped with commands in flight: reap them first");
				return -EBUSY;
			}
	}
	ret = prepare(e);
	if (ret)
		return ret;
	/* the next command id whose slot is free: synchronous commands (a re-initialisation after
	 * a controller stopped, say) take ids too, so the one after the last asynchronous command
	 * can belong to a slot still in flight */
	for (size_t i = 0; i < NVME_QDEPTH && n->async[n->cid % NVME_QDEPTH].busy; i++)
		n->cid++;
	cid = n->cid;
	c = &n->async[cid % NVME_QDEPTH];
	if (c->busy) {
		dma_engine_errmsg(e, "all %u command slots are in flight", NVME_QDEPTH);
		return -EBUSY;
	}
	*c = (struct nvme_async_cmd){ .tag = rq->tag, .iova = rq->iova, .len = rq->len, .opc = opc,
				      .busy = true };
	submit(n, &n->sq, &cmd, opc);
	if (opc == NVME_CMD_WRITE) /* submitted: the LBAs may change whatever its completion says */
		note_write(n, slba, slba + nlb - 1);
	return 0;
}

/* one completion from the I/O completion queue, or a command the controller stopped under */
static int nvme_async_poll(struct dma_engine *e, struct dma_completion *done)
{
	struct nvme *n = e->priv;
	struct nvme_async_cmd *c;
	uint16_t st, cid;
	char buf[96];

	for (size_t i = 0; i < NVME_QDEPTH; i++) {
		c = &n->async[i];
		if (c->busy && c->failed) {
			c->busy = false;
			*done = (struct dma_completion){ .tag = c->tag, .result = -EIO };
			return 0;
		}
	}
	if (!n->live || !cq_take(n, &n->cq, &cid, &st)) {
		/* CSTS now and then: each read is a trip to the device */
		if (n->live && ++n->async_polls % 32 == 0) {
			uint32_t csts = mmio_read32(n->bar, NVME_REG_CSTS);

			if (csts_fatal(csts)) {
				dma_engine_errmsg(e, "controller fatal status, CSTS 0x%x%s", csts, blocked_hint(e));
				async_fail_all(e);
				return nvme_async_poll(e, done);
			}
		}
		return -EAGAIN;
	}
	c = &n->async[cid % NVME_QDEPTH];
	if (!c->busy) {
		dma_engine_errmsg(e, "a completion for command id %u, which is not in flight", cid);
		async_fail_all(e);
		return nvme_async_poll(e, done);
	}
	c->busy = false;
	*done = (struct dma_completion){ .tag = c->tag };
	if (st >> 1) {
		nvme_status_describe(st >> 1, buf, sizeof(buf));
		dma_engine_errmsg(e, "%s of 0x%llx bytes at IOVA 0x%llx: %s", opc_name(c->opc),
				  (unsigned long long)c->len, (unsigned long long)c->iova, buf);
		done->result = -EIO;
	}
	return 0;
}

static int nvme_async_wait(struct dma_engine *e, unsigned int timeout_ms, struct dma_completion *done)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;

	for (unsigned int spin = 0;; spin++) {
		int ret = nvme_async_poll(e, done);

		if (ret != -EAGAIN)
			return ret;
		if (now_ns() > deadline) {
			/* silent: stop it, and the commands in flight are reported failed */
			dma_engine_errmsg(e, "no completion within %u ms%s", timeout_ms, blocked_hint(e));
			async_fail_all(e);
			return nvme_async_poll(e, done);
		}
		if (spin > 4096)
			pause_us(20);
	}
}

static const struct dma_async_ops nvme_async_ops = {
	.start = nvme_async_start,
	.poll = nvme_async_poll,
	.wait = nvme_async_wait,
};

const struct dma_engine_ops nvme_engine_ops = {
	.name = "nvme",
	.description = "NVMe controllers (class 01:08:02): Read into memory, Compare from memory "
		       "(Write with --allow-destructive), Identify; queues DMA-mapped in the "
		       "attached IOAS; faults reported as EIO",
	.probe = nvme_probe,
	.init = nvme_init,
	.remove = nvme_remove,
	.to_device = nvme_to_device,
	.from_device = nvme_from_device,
	.wait = nvme_wait,
	.summary = nvme_summary,
	.async = &nvme_async_ops,
	.limits = {
		.max_transfer = NVME_MAX_XFER, /* narrowed by MDTS at init */
		.device_window = NVME_DEV_IDENTIFY + NVME_IDENTIFY_SIZE,
		.iova_max = UINT64_MAX,
		.align = 4, /* PRP entries are dword-aligned */
		.pasid = false,
		.queue_depth = NVME_QDEPTH - 1, /* narrowed at init to the I/O queue's depth - 1 */
	},
	.reports_faults = false, /* see the header: blocked data may complete silently */
};
