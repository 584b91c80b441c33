// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU fault reports in the kernel log. Each driver prints a fault as one line, in the formats
 * of Linux 7.2 (the printk calls are quoted above each parser); a few lines around them matter
 * too: the SMMUv3 access line that says the direction, AMD-Vi's device line after "Device not
 * attached", and the ratelimit notices that say how many reports were not printed. virtio-iommu
 * and the RISC-V IOMMU name the device by a number, not a PCI address (see take_rid()). An SMMUv3
 * of Linux 6.12 prints only the raw event record (a header and four 64-bit words), which is
 * decoded here the way 7.2 decodes it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommutest/kmsg.h"
#include "iommutest/util.h"
#include "iommutest/vfio.h"

#define LOG_LINE_MAX 1024   /* the part of a line we look at; every line we recognise is shorter */
#define KMSG_READ_MAX 8192  /* bytes per read(): more than a record (the kernel's is 2048) */
#define AMD_EVENT_FLAG_RW 0x020 /* the request was a write (amd_iommu_types.h EVENT_FLAG_RW) */

enum line_kind { LINE_OTHER, LINE_FAULT, LINE_DETAIL, LINE_SUPPRESSED, LINE_RAW_EVENT, LINE_RAW_WORD };

/* What one line of the log says. */
struct log_line {
	enum line_kind kind;
	struct iommu_fault fault; /* FAULT: the report; DETAIL: what it adds (direction or device) */
	char origin[48];          /* the SMMUv3 instance that printed it ("9050000.smmuv3") */
	bool has_seq;             /* the line had a /dev/kmsg record header (seq in fault.seq) */
	uint64_t suppressed;      /* SUPPRESSED: how many */
	uint64_t raw;             /* RAW_EVENT: the SMMUv3 event id; RAW_WORD: the word */
};

/* the functions whose ratelimit guards a fault printer: "dmar_fault: 17 callbacks suppressed"
 * (6.12's SMMUv3 prints from arm_smmu_evtq_thread itself) */
static const char *const fault_printers[] = {
	"dmar_fault", "arm_smmu_dump_event", "arm_smmu_evtq_thread", "amd_iommu_report_page_fault",
	"viommu_fault_handler", "riscv_iommu_fault", NULL,
};

/* SMMUv3 event ids (arm-smmu-v3.h EVT_ID_*) by the names 7.2's event_str[] prints */
static const struct {
	uint8_t id;
	const char *name;
} smmuv3_events[] = {
	{ 0x02, "C_BAD_STREAMID" }, { 0x03, "F_STE_FETCH" }, { 0x04, "C_BAD_STE" },
	{ 0x06, "F_STREAM_DISABLED" }, { 0x08, "C_BAD_SUBSTREAMID" }, { 0x09, "F_CD_FETCH" },
	{ 0x0a, "C_BAD_CD" }, { 0x10, "F_TRANSLATION" }, { 0x11, "F_ADDR_SIZE" },
	{ 0x12, "F_ACCESS" }, { 0x13, "F_PERMISSION" }, { 0x25, "F_VMS_FETCH" },
};
#define SMMUV3_EVT_SID(w0) ((w0) >> 32)            /* EVTQ_0_SID */
#define SMMUV3_EVT_READ(w1) (((w1) >> 35) & 1)     /* EVTQ_1_RnW */

/* the AMD-Vi events that report a device's request; the others are the IOMMU's own errors */
static const char *const amd_request_faults[] = { "IO_PAGE_FAULT", "ILLEGAL_DEV_TABLE_ENTRY", NULL };
#define AMD_NOT_ATTACHED "Device not attached to domain properly"

static const char *const source_names[] = {
	[FAULT_SRC_VTD] = "vt-d", [FAULT_SRC_SMMUV3] = "smmuv3", [FAULT_SRC_AMD_VI] = "amd-vi",
	[FAULT_SRC_VIRTIO] = "virtio-iommu", [FAULT_SRC_RISCV] = "riscv-iommu",
};

const char *iommu_fault_source_name(enum iommu_fault_source s)
{
	return (size_t)s < ARRAY_SIZE(source_names) ? source_names[s] : "?";
}

/* s past prefix, or NULL when s does not start with it */
static const char *after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) ? NULL : s + n;
}

/* s past whichever of a and b it starts with, or NULL */
static const char *after_either(const char *s, const char *a, const char *b)
{
	const char *p = after(s, a);

	return p ? p : after(s, b);
}

