/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault injection for a step ("fail_nth"): the Nth fallible kernel site (failslab,
 * fail_page_alloc...) the step's own thread reaches fails. Armed right before the step runs and
 * disarmed right after, so nothing of the runner's own is hit.
 */
#pragma once

#include <stdbool.h>

/* Arm /proc/thread-self/fail-nth at nth: the open control file, or -ENOENT (no FAULT_INJECTION,
 * no FAILSLAB or no debugfs). */
int fail_nth_arm(unsigned int nth);
/* Disarm; true when the fault was injected. */
bool fail_nth_disarm(int fd);
/* Give failslab/fail_page_alloc back their settings (end of the run). */
void fault_knobs_restore(void);
