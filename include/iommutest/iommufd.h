/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The iommufd layer: one function per ioctl on /dev/iommu. Every function returns 0 or -errno
 * and never exits; ioctl structs are built with designated initializers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iova_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

int iommufd_open(int *fd);
int iommufd_destroy(int fd, uint32_t id);
int iommufd_ioas_alloc(int fd, uint32_t *ioas_id);

#define IOMMUFD_MAP_READ (1u << 0)
#define IOMMUFD_MAP_WRITE (1u << 1)
/* *iova is input when fixed, output otherwise */
int iommufd_ioas_map(int fd, uint32_t ioas_id, void *va, uint64_t length, uint64_t *iova,
		     bool fixed, unsigned int access);
/* IOMMU_IOAS_MAP_FILE: [start, start + length) of the memfd or dma-buf file_fd; *iova as above */
int iommufd_ioas_map_file(int fd, uint32_t ioas_id, int file_fd, uint64_t start, uint64_t length,
			  uint64_t *iova, bool fixed, unsigned int access);
/* IOMMU_IOAS_CHANGE_PROCESS: the calling process takes over the pin accounting of every mapping */
int iommufd_ioas_change_process(int fd);
/* *unmapped (optional) gets the number of bytes unmapped */
int iommufd_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t length, uint64_t *unmapped);
/* Two-pass: *ranges is malloc'ed (caller frees), *count set. */
int iommufd_ioas_iova_ranges(int fd, uint32_t ioas_id, struct iova_range **ranges, size_t *count,
			     uint64_t *out_iova_alignment);
/* *dst_iova is input when fixed, output otherwise; access as for iommufd_ioas_map() */
int iommufd_ioas_copy(int fd, uint32_t dst_ioas_id, uint32_t src_ioas_id, uint64_t src_iova,
		      uint64_t length, uint64_t *dst_iova, bool fixed, unsigned int access);
/* Replace the IOAS's allowed IOVA ranges with ranges[0..count) (count 0: none, no restriction). */
int iommufd_ioas_allow_iovas(int fd, uint32_t ioas_id, const struct iova_range *ranges, size_t count);

/* IOMMU_OPTION: option_id IOMMU_OPTION_*; object_id the IOAS (huge pages) or 0 (rlimit mode) */
#define IOMMUFD_OPTION_RLIMIT_MODE 0u
#define IOMMUFD_OPTION_HUGE_PAGES 1u
int iommufd_option_get(int fd, uint32_t option_id, uint32_t object_id, uint64_t *val);
int iommufd_option_set(int fd, uint32_t option_id, uint32_t object_id, uint64_t val);

/* IOMMU_VFIO_IOAS: the VFIO compatibility IOAS */
enum iommufd_vfio_ioas_req { IOMMUFD_VFIO_IOAS_GET, IOMMUFD_VFIO_IOAS_SET, IOMMUFD_VFIO_IOAS_CLEAR };
/* GET: *ioas_id out; SET: *ioas_id in; CLEAR: ignored */
int iommufd_vfio_ioas(int fd, enum iommufd_vfio_ioas_req op, uint32_t *ioas_id);

struct hwpt_alloc_req {
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t flags;     /* IOMMU_HWPT_ALLOC_* */
	uint32_t data_type; /* IOMMU_HWPT_DATA_* */
	const void *data;
	uint32_t data_len;
	uint32_t fault_id;
};
int iommufd_hwpt_alloc(int fd, const struct hwpt_alloc_req *req, uint32_t *hwpt_id);

struct hw_info_result {
	uint32_t type;          /* IOMMU_HW_INFO_TYPE_* */
	uint32_t data_len;      /* bytes the kernel filled */
	uint8_t max_pasid_log2;
	uint64_t capabilities;  /* IOMMU_HW_CAP_* */
	uint8_t data[256];
};
int iommufd_get_hw_info(int fd, uint32_t dev_id, struct hw_info_result *out);
int iommufd_hwpt_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable);
int iommufd_viommu_alloc(int fd, uint32_t type, uint32_t dev_id, uint32_t hwpt_id, uint32_t *viommu_id);
int iommufd_vdevice_alloc(int fd, uint32_t viommu_id, uint32_t dev_id, uint64_t virt_id,
			  uint32_t *vdevice_id);
/* entries: entry_num entries of entry_len bytes; *done (optional) = how many the kernel took */
int iommufd_hwpt_invalidate(int fd, uint32_t id, uint32_t data_type, const void *entries,
			    uint32_t entry_len, uint32_t entry_num, uint32_t *done);
int iommufd_veventq_alloc(int fd, uint32_t viommu_id, uint32_t type, uint32_t depth,
			  uint32_t *veventq_id, int *veventq_fd);

/* I/O page faults: a fault queue (its object and fd), the groups read from it, the responses */
int iommufd_fault_queue_alloc(int fd, uint32_t *fault_id, int *fault_fd);

/* one record of a fault group (struct iommu_hwpt_pgfault) */
struct iommufd_pgfault {
	uint32_t flags;  /* IOMMUFD_PGFAULT_* */
	uint32_t dev_id; /* the iommufd device that faulted */
	uint32_t pasid, grpid;
	uint32_t perm;   /* IOMMUFD_PGFAULT_PERM_* */
	uint64_t addr;
	uint32_t length; /* a hint; 0 when none */
	uint32_t cookie; /* the group's: echo it in the response */
};
#define IOMMUFD_PGFAULT_PASID_VALID (1u << 0)
#define IOMMUFD_PGFAULT_LAST_PAGE (1u << 1)
#define IOMMUFD_PGFAULT_PERM_READ (1u << 0)
#define IOMMUFD_PGFAULT_PERM_WRITE (1u << 1)
#define IOMMUFD_PGFAULT_PERM_EXEC (1u << 2)
#define IOMMUFD_PGFAULT_PERM_PRIV (1u << 3)
/* What the queue holds now, up to max records, never waiting: *n records (0: none pending). */
int iommufd_fault_read(int fault_fd, struct iommufd_pgfault *out, size_t max, size_t *n);

#define IOMMUFD_PAGE_RESPONSE_SUCCESS 0u
#define IOMMUFD_PAGE_RESPONSE_INVALID 1u
/* Answer the group cookie with code (one struct iommu_hwpt_page_response written). */
int iommufd_fault_respond(int fault_fd, uint32_t cookie, uint32_t code);

/* A HW queue of a vIOMMU over [iova, iova + length) of its parent's IOAS. */
int iommufd_hw_queue_alloc(int fd, uint32_t viommu_id, uint32_t type, uint32_t index, uint64_t iova,
			   uint64_t length, uint32_t *hw_queue_id);
/* bitmap: one bit per page_size page of [iova, iova+length); clear=false keeps the dirty bits */
int iommufd_hwpt_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t length,
				  uint64_t page_size, uint64_t *bitmap, bool clear);

/* Which iommufd ioctls the running kernel knows (probed: ENOTTY = absent). */
struct iommufd_feature {
	const char *name;
	const char *what;
	bool present;
	int probe_err; /* errno the probe saw (informational) */
};
/* Fills a static table; returns its length. */
size_t iommufd_probe_features(int fd, const struct iommufd_feature **table);
/* true when the feature named exists and was probed present; -ENOENT for an unknown name */
int iommufd_feature_present(int fd, const char *name);
/* The names probe_features knows, NULL-terminated (for the loader's validation). */
extern const char *const iommufd_feature_names[];