/* an unsigned number in base (16: with or without 0x) at *p; moves *p past it */
static bool take_number(const char **p, int base, uint64_t *v)
{
	char *end;

	if (base == 16 ? !isxdigit((unsigned char)**p) : !isdigit((unsigned char)**p))
		return false;
	errno = 0;
	*v = strtoull(*p, &end, base);
	if (errno)
		return false;
	*p = end;
	return true;
}

/* the PCI address s[0..len) as f's device, "00:02.0" given domain 0000; "" when it is none */
static void take_device(const char *s, size_t len, struct iommu_fault *f)
{
	char name[sizeof(f->device)];

	f->device[0] = '\0';
	if (len >= sizeof(name))
		return;
	memcpy(name, s, len);
	name[len] = '\0';
	if (pci_bdf_normalize(name, f->device, sizeof(f->device)))
		f->device[0] = '\0';
}

/*
 * A PCI requester ID (bus << 8 | devfn) as f's device "0000:BB:DD.F"; "" for a number wider than
 * 16 bits. virtio-iommu's endpoint IDs and the RISC-V IOMMU's device_ids are whatever the firmware
 * maps each RID to (ACPI VIOT / RIMT, the device tree's iommu-map). QEMU maps them one to one
 * (its VIOT on x86 q35; the iommu-map it writes on arm64 and riscv64 virt, identity but for the
 * IOMMU's own RID), segment 0, so there the number is the RID. A platform that maps them
 * otherwise (an offset, a segment in bits 16 and up) makes the number name some other RID: mostly
 * no device of the scenario, so the report is not attributed and counts as missed (a "fault":
 * true step fails); only a map that sends one device under test onto another's RID would count
 * its faults for the other. The map itself (/sys/firmware/devicetree/.../iommu-map, the ACPI
 * VIOT or RIMT table) is not read: the identity is assumed.
 */
static void take_rid(uint64_t rid, struct iommu_fault *f)
{
	f->device[0] = '\0';
	if (rid <= 0xffff)
		snprintf(f->device, sizeof(f->device), "0000:%02x:%02x.%x", (unsigned int)(rid >> 8),
			 (unsigned int)(rid >> 3) & 0x1f, (unsigned int)rid & 7);
}

/*
 * A /dev/kmsg record header "PRIO,SEQ,USEC,FLAGS[,caller=T1];": the text after it, or NULL.
 * PRIO is facility << 3 | level.
 */
static const char *after_record_header(const char *line, uint64_t *prio, uint64_t *seq,
				       uint64_t *usec)
{
	const char *p = line;

	if (!take_number(&p, 10, prio) || *p++ != ',')
		return NULL;
	if (!take_number(&p, 10, seq) || *p++ != ',')
		return NULL;
	if (!take_number(&p, 10, usec) || *p != ',')
		return NULL;
	p = strchr(p, ';');
	return p ? p + 1 : NULL;
}

