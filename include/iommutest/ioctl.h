/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every ioctl the tool issues goes through ioctl_call(): EINTR retried, 0 or -errno returned,
 * and with --trace FILE one JSON line per call (name, fd, argument bytes before and after,
 * result, errno, duration) — attachable to a bug report.
 */
#pragma once

#include <stddef.h>

/*
 * What lies below ioctl_call() and iommufd_open(): the running kernel, unless a unit test puts
 * its in-memory fake there (tests/unit/fake_kernel.c). The product never switches it.
 */
struct kernel_backend {
	const char *name;
	/* open /dev/iommu: a new fd, or -errno */
	int (*open_iommufd)(void);
	/* issue req on fd: the ioctl's non-negative result, or -errno */
	int (*ioctl)(int fd, unsigned long req, void *arg);
	/* read(2) / write(2) on an fd an ioctl returned (a fault queue's): bytes, or -errno.
	 * NULL: the running kernel's read(2) / write(2). */
	long (*read)(int fd, void *buf, size_t len);
	long (*write)(int fd, const void *buf, size_t len);
};

/* Install b (NULL: the running kernel again); returns the one it replaces. Tests only. */
const struct kernel_backend *kernel_backend_set(const struct kernel_backend *b);
/*
 * Changes whenever kernel_backend_set() installs a backend: what a layer probed once of the kernel
 * (the iommufd features, the mock's op table) is stale when its generation differs. The product
 * never switches, so it probes once per process; a unit test probes each fake kernel it installs.
 */
unsigned int kernel_backend_generation(void);
/* open /dev/iommu through the current backend: a new fd, or -errno */
int kernel_open_iommufd(void);

int ioctl_call(int fd, unsigned long req, const char *name, void *arg, size_t argsz);
/* the same, for an ioctl whose result is a value (a new fd): that value (>= 0), or -errno */
int ioctl_call_value(int fd, unsigned long req, const char *name, void *arg, size_t argsz);
/*
 * read(2) / write(2) of records on an fd an ioctl returned (a fault queue's), through the backend
 * and traced like an ioctl (name: what the records are): the bytes transferred, or -errno.
 */
long kernel_read(int fd, const char *name, void *buf, size_t len);
long kernel_write(int fd, const char *name, const void *buf, size_t len);
#define IOCTL(fd, req, arg) ioctl_call((fd), (req), #req, (arg), sizeof(*(arg)))

/* Start tracing to path ("-" = stderr). 0 or -errno. */
int ioctl_trace_open(const char *path);
void ioctl_trace_close(void);
