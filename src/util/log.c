// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>

#include "iommutest/log.h"

int log_level_max = LOG_WARN;

static const char *const level_tag[] = {
	[LOG_ERR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};

void log_msg(enum log_level lvl, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	if ((int)lvl > log_level_max)
		return;
	fprintf(stderr, "iommutest: %s%s", prefix, level_tag[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
