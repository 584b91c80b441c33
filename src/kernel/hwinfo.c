// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU_GET_HW_INFO decoders: the registers each driver reports and their fields by the names
 * the architecture specifications use (Arm SMMUv3 IDR0-5/IIDR/AIDR, Intel VT-d CAP/ECAP, AMD
 * IOMMU EFR/EFR2).
 */
#include <errno.h>
#include <string.h>

#include <linux/iommufd.h>

#include "iommutest/hwinfo.h"
#include "iommutest/names.h"
#include "iommutest/util.h"

#define F(n, r, l, h, d) { .name = n, .reg = r, .lo = l, .hi = h, .desc = d }

/* struct iommu_hw_info_arm_smmuv3: flags, __reserved, idr[6], iidr, aidr (all u32) */
static const struct hw_reg smmuv3_regs[] = {
	{ "IDR0", 8, 4 }, { "IDR1", 12, 4 }, { "IDR2", 16, 4 }, { "IDR3", 20, 4 },
	{ "IDR4", 24, 4 }, { "IDR5", 28, 4 }, { "IIDR", 32, 4 }, { "AIDR", 36, 4 },
};
static const struct hw_field smmuv3_fields[] = {
	F("S2P", 0, 0, 0, "stage 2 translation"),
	F("S1P", 0, 1, 1, "stage 1 translation"),
	F("TTF", 0, 2, 3, "translation table formats (2 = AArch64)"),
	F("COHACC", 0, 4, 4, "coherent access"),
	F("BTM", 0, 5, 5, "broadcast TLB maintenance"),
	F("HTTU", 0, 6, 7, "hardware table update (1 = access flag, 2 = +dirty)"),
	F("DORMHINT", 0, 8, 8, "dormant hint"),
	F("HYP", 0, 9, 9, "hypervisor stage 1 contexts"),
	F("ATS", 0, 10, 10, "PCIe ATS"),
	F("NS1ATS", 0, 11, 11, "no stage 1 for ATS"),
	F("ASID16", 0, 12, 12, "16-bit ASID"),
	F("MSI", 0, 13, 13, "MSI"),
	F("SEV", 0, 14, 14, "WFE wake-up events"),
	F("ATOS", 0, 15, 15, "address translation operations"),
	F("PRI", 0, 16, 16, "page request interface"),
	F("VMW", 0, 17, 17, "VMID wildcard"),
	F("VMID16", 0, 18, 18, "16-bit VMID"),
	F("CD2L", 0, 19, 19, "2-level context descriptor tables"),
	F("VATOS", 0, 20, 20, "virtual ATOS"),
	F("TTENDIAN", 0, 21, 22, "table endianness"),
	F("ATSRECERR", 0, 23, 23, "ATS recoverable errors"),
	F("STALL_MODEL", 0, 24, 25, "stall model"),
	F("TERM_MODEL", 0, 26, 26, "termination model"),
	F("ST_LEVEL", 0, 27, 28, "stream table levels"),
	F("SIDSIZE", 1, 0, 5, "StreamID bits"),
	F("SSIDSIZE", 1, 6, 10, "SubstreamID bits (PASID)"),
	F("PRIQS", 1, 11, 15, "PRI queue size (log2)"),
	F("EVENTQS", 1, 16, 20, "event queue size (log2)"),
	F("CMDQS", 1, 21, 25, "command queue size (log2)"),
	F("ATTR_PERMS_OVR", 1, 26, 26, "permission attribute override"),
	F("ATTR_TYPES_OVR", 1, 27, 27, "type attribute override"),
	F("REL", 1, 28, 28, "relative base pointers"),
	F("QUEUES_PRESET", 1, 29, 29, "fixed queue base"),
	F("TABLES_PRESET", 1, 30, 30, "fixed table base"),
	F("ECMDQ", 1, 31, 31, "enhanced command queues"),
	F("BA_VATOS", 2, 0, 9, "VATOS page base"),
	F("HAD", 3, 2, 2, "hierarchical attribute disables"),
	F("PBHA", 3, 3, 3, "page-based hardware attributes"),
	F("XNX", 3, 4, 4, "EL0/EL1 execute never"),
	F("PPS", 3, 5, 5, "PRI response PASID"),
	F("MPAM", 3, 7, 7, "MPAM"),
	F("FWB", 3, 8, 8, "stage 2 forced write-back"),
	F("STT", 3, 9, 9, "small translation tables"),
	F("RIL", 3, 10, 10, "range invalidation"),
	F("BBML", 3, 11, 12, "break-before-make level"),
	F("E0PD", 3, 13, 13, "E0PD"),
	F("PTWNNC", 3, 14, 14, "page-table walks non-normal-cacheable"),
	F("DPT", 3, 15, 15, "device permission table"),
	F("OAS", 5, 0, 2, "output address size (0=32 1=36 2=40 3=42 4=44 5=48 6=52 bits)"),
	F("GRAN4K", 5, 4, 4, "4 KiB granule"),
	F("GRAN16K", 5, 5, 5, "16 KiB granule"),
	F("GRAN64K", 5, 6, 6, "64 KiB granule"),
	F("VAX", 5, 10, 11, "virtual address extend"),
	F("STALL_MAX", 5, 16, 31, "max outstanding stalled transactions"),
	F("IMPLEMENTER", 6, 0, 11, "JEP106 implementer"),
	F("REVISION", 6, 12, 15, "revision"),
	F("VARIANT", 6, 16, 19, "variant"),
	F("PRODUCTID", 6, 20, 31, "product id"),
	F("ARCH_MINOR_REV", 7, 0, 3, "architecture minor revision (SMMUv3.x)"),
	F("ARCH_MAJOR_REV", 7, 4, 7, "architecture major revision"),
};