/* a console bracket: "[   19.788326]" (timestamp) or "[  T123]" (caller id); past it, or NULL */
static const char *after_bracket(const char *p, bool timestamp)
{
	if (*p++ != '[')
		return NULL;
	while (*p == ' ')
		p++;
	if (!timestamp && (*p == 'T' || *p == 'C'))
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	if (timestamp) {
		if (*p++ != '.')
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == ']' ? p + 1 : NULL;
}

/*
 * The message of a record, a dmesg line or bare text (line is one line); NULL for a record user
 * space wrote (any facility but the kernel's 0), which is no report whatever it says.
 */
static const char *message_of(const char *line, struct log_line *out)
{
	uint64_t prio;
	const char *p = after_record_header(line, &prio, &out->fault.seq, &out->fault.usec);
	const char *caller;

	if (p) {
		out->has_seq = true;
		return prio >> 3 ? NULL : p;
	}
	out->fault.seq = 0;
	out->fault.usec = 0;
	p = after_bracket(line, true);
	if (!p)
		return line;
	caller = after_bracket(p, false);
	if (caller)
		p = caller;
	return *p == ' ' ? p + 1 : p;
}

/* "arm_smmu_dump_event: 1014 callbacks suppressed" (lib/ratelimit.c, for a fault printer) */
static bool parse_suppressed(const char *msg, struct log_line *out)
{
	size_t len = strcspn(msg, ":");
	char func[48];
	const char *p = msg + len;

	if (!*p || len >= sizeof(func))
		return false;
	memcpy(func, msg, len);
	func[len] = '\0';
	if (string_list_find(fault_printers, func) < 0)
		return false;
	p = after(p, ": ");
	if (!p || !take_number(&p, 10, &out->suppressed) || strcmp(p, " callbacks suppressed"))
		return false;
	out->kind = LINE_SUPPRESSED;
	return true;
}

/*
 * drivers/iommu/intel/dmar.c dmar_fault_do_one(), pr_fmt "DMAR: ":
 *   "[%s NO_PASID] Request device [%04x:%02x:%02x.%d] fault addr 0x%llx [fault reason 0x%02x] %s"
 *   "[%s PASID 0x%x] Request device [...] fault addr 0x%llx [fault reason 0x%02x] %s"
 *   "[INTR-REMAP] Request device [...] fault index 0x%llx [fault reason 0x%02x] %s"
 * %s first is "DMA Read" or "DMA Write". Older kernels print the device as "[00:02.0]".
 */
static bool parse_vtd(const char *msg, struct log_line *out)
{
	struct iommu_fault *f = &out->fault;
	const char *p = after(msg, "DMAR: [");
	const char *dev, *dev_end;
	uint64_t code;

	if (!p)
		return false;
	if (after(p, "DMA Write"))
		f->write = f->has_dir = true;
	else if (after(p, "DMA Read"))
		f->has_dir = true;
	else if (!after(p, "INTR-REMAP]"))
		return false;

	dev = strstr(p, "] Request device [");
	if (!dev)
		return false;
	dev += strlen("] Request device [");
	dev_end = strchr(dev, ']');
	if (!dev_end)
		return false;
	take_device(dev, (size_t)(dev_end - dev), f);

	if (f->has_dir) { /* a DMA request: its address; an interrupt has an index instead */
		p = strstr(dev_end, " fault addr ");
		if (!p)
			return false;
		p += strlen(" fault addr ");
		if (!take_number(&p, 16, &f->iova))
			return false;
		f->has_iova = true;
	}
	p = strstr(dev_end, " [fault reason ");
	if (!p)
		return false;
	p += strlen(" [fault reason ");
	if (!take_number(&p, 16, &code) || *p++ != ']')
		return false;
	snprintf(f->reason, sizeof(f->reason), "fault reason 0x%02" PRIx64 "%s", code, p);
	f->source = FAULT_SRC_VTD;
	out->kind = LINE_FAULT;
	return true;
}

/*
 * drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c arm_smmu_dump_event(), dev_err(smmu->dev) so
 * "arm-smmu-v3 NAME: " first, after the raw dump ("event 0x10 received:" and four "\t0x..." lines):
 *   "event: %s client: %s sid: %#x ssid: %#x iova: %#llx ipa: %#llx"  translation, address size,
 *                                                                     access, permission faults
 *   "event: %s client: %s sid: %#x ssid: %#x fetch_addr: %#llx"       STE, CD, VMS fetch faults
 *   "event: %s client: %s sid: %#x ssid: %#x"                         the others (C_BAD_STE...)
 * client is the device's name, "(unassigned sid)" when no device owns the stream. The line
 * after an iova line says the direction:
 *   "%s %s %s %s \"%s\"%s%s stag: %#x"  ("unpriv data write s1 \"Input address caused fault\" ...")
 */
static bool parse_smmuv3_event(const char *p, struct log_line *out)
{
	struct iommu_fault *f = &out->fault;
	const char *end = strstr(p, " client: ");

	if (!end || end == p || (size_t)(end - p) >= sizeof(f->reason))
		return false;
	memcpy(f->reason, p, (size_t)(end - p));
	f->reason[end - p] = '\0';
	p = end + strlen(" client: ");
	end = strstr(p, " sid: ");
	if (!end)
		return false;
	take_device(p, (size_t)(end - p), f);
	p = strstr(end, " iova: ");
	if (p) {
		p += strlen(" iova: ");
		if (!take_number(&p, 16, &f->iova))
			return false;
		f->has_iova = true;
	}
	out->kind = LINE_FAULT;
	return true;
}

static bool parse_smmuv3_access(const char *p, struct log_line *out)
{
	const char *rest;

	p = after_either(p, "unpriv ", "priv ");
	if (p)
		p = after_either(p, "data ", "inst ");
	if (!p)
		return false;
	rest = after(p, "write ");
	if (rest)
		out->fault.write = true;
	else
		rest = after(p, "read ");
	if (!rest || !after_either(rest, "s1 \"", "s2 \""))
		return false;
	out->fault.has_dir = true;
	out->kind = LINE_DETAIL;
	return true;
}

/*
 * The raw record, arm_smmu_evtq_thread() (6.12, dev_info) and arm_smmu_dump_raw_event() (7.2,
 * dev_err, before its "event:" line): "event 0x%02x received:", then "\t0x%016llx" per word, four
 * of them. /dev/kmsg escapes the tab as "\x09".
 */
static bool parse_smmuv3_raw(const char *p, struct log_line *out)
{
	const char *word = after_either(p, "\t0x", "\\x090x");

	if (word) {
		if (!take_number(&word, 16, &out->raw) || *word)
			return false;
		out->kind = LINE_RAW_WORD;
		return true;
	}
	p = after(p, "event 0x");
	if (!p || !take_number(&p, 16, &out->raw) || strcmp(p, " received:"))
		return false;
	out->kind = LINE_RAW_EVENT;
	return true;
}

static bool parse_smmuv3(const char *msg, struct log_line *out)
{
	const char *name = after(msg, "arm-smmu-v3 ");
	const char *text, *event;

	if (!name)
		return false;
	text = strstr(name, ": ");
	if (!text || (size_t)(text - name) >= sizeof(out->origin))
		return false;
	memcpy(out->origin, name, (size_t)(text - name));
	out->origin[text - name] = '\0';
	text += 2;
	out->fault.source = FAULT_SRC_SMMUV3;
	event = after(text, "event: ");
	if (event)
		return parse_smmuv3_event(event, out);
	return parse_smmuv3_raw(text, out) || parse_smmuv3_access(text, out);
}

/* the value after key (" address=") in s, or NULL */
static const char *field_value(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? p + strlen(key) : NULL;
}

/*
 * drivers/iommu/amd/iommu.c, pr_fmt and dev_fmt "AMD-Vi: ". amd_iommu_report_page_fault():
 *   pci_err(pdev, "Event logged [IO_PAGE_FAULT domain=0x%04x address=0x%llx flags=0x%04x]")
 *     a device the driver knows, named in the prefix: "vfio-pci 0000:00:03.0: AMD-Vi: Event ..."
 *   pr_err_ratelimited("Event logged [IO_PAGE_FAULT device=%04x:%02x:%02x.%x domain=0x%04x
 *                       address=0x%llx flags=0x%04x]")                              one it does not
 *   pr_err_ratelimited("Event logged [Device not attached to domain properly]") and the next line
 *   pr_err_ratelimited("  device=%04x:%02x:%02x.%x domain=0x%04x")
 * iommu_print_event(): dev_err(iommu dev, "Event logged [ILLEGAL_DEV_TABLE_ENTRY device=%04x:%02x:
 *   %02x.%x pasid=0x%05x address=0x%llx flags=0x%04x]"). flags & EVENT_FLAG_RW: a write.
 */
static bool parse_amd_vi(const char *msg, struct log_line *out)
{
	static const char event_prefix[] = "AMD-Vi: Event logged [";
	struct iommu_fault *f = &out->fault;
	const char *event = strstr(msg, event_prefix);
	const char *p, *dev;
	uint64_t flags;
	size_t len;

	f->source = FAULT_SRC_AMD_VI;
	if (!event) {
		p = after(msg, "AMD-Vi:   device=");
		if (!p)
			return false;
		take_device(p, strcspn(p, " "), f);
		out->kind = LINE_DETAIL;
		return f->device[0] != '\0';
	}
	if (event != msg) { /* dev_printk's "DRIVER DEVICE: " */
		if (event - msg < 2 || event[-2] != ':' || event[-1] != ' ')
			return false;
		for (dev = event - 2; dev > msg && dev[-1] != ' '; dev--)
			;
		take_device(dev, (size_t)(event - 2 - dev), f);
	}
	p = event + strlen(event_prefix);
	if (after(p, AMD_NOT_ATTACHED "]")) {
		snprintf(f->reason, sizeof(f->reason), "%s", AMD_NOT_ATTACHED);
		out->kind = LINE_FAULT;
		return true;
	}
	len = strcspn(p, " ]");
	if (len >= sizeof(f->reason))
		return false;
	memcpy(f->reason, p, len);
	f->reason[len] = '\0';
	if (string_list_find(amd_request_faults, f->reason) < 0)
		return false;
	p += len;
	dev = field_value(p, " device=");
	if (dev)
		take_device(dev, strcspn(dev, " ,]"), f);
	p = field_value(p, " address=");
	if (!p || !take_number(&p, 16, &f->iova))
		return false;
	f->has_iova = true;
	p = field_value(p, " flags=");
	if (p && take_number(&p, 16, &flags)) {
		f->write = flags & AMD_EVENT_FLAG_RW;
		f->has_dir = true;
	}
	out->kind = LINE_FAULT;
	return true;
}

/* past a dev_printk prefix "DRIVER DEVICE: " whose DRIVER is one of drivers, or NULL */
static const char *after_dev_prefix(const char *msg, const char *const *drivers)
{
	size_t len = strcspn(msg, " ");
	char driver[24];
	const char *p;

	if (!msg[len] || len >= sizeof(driver))
		return NULL;
	memcpy(driver, msg, len);
	driver[len] = '\0';
	if (string_list_find(drivers, driver) < 0)
		return NULL;
	p = msg + len + 1;
	len = strcspn(p, " ");
	return len > 1 && p[len - 1] == ':' && p[len] == ' ' ? p + len + 1 : NULL;
}

/*
 * drivers/iommu/virtio-iommu.c viommu_fault_handler(), dev_err_ratelimited(viommu->dev) so
 * "virtio_iommu virtioN: " first:
 *   "%s fault from EP %u at %#llx [%s%s%s]"  with VIRTIO_IOMMU_FAULT_F_ADDRESS
 *   "%s fault from EP %u"                     without
 * %s first is "page", "domain" or "unknown" (the fault's reason); the brackets hold "R", "W", "X"
 * for the flags VIRTIO_IOMMU_FAULT_F_READ, _WRITE, _EXEC, each or none: QEMU sets R or W only on
 * a permission fault, so an unmapped IOVA prints "[]". EP is the endpoint ID: a RID (take_rid()).
 * %#llx prints 0 as "0".
 */
static const char *const virtio_drivers[] = { "virtio_iommu", NULL };
static const char *const virtio_reasons[] = { "page", "domain", "unknown", NULL };

static bool parse_virtio(const char *msg, struct log_line *out)
{
	struct iommu_fault *f = &out->fault;
	const char *p = after_dev_prefix(msg, virtio_drivers);
	const char *end = p ? strstr(p, " fault from EP ") : NULL;
	bool read, write, exec;
	char reason[16];
	uint64_t ep;

	if (!end || (size_t)(end - p) >= sizeof(reason))
		return false;
	memcpy(reason, p, (size_t)(end - p));
	reason[end - p] = '\0';
	if (string_list_find(virtio_reasons, reason) < 0)
		return false;
	p = end + strlen(" fault from EP ");
	if (!take_number(&p, 10, &ep))
		return false;
	if (*p) {
		p = after(p, " at ");
		if (!p || !take_number(&p, 16, &f->iova) || !(p = after(p, " [")))
			return false;
		read = *p == 'R';
		p += read;
		write = *p == 'W';
		p += write;
		exec = *p == 'X'; /* a read for execute */
		p += exec;
		if (strcmp(p, "]"))
			return false;
		f->has_iova = true;
		/* none, or both a read and a write: the report gives no one direction */
		f->has_dir = (read || exec) != write;
		f->write = f->has_dir && write;
	}
	snprintf(f->reason, sizeof(f->reason), "%s fault", reason);
	take_rid(ep, f);
	f->source = FAULT_SRC_VIRTIO;
	out->kind = LINE_FAULT;
	return true;
}

/*
 * drivers/iommu/riscv/iommu.c riscv_iommu_fault(), for a fault-queue record whose CAUSE is not 0,
 * dev_warn_ratelimited(iommu->dev) so "DRIVER DEVICE: " first ("iommu_pci 0000:00:01.0: " for
 * QEMU's riscv-iommu-pci, "riscv,iommu 3010000.iommu: " for the platform device):
 *   "Fault %d devid: 0x%x iotval: %llx iotval2: %llx"
 * %d is the CAUSE, devid the record's DID (a RID for PCI: take_rid()), iotval in hex without 0x.
 * The causes are the specification's table (iommu-bits.h RISCV_IOMMU_FQ_CAUSE_*). The line leaves
 * out the record's TTYP; by the specification iotval is the IOVA when TTYP is a transaction with
 * one, a PCIe message's code for a message and cause-defined without a transaction (then DID
 * is 0). So iotval is taken as the IOVA only for the causes that are faults of an address's
 * translation or access (below 256); the device only for causes a device's request raises.
 */
static const char *const riscv_drivers[] = { "iommu_pci", "riscv,iommu", NULL };
enum riscv_dir { RV_NONE, RV_READ, RV_WRITE };

static const struct riscv_cause {
	uint16_t code;
	uint8_t dir;     /* a read (also for execute) or a write/AMO, when the cause says so */
	bool no_device;  /* may come with no transaction (DID 0): the IOMMU's own */
	const char *name;
} riscv_causes[] = {
	{ 1, RV_READ, false, "Instruction access fault" },
	{ 4, RV_READ, false, "Read address misaligned" },
	{ 5, RV_READ, false, "Read access fault" },
	{ 6, RV_WRITE, false, "Write/AMO address misaligned" },
	{ 7, RV_WRITE, false, "Write/AMO access fault" },
	{ 12, RV_READ, false, "Instruction page fault" },
	{ 13, RV_READ, false, "Read page fault" },
	{ 15, RV_WRITE, false, "Write/AMO page fault" },
	{ 20, RV_READ, false, "Instruction guest page fault" },
	{ 21, RV_READ, false, "Read guest-page fault" },
	{ 23, RV_WRITE, false, "Write/AMO guest-page fault" },
	{ 256, RV_NONE, false, "All inbound transactions disallowed" },
	{ 257, RV_NONE, false, "DDT entry load access fault" },
	{ 258, RV_NONE, false, "DDT entry not valid" },
	{ 259, RV_NONE, false, "DDT entry misconfigured" },
	{ 260, RV_NONE, false, "Transaction type disallowed" },
	{ 261, RV_NONE, false, "MSI PTE load access fault" },
	{ 262, RV_NONE, false, "MSI PTE not valid" },
	{ 263, RV_NONE, false, "MSI PTE misconfigured" },
	{ 264, RV_NONE, false, "MRIF access fault" },
	{ 265, RV_NONE, false, "PDT entry load access fault" },
	{ 266, RV_NONE, false, "PDT entry not valid" },
	{ 267, RV_NONE, false, "PDT entry misconfigured" },
	{ 268, RV_NONE, false, "DDT data corruption" },
	{ 269, RV_NONE, false, "PDT data corruption" },
	{ 270, RV_NONE, false, "MSI PT data corruption" },
	{ 271, RV_NONE, false, "MSI MRIF data corruption" },
	{ 272, RV_NONE, true, "Internal data path error" },
	{ 273, RV_NONE, true, "IOMMU MSI write access fault" },
	{ 274, RV_NONE, false, "First/second-stage PT data corruption" },
};
#define RISCV_CAUSE_ADDRESS_MAX 255 /* the causes up to here: iotval is the IOVA */

static bool parse_riscv(const char *msg, struct log_line *out)
{
	struct iommu_fault *f = &out->fault;
	const char *p = after_dev_prefix(msg, riscv_drivers);
	const struct riscv_cause *c = NULL;
	uint64_t cause, devid, iotval, iotval2;

	if (!p || !(p = after(p, "Fault ")) || !take_number(&p, 10, &cause) || !cause ||
	    !(p = after(p, " devid: 0x")) || !take_number(&p, 16, &devid) ||
	    !(p = after(p, " iotval: ")) || !take_number(&p, 16, &iotval) ||
	    !(p = after(p, " iotval2: ")) || !take_number(&p, 16, &iotval2) || *p)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(riscv_causes); i++)
		if (riscv_causes[i].code == cause)
			c = &riscv_causes[i];
	if (c)
		snprintf(f->reason, sizeof(f->reason), "cause %" PRIu64 " %s", cause, c->name);
	else /* reserved or custom: nothing known of it but the number */
		snprintf(f->reason, sizeof(f->reason), "cause %" PRIu64, cause);
	if (c && !c->no_device)
		take_rid(devid, f);
	if (c && cause <= RISCV_CAUSE_ADDRESS_MAX) {
		f->iova = iotval;
		f->has_iova = true;
	}
	if (c && c->dir != RV_NONE) {
		f->has_dir = true;
		f->write = c->dir == RV_WRITE;
	}
	f->source = FAULT_SRC_RISCV;
	out->kind = LINE_FAULT;
	return true;
}

