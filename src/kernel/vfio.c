// SPDX-License-Identifier: GPL-2.0-only
/* The VFIO cdev layer. */
#define LOG_PREFIX "vfio: "

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "config.h"
#include "iommutest/ioctl.h"
#include "iommutest/log.h"
#include "iommutest/vfio.h"

/* hex digits exactly n long */
static int hexfield(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int pci_bdf_normalize(const char *in, char *out, size_t outlen)
{
	char buf[32];
	size_t len = strlen(in);

	/* DDDD:BB:DD.F or BB:DD.F, hex, nothing else: no path can be built from anything else */
	if (len == 7 && hexfield(in, 2) && in[2] == ':' && hexfield(in + 3, 2) && in[5] == '.' &&
	    in[6] >= '0' && in[6] <= '7') {
		snprintf(buf, sizeof(buf), "0000:%s", in);
	} else if (len == 12 && hexfield(in, 4) && in[4] == ':' && hexfield(in + 5, 2) &&
		   in[7] == ':' && hexfield(in + 8, 2) && in[10] == '.' && in[11] >= '0' &&
		   in[11] <= '7') {
		snprintf(buf, sizeof(buf), "%s", in);
	} else {
		return -EINVAL;
	}
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (snprintf(out, outlen, "%s", buf) >= (int)outlen)
		return -ENAMETOOLONG;
	return 0;
}

int vfio_cdev_path(const char *bdf, char *path, size_t len)
{
	char dir[128];
	struct dirent *de;
	DIR *d;
	int ret = -ENOENT;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4) || !isdigit((unsigned char)de->d_name[4]))
			continue;
		snprintf(path, len, "/dev/vfio/devices/%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

int vfio_region_info(struct vfio_pci_dev *vdev, uint32_t index, uint64_t *offset, uint64_t *size,
		     uint32_t *flags)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };
	int ret = IOCTL(vdev->fd, VFIO_DEVICE_GET_REGION_INFO, &info);

	if (ret)
		return ret;
	if (offset)
		*offset = info.offset;
	if (size)
		*size = info.size;
	if (flags)
		*flags = info.flags;
	return 0;
}

int vfio_config_read(struct vfio_pci_dev *vdev, uint32_t off, void *buf, size_t len)
{
	ssize_t n = pread(vdev->fd, buf, len, (off_t)(vdev->config_offset + off));

	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

int vfio_config_write(struct vfio_pci_dev *vdev, uint32_t off, const void *buf, size_t len)
{
	ssize_t n = pwrite(vdev->fd, buf, len, (off_t)(vdev->config_offset + off));

	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

int vfio_pci_open(const char *bdf, struct vfio_pci_dev *vdev)
{
	char path[128];
	int ret;

	memset(vdev, 0, sizeof(*vdev));
	vdev->fd = -1;
	snprintf(vdev->bdf, sizeof(vdev->bdf), "%s", bdf);
	ret = vfio_cdev_path(bdf, path, sizeof(path));
	if (ret) {
		pr_err("%s has no VFIO cdev (is it bound to vfio-pci? use --bind)", bdf);
		return ret;
	}
	vdev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (vdev->fd < 0) {
		ret = -errno;
		pr_err("open %s: %s", path, strerror(-ret));
		return ret;
	}
	/* a cdev is usable only after BIND_IOMMUFD: ids are read then */
	return 0;
}

static int vfio_read_ids(struct vfio_pci_dev *vdev)
{
	uint32_t id, cls;
	int ret;

	ret = vfio_region_info(vdev, VFIO_PCI_CONFIG_REGION_INDEX, &vdev->config_offset, NULL, NULL);
	if (ret)
		return ret;
	ret = vfio_config_read(vdev, PCI_VENDOR_ID, &id, 4);
	if (ret)
		return ret;
	ret = vfio_config_read(vdev, PCI_CLASS_REVISION, &cls, 4);
	if (ret)
		return ret;
	vdev->vendor = id & 0xffff;
	vdev->device = id >> 16;
	vdev->class_code = cls >> 8;
	return 0;
}

void vfio_pci_close(struct vfio_pci_dev *vdev)
{
	if (vdev->fd >= 0)
		close(vdev->fd);
	vdev->fd = -1;
}

int vfio_bind_iommufd(struct vfio_pci_dev *vdev, int iommufd)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	int ret = IOCTL(vdev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);

	if (ret)
		return ret;
	vdev->dev_id = bind.out_devid;
	return vfio_read_ids(vdev);
}

#ifdef HAVE_VFIO_DEVICE_ATTACH_PASID
/*
 * Whether this kernel's VFIO attaches PASIDs (VFIO_DEVICE_ATTACH_PASID): 0, -ENOTTY when it
 * does not (6.12 refuses any flag of ATTACH/DETACH_IOMMUFD_PT with EINVAL, which would read as
 * the kernel's verdict on the step), -EOPNOTSUPP when the device's VFIO driver has no PASID
 * ops. Probed once, before the device's first PASID op, by detaching pasid: nothing of this fd
 * is attached at a PASID yet, and a kernel that knows the flag changes nothing for a PASID
 * that is not attached.
 */
static int vfio_pasid_probe(struct vfio_pci_dev *vdev, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
		.flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};
	int ret;

	if (vdev->pasid_ops)
		return vdev->pasid_ops < 0 ? vdev->pasid_ops : 0;
	ret = IOCTL(vdev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach);
	if (ret == -EINVAL)
		ret = -ENOTTY;
	if (ret && ret != -ENOTTY && ret != -EOPNOTSUPP)
		return ret; /* no answer about the flag: probed again next time */
	vdev->pasid_ops = ret ? ret : 1;
	if (ret)
		pr_info("%s: %s", vdev->bdf, ret == -ENOTTY ? "this kernel's VFIO has no PASID attach "
			"(VFIO_DEVICE_ATTACH_PASID refused)" : "its VFIO driver has no PASID ops");
	return ret;
}
#endif