/* struct iommu_hw_info_vtd: flags, __reserved (u32), cap_reg, ecap_reg (u64) */
static const struct hw_reg vtd_regs[] = { { "CAP", 8, 8 }, { "ECAP", 16, 8 } };
static const struct hw_field vtd_fields[] = {
	F("ND", 0, 0, 2, "number of domains (2^(4+2*ND))"),
	F("AFL", 0, 3, 3, "advanced fault logging"),
	F("RWBF", 0, 4, 4, "required write-buffer flushing"),
	F("PLMR", 0, 5, 5, "protected low-memory region"),
	F("PHMR", 0, 6, 6, "protected high-memory region"),
	F("CM", 0, 7, 7, "caching mode (virtualized IOMMU)"),
	F("SAGAW", 0, 8, 12, "supported adjusted guest address widths"),
	F("MGAW", 0, 16, 21, "maximum guest address width - 1"),
	F("ZLR", 0, 22, 22, "zero-length read"),
	F("FRO", 0, 24, 33, "fault-recording register offset"),
	F("SLLPS", 0, 34, 37, "second-level large page support"),
	F("PSI", 0, 39, 39, "page-selective invalidation"),
	F("NFR", 0, 40, 47, "number of fault-recording registers - 1"),
	F("MAMV", 0, 48, 53, "maximum address mask value"),
	F("DWD", 0, 54, 54, "write draining"),
	F("DRD", 0, 55, 55, "read draining"),
	F("FS1GP", 0, 56, 56, "first-stage 1 GiB pages"),
	F("PI", 0, 59, 59, "posted interrupts"),
	F("FS5LP", 0, 60, 60, "first-stage 5-level paging"),
	F("ESIRTPS", 0, 62, 62, "IRT pointer invalidation on SIRTP"),
	F("ESRTPS", 0, 63, 63, "RT pointer invalidation on SRTP"),
	F("C", 1, 0, 0, "page-walk coherency"),
	F("QI", 1, 1, 1, "queued invalidation"),
	F("DT", 1, 2, 2, "device TLB (ATS)"),
	F("IR", 1, 3, 3, "interrupt remapping"),
	F("EIM", 1, 4, 4, "extended interrupt mode (x2APIC)"),
	F("PT", 1, 6, 6, "pass-through"),
	F("SC", 1, 7, 7, "snoop control"),
	F("IRO", 1, 8, 17, "IOTLB register offset"),
	F("MHMV", 1, 20, 23, "maximum handle mask value"),
	F("NEST", 1, 26, 26, "nested translation"),
	F("PRS", 1, 29, 29, "page requests"),
	F("ERS", 1, 30, 30, "execute requests"),
	F("SRS", 1, 31, 31, "supervisor requests"),
	F("NWFS", 1, 33, 33, "no write flag"),
	F("EAFS", 1, 34, 34, "extended accessed flag"),
	F("PSS", 1, 35, 39, "PASID size - 1"),
	F("PASID", 1, 40, 40, "PASID support"),
	F("DIT", 1, 41, 41, "device-TLB invalidation throttling"),
	F("PDS", 1, 42, 42, "page-request drain"),
	F("SMTS", 1, 43, 43, "scalable mode translation"),
	F("VCS", 1, 44, 44, "virtual command"),
	F("SSADS", 1, 45, 45, "second-stage accessed/dirty"),
	F("SSTS", 1, 46, 46, "second-stage translation"),
	F("FSTS", 1, 47, 47, "first-stage translation"),
	F("SMPWCS", 1, 48, 48, "scalable-mode page-walk coherency"),
	F("RPS", 1, 49, 49, "RID-PASID"),
};