static bool (*const line_parsers[])(const char *msg, struct log_line *out) = {
	parse_suppressed, parse_vtd, parse_smmuv3, parse_amd_vi, parse_virtio, parse_riscv,
};

/* what line says; only its first line counts (a record's dictionary lines follow it) */
static void parse_line(const char *line, struct log_line *out)
{
	struct log_line plain = { .kind = LINE_OTHER };
	char text[LOG_LINE_MAX];
	size_t len = strcspn(line, "\n");
	const char *msg;

	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	memcpy(text, line, len);
	text[len] = '\0';

	msg = message_of(text, &plain);
	for (size_t i = 0; msg && i < ARRAY_SIZE(line_parsers); i++) {
		*out = plain;
		if (line_parsers[i](msg, out))
			return;
	}
	*out = plain;
}

int kmsg_parse_fault(const char *line, struct iommu_fault *f)
{
	struct log_line l;

	parse_line(line, &l);
	if (l.kind != LINE_FAULT)
		return 0;
	*f = l.fault;
	return 1;
}

void iommu_fault_describe(const struct iommu_fault *f, char *buf, size_t len)
{
	char device[24] = "", dir[8] = "", iova[32] = "";

	if (f->device[0])
		snprintf(device, sizeof(device), " %s", f->device);
	if (f->has_dir)
		snprintf(dir, sizeof(dir), " %s", f->write ? "write" : "read");
	if (f->has_iova)
		snprintf(iova, sizeof(iova), " iova 0x%" PRIx64, f->iova);
	snprintf(buf, len, "%s %s%s%s%s", iommu_fault_source_name(f->source), f->reason, device, dir,
		 iova);
}

