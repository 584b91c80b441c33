// SPDX-License-Identifier: GPL-2.0-only
/* fail_nth: /proc/thread-self/fail-nth around one step, and the debugfs knobs it needs. */
#define LOG_PREFIX "fail-nth: "

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommutest/fail_nth.h"
#include "iommutest/log.h"
#include "iommutest/util.h"

/*
 * failslab and fail_page_alloc ignore sleeping (GFP_KERNEL) allocations by default, which are
 * nearly all of iommufd's: while fail_nth is in use they must not (debugfs, as the kernel's own
 * iommufd_fail_nth test sets them). Each injected fault is logged in one line, without the stack
 * dump (verbose 2, the default, prints ~30 lines a fault: a stream of failing replaces would fill
 * the kernel log). The previous values come back at the end of the run.
 */
static const struct {
	const char *path, *value;
} fault_knobs[] = {
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "/sys/kernel/debug/failslab/verbose", "1" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "1" },
	{ "/sys/kernel/debug/fail_iommufd/verbose", "1" },
};
static char fault_knob_saved[ARRAY_SIZE(fault_knobs)][8];
static bool fault_knobs_set;

static int knob_rw(const char *path, char *old, size_t oldlen, const char *val)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (old) {
		n = read(fd, old, oldlen - 1);
		old[n > 0 ? n : 0] = '\0';
	}
	/* write(), not pwrite(): numeric debugfs attributes are not seekable (ESPIPE) */
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int fault_knobs_setup(void)
{
	if (fault_knobs_set)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(fault_knobs); i++)
		if (knob_rw(fault_knobs[i].path, fault_knob_saved[i], sizeof(fault_knob_saved[i]),
			    fault_knobs[i].value))
			fault_knob_saved[i][0] = '\0'; /* absent (e.g. no FAIL_PAGE_ALLOC): leave it */
	if (!fault_knob_saved[0][0])
		return -ENOENT; /* failslab's knob is the one that matters */
	fault_knobs_set = true;
	return 0;
}

void fault_knobs_restore(void)
{
	for (size_t i = 0; fault_knobs_set && i < ARRAY_SIZE(fault_knobs); i++)
		if (fault_knob_saved[i][0])
			knob_rw(fault_knobs[i].path, NULL, 0, fault_knob_saved[i]);
	fault_knobs_set = false;
}

int fail_nth_arm(unsigned int nth)
{
	char buf[16];
	int fd, n;

	if (fault_knobs_setup())
		return -ENOENT;
	fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	n = snprintf(buf, sizeof(buf), "%u", nth);
	if (fd < 0)
		return -ENOENT;
	if (pwrite(fd, buf, (size_t)n, 0) != n) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

/* disarm; true when the fault was injected */
bool fail_nth_disarm(int fd)
{
	char buf[16];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	if (pwrite(fd, "0", 1, 0) != 1)
		pr_warn("could not disarm fail-nth");
	close(fd);
	return atoi(buf) <= 0;
}

