// SPDX-License-Identifier: GPL-2.0-only
/* The iommufd layer: one function per ioctl, 0 / -errno, designated initializers. */
#define LOG_PREFIX "iommufd: "

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iommufd.h>

#include "config.h"
#include "iommutest/iommufd.h"
#include "iommutest/ioctl.h"
#include "iommutest/log.h"
#include "iommutest/names.h"
#include "iommutest/util.h"

int iommufd_open(int *fd)
{
	int f = kernel_open_iommufd(); /* /dev/iommu, or a unit test's fake kernel */

	if (f < 0)
		return f;
	*fd = f;
	return 0;
}

int iommufd_destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return IOCTL(fd, IOMMU_DESTROY, &cmd);
}

int iommufd_ioas_alloc(int fd, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int ret = IOCTL(fd, IOMMU_IOAS_ALLOC, &cmd);

	if (!ret)
		*ioas_id = cmd.out_ioas_id;
	return ret;
}

static uint32_t map_flags(bool fixed, unsigned int access)
{
	return (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0) |
	       (access & IOMMUFD_MAP_READ ? IOMMU_IOAS_MAP_READABLE : 0) |
	       (access & IOMMUFD_MAP_WRITE ? IOMMU_IOAS_MAP_WRITEABLE : 0);
}

int iommufd_ioas_map(int fd, uint32_t ioas_id, void *va, uint64_t length, uint64_t *iova,
		     bool fixed, unsigned int access)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(fixed, access),
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = length,
		.iova = fixed ? *iova : 0,
	};
	int ret = IOCTL(fd, IOMMU_IOAS_MAP, &cmd);

	if (!ret)
		*iova = cmd.iova;
	return ret;
}

int iommufd_ioas_map_file(int fd, uint32_t ioas_id, int file_fd, uint64_t start, uint64_t length,
			  uint64_t *iova, bool fixed, unsigned int access)
{
#ifdef HAVE_IOMMU_IOAS_MAP_FILE
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(fixed, access),
		.ioas_id = ioas_id,
		.fd = file_fd,
		.start = start,
		.length = length,
		.iova = fixed ? *iova : 0,
	};
	int ret = IOCTL(fd, IOMMU_IOAS_MAP_FILE, &cmd);

	if (!ret)
		*iova = cmd.iova;
	return ret;
#else
	(void)fd, (void)ioas_id, (void)file_fd, (void)start, (void)length, (void)iova, (void)fixed,
		(void)access;
	return -EOPNOTSUPP;
#endif
}

int iommufd_ioas_change_process(int fd)
{
#ifdef HAVE_IOMMU_IOAS_CHANGE_PROCESS
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };

	return IOCTL(fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd);
#else
	(void)fd;
	return -EOPNOTSUPP;
#endif
}

int iommufd_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	int ret = IOCTL(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (!ret && unmapped)
		*unmapped = cmd.length;
	return ret;
}

int iommufd_ioas_iova_ranges(int fd, uint32_t ioas_id, struct iova_range **ranges, size_t *count,
			     uint64_t *out_iova_alignment)
{
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas_id };
	struct iommu_iova_range *buf = NULL;
	int ret;

	/* pass 1 learns the count (EMSGSIZE unless there are none); pass 2 fills */
	ret = IOCTL(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);
	if (ret && ret != -EMSGSIZE)
		return ret;
	if (cmd.num_iovas) {
		buf = calloc(cmd.num_iovas, sizeof(*buf));
		if (!buf)
			return -ENOMEM;
		cmd.allowed_iovas = (uintptr_t)buf;
		ret = IOCTL(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);
		if (ret)
			goto err_free;
	}
	*ranges = calloc(cmd.num_iovas ? cmd.num_iovas : 1, sizeof(**ranges));
	if (!*ranges) {
		ret = -ENOMEM;
		goto err_free;
	}
	for (size_t i = 0; i < cmd.num_iovas; i++)
		(*ranges)[i] = (struct iova_range){ .start = buf[i].start, .last = buf[i].last };
	*count = cmd.num_iovas;
	if (out_iova_alignment)
		*out_iova_alignment = cmd.out_iova_alignment;
	ret = 0;
err_free:
	free(buf);
	return ret;
}

int iommufd_ioas_copy(int fd, uint32_t dst_ioas_id, uint32_t src_ioas_id, uint64_t src_iova,
		      uint64_t length, uint64_t *dst_iova, bool fixed, unsigned int access)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(fixed, access),
		.dst_ioas_id = dst_ioas_id,
		.src_ioas_id = src_ioas_id,
		.length = length,
		.dst_iova = fixed ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	int ret = IOCTL(fd, IOMMU_IOAS_COPY, &cmd);

	if (!ret)
		*dst_iova = cmd.dst_iova;
	return ret;
}