/*
 * struct iommu_hw_info_amd: efr, efr2 (u64). Linux 7.2's amd_iommufd_hw_info()
 * (drivers/iommu/amd/iommufd.c, built only with CONFIG_AMD_IOMMU_IOMMUFD: without it the driver
 * has no hw_info op and GET_HW_INFO says type NONE) copies the globals amd_iommu_efr/efr2 as
 * they are, no bit masked: the uAPI's "VMM-allowed list" is advice to the VMM. Those globals are
 * the IVHD type 11h/40h EFR images when the IVRS IVinfo has EFRSup (else MMIO 0030h/01A0h), ANDed
 * over all IOMMUs when they differ (init.c get_global_efr()), so one value for every device.
 * Field names: the AMD I/O Virtualization Technology (IOMMU) Specification (48882), MMIO Offset
 * 0030h and 01A0h; bits the kernel uses agree with amd_iommu_types.h FEATURE_*.
 */
static const struct hw_reg amd_regs[] = { { "EFR", 0, 8 }, { "EFR2", 8, 8 } };
static const struct hw_field amd_fields[] = {
	F("PREFSUP", 0, 0, 0, "prefetch IOMMU pages command"),
	F("PPRSUP", 0, 1, 1, "peripheral page requests (PRI)"),
	F("XTSUP", 0, 2, 2, "x2APIC interrupt remapping"),
	F("NXSUP", 0, 3, 3, "no-execute protection"),
	F("GTSUP", 0, 4, 4, "guest (v2) page tables"),
	F("GAPPISUP", 0, 5, 5, "guest APIC physical processor interrupt"),
	F("IASUP", 0, 6, 6, "INVALIDATE_IOMMU_ALL command"),
	F("GASUP", 0, 7, 7, "guest virtual APIC"),
	F("HESUP", 0, 8, 8, "hardware error registers"),
	F("PCSUP", 0, 9, 9, "performance counters"),
	F("HATS", 0, 10, 11, "host page-table levels (0=4 1=5 2=6, 3 = no host translation)"),
	F("GATS", 0, 12, 13, "guest page-table levels (0=4 1=5)"),
	F("GLXSUP", 0, 14, 15, "guest CR3 root table levels"),
	F("SMIFSUP", 0, 16, 17, "SMI filter"),
	F("SMIFRC", 0, 18, 20, "SMI filter register count"),
	F("GAMSUP", 0, 21, 23, "guest virtual APIC modes (1 = vAPIC)"),
	F("DUALPPRLOGSUP", 0, 24, 25, "dual PPR logs"),
	F("DUALEVENTLOGSUP", 0, 28, 29, "dual event logs"),
	F("SATSSUP", 0, 31, 31, "secure ATS"),
	F("PASMAX", 0, 32, 36, "PASID bits - 1"),
	F("USSUP", 0, 37, 37, "user/supervisor page protection"),
	F("DEVTBLSEGSUP", 0, 38, 39, "device table segments (log2)"),
	F("PPREARLYOFSUP", 0, 40, 40, "PPR log overflow early warning"),
	F("PPRAUTORSPSUP", 0, 41, 41, "PPR automatic response"),
	F("MARCSUP", 0, 42, 43, "memory access routing and control"),
	F("BLKSTOPMRKSUP", 0, 44, 44, "block StopMark messages"),
	F("PERFOPTSUP", 0, 45, 45, "performance optimization"),
	F("MSICAPMMIOSUP", 0, 46, 46, "MSI capability MMIO access"),
	F("GIOSUP", 0, 48, 48, "guest I/O protection"),
	F("HASUP", 0, 49, 49, "host access (accessed bit)"),
	F("EPHSUP", 0, 50, 50, "enhanced PPR handling"),
	F("ATTRFWSUP", 0, 51, 51, "attribute forward"),
	F("HDSUP", 0, 52, 52, "host dirty (dirty tracking)"),
	F("INVIOTLBTYPESUP", 0, 54, 54, "invalidate IOTLB type"),
	F("VIOMMUSUP", 0, 55, 55, "hardware-virtualized IOMMU"),
	F("VMGUARDIOSUP", 0, 56, 56, "VM guard I/O"),
	F("VMTABLESIZE", 0, 57, 60, "VM table size"),
	F("GAUPDATEDISSUP", 0, 61, 61, "guest APIC update disable"),
	F("SNPSUP", 0, 63, 63, "SEV-SNP host support"),
	F("SEVSNPIOSUP", 1, 1, 1, "SEV-TIO (trusted I/O)"),
	F("GCR3TRPMODE", 1, 3, 3, "GCR3 table root pointer mode (GPA)"),
	F("SNPAVICSUP", 1, 5, 7, "SNP guest virtual APIC (1 = GAM)"),
	F("NUMINTREMAPSUP", 1, 8, 9, "interrupts per remapping table (0=512 1=2048)"),
	F("HTRANGEIGNORE", 1, 11, 11, "HyperTransport address range not reserved"),
};