int vfio_attach_pt(struct vfio_pci_dev *vdev, uint32_t *pt_id, int pasid)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = *pt_id,
	};
	int ret;

	if (pasid >= 0) {
#ifdef HAVE_VFIO_DEVICE_ATTACH_PASID
		ret = vfio_pasid_probe(vdev, (uint32_t)pasid);
		if (ret)
			return ret;
		attach.flags = VFIO_DEVICE_ATTACH_PASID;
		attach.pasid = (uint32_t)pasid;
#else
		return -EOPNOTSUPP;
#endif
	}
	ret = IOCTL(vdev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
	if (!ret)
		*pt_id = attach.pt_id;
	return ret;
}

int vfio_detach_pt(struct vfio_pci_dev *vdev, int pasid)
{
	struct vfio_device_detach_iommufd_pt detach = { .argsz = sizeof(detach) };

	if (pasid >= 0) {
#ifdef HAVE_VFIO_DEVICE_ATTACH_PASID
		int ret = vfio_pasid_probe(vdev, (uint32_t)pasid);

		if (ret)
			return ret;
		detach.flags = VFIO_DEVICE_DETACH_PASID;
		detach.pasid = (uint32_t)pasid;
#else
		return -EOPNOTSUPP;
#endif
	}
	return IOCTL(vdev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach);
}

int vfio_bar_mmap(struct vfio_pci_dev *vdev, unsigned int bar, void **map, uint64_t *size)
{
	uint64_t off, sz;
	uint32_t flags;
	void *p;
	int ret;

	if (bar > VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	ret = vfio_region_info(vdev, VFIO_PCI_BAR0_REGION_INDEX + bar, &off, &sz, &flags);
	if (ret)
		return ret;
	if (!sz || !(flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EOPNOTSUPP;
	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vdev->fd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	*map = p;
	*size = sz;
	return 0;
}

void vfio_bar_unmap(void *map, uint64_t size)
{
	if (map)
		munmap(map, size);
}

static int vfio_update_command(struct vfio_pci_dev *vdev, uint16_t set, uint16_t clear)
{
	uint16_t cmd;
	int ret = vfio_config_read(vdev, PCI_COMMAND, &cmd, sizeof(cmd));

	if (ret)
		return ret;
	cmd = (uint16_t)((cmd | set) & ~clear);
	ret = vfio_config_write(vdev, PCI_COMMAND, &cmd, sizeof(cmd));
	if (ret)
		return ret;
	ret = vfio_config_read(vdev, PCI_COMMAND, &cmd, sizeof(cmd));
	if (ret)
		return ret;
	if ((cmd & set) != set || (cmd & clear)) {
		pr_err("%s: PCI_COMMAND is 0x%04x after update", vdev->bdf, cmd);
		return -EIO;
	}
	return 0;
}

int vfio_enable_bus_master(struct vfio_pci_dev *vdev)
{
	return vfio_update_command(vdev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0);
}

int vfio_disable_bus_master(struct vfio_pci_dev *vdev)
{
	return vfio_update_command(vdev, 0, PCI_COMMAND_MASTER);
}