int iommufd_ioas_allow_iovas(int fd, uint32_t ioas_id, const struct iova_range *ranges, size_t count)
{
	struct iommu_ioas_allow_iovas cmd = { .size = sizeof(cmd), .ioas_id = ioas_id };
	struct iommu_iova_range *buf = NULL;
	int ret;

	if (count > UINT32_MAX)
		return -EINVAL;
	if (count) {
		buf = calloc(count, sizeof(*buf));
		if (!buf)
			return -ENOMEM;
		for (size_t i = 0; i < count; i++)
			buf[i] = (struct iommu_iova_range){ .start = ranges[i].start, .last = ranges[i].last };
	}
	cmd.num_iovas = (uint32_t)count;
	cmd.allowed_iovas = (uintptr_t)buf;
	ret = IOCTL(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
	free(buf);
	return ret;
}

static int option_call(int fd, uint16_t op, uint32_t option_id, uint32_t object_id, uint64_t *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
		.val64 = *val,
	};
	int ret = IOCTL(fd, IOMMU_OPTION, &cmd);

	if (!ret)
		*val = cmd.val64;
	return ret;
}

int iommufd_option_get(int fd, uint32_t option_id, uint32_t object_id, uint64_t *val)
{
	*val = 0;
	return option_call(fd, IOMMU_OPTION_OP_GET, option_id, object_id, val);
}

int iommufd_option_set(int fd, uint32_t option_id, uint32_t object_id, uint64_t val)
{
	return option_call(fd, IOMMU_OPTION_OP_SET, option_id, object_id, &val);
}

int iommufd_vfio_ioas(int fd, enum iommufd_vfio_ioas_req op, uint32_t *ioas_id)
{
	static const uint16_t ops[] = {
		[IOMMUFD_VFIO_IOAS_GET] = IOMMU_VFIO_IOAS_GET,
		[IOMMUFD_VFIO_IOAS_SET] = IOMMU_VFIO_IOAS_SET,
		[IOMMUFD_VFIO_IOAS_CLEAR] = IOMMU_VFIO_IOAS_CLEAR,
	};
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.ioas_id = op == IOMMUFD_VFIO_IOAS_SET ? *ioas_id : 0,
		.op = ops[op],
	};
	int ret = IOCTL(fd, IOMMU_VFIO_IOAS, &cmd);

	if (!ret && op == IOMMUFD_VFIO_IOAS_GET)
		*ioas_id = cmd.ioas_id;
	return ret;
}

int iommufd_hwpt_alloc(int fd, const struct hwpt_alloc_req *req, uint32_t *hwpt_id)
{
#ifdef HAVE_IOMMU_HWPT_ALLOC
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = req->flags,
		.dev_id = req->dev_id,
		.pt_id = req->pt_id,
		.data_type = req->data_type,
		.data_len = req->data_len,
		.data_uptr = (uintptr_t)req->data,
		.fault_id = req->fault_id,
	};
	int ret = IOCTL(fd, IOMMU_HWPT_ALLOC, &cmd);

	if (!ret)
		*hwpt_id = cmd.out_hwpt_id;
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_get_hw_info(int fd, uint32_t dev_id, struct hw_info_result *out)
{
#ifdef HAVE_IOMMU_GET_HW_INFO
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.data_len = sizeof(out->data),
		.data_uptr = (uintptr_t)out->data,
	};
	int ret;

	memset(out, 0, sizeof(*out));
	ret = IOCTL(fd, IOMMU_GET_HW_INFO, &cmd);
	if (ret)
		return ret;
	out->type = cmd.out_data_type;
	out->data_len = cmd.data_len;
#ifdef HAVE_IOMMU_HW_INFO_CAPS
	out->max_pasid_log2 = cmd.out_max_pasid_log2;
	out->capabilities = cmd.out_capabilities;
