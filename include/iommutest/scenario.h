/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario model (format v1): what the loader (src/scenario/scenario.c) builds from a JSON file
 * after validating all of it, before any device is touched. See README.md "Scenario format".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/args.h"
#include "iommutest/pattern.h"

#define SCENARIO_FORMAT_VERSION 1
/* Bounds that keep a bad file from running for years or allocating without need. */
#define SCENARIO_MAX_EXEC_STEPS 10000000ull   /* steps executed, repeats expanded */
#define SCENARIO_MAX_EXEC_DMA 100000ull       /* DMA transfers executed, repeats expanded */
#define SCENARIO_MAX_BUFFER_BYTES (1ull << 31) /* all buffers together */
#define SCENARIO_MAX_REPEAT_DEPTH 8
#define SCENARIO_MAX_NAME 64
#define SCENARIO_MAX_FILE_BYTES (4u << 20)

enum obj_kind {
	OBJ_BUFFER = 1 << 0,
	OBJ_DEVICE = 1 << 1,
	OBJ_IOAS = 1 << 2,
	OBJ_HWPT = 1 << 3,
	OBJ_MAPPING = 1 << 4,
	OBJ_MARK = 1 << 5,
	OBJ_VIOMMU = 1 << 6,
	OBJ_VDEVICE = 1 << 7,
	OBJ_VEVENTQ = 1 << 8,
	OBJ_S1 = 1 << 9, /* a stage-1 page table set the tool builds (SMMUv3 CD + LPAE tables) */
	OBJ_FAULT = 1 << 10,    /* a fault queue (IOMMU_FAULT_QUEUE_ALLOC) and its fd */
	OBJ_HW_QUEUE = 1 << 11, /* a vIOMMU's HW queue (IOMMU_HW_QUEUE_ALLOC) */
	OBJ_RANGES = 1 << 12,   /* the usable IOVA ranges an ioas_iova_ranges step read */
	OBJ_DMABUF = 1 << 13,   /* a dma-buf the IOMMUFD_TEST mock exports (DMABUF_GET) and its fd */
	OBJ_LAST = OBJ_DMABUF,
	/* objects with a lifetime (created by a step, possibly destroyed) */
	OBJ_LIFETIME = OBJ_IOAS | OBJ_HWPT | OBJ_MAPPING | OBJ_MARK | OBJ_VIOMMU | OBJ_VDEVICE |
		       OBJ_VEVENTQ | OBJ_S1 | OBJ_FAULT | OBJ_HW_QUEUE | OBJ_RANGES | OBJ_DMABUF,
	/* results a step may take again while the old one exists (the new one replaces it) */
	OBJ_RETAKEN = OBJ_MARK | OBJ_RANGES,
	/* what IOMMU_DESTROY takes */
	OBJ_KERNEL = OBJ_IOAS | OBJ_HWPT | OBJ_VIOMMU | OBJ_VDEVICE | OBJ_VEVENTQ | OBJ_FAULT |
		     OBJ_HW_QUEUE,
};
const char *obj_kind_name(enum obj_kind k);

struct symbol {
	char *name;
	enum obj_kind kind;
	char *decl_path; /* where it was declared */
};

struct step;
struct step_ops;

#define EXPECT_ANY_ERROR (-1) /* "expect": "error": any errno (e.g. under fault injection) */
#define EXPECT_EITHER (-2)    /* "expect": "any": success or any errno (a fail_nth sweep whose
			       * later steps check that a failure changed nothing) */

struct step {
	const struct step_ops *ops; /* NULL for a repeat or stream block */
	char *path;                 /* JSON path, "steps[2].steps[0]" */
	char *label;                /* name in the results */
	int expect;                 /* 0 = must succeed, else the positive errno it must fail with,
				     * EXPECT_ANY_ERROR or EXPECT_EITHER */
	unsigned int fail_nth;      /* run with /proc/thread-self/fail-nth armed at this count (0: no) */
	bool plain;                 /* a verb with no "fail_nth" that must succeed (set at load):
				     * the runner's one-call path */
	uint64_t given;             /* bit i: args[i] was given in the file */
	void *args;                 /* ops->args_size bytes, filled from ops->args */
	uint64_t repeat;            /* repeat block: iterations (a stream block: at least) */
	struct stream_args *stream; /* a stream block (iommutest/stream.h), else NULL */
	struct step *children;
	size_t nchildren;
};

struct requirements {
	unsigned int devices;
	char **engines; /* any of these (by name) */
	size_t nengines;
	char **hw_info; /* any of these IOMMU types ("intel_vtd", "arm_smmuv3", ...) */
	size_t nhw_info;
	struct field_list hw_fields; /* decoded hw_info fields that must hold (else SKIP) */
	char **features; /* all of these iommufd features */
	size_t nfeatures;
	bool same_iommu;      /* all its devices behind one IOMMU instance */
	bool separate_groups; /* no two of its devices in one IOMMU group */
};

/* where a buffer's memory comes from ("backing") */
enum buffer_backing {
	BUFFER_ANON,    /* mmap MAP_ANONYMOUS (MAP_PRIVATE) */
	BUFFER_MEMFD,   /* memfd_create + ftruncate + mmap MAP_SHARED: IOMMU_IOAS_MAP_FILE can map it */
	BUFFER_HUGETLB, /* a memfd of 2 MiB huge pages (MFD_HUGETLB | MFD_HUGE_2MB), size a multiple of 2M */
	BUFFER_THP,     /* anonymous, 2 MiB aligned, madvise(MADV_HUGEPAGE): huge pages if the kernel gives them */
};
#define BUFFER_HUGE_PAGE (2ull << 20)

/* whether a buffer of this backing lives in a file IOMMU_IOAS_MAP_FILE takes (a memfd) */
static inline bool buffer_backing_is_file(uint64_t backing)
{
	return backing == BUFFER_MEMFD || backing == BUFFER_HUGETLB;
}

struct buffer_def {
	int sym;
	uint64_t size;
	struct fill_spec fill;
	uint64_t backing; /* enum buffer_backing */
};

struct device_slot {
	int sym;
	char *engine; /* NULL = any engine that probes the device */
	bool mock;    /* an IOMMUFD_TEST mock device the tool plugs itself (not filled by -d) */
	uint32_t mock_flags;
};

struct scenario {
	char *file;
	char *name;
	char *description;
	struct requirements req;
	struct symbol *syms;
	size_t nsyms;
	struct buffer_def *buffers;
	size_t nbuffers;
	struct device_slot *devices;
	size_t ndevices;
	struct step *steps;
	size_t nsteps;
	uint64_t exec_steps; /* executed, repeats expanded */
	uint64_t exec_dma;
};

/* Load and fully validate. On error: -EINVAL (bad file) or -errno (I/O), and err holds one line
 * "FILE: JSON.PATH: message". */
int scenario_load(const char *path, struct scenario **out, char *err, size_t errlen);
/* Same from a memory buffer; name is used in messages (for the fuzzer and unit tests). */
int scenario_load_mem(const char *name, const char *data, size_t len, struct scenario **out,
		      char *err, size_t errlen);
void scenario_free(struct scenario *sc);

/* Symbol index of name with kind in kinds, or -1 */
int scenario_find_symbol(const struct scenario *sc, const char *name, unsigned int kinds);