/* the IOMMUFD_TEST mock: struct iommu_test_hw_info { u32 flags; u32 test_reg; } */
static const struct hw_reg selftest_regs[] = { { "FLAGS", 0, 4 }, { "TEST_REG", 4, 4 } };

static const struct hw_info_decoder decoders[] = {
	{ .type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3, .name = "arm_smmuv3",
	  .regs = smmuv3_regs, .nregs = ARRAY_SIZE(smmuv3_regs),
	  .fields = smmuv3_fields, .nfields = ARRAY_SIZE(smmuv3_fields) },
	{ .type = IOMMU_HW_INFO_TYPE_INTEL_VTD, .name = "intel_vtd",
	  .regs = vtd_regs, .nregs = ARRAY_SIZE(vtd_regs),
	  .fields = vtd_fields, .nfields = ARRAY_SIZE(vtd_fields) },
	{ .type = 4 /* IOMMU_HW_INFO_TYPE_AMD */, .name = "amd",
	  .regs = amd_regs, .nregs = ARRAY_SIZE(amd_regs),
	  .fields = amd_fields, .nfields = ARRAY_SIZE(amd_fields) },
	{ .type = 3 /* IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV */, .name = "tegra241_cmdqv" },
	{ .type = HW_INFO_TYPE_SELFTEST, .name = "selftest",
	  .regs = selftest_regs, .nregs = ARRAY_SIZE(selftest_regs) },
	{ .type = IOMMU_HW_INFO_TYPE_NONE, .name = "none" },
};

const struct name_value hw_cap_names[] = {
	{ "dirty_tracking", 1 << 0 },
	{ "pci_pasid_exec", 1 << 1 },
	{ "pci_pasid_priv", 1 << 2 },
	{ "pci_ats_not_supported", 1 << 3 },
	{ NULL, 0 },
};

const struct hw_info_decoder *hw_info_decoder_find(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(decoders); i++)
		if (decoders[i].type == type)
			return &decoders[i];
	return NULL;
}

const char *hw_info_type_name(uint32_t type)
{
	const struct hw_info_decoder *d = hw_info_decoder_find(type);

	return d ? d->name : "unknown";
}

int hw_info_type_from_name(const char *name, uint32_t *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(decoders); i++) {
		if (!strcmp(decoders[i].name, name)) {
			*type = decoders[i].type;
			return 0;
		}
	}
	return -ENOENT;
}

static uint64_t reg_value(const struct hw_info_result *hw, const struct hw_reg *r)
{
	uint64_t v = 0;

	if ((size_t)r->offset + r->width <= sizeof(hw->data))
		memcpy(&v, hw->data + r->offset, r->width); /* little-endian hosts */
	return v;
}

int hw_info_value(const struct hw_info_result *hw, const char *name, uint64_t *val)
{
	const struct hw_info_decoder *d = hw_info_decoder_find(hw->type);

	if (!d)
		return -ENOENT;
	for (size_t i = 0; i < d->nregs; i++) {
		if (!strcmp(d->regs[i].name, name)) {
			*val = reg_value(hw, &d->regs[i]);
			return 0;
		}
	}
	for (size_t i = 0; i < d->nfields; i++) {
		const struct hw_field *f = &d->fields[i];

		if (!strcmp(f->name, name)) {
			uint64_t v = reg_value(hw, &d->regs[f->reg]) >> f->lo;
			unsigned int bits = (unsigned int)(f->hi - f->lo + 1);

			*val = bits >= 64 ? v : v & ((1ull << bits) - 1);
			return 0;
		}
	}
	return -ENOENT;
}

int hw_info_name_known(uint32_t type, const char *name)
{
	struct hw_info_result probe = { .type = type };
	uint64_t v;

	return hw_info_value(&probe, name, &v) == 0;
}

/* names.h: the IOMMU types a scenario may name: those this file decodes */
const char *hw_info_type_name_at(size_t i)
{
	return i < ARRAY_SIZE(decoders) ? decoders[i].name : NULL;
}

bool hw_info_field_known(const char *type, const char *name)
{
	uint32_t t;

	return !hw_info_type_from_name(type, &t) && hw_info_name_known(t, name);
}
