/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every ioctl the tool issues goes through ioctl_call(): EINTR retried, 0 or -errno returned,
 * and with --trace FILE one JSON line per call (name, fd, argument bytes before and after,
 * result, errno, duration) — attachable to a bug report.
 */
#pragma once

#include <stddef.h>

int ioctl_call(int fd, unsigned long req, const char *name, void *arg, size_t argsz);
#define IOCTL(fd, req, arg) ioctl_call((fd), (req), #req, (arg), sizeof(*(arg)))

/* Start tracing to path ("-" = stderr). 0 or -errno. */
int ioctl_trace_open(const char *path);
void ioctl_trace_close(void);
