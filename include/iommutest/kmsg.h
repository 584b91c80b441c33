/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel log as a witness: read /dev/kmsg and recognise the fault reports the IOMMU drivers
 * print (Intel VT-d's "DMAR: [DMA Write ...] Request device ...", Arm SMMUv3's "event: NAME
 * client: ...", AMD-Vi's "Event logged [IO_PAGE_FAULT ...]", virtio-iommu's "page fault from EP
 * N at ...", the RISC-V IOMMU's "Fault CAUSE devid: ..."), in the formats of Linux 7.2, and the
 * raw SMMUv3 event records of 6.12, which prints no "event:" line.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum iommu_fault_source {
	FAULT_SRC_VTD, FAULT_SRC_SMMUV3, FAULT_SRC_AMD_VI, FAULT_SRC_VIRTIO, FAULT_SRC_RISCV,
};

struct iommu_fault {
	enum iommu_fault_source source;
	char device[16]; /* PCI address "0000:00:02.0"; "" when the report names no PCI device */
	uint64_t iova;   /* the faulting DMA address */
	bool has_iova;
	bool write;      /* the request was a write (valid when has_dir) */
	bool has_dir;
	char reason[96]; /* "F_TRANSLATION", "C_BAD_STE", "IO_PAGE_FAULT", "fault reason 0x5b SM: ...",
			  * "page fault" (virtio-iommu), "cause 15 Write/AMO page fault" (RISC-V) */
	uint64_t seq;    /* the /dev/kmsg sequence number; 0 for a line without a record header */
	uint64_t usec;   /* its /dev/kmsg timestamp (microseconds since boot); 0 without a header */
};

/*
 * 1 and *f when line is one IOMMU fault report, 0 when it is not (ratelimit notices, the SMMUv3
 * raw dump and access lines, "DRHD: handling fault status reg", anything else). line may be a
 * /dev/kmsg record ("4,1234,19788326,-;text", its dictionary lines are ignored), a dmesg line
 * ("[   19.788326] text") or bare text. From the line alone an SMMUv3 fault has no direction:
 * the kernel prints it on the next line, which kmsg_read_faults() joins to the fault.
 */
int kmsg_parse_fault(const char *line, struct iommu_fault *f);
/* "vt-d", "smmuv3", "amd-vi", "virtio-iommu", "riscv-iommu"; "?" past the last */
const char *iommu_fault_source_name(enum iommu_fault_source s);
/* "smmuv3 F_TRANSLATION 0000:00:02.0 write iova 0x1200000"; unknown parts are left out */
void iommu_fault_describe(const struct iommu_fault *f, char *buf, size_t len);

struct kmsg_reader {
	int fd;
	uint64_t lost;       /* records overwritten before we read them (EPIPE, gaps in seq) */
	uint64_t suppressed; /* "N callbacks suppressed" counts of the fault printers */
	/* private: the last record's seq, and a fault whose next line may complete it */
	uint64_t last_seq;
	bool has_seq;
	bool holding;
	struct iommu_fault held;
	char held_origin[48]; /* the SMMUv3 instance that printed the held fault */
	/* an SMMUv3 raw event record being read: its id, words, instance and header's seq/usec */
	bool raw_open;
	unsigned int raw_id, raw_words;
	uint64_t raw[4], raw_seq, raw_usec;
	char raw_origin[48];
};

/*
 * Open /dev/kmsg read-only and non-blocking, at its end: only records logged from now on are
 * read, and the log is never cleared. 0, or -errno: -EPERM/-EACCES (dmesg_restrict, not root),
 * -ENOENT (no /dev/kmsg).
 */
int kmsg_open(struct kmsg_reader *r);
/*
 * Read every record logged since the last call, without blocking, and call cb(ctx, fault) (cb
 * may be NULL) for each IOMMU fault report, in log order. Records lost to the ring buffer
 * wrapping are counted in r->lost (the gap in sequence numbers; 1 when there is no number yet)
 * and reading goes on. The number of fault reports, or -errno. An SMMUv3 fault is reported when
 * the line after it has been read, with the direction that line gives; when this read ends on
 * the fault, it is reported without. A raw SMMUv3 record (6.12) is reported once its four words
 * and the line after them are read (7.2's "event:" line there replaces it), or the read ends;
 * its device is the PCI function whose requester ID is its stream ID.
 * r->fd may be any non-blocking descriptor that yields kernel log text: /dev/kmsg gives one
 * record per read(), a pipe or a file may give many; both are split at newlines, and a last
 * line without one is taken as it is.
 */
int kmsg_read_faults(struct kmsg_reader *r, void (*cb)(void *ctx, const struct iommu_fault *f),
		     void *ctx);
void kmsg_close(struct kmsg_reader *r);
