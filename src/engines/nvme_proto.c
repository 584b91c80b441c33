// SPDX-License-Identifier: GPL-2.0-only
/* NVMe arithmetic for the nvme engine, kept pure so the unit tests reach it (see nvme.h). */
#include <errno.h>
#include <stdio.h>

#include "iommutest/nvme.h"
#include "iommutest/util.h"

void nvme_cap_decode(uint64_t cap, struct nvme_cap *c)
{
	uint32_t to = (uint32_t)(cap >> 24) & 0xff;

	c->mqes = (uint32_t)(cap & 0xffff) + 1;
	c->timeout_ms = (to ? to : 1) * 500u; /* 500 ms units; 0 would be no time at all */
	c->db_stride = 4u << ((cap >> 32) & 0xf);
	c->css_nvm = (cap >> 37) & 1;
	c->mps_min_shift = 12 + (unsigned int)((cap >> 48) & 0xf);
	c->mps_max_shift = 12 + (unsigned int)((cap >> 52) & 0xf);
}

uint64_t nvme_mdts_bytes(uint8_t mdts, unsigned int mps_min_shift)
{
	if (!mdts || mdts + mps_min_shift >= 63)
		return 0;
	return 1ull << (mdts + mps_min_shift);
}

int nvme_prp_build(uint64_t iova, uint64_t len, unsigned int page_shift, uint64_t *list,
		   size_t list_cap, uint64_t list_iova, uint64_t *prp1, uint64_t *prp2)
{
	uint64_t page = 1ull << page_shift, first, rest, next, last;
	size_t n;

	if (!len || (iova & 3) || (list_iova & 7) || add_overflows(iova, len - 1, &last))
		return -EINVAL;
	first = page - (iova & (page - 1));
	if (first > len)
		first = len;
	*prp1 = iova;
	*prp2 = 0;
	rest = len - first;
	if (!rest)
		return 0;
	next = iova + first; /* page-aligned from here on */
	if (rest <= page) {
		*prp2 = next;
		return 0;
	}
	n = (size_t)((rest + page - 1) >> page_shift);
	/* one list, no chaining: it must not cross a page of its own */
	if (n > list_cap || (list_iova & (page - 1)) + n * sizeof(uint64_t) > page)
		return -E2BIG;
	for (size_t i = 0; i < n; i++)
		list[i] = next + i * page;
	*prp2 = list_iova;
	return (int)n;
}

static const struct {
	uint8_t sct, sc;
	const char *name;
} nvme_status_names[] = {
	{ 0, 0x00, "Successful Completion" },
	{ 0, 0x01, "Invalid Command Opcode" },
	{ 0, 0x02, "Invalid Field in Command" },
	{ 0, 0x03, "Command ID Conflict" },
	{ 0, 0x04, "Data Transfer Error" },
	{ 0, 0x05, "Commands Aborted due to Power Loss" },
	{ 0, 0x06, "Internal Error" },
	{ 0, 0x07, "Command Abort Requested" },
	{ 0, 0x08, "Command Aborted due to SQ Deletion" },
	{ 0, 0x0b, "Invalid Namespace or Format" },
	{ 0, 0x13, "PRP Offset Invalid" },
	{ 0, 0x22, "Transient Transport Error" },
	{ 0, 0x80, "LBA Out of Range" },
	{ 0, 0x81, "Capacity Exceeded" },
	{ 0, 0x82, "Namespace Not Ready" },
	{ 1, 0x00, "Completion Queue Invalid" },
	{ 1, 0x01, "Invalid Queue Identifier" },
	{ 1, 0x02, "Invalid Queue Size" },
	{ 1, 0x08, "Invalid Interrupt Vector" },
	{ 2, 0x80, "Write Fault" },
	{ 2, 0x81, "Unrecovered Read Error" },
	{ 2, 0x85, "Compare Failure" },
	{ 2, 0x86, "Access Denied" },
};

void nvme_status_describe(uint16_t status, char *buf, size_t len)
{
	unsigned int sct = NVME_STATUS_SCT(status), sc = NVME_STATUS_SC(status);
	const char *name = "unknown status";

	for (size_t i = 0; i < ARRAY_SIZE(nvme_status_names); i++)
		if (nvme_status_names[i].sct == sct && nvme_status_names[i].sc == sc)
			name = nvme_status_names[i].name;
	snprintf(buf, len, "SCT %u SC 0x%02x (%s)%s", sct, sc, name,
		 NVME_STATUS_DNR(status) ? ", DNR" : "");
}

int nvme_lba_range(uint64_t dev_off, uint64_t len, unsigned int lba_shift, uint64_t window,
		   uint64_t *slba, uint32_t *nlb)
{
	uint64_t mask = (1ull << lba_shift) - 1, end, n;

	if (!len || (dev_off & mask) || (len & mask))
		return -EINVAL;
	if (add_overflows(dev_off, len, &end) || end > window)
		return -ERANGE;
	n = len >> lba_shift;
	if (n > 65536) /* NLB is 16 bits, 0-based */
		return -E2BIG;
	*slba = dev_off >> lba_shift;
	*nlb = (uint32_t)n;
	return 0;
}
