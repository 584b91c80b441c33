// SPDX-License-Identifier: GPL-2.0-only
/*
 * --bind: move a PCI device to vfio-pci and back. The wait for the VFIO cdev listens to kobject
 * uevents (libnl-3, NETLINK_KOBJECT_UEVENT) instead of sleeping in a loop.
 */
#define LOG_PREFIX "bind: "

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "iommutest/log.h"
#include "iommutest/sysfs_bind.h"
#include "iommutest/util.h"
#include "iommutest/vfio.h"

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* the last component of the symlink at path into buf ("" when there is no such link) */
static int link_basename(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n < 0) {
		buf[0] = '\0';
		return errno == ENOENT ? 0 : -errno;
	}
	target[n] = '\0';
	snprintf(buf, len, "%s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
	return 0;
}

int pci_current_driver(const char *bdf, char *drv, size_t len)
{
	char link[128];

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", bdf);
	return link_basename(link, drv, len);
}

int pci_iommu_of(const char *bdf, char *iommu, size_t len, int *group)
{
	char link[128], name[32];
	char *end;
	long g;
	int ret;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu", bdf);
	ret = link_basename(link, iommu, len);
	if (ret)
		return ret;
	*group = -1;
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	ret = link_basename(link, name, sizeof(name));
	if (ret || !name[0])
		return ret;
	g = strtol(name, &end, 10);
	if (!*end && g >= 0 && g <= INT_MAX)
		*group = (int)g;
	return 0;
}

/* A uevent listener; NULL when netlink is unavailable (we then fall back to polling sysfs). */
static struct nl_sock *uevent_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	nl_socket_disable_seq_check(sk);
	if (nl_connect(sk, NETLINK_KOBJECT_UEVENT) < 0 || nl_socket_add_membership(sk, 1) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	nl_socket_set_nonblocking(sk);
	return sk;
}

/* Wait until bdf has a VFIO cdev that exists in /dev, or timeout / stop. */
static int wait_for_cdev(struct nl_sock *sk, const char *bdf, unsigned int timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	char path[128];

	for (;;) {
		struct pollfd pfd = { .fd = sk ? nl_socket_get_fd(sk) : -1, .events = POLLIN };
		uint64_t now = now_ns();
		int wait_ms;

		if (!vfio_cdev_path(bdf, path, sizeof(path)) && !access(path, R_OK | W_OK))
			return 0;
		if (iommutest_stop)
			return -EINTR;
		if (now >= deadline)
			return -ETIMEDOUT;
		wait_ms = (int)((deadline - now) / 1000000ull) + 1;
		if (!sk && wait_ms > 20)
			wait_ms = 20; /* no netlink: poll sysfs */
		if (poll(&pfd, sk ? 1 : 0, wait_ms) > 0 && sk) {
			unsigned char *buf = NULL;
			struct sockaddr_nl who;
			int n;

			/* drain; each message is "ACTION@DEVPATH\0KEY=VAL\0..." — any one may be ours */
			while ((n = nl_recv(sk, &who, &buf, NULL)) > 0) {
				pr_debug("uevent: %.*s", n, (const char *)buf);
				free(buf);
				buf = NULL;
			}
		}
	}
}

/*
 * One step of the move to vfio-pci, and the check after it: a Ctrl-C between steps stops the
 * move there (restore undoes what happened). IOMMUTEST_SIGINT_AT=<point> raises SIGINT at that
 * point ("override", "unbound", "probed"), so the lab can prove the restore from each of these
 * half-way states; timing a real Ctrl-C into a few-millisecond bind is not reliable.
 */
static int bind_step(const char *path, const char *val, const char *point)
{
	const char *at = getenv("IOMMUTEST_SIGINT_AT");
	int ret = sysfs_write(path, val);

	if (!ret && at && !strcmp(at, point))
		raise(SIGINT);
	return ret ? ret : iommutest_stop ? -EINTR : 0;
}

int pci_bind_vfio(const char *bdf, struct bound_device *bd, unsigned int timeout_ms)
{
	char path[160], drv[64];
	struct nl_sock *sk;
	int ret;

	memset(bd, 0, sizeof(*bd));
	snprintf(bd->bdf, sizeof(bd->bdf), "%s", bdf);
	if (iommutest_stop)
		return -EINTR; /* interrupted before anything moved */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (access(path, F_OK))
		return -ENODEV;
	ret = pci_current_driver(bdf, drv, sizeof(drv));
	if (ret)
		return ret;
	snprintf(bd->orig_driver, sizeof(bd->orig_driver), "%s", drv);
	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK)) {
		pr_err("the vfio-pci driver is not loaded (modprobe vfio-pci)");
		return -ENOENT;
	}

	sk = uevent_open(); /* before changing anything, so no event is missed */
	if (!sk)
		pr_warn("no kobject uevent socket; polling sysfs for the VFIO cdev");
	if (strcmp(drv, "vfio-pci")) {
		bd->moved = 1; /* from here on, restore undoes whatever part happened */
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
		ret = bind_step(path, "vfio-pci", "override");
		if (ret)
			goto out;
		if (drv[0]) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
			ret = bind_step(path, bdf, "unbound");
			if (ret)
				goto out;
		}
		ret = bind_step("/sys/bus/pci/drivers_probe", bdf, "probed");
		if (ret)
			goto out;
	}
	ret = wait_for_cdev(sk, bdf, timeout_ms);
	if (ret == -ETIMEDOUT)
		pr_err("%s: no /dev/vfio/devices/vfioN within %u ms after binding to vfio-pci "
		       "(is CONFIG_VFIO_DEVICE_CDEV set, is the device in an IOMMU group?)", bdf, timeout_ms);
	else if (!ret)
		pr_info("%s: bound to vfio-pci (was %s)", bdf, drv[0] ? drv : "no driver");
out:
	if (sk)
		nl_socket_free(sk);
	return ret;
}

int pci_restore_driver(struct bound_device *bd)
{
	char path[160], drv[64];
	int ret;

	if (!bd->moved)
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bd->bdf);
	ret = sysfs_write(path, "\n");
	if (ret)
		pr_warn("%s: clearing driver_override: %s", bd->bdf, strerror(-ret));
	if (!pci_current_driver(bd->bdf, drv, sizeof(drv)) && drv[0] && strcmp(drv, bd->orig_driver)) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bd->bdf);
		ret = sysfs_write(path, bd->bdf);
		if (ret)
			pr_warn("%s: unbinding from %s: %s", bd->bdf, drv, strerror(-ret));
	}
	if (bd->orig_driver[0]) {
		sysfs_write("/sys/bus/pci/drivers_probe", bd->bdf);
		if (pci_current_driver(bd->bdf, drv, sizeof(drv)) || strcmp(drv, bd->orig_driver)) {
			snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", bd->orig_driver);
			sysfs_write(path, bd->bdf);
		}
		if (pci_current_driver(bd->bdf, drv, sizeof(drv)) || strcmp(drv, bd->orig_driver)) {
			pr_err("%s: could not give the device back to %s (now: %s)", bd->bdf,
			       bd->orig_driver, drv[0] ? drv : "no driver");
			return -EIO;
		}
	}
	pr_info("%s: returned to %s", bd->bdf, bd->orig_driver[0] ? bd->orig_driver : "no driver");
	bd->moved = 0;
	return 0;
}
