// SPDX-License-Identifier: GPL-2.0-only
/* The one place ioctls are issued, and the --trace log of them. */
#define LOG_PREFIX "trace: "

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "iommutest/ioctl.h"
#include "iommutest/util.h"

#define TRACE_MAX_ARG 256 /* bytes of argument dumped */

static FILE *trace;
static uint64_t trace_t0;

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
	uint8_t before[TRACE_MAX_ARG];
	uint64_t t = 0;
	int ret, err = 0;

	if (trace) {
		memcpy(before, arg, argsz < sizeof(before) ? argsz : sizeof(before));
		t = now_ns();
	}
	do
		ret = ioctl(fd, req, arg);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		err = errno;
	if (trace) {
		uint64_t end = now_ns();

		fprintf(trace, "{\"t_ns\":%llu,\"ioctl\":\"%s\",\"request\":\"0x%lx\",\"fd\":%d,\"arg\":\"",
			(unsigned long long)(t - trace_t0), name, req, fd);
		put_hex(before, argsz);
		fputs("\",\"arg_out\":\"", trace);
		put_hex(arg, argsz);
		fprintf(trace, "\",\"ret\":%d,\"errno\":\"%s\",\"duration_ns\":%llu}\n", ret < 0 ? -err : ret,
			err ? errno_name(err) : "", (unsigned long long)(end - t));
	}
	return ret < 0 ? -err : 0;
}
