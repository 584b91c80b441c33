#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kselftest entry point for iommutest: KTAP on stdout, exit 0 pass / 1 fail / 4 skip.
#
#   IOMMUTEST_DEVICES  devices for the scenarios' slots, space-separated (default: "mock", the
#                      kernel's IOMMUFD_TEST mock; e.g. "0000:00:03.0" for real DMA)
#   IOMMUTEST_BIND=1   move PCI devices to vfio-pci for the run and back (--bind)
#   IOMMUTEST_ARGS     more `iommutest run` arguments
#
# One KTAP result per scenario, as kselftest result parsers see it. KernelCI's LAVA jobs parse
# run_kselftest.sh's log with Linaro's test-definitions (automated/linux/kselftest/
# parse-output.py), which takes every "ok"/"not ok" line under the runner's "# " prefix as a
# result whatever its indentation, and puts a SKIP's reason into the test's name. So the KTAP
# iommutest prints is rewritten, line by line (fflush: a timeout loses nothing):
#   - a scenario's nested KTAP (its steps, indented 4) is quoted as diagnostics, "# | LINE";
#   - "ok N NAME # SKIP REASON" becomes "ok N NAME # SKIP" and "# SKIP: REASON", so the name
#     stays the same whatever the reason (XFAIL/XPASS keep theirs: that parser drops them).
# Anything that is not KTAP (--format json|junit in IOMMUTEST_ARGS) passes unchanged.
# tests/lava/README.md ("KernelCI") has the parser's rules and the evidence.
here=$(dirname "$0")
set --
for d in ${IOMMUTEST_DEVICES:-mock}; do set -- "$@" -d "$d"; done
[ "${IOMMUTEST_BIND:-0}" = 1 ] && set -- "$@" --bind

per_scenario() {
	awk '
	NR == 1 && $0 != "KTAP version 1" { raw = 1 }
	raw { print; fflush(); next }
	/^    / { print "# | " substr($0, 5); fflush(); next }
	/^ok [0-9]+ / && (i = index($0, " # SKIP")) {
		reason = substr($0, i + 8)
		print substr($0, 1, i + 6)
		if (reason != "")
			print "# SKIP: " reason
		fflush(); next
	}
	{ print; fflush() }'
}

# iommutest's exit code through the pipe (POSIX sh has no pipefail): written on fd 4
exec 3>&1
# shellcheck disable=SC2086 # IOMMUTEST_ARGS is a list of words on purpose
rc=$({ { "$here/iommutest" run "$@" ${IOMMUTEST_ARGS:-} "$here/scenarios" 3>&- 4>&-
	 echo $? >&4; } | per_scenario >&3; } 4>&1)
exit "$rc"