#endif
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_hwpt_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable)
{
#ifdef HAVE_IOMMU_DIRTY_TRACKING
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = enable ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = hwpt_id,
	};

	return IOCTL(fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_hwpt_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint64_t iova, uint64_t length,
				  uint64_t page_size, uint64_t *bitmap, bool clear)
{
#ifdef HAVE_IOMMU_DIRTY_TRACKING
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.flags = clear ? 0 : IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
		.iova = iova,
		.length = length,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};

	return IOCTL(fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_viommu_alloc(int fd, uint32_t type, uint32_t dev_id, uint32_t hwpt_id, uint32_t *viommu_id)
{
#ifdef HAVE_IOMMU_VIOMMU_ALLOC
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
	};
	int ret = IOCTL(fd, IOMMU_VIOMMU_ALLOC, &cmd);

	if (!ret)
		*viommu_id = cmd.out_viommu_id;
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_vdevice_alloc(int fd, uint32_t viommu_id, uint32_t dev_id, uint64_t virt_id,
			  uint32_t *vdevice_id)
{
#ifdef HAVE_IOMMU_VIOMMU_ALLOC
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int ret = IOCTL(fd, IOMMU_VDEVICE_ALLOC, &cmd);

	if (!ret)
		*vdevice_id = cmd.out_vdevice_id;
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_hwpt_invalidate(int fd, uint32_t id, uint32_t data_type, const void *entries,
			    uint32_t entry_len, uint32_t entry_num, uint32_t *done)
{
#ifdef HAVE_IOMMU_HWPT_INVALIDATE
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)entries,
		.data_type = data_type,
		.entry_len = entry_len,
		.entry_num = entry_num,
	};
	int ret = IOCTL(fd, IOMMU_HWPT_INVALIDATE, &cmd);

	if (done)
		*done = cmd.entry_num;
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_veventq_alloc(int fd, uint32_t viommu_id, uint32_t type, uint32_t depth,
			  uint32_t *veventq_id, int *veventq_fd)
{
#ifdef HAVE_IOMMU_VEVENTQ_ALLOC
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.veventq_depth = depth,
	};
	int ret = IOCTL(fd, IOMMU_VEVENTQ_ALLOC, &cmd);

	if (!ret) {
		*veventq_id = cmd.out_veventq_id;
		*veventq_fd = (int)cmd.out_veventq_fd;
	}
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_fault_queue_alloc(int fd, uint32_t *fault_id, int *fault_fd)
{
#ifdef HAVE_IOMMU_FAULT_QUEUE_ALLOC
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	int ret = IOCTL(fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd);

	if (!ret) {
		*fault_id = cmd.out_fault_id;
		*fault_fd = (int)cmd.out_fault_fd;
	}
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

#define PGFAULT_READ_BATCH 16

int iommufd_fault_read(int fault_fd, struct iommufd_pgfault *out, size_t max, size_t *n)
{
#ifdef HAVE_IOMMU_FAULT_QUEUE_ALLOC
	struct iommu_hwpt_pgfault rec[PGFAULT_READ_BATCH];
	/* the kernel reads whole groups: a buffer too small for the next group gets EINVAL */
	size_t want = max < PGFAULT_READ_BATCH ? max : PGFAULT_READ_BATCH;
	long got = kernel_read(fault_fd, "iommu_hwpt_pgfault", rec, want * sizeof(rec[0]));

	*n = 0;
	if (got < 0)
		return (int)got;
	if (got % sizeof(rec[0]))
		return -EIO; /* not whole records: not the ABI this was built for */
	*n = (size_t)got / sizeof(rec[0]);
	for (size_t i = 0; i < *n; i++)
		out[i] = (struct iommufd_pgfault){
			.flags = rec[i].flags, .dev_id = rec[i].dev_id, .pasid = rec[i].pasid,
			.grpid = rec[i].grpid, .perm = rec[i].perm, .addr = rec[i].addr,
			.length = rec[i].length, .cookie = rec[i].cookie,
		};
	return 0;
#else
	*n = 0;
	return -EOPNOTSUPP;
#endif
}

int iommufd_fault_respond(int fault_fd, uint32_t cookie, uint32_t code)
{
#ifdef HAVE_IOMMU_FAULT_QUEUE_ALLOC
	struct iommu_hwpt_page_response resp = { .cookie = cookie, .code = code };
	long ret = kernel_write(fault_fd, "iommu_hwpt_page_response", &resp, sizeof(resp));

	if (ret < 0)
		return (int)ret;
	return ret == sizeof(resp) ? 0 : -EIO;
#else
	return -EOPNOTSUPP;
#endif
}

int iommufd_hw_queue_alloc(int fd, uint32_t viommu_id, uint32_t type, uint32_t index, uint64_t iova,
			   uint64_t length, uint32_t *hw_queue_id)
{
#ifdef HAVE_IOMMU_HW_QUEUE_ALLOC
	struct iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.index = index,
		.nesting_parent_iova = iova,
		.length = length,
	};
	int ret = IOCTL(fd, IOMMU_HW_QUEUE_ALLOC, &cmd);

	if (!ret)
		*hw_queue_id = cmd.out_hw_queue_id;
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

/*
 * Feature probing: issue each ioctl with an all-zero (invalid) payload of the right size. A
 * kernel that does not know the ioctl answers ENOTTY; one that does rejects the payload
 * (EINVAL, ENOENT, EOPNOTSUPP...). Nothing is created by these calls.
 */
#define IOMMUFD_FEATURES(X)                                                                       \
	X("ioas", 0x81, "IOMMU_IOAS_ALLOC/MAP/UNMAP")                                              \
	X("ioas_copy", 0x83, "IOMMU_IOAS_COPY")                                                    \
	X("option", 0x87, "IOMMU_OPTION")                                                          \
	X("hwpt_alloc", 0x89, "IOMMU_HWPT_ALLOC")                                                  \
	X("hw_info", 0x8a, "IOMMU_GET_HW_INFO")                                                    \
	X("dirty_tracking", 0x8b, "IOMMU_HWPT_SET_DIRTY_TRACKING / GET_DIRTY_BITMAP")              \
	X("hwpt_invalidate", 0x8d, "IOMMU_HWPT_INVALIDATE")                                        \
	X("fault_queue", 0x8e, "IOMMU_FAULT_QUEUE_ALLOC (IOPF)")                                   \
	X("ioas_map_file", 0x8f, "IOMMU_IOAS_MAP_FILE")                                            \
	X("viommu", 0x90, "IOMMU_VIOMMU_ALLOC")                                                    \
	X("vdevice", 0x91, "IOMMU_VDEVICE_ALLOC")                                                  \
	X("ioas_change_process", 0x92, "IOMMU_IOAS_CHANGE_PROCESS")                                \
	X("veventq", 0x93, "IOMMU_VEVENTQ_ALLOC")                                                  \
	X("hw_queue", 0x94, "IOMMU_HW_QUEUE_ALLOC")                                                \
	X("test_mock", 0xa0, "IOMMU_TEST_CMD (CONFIG_IOMMUFD_TEST mock)")

static const struct feature_probe {
	const char *name;
	const char *what;
	unsigned int cmd; /* IOMMUFD_CMD_* number */
} feature_probes[] = {
#define X(fname, cmdnr, desc) { .name = fname, .what = desc, .cmd = cmdnr },
	IOMMUFD_FEATURES(X)
#undef X
};

/* the same list, names only, for the loader's "requires.features" (names.h) */
const char *const iommufd_feature_names[] = {
#define X(fname, cmdnr, desc) fname,
	IOMMUFD_FEATURES(X)
#undef X
	NULL,
};

const char *iommufd_feature_name_at(size_t i)
{
	return iommufd_feature_names[i];
}

/* what the kernel offers does not change while we run: probed once per process (per kernel
 * backend: a unit test installs fake kernels of several versions) */
static struct iommufd_feature feature_table[ARRAY_SIZE(feature_probes)];
static bool features_probed;
static unsigned int features_generation;

size_t iommufd_probe_features(int fd, const struct iommufd_feature **table)
{
	if (!features_probed || features_generation != kernel_backend_generation()) {
		for (size_t i = 0; i < ARRAY_SIZE(feature_probes); i++) {
			/* big enough for any of these structs; size 0 fields make them invalid */
			uint64_t zero[16] = { 0 };
			unsigned int cmd = feature_probes[i].cmd;
			/* IOMMU_TEST_CMD is _IO(';', 0xa0 - 0x80 + IOMMUFD_CMD_BASE) = 0x3ba0 */
			int ret = ioctl_call(fd, _IO(IOMMUFD_TYPE, cmd), feature_probes[i].what, zero,
					     sizeof(zero));

			feature_table[i] = (struct iommufd_feature){
				.name = feature_probes[i].name,
				.what = feature_probes[i].what,
				.present = ret != -ENOTTY,
				.probe_err = -ret,
			};
			pr_debug("probe %s: %s", feature_probes[i].name, errno_name(ret));
		}
		features_probed = true;
		features_generation = kernel_backend_generation();
	}
	*table = feature_table;
	return ARRAY_SIZE(feature_probes);
}

int iommufd_feature_present(int fd, const char *name)
{
	const struct iommufd_feature *t;
	size_t n = iommufd_probe_features(fd, &t);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].present;
	return -ENOENT;
}
