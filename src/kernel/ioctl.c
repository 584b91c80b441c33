// SPDX-License-Identifier: GPL-2.0-only
/* The one place ioctls are issued (and /dev/iommu opened), the --trace log of them, and the seam
 * below them where unit tests put a fake kernel. */
#define LOG_PREFIX "trace: "

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "iommutest/ioctl.h"
#include "iommutest/util.h"

#define TRACE_MAX_ARG 256 /* bytes of argument dumped */

static FILE *trace;
static uint64_t trace_t0;

static int running_kernel_open_iommufd(void)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int running_kernel_ioctl(int fd, unsigned long req, void *arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

static long running_kernel_read(int fd, void *buf, size_t len)
{
	long ret = read(fd, buf, len);

	return ret < 0 ? -errno : ret;
}

static long running_kernel_write(int fd, const void *buf, size_t len)
{
	long ret = write(fd, buf, len);

	return ret < 0 ? -errno : ret;
}

static const struct kernel_backend running_kernel = {
	.name = "running kernel",
	.open_iommufd = running_kernel_open_iommufd,
	.ioctl = running_kernel_ioctl,
	.read = running_kernel_read,
	.write = running_kernel_write,
};

static const struct kernel_backend *backend = &running_kernel;
static unsigned int backend_generation;

const struct kernel_backend *kernel_backend_set(const struct kernel_backend *b)
{
	const struct kernel_backend *old = backend;

	backend = b ? b : &running_kernel;
	backend_generation++;
	return old;
}

unsigned int kernel_backend_generation(void)
{
	return backend_generation;
}

int kernel_open_iommufd(void)
{
	return backend->open_iommufd();
}

int ioctl_trace_open(const char *path)
{
	trace = strcmp(path, "-") ? fopen(path, "w") : stderr;
	if (!trace)
		return -errno;
	setvbuf(trace, NULL, _IOLBF, 0);
	trace_t0 = now_ns();
	return 0;
}

void ioctl_trace_close(void)
{
	if (trace && trace != stderr)
		fclose(trace);
	trace = NULL;
}

static void put_hex(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n && i < TRACE_MAX_ARG; i++)
		fprintf(trace, "%02x", b[i]);
}

int ioctl_call(int fd, unsigned long req, const char *name, void *arg, size_t argsz)
{
	int ret = ioctl_call_value(fd, req, name, arg, argsz);

	return ret < 0 ? ret : 0;
}

int ioctl_call_value(int fd, unsigned long req, const char *name, void *arg, size_t argsz)
{
	uint8_t before[TRACE_MAX_ARG];
	uint64_t t = 0;
	int ret;

	if (trace) {
		memcpy(before, arg, argsz < sizeof(before) ? argsz : sizeof(before));
		t = now_ns();
	}
	do
		ret = backend->ioctl(fd, req, arg);
	while (ret == -EINTR);
	if (trace) {
		uint64_t end = now_ns();

		fprintf(trace, "{\"t_ns\":%llu,\"ioctl\":\"%s\",\"request\":\"0x%lx\",\"fd\":%d,\"arg\":\"",
			(unsigned long long)(t - trace_t0), name, req, fd);
		put_hex(before, argsz);
		fputs("\",\"arg_out\":\"", trace);
		put_hex(arg, argsz);
		fprintf(trace, "\",\"ret\":%d,\"errno\":\"%s\",\"duration_ns\":%llu}\n", ret,
			ret < 0 ? errno_name(-ret) : "", (unsigned long long)(end - t));
	}
	return ret;
}

/* one trace line for a read or write: the n bytes read or written */
static void trace_rw(const char *op, const char *name, int fd, const void *buf, size_t n, long ret,
		     uint64_t t)
{
	uint64_t end = now_ns();

	fprintf(trace, "{\"t_ns\":%llu,\"ioctl\":\"%s(%s)\",\"fd\":%d,\"arg_out\":\"",
		(unsigned long long)(t - trace_t0), op, name, fd);
	put_hex(buf, n);
	fprintf(trace, "\",\"ret\":%ld,\"errno\":\"%s\",\"duration_ns\":%llu}\n", ret,
		ret < 0 ? errno_name((int)-ret) : "", (unsigned long long)(end - t));
}

/* one read or write of records: EINTR retried, traced; bytes or -errno */
static long rw_call(bool is_write, int fd, const char *name, void *buf, size_t len)
{
	const struct kernel_backend *b = is_write ? (backend->write ? backend : &running_kernel) :
						    (backend->read ? backend : &running_kernel);
	uint64_t t = trace ? now_ns() : 0;
	long ret;

	do
		ret = is_write ? b->write(fd, buf, len) : b->read(fd, buf, len);
	while (ret == -EINTR);
	if (trace)
		trace_rw(is_write ? "write" : "read", name, fd, buf,
			 is_write ? len : ret > 0 ? (size_t)ret : 0, ret, t);
	return ret;
}

long kernel_read(int fd, const char *name, void *buf, size_t len)
{
	return rw_call(false, fd, name, buf, len);
}

long kernel_write(int fd, const char *name, const void *buf, size_t len)
{
	return rw_call(true, fd, name, (void *)buf, len);
}
