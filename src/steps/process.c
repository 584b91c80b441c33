// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioas_change_process: IOMMU_IOAS_CHANGE_PROCESS moves the pin accounting of every mapping of
 * the iommufd to the calling process — a VMM handing its device to a new process. 7.2 refuses
 * (EINVAL, nothing changed) while any mapping is not file-backed (IOMMU_IOAS_MAP_FILE of a
 * memfd; a user-address or dma-buf mapping is EINVAL). "process": "child" forks a child that
 * issues it on the shared iommufd and reports its errno through a pipe (the child _exit()s, the
 * parent waits): the accounting then belongs to another process, whose pages DMA still reaches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommutest/iommufd.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

enum change_process_who { CHANGE_IN_CHILD, CHANGE_IN_SELF };

struct ioas_change_process_args {
	uint64_t process;
};

static const struct name_value change_process_who[] = {
	{ "child", CHANGE_IN_CHILD }, { "self", CHANGE_IN_SELF }, { NULL, 0 },
};

static const struct arg_def ioas_change_process_argdefs[] = {
	{ .name = "process", .type = ARG_ENUM, .enums = change_process_who, .def = "child",
	  .off = offsetof(struct ioas_change_process_args, process),
	  .help = "who issues it: child (a forked process, on the shared iommufd) or self (this process)" },
	{ .name = NULL },
};

/* the child's result, read from rfd; *status its wait status. 0, or -errno of the pipe or wait */
static int child_result(pid_t pid, int rfd, int *result, int *status)
{
	ssize_t n;

	do
		n = read(rfd, result, sizeof(*result));
	while (n < 0 && errno == EINTR);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return n == (ssize_t)sizeof(*result) ? 0 : -EPIPE;
}

static int ioas_change_process_run(struct run_ctx *rc, const struct step *st)
{
	const struct ioas_change_process_args *a = st->args;
	int p[2], result = 0, status = 0, ret;
	pid_t pid;

	if (a->process == CHANGE_IN_SELF)
		return iommufd_ioas_change_process(rc->iommufd);
	if (pipe2(p, O_CLOEXEC))
		return -errno; /* not the ioctl's answer: the runner reports an unexpected errno */
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out_close;
	}
	if (!pid) {
		result = iommufd_ioas_change_process(rc->iommufd);
		_exit(write(p[1], &result, sizeof(result)) == (ssize_t)sizeof(result) ? 0 : 1);
	}
	close(p[1]);
	p[1] = -1;
	ret = child_result(pid, p[0], &result, &status);
	if (ret) {
		step_fail(rc, "the child process issuing IOMMU_IOAS_CHANGE_PROCESS reported nothing (wait status 0x%x)",
			  (unsigned int)status);
		ret = 0;
		goto out_close;
	}
	step_note(rc, "%s: a child process issued IOMMU_IOAS_CHANGE_PROCESS: %s", st->path,
		  errno_name(result));
	ret = result;
out_close:
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return ret;
}

const struct step_ops step_ioas_change_process = {
	.name = "ioas_change_process",
	.help = "move the pin accounting of every mapping to another process (IOMMU_IOAS_CHANGE_PROCESS; EINVAL while a mapping is not file-backed)",
	.args = ioas_change_process_argdefs,
	.args_size = sizeof(struct ioas_change_process_args),
	.run = ioas_change_process_run,
	.ioctls = STEP_IOCTLS("IOMMU_IOAS_CHANGE_PROCESS"),
};