int kmsg_open(struct kmsg_reader *r)
{
	int fd, ret;

	*r = (struct kmsg_reader){ .fd = -1 };
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* after the last record: only what is logged from now on */
	if (lseek(fd, 0, SEEK_END) < 0) {
		ret = -errno;
		goto err_close;
	}
	r->fd = fd;
	return 0;

err_close:
	close(fd);
	return ret;
}

void kmsg_close(struct kmsg_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* where kmsg_read_faults() delivers the faults */
struct fault_sink {
	void (*cb)(void *ctx, const struct iommu_fault *f);
	void *ctx;
	int count;
};

static void deliver(struct fault_sink *sink, const struct iommu_fault *f)
{
	sink->count++;
	if (sink->cb)
		sink->cb(sink->ctx, f);
}

/* a fault the next line may complete: SMMUv3's access line, AMD-Vi's device line */
static bool awaits_detail(const struct iommu_fault *f)
{
	if (f->source == FAULT_SRC_SMMUV3)
		return f->has_iova && !f->has_dir;
	return f->source == FAULT_SRC_AMD_VI && !f->device[0];
}

static void deliver_held(struct kmsg_reader *r, struct fault_sink *sink)
{
	if (r->holding)
		deliver(sink, &r->held);
	r->holding = false;
}

/*
 * The fault a whole raw SMMUv3 record says, as 7.2's arm_smmu_decode_event() reads it: the event,
 * the stream ID, for the translation faults (0x10-0x13) the input address and the direction. Its
 * device is the PCI function whose requester ID on segment 0 is the stream ID: the identity
 * iommu-map of QEMU's virt machine (and of most single-segment hosts); 6.12 prints no client.
 */
static void raw_fault(const struct kmsg_reader *r, struct iommu_fault *f)
{
	uint64_t sid = SMMUV3_EVT_SID(r->raw[0]);
	char bdf[16];

	*f = (struct iommu_fault){ .source = FAULT_SRC_SMMUV3, .seq = r->raw_seq, .usec = r->raw_usec };
	snprintf(f->reason, sizeof(f->reason), "event 0x%02x", r->raw_id);
	for (size_t i = 0; i < ARRAY_SIZE(smmuv3_events); i++)
		if (smmuv3_events[i].id == r->raw_id)
			snprintf(f->reason, sizeof(f->reason), "%s", smmuv3_events[i].name);
	if (sid <= 0xffff) {
		snprintf(bdf, sizeof(bdf), "%02x:%02x.%x", (unsigned int)(sid >> 8),
			 (unsigned int)(sid >> 3) & 0x1f, (unsigned int)sid & 7);
		take_device(bdf, strlen(bdf), f);
	}
	if (r->raw_id >= 0x10 && r->raw_id <= 0x13) {
		f->iova = r->raw[2];
		f->has_iova = true;
		f->write = !SMMUV3_EVT_READ(r->raw[1]);
		f->has_dir = true;
	}
}

/*
 * A raw SMMUv3 record the lines so far completed: 7.2 follows it with its own "event:" line (the
 * report, which replaces it), 6.12 with nothing, so anything else that comes, or the end of the
 * read, reports it.
 */
static void take_raw(struct kmsg_reader *r, const struct log_line *l, struct fault_sink *sink)
{
	if (r->raw_words == ARRAY_SIZE(r->raw)) {
		bool decoded = l && l->kind == LINE_FAULT && l->fault.source == FAULT_SRC_SMMUV3 &&
			       !strcmp(l->origin, r->raw_origin);
		struct iommu_fault f;

		if (!decoded) {
			raw_fault(r, &f);
			deliver(sink, &f);
		}
		r->raw_words = 0;
		r->raw_open = false;
	}
	if (!l)
		return;
	if (l->kind == LINE_RAW_EVENT) {
		r->raw_open = true;
		r->raw_words = 0;
		r->raw_id = (unsigned int)l->raw;
		r->raw_seq = l->fault.seq;
		r->raw_usec = l->fault.usec;
		memcpy(r->raw_origin, l->origin, sizeof(r->raw_origin));
	} else if (l->kind == LINE_RAW_WORD && r->raw_open && !strcmp(l->origin, r->raw_origin)) {
		r->raw[r->raw_words++] = l->raw;
	} else {
		r->raw_open = false; /* a record cut short: nothing to decode */
	}
}

static void take_line(struct kmsg_reader *r, const char *line, struct fault_sink *sink)
{
	struct log_line l;

	if (line[0] == ' ') /* a record's dictionary line: " SUBSYSTEM=pci", " DEVICE=+pci:..." */
		return;
	parse_line(line, &l);
	if (l.has_seq) {
		/* a gap: records overwritten before we read them */
		if (r->has_seq && l.fault.seq > r->last_seq + 1)
			r->lost += l.fault.seq - r->last_seq - 1;
		r->last_seq = l.fault.seq;
		r->has_seq = true;
	}
	if (r->holding && l.kind == LINE_DETAIL && l.fault.source == r->held.source &&
	    !strcmp(l.origin, r->held_origin)) {
		if (l.fault.has_dir) {
			r->held.write = l.fault.write;
			r->held.has_dir = true;
		}
		if (l.fault.device[0])
			memcpy(r->held.device, l.fault.device, sizeof(r->held.device));
	}
	deliver_held(r, sink);
	take_raw(r, &l, sink);

	if (l.kind == LINE_SUPPRESSED) {
		r->suppressed += l.suppressed;
	} else if (l.kind == LINE_FAULT && awaits_detail(&l.fault)) {
		r->held = l.fault;
		memcpy(r->held_origin, l.origin, sizeof(r->held_origin));
		r->holding = true;
	} else if (l.kind == LINE_FAULT) {
		deliver(sink, &l.fault);
	}
}

/* every complete line of buf[0..used); the unfinished rest moves to the front, its length returned */
static size_t take_lines(struct kmsg_reader *r, char *buf, size_t used, struct fault_sink *sink)
{
	char *line = buf, *nl;

	buf[used] = '\0';
	while ((nl = memchr(line, '\n', used - (size_t)(line - buf)))) {
		*nl = '\0';
		take_line(r, line, sink);
		line = nl + 1;
	}
	used -= (size_t)(line - buf);
	if (used > KMSG_READ_MAX) /* a line longer than any we read: none of ours, drop it */
		return 0;
	memmove(buf, line, used);
	return used;
}

int kmsg_read_faults(struct kmsg_reader *r, void (*cb)(void *ctx, const struct iommu_fault *f),
		     void *ctx)
{
	struct fault_sink sink = { .cb = cb, .ctx = ctx };
	char buf[2 * KMSG_READ_MAX + 1];
	size_t used = 0; /* an unfinished line (a pipe or a file, never /dev/kmsg) */
	int ret = 0;

	for (;;) {
		ssize_t n = read(r->fd, buf + used, sizeof(buf) - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {
			/* overwritten: the next record's seq tells how many, unless we have none yet */
			if (!r->has_seq)
				r->lost++;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			ret = -errno;
		if (n <= 0) /* EAGAIN: nothing more for now; 0: the end of a file or pipe */
			break;
		used = take_lines(r, buf, used + (size_t)n, &sink);
	}
	if (used) {
		buf[used] = '\0';
		take_line(r, buf, &sink);
	}
	/* the access line comes right after its event line, 7.2's event line right after its raw
	 * record; they are not going to come now */
	deliver_held(r, &sink);
	take_raw(r, NULL, &sink);
	return ret ? ret : sink.count;
}
