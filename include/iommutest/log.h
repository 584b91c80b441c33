/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging with a per-file prefix, like the kernel's pr_fmt: define LOG_PREFIX before including.
 * Everything goes to stderr so stdout stays machine-readable. -v raises the level.
 */
#pragma once

#include <stdarg.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern int log_level_max; /* messages above this level are dropped (default LOG_WARN) */

void log_msg(enum log_level lvl, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif

#define pr_err(fmt, ...) log_msg(LOG_ERR, LOG_PREFIX, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) log_msg(LOG_WARN, LOG_PREFIX, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) log_msg(LOG_INFO, LOG_PREFIX, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) log_msg(LOG_DEBUG, LOG_PREFIX, fmt, ##__VA_ARGS__)
