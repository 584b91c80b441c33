#!/usr/bin/env python3
"""tests/lab/verdict.py — the lab's verdicts for one boot, from the table of entries.

    verdict.py --profile NAME --log SERIAL-LOG [--qemu-rc N] [--timeout S] [--qemu-stderr FILE]
               [--scenarios DIR] [--disk-before IMG --disk-after IMG] [--kselftest]
               [--kselftest-skip REASON] [--log-name NAME] [--entries FILE] [--profiles FILE]
               [--only KEY[,KEY...]]
               [--known FILE] [--kernel VERSION]
    verdict.py --check-markers GUEST-INIT     the entries' markers are the ones guest-init prints
    verdict.py --check-profiles SCENARIO-DIR  every must-pass list is there and names scenarios

For each entry of tests/lab/entries (in order; the kselftest one only with --kselftest) it prints
what the entry shows (the guest's KTAP nested, "# " diagnostics) and one line

    @@RESULT ok|fail|skip ENTRY-NAME [REASON]

which tests/lab/run turns into the KTAP result line; an entry that shows iommutest's KTAP also
gets "@@COUNTS ENTRY-NAME xfail=N xpass=M" (its scenarios that were XFAIL and XPASS, which
tests/lab/run totals). Before the first entry: the guest's "@@LAB INFO" facts as
"# PROFILE: ..." lines. What each entry requires is the table's last column (see
tests/lab/entries); the must-pass lists are the profile's "must_pass": {KEY: [...]} in
tests/lab/profiles.json, the known limitations tests/lab/known-limitations.json (both through
tests/lab/profiles.py): an XFAIL or XPASS scenario satisfies must_pass only where that file lists
it for the profile (on that kernel), and a SKIP satisfies it only where tests/lab/kernels.json
says the kernel (--kernel, default 7.2) lacks what the scenario needs. Standard library only.
"""

import argparse
import collections
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import profiles as profiles_file  # noqa: E402 (tests/lab/profiles.py, beside this file)

BAD_RE = re.compile(r"WARNING:|BUG:|Oops|Call [Tt]race|Kernel panic|general protection fault|UBSAN:|"
                    r"KASAN:|soft lockup|blocked for more than")
FAULT_RE = re.compile(r"DMAR: \[(DMA|INTR)|DMAR: DRHD: handling fault|DMAR:.*fault addr|"
                      r"event 0x[0-9a-f]+ received|arm-smmu-v3.*(event: |EVTQ overflow)")
INJECTED_RE = re.compile(r"FAULT_INJECTION: forcing a failure")
KERNEL_LINE_RE = re.compile(r"^\[ *[0-9]+\.[0-9]+\]")
RESULT_RE = re.compile(r"^(ok|not ok) [0-9]+ (\S+)(?: # (SKIP|TODO|XFAIL|XPASS)\b ?(.*))?$")
WRITES_RE = re.compile(r"^\s*# nvme (\S+): ([0-9]+) Write\(s\) to LBAs ([0-9,-]+) \(([0-9]+)-byte blocks")
KSELFTEST_PROGRAMS = ("iommufd", "iommufd_fail_nth")
BLOCK = 512


# --- the tables ---------------------------------------------------------------------------------
def table_lines(path):
    """(line number, text) of a " | " table, comments and blank lines left out."""
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                yield no, line


class Entry:
    def __init__(self, fields):
        self.key, name, self.marker, self.output, self.when, self.what, req = fields
        self.suffix = "" if name == "-" else name
        self.requires = req.split()


def load_entries(path):
    entries = []
    for no, line in table_lines(path):
        fields = [f.strip() for f in line.split(" | ")]
        if len(fields) != 7:
            raise SystemExit(f"{path}:{no}: {len(fields)} fields, 7 wanted")
        entries.append(Entry(fields))
    return entries


def load_profiles(path):
    """{name: {"flags": [...], "must_pass": {key: [scenario names]}}}, in file order."""
    return {p["name"]: {"flags": p["flags"], "must_pass": p["must_pass"]} for p in profiles_file.load(path)}


def scenario_names(directory):
    names = set()
    for root, _, files in os.walk(directory):
        for f in files:
            if f.endswith(".json"):
                try:
                    with open(os.path.join(root, f), encoding="utf-8") as fh:
                        names.add(json.load(fh)["name"])
                except (OSError, ValueError, KeyError, TypeError):
                    pass
    return names


# --- the serial log -------------------------------------------------------------------------------
class Section:
    def __init__(self, start):
        self.start, self.end, self.lines, self.rc = start, None, [], None


class Boot:
    """The facts of one boot: the clean serial log, its sections, the kernel's complaints."""

    def __init__(self, text, qemu_rc):
        # no CRs; every "@@LAB " marker at the start of a line (one may follow output that did not
        # end its line, e.g. iommutest's progress on the console's tty)
        text = text.replace("\r", "")
        self.lines = re.sub(r"(?<=[^\n])@@LAB ", "\n@@LAB ", text).split("\n")
        self.qemu_rc = qemu_rc
        self.sections, self.partial = {}, {}
        open_ = {}
        for i, line in enumerate(self.lines):
            if line.startswith("@@LAB BEGIN "):
                name = line[len("@@LAB BEGIN "):]
                open_[name] = Section(i)
            elif line.startswith("@@LAB END "):
                m = re.match(r"@@LAB END (.*?)(?: rc=([0-9]*))?$", line)
                sec = open_.pop(m.group(1), None)
                if sec and m.group(1) not in self.sections:
                    sec.end, sec.rc = i, m.group(2)
                    sec.lines = self.lines[sec.start + 1:i]
                    self.sections[m.group(1)] = sec
        for name, sec in open_.items():  # no END: cut short; its lines are also the console's
            sec.lines = self.lines[sec.start + 1:]
            self.partial.setdefault(name, sec)
        self.info = [l[len("@@LAB INFO "):] for l in self.lines if l.startswith("@@LAB INFO ")]
        self.has_init = any(l.startswith("@@LAB INIT") for l in self.lines)
        self.has_done = any(l.startswith("@@LAB DONE") for l in self.lines)
        self.scan = self._kernel_lines()

    def _kernel_lines(self):
        """What the kernel printed: the console outside the complete result sections, and every
        DMESG dump; the kselftest run (its programs, their console, DMESG kselftest) left out,
        since the kselftest entry judges it."""
        skip = [False] * len(self.lines)
        for name, sec in self.sections.items():
            if not name.startswith("DMESG "):
                for i in range(sec.start, sec.end + 1):
                    skip[i] = True
        first = next((i for i, l in enumerate(self.lines) if l.startswith("@@LAB RUN /kselftest/")), None)
        if first is not None:
            end = self.sections.get("DMESG kselftest")
            last = end.end if end else len(self.lines) - 1
            for i in range(first, last + 1):
                skip[i] = True
        return [l for i, l in enumerate(self.lines) if not skip[i]]

    def rc(self, marker):
        sec = self.sections.get(marker)
        return sec.rc if sec else None

    def section(self, marker):
        """The lines of a section (of what there is when it has no END marker)."""
        sec = self.sections.get(marker) or self.partial.get(marker)
        return sec.lines if sec else []

    def info_value(self, key):
        vals = [i[len(key) + 1:] for i in self.info if i.startswith(key + "=")]
        return vals[-1] if vals else None


def bad_lines(lines):
    """Kernel bugs in lines; a Call Trace within 10 lines of an injected fault is the fault's."""
    out, injected = [], None
    for no, line in enumerate(lines):
        if INJECTED_RE.search(line):
            injected = no
            continue
        if BAD_RE.search(line):
            if injected is not None and no - injected <= 10 and "call trace" in line.lower():
                continue
            if line not in out:
                out.append(line)
    return out


def scan_diags(name, dmesg, scan):
    """The "# " lines about IOMMU faults and injected faults (counted in the kernel log dump, or
    in whatever the console caught without one), and the kernel bugs in scan; -> (lines, bugs)."""
    out = []
    n = sum(1 for l in dmesg if FAULT_RE.search(l))
    if n:
        out.append(f"# {name}: {n} IOMMU fault line(s) in the guest log (expected from blocked-DMA tests), first ones:")
        out += ["#   " + l for l in [l for l in dmesg if FAULT_RE.search(l)][:4]]
    n = sum(1 for l in dmesg if INJECTED_RE.search(l))
    if n:
        out.append(f"# {name}: {n} injected fault(s) (FAULT_INJECTION, expected from fail_nth tests)")
    bugs = bad_lines(scan)
    if bugs:
        out.append(f"# {name}: the guest kernel reported {len(bugs)} WARNING/BUG/Oops/Call Trace/panic line(s):")
        out += ["#   " + l for l in bugs[:20]]
    return out, bugs


def nest(lines, name, ind="    "):
    """The guest's KTAP as a subtest called name (KUnit's nesting)."""
    out, started = [], False
    for line in lines:
        if not started:
            if not line.strip():
                continue
            started = True
            out += [ind + "KTAP version 1", ind + "# Subtest: " + name]
            if re.match(r"^K?TAP version", line):
                continue
        out.append(ind + line)
    return out


# a scenario's result line: "ok" or not, its directive (SKIP, TODO, XFAIL, XPASS or None) and the
# directive's reason
Result = collections.namedtuple("Result", "ok directive reason")


def ktap_results(lines):
    """{scenario: Result} from the top level of a guest KTAP."""
    res = {}
    for line in lines:
        m = RESULT_RE.match(line)
        if m:
            res[m.group(2)] = Result(m.group(1) == "ok", m.group(3), m.group(4))
    return res


def result_counts(res):
    """pass, fail, xfail, xpass, skip as the KTAP "# Totals:" line counts them"""
    n = dict.fromkeys(("pass", "fail", "xfail", "xpass", "skip"), 0)
    for r in res.values():
        n["fail" if not r.ok else {"SKIP": "skip", "XFAIL": "xfail", "XPASS": "xpass"}.get(r.directive, "pass")] += 1
    return n


# --- the scratch disk -----------------------------------------------------------------------------
def parse_ranges(text):
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return out


def fmt_ranges(ranges, limit=8):
    s = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges[:limit])
    return s + (f",... ({len(ranges)} ranges)" if len(ranges) > limit else "")


def changed_blocks(before, after):
    """512-byte blocks that differ (a size change counts as changed blocks) as ranges."""
    ranges, n = [], max(len(before), len(after))
    for off in range(0, n, BLOCK):
        if before[off:off + BLOCK] != after[off:off + BLOCK]:
            b = off // BLOCK
            if ranges and ranges[-1][1] == b - 1:
                ranges[-1] = (ranges[-1][0], b)
            else:
                ranges.append((b, b))
    return ranges


def disk_check(name, lines, before_path, after_path):
    """-> (diagnostic lines, failure reason or None)"""
    writes, written = 0, []
    for line in lines:
        m = WRITES_RE.match(line)
        if m:
            writes += int(m.group(2))
            per = int(m.group(4)) // BLOCK or 1
            written += [(a * per, (b + 1) * per - 1) for a, b in parse_ranges(m.group(3))]
    if not before_path or not after_path:
        return [], "no scratch disk images to compare (--disk-before/--disk-after)"
    try:
        with open(before_path, "rb") as f:
            before = f.read()
        with open(after_path, "rb") as f:
            after = f.read()
    except OSError as e:
        return [], f"reading the scratch disk: {e}"
    md5b, md5a = hashlib.md5(before).hexdigest(), hashlib.md5(after).hexdigest()
    diags = [f"# {name}: scratch disk md5 {md5b} before the boot, {md5a} after"
             + (": the Writes reached the namespace" if md5a != md5b else "")]
    changed = changed_blocks(before, after)
    nchanged = sum(b - a + 1 for a, b in changed)
    written.sort()
    union = []
    for a, b in written:
        if union and a <= union[-1][1] + 1:
            union[-1] = (union[-1][0], max(b, union[-1][1]))
        else:
            union.append((a, b))
    outside = []
    for a, b in changed:
        for blk in range(a, b + 1):
            if not any(x <= blk <= y for x, y in union):
                outside.append(blk)
    diags.append(f"# {name}: disk: {writes} Write(s) reported, on 512-byte blocks {fmt_ranges(union) or 'none'}; "
                 f"{nchanged} block(s) changed: {fmt_ranges(changed) or 'none'}")
    if not writes:
        return diags, "the nvme engine reported no Write: nothing was written (did every Write skip?)"
    if outside:
        return diags, (f"{len(outside)} block(s) of the scratch disk changed outside the LBAs the Writes "
                       f"covered, first block {outside[0]} (byte 0x{outside[0] * BLOCK:x})")
    if not changed:
        return diags, f"the scratch disk did not change although {writes} Write(s) were reported"
    return diags, None


# --- the verdicts ---------------------------------------------------------------------------------
class Verdict:
    def __init__(self, args, entries, profiles, known):
        self.a, self.entries = args, entries
        self.profile = profiles.get(args.profile, {"flags": [], "must_pass": {}})
        # the profile's known limitations: {scenario: reason (reference)}
        self.known = {k["scenario"]: f"{k['reason']} ({k['reference']})" for k in known
                      if profiles_file.applies(k, args.profile, args.kernel)}
        # what this kernel lacks: {scenario: what} (tests/lab/kernels.json)
        self.lacks = profiles_file.load_kernels().get(args.kernel, {}).get("lacks", {})
        with open(args.log, encoding="utf-8", errors="replace", newline="") as f:  # CRs as they are
            self.boot = Boot(f.read(), args.qemu_rc)
        self.log = args.log_name or args.log
        self.ran = scenario_names(args.scenarios) if args.scenarios else None
        b = self.boot
        dm = b.sections.get("DMESG iommutest")
        self.scan_out, self.bugs = scan_diags(args.profile, dm.lines if dm else b.scan, b.scan)
        self.scan_shown = False

    def out(self, line):
        print(line)

    def name(self, e):
        return self.a.profile + e.suffix

    def run(self):
        for i in self.boot.info:
            if not i.startswith("cmdline="):
                self.out(f"# {self.a.profile}: {i}")
        for e in self.entries:
            if e.when == "always" or (e.when == "kselftest" and self.a.kselftest):
                kind, reason = self.entry(e)
                self.out(f"@@RESULT {kind} {self.name(e)}" + (f" {reason}" if reason else ""))

    # what an entry shows, then its requirements in order; -> (kind, reason)
    def entry(self, e):
        b, name = self.boot, self.name(e)
        lines = b.section(e.marker)
        if e.output == "ktap":
            for l in nest(lines, name):
                self.out(l)
            self.known_limitations_summary(name, lines)
        elif e.output == "kv":
            for l in lines:
                self.out(f"# {name}: {l}")
        elif e.output == "kselftest" and not self.a.kselftest_skip:
            self.kselftest_output(name)
        for r in e.requires:
            if r.startswith("nvme-check:"):
                for l in b.section("NVME-CHECK " + r.split(":", 1)[1]):
                    self.out(f"# {name}: nvme afterwards: {l}")
        if "kernel-clean" in e.requires and not self.scan_shown:
            for l in self.scan_out:
                self.out(l)
            self.scan_shown = True
        if "disk-written" in e.requires:
            diags, self.disk_reason = disk_check(name, lines, self.a.disk_before, self.a.disk_after)
            for l in diags:
                self.out(l)
        rc = b.rc(e.marker)
        if e.output == "ktap" and rc not in (None, "0", "1", "4"):
            self.show_stderr(e, name)
        skip = None
        for r in e.requires:
            kind, reason = self.require(r, e, name, lines, rc)
            if kind == "fail":
                return kind, reason
            if kind == "skip" and r == "kselftest-built":
                return kind, reason
            if kind == "skip":
                skip = reason
        return ("skip", skip) if skip else ("ok", None)

    def show_stderr(self, e, name):
        """What iommutest printed on the console (its stderr) before the section, kernel lines out."""
        b = self.boot
        sec = b.sections.get(e.marker)
        i = sec.start if sec else 0
        j = i
        while j > 0 and not b.lines[j - 1].startswith("@@LAB RUN "):
            j -= 1
        text = [l for l in b.lines[j:i] if l.strip() and not KERNEL_LINE_RE.match(l)]
        for l in text[-10:]:
            self.out(f"# {name}: iommutest: {l}")

    def require(self, r, e, name, lines, rc):
        """-> ("ok"|"skip"|"fail", reason)"""
        a, b, log = self.a, self.boot, self.log
        if r == "qemu-rc0":
            if b.qemu_rc in (124, 137):
                return "fail", f"timed out after {a.timeout}s, serial log: {log}"
            if b.qemu_rc != 0:
                err = ""
                if a.qemu_stderr and os.path.exists(a.qemu_stderr):
                    with open(a.qemu_stderr, encoding="utf-8", errors="replace") as f:
                        err = f.read(300).replace("\n", " ").strip()
                return "fail", f"QEMU exited {b.qemu_rc}{' (' + err + ')' if err else ''}, serial log: {log}"
        elif r == "done":
            if not b.has_init:
                return "fail", f"the guest never ran /init (QEMU rc {b.qemu_rc}), serial log: {log}"
            if not b.has_done:
                return "fail", (f"the guest did not finish: no '@@LAB DONE' (a crash, a panic or a poweroff "
                                f"before the end; QEMU rc {b.qemu_rc}), serial log: {log}")
        elif r == "kernel-clean":
            if self.bugs:
                return "fail", ("kernel warnings/bugs in the guest log (above)" if e is self.first_clean()
                                else f"kernel warnings/bugs in the guest log (under {a.profile})")
        elif r == "guest":
            if b.info_value("dev_iommu") == "no":
                return "fail", "the guest has no /dev/iommu"
            if b.info_value("edu") == "none":
                return "fail", "no edu device (1234:11e8) in the guest"
            # an edu without a group when the guest looked must get one when vfio-pci binds it
            # (Linux 6.12 on a device-tree platform probes the IOMMU of a device only at driver bind)
            for i in b.info:
                m = re.match(r"edu=(\S+) iommu_group=none", i)
                if m and not any(f"{m.group(1)}: Adding to iommu group" in l for l in b.lines):
                    return "fail", f"the edu device {m.group(1)} has no IOMMU group, not even after vfio-pci bound it"
            if "iort-canwbs" in self.profile["flags"] and \
                    not any("ACPI: Table Upgrade: override [IORT" in l for l in b.lines):
                return "fail", ("the kernel did not take the IORT override "
                                "(no 'ACPI: Table Upgrade: override [IORT' in dmesg)")
        elif r == "bench":
            brc = b.info_value("bench_rc")
            if brc is None and b.info_value("bench") is None:
                return "fail", "the small benchmarks did not finish (no bench_rc from the guest)"
            if brc is not None and brc != "0":
                return "fail", f"the small benchmarks failed in the guest (bench_rc={brc}, bench lines above)"
        elif r == "nvme":
            if b.info_value("nvme") == "none":
                return "fail", "no NVMe controller (class 010802) in the guest"
        elif r == "rc0":
            return self.require_rc(e, rc)
        elif r == "results":
            if not ktap_results(lines):
                return "fail", f"{e.what} wrote no result lines (exit {rc}), serial log: {log}"
        elif r == "must-pass":
            return self.require_must_pass(e, lines)
        elif r == "no-writes":
            w = [l.strip() for l in lines if WRITES_RE.match(l)]
            if w:
                return "fail", f"{e.what} reported Writes: {w[0][2:]}"
        elif r.startswith("nvme-check:"):
            chk = "NVME-CHECK " + r.split(":", 1)[1]
            crc = b.rc(chk)
            if crc is None:
                return "fail", f"no check of the NVMe controller after the run (no '@@LAB END {chk}'), serial log: {log}"
            if crc != "0":
                v = [l[len("verdict="):] for l in b.section(chk) if l.startswith("verdict=")]
                return "fail", "afterwards: " + (v[0] if v else f"the check exited {crc}")
        elif r == "disk-written":
            if self.disk_reason:
                return "fail", self.disk_reason
        elif r == "kselftest-built":
            if a.kselftest_skip:
                return "skip", a.kselftest_skip
        elif r == "kselftest":
            return self.kselftest(name)
        else:
            return "fail", f"tests/lab/entries: unknown requirement '{r}'"
        return "ok", None

    def first_clean(self):
        return next(e for e in self.entries if "kernel-clean" in e.requires)

    def require_rc(self, e, rc):
        log = self.log
        if e.output == "kv":
            if rc is None:
                return "fail", f"no results from {e.what}, serial log: {log}"
            if rc != "0":
                v = [l[len("verdict="):] for l in self.boot.section(e.marker)
                     if l.startswith("verdict=") and l != "verdict=ok"]
                return "fail", v[0] if v else f"{e.what} exited {rc}"
            return "ok", None
        if rc is None:
            return "fail", f"no results from {e.what} (no '@@LAB END {e.marker}'), serial log: {log}"
        if rc == "4":
            return "skip", f"{e.what}: everything skipped"
        if rc == "1":
            return "fail", f"{e.what} reported failures (exit 1)"
        if rc == "2":
            return "fail", f"{e.what}: usage error (exit 2), serial log: {log}"
        if rc != "0":
            return "fail", f"{e.what} exited {rc}, serial log: {log}"
        return "ok", None

    def known_limitations_summary(self, name, lines):
        """The entry's scenarios counted as "# Totals:" counts them; each XFAIL and XPASS named
        (an XPASS: the known limitation did not show); "@@COUNTS" for tests/lab/run."""
        res = ktap_results(lines)
        if not res:
            return
        n = result_counts(res)
        self.out(f"# {name}: scenarios pass:{n['pass']} fail:{n['fail']} xfail:{n['xfail']} "
                 f"xpass:{n['xpass']} skip:{n['skip']}")
        for scenario, r in res.items():
            listed = "" if scenario in self.known else \
                f" (not a known limitation of {self.a.profile} in known-limitations.json)"
            if r.ok and r.directive == "XFAIL":
                self.out(f"# {name}: XFAIL {scenario}: {r.reason}{listed}")
            elif r.ok and r.directive == "XPASS":
                self.out(f"# {name}: XPASS {scenario}: the known limitation did not show: remove it from "
                         f"tests/lab/known-limitations.json when a kernel fixes it{listed}")
        self.out(f"@@COUNTS {name} xfail={n['xfail']} xpass={n['xpass']}")

    def require_must_pass(self, e, lines):
        want = self.profile["must_pass"].get(e.key, [])
        if self.ran is not None:
            want = [w for w in want if w in self.ran]  # --scenarios DIR: what DIR holds
        res, bad = ktap_results(lines), []
        for w in want:
            r = res.get(w)
            if r is None:
                bad.append(f"{w} (no result)")
            elif not r.ok:
                bad.append(f"{w} (not ok)")
            elif r.directive == "SKIP" and w not in self.lacks:
                bad.append(f"{w} (SKIP: {r.reason})")
            elif r.directive in ("XFAIL", "XPASS") and w not in self.known:
                bad.append(f"{w} ({r.directive}, not a known limitation of {self.a.profile} "
                           f"in known-limitations.json)")
        if bad:
            return "fail", f"{len(bad)} must-pass scenario(s) did not pass: " + "; ".join(bad[:4]) + \
                ("; ..." if len(bad) > 4 else "")
        return "ok", None

    def kselftest_output(self, name):
        """The programs' KTAP nested under one subtest, and the scan of their kernel log."""
        b = self.boot
        self.kself = None
        if "DMESG kselftest" not in b.sections:
            return
        k_pass = k_fail = k_skip = k_xfail = k_xpass = 0
        self.out("    KTAP version 1")
        self.out(f"    # Subtest: {name}")
        self.out(f"    1..{len(KSELFTEST_PROGRAMS)}")
        for no, t in enumerate(KSELFTEST_PROGRAMS, 1):
            for l in nest(b.section("KSELFTEST " + t), t, "        "):
                self.out(l)
            krc = b.rc("KSELFTEST " + t)
            if krc == "0":
                self.out(f"    ok {no} {t}")
                k_pass += 1
            elif krc == "4":
                self.out(f"    ok {no} {t} # SKIP all skipped")
                k_skip += 1
            elif krc == "2":  # kselftest.h KSFT_XFAIL, KSFT_XPASS: not failures
                self.out(f"    ok {no} {t} # XFAIL exit 2 (KSFT_XFAIL)")
                k_xfail += 1
            elif krc == "3":
                self.out(f"    ok {no} {t} # XPASS exit 3 (KSFT_XPASS)")
                k_xpass += 1
            else:
                self.out(f"    not ok {no} {t}")
                k_fail += 1
        self.out(f"    # Totals: pass:{k_pass} fail:{k_fail} xfail:{k_xfail} xpass:{k_xpass} skip:{k_skip} error:0")
        dm = b.section("DMESG kselftest")
        diags, bugs = scan_diags(name, dm, dm)
        for l in diags:
            self.out(l)
        self.kself = (k_pass + k_xfail + k_xpass, k_fail, bugs)

    def kselftest(self, name):
        if getattr(self, "kself", None) is None:
            return "fail", f"no kselftest results from the guest (QEMU rc {self.boot.qemu_rc}), serial log: {self.log}"
        k_pass, k_fail, bugs = self.kself
        if k_fail:
            return "fail", f"{k_fail} selftest program(s) failed"
        if bugs:
            return "fail", "kernel warnings/bugs during the selftests (above)"
        if not k_pass:
            return "skip", "all selftest programs skipped"
        return "ok", None


# --- the table checks (CTest unit tests) -----------------------------------------------------------
def check_markers(entries, guest_init):
    with open(guest_init, encoding="utf-8") as f:
        text = f.read()
    errs = []
    begun = set(re.findall(r"@@LAB BEGIN ([A-Z][A-Z0-9-]*)", text))
    for e in entries:
        if e.marker not in begun or not re.search(r"@@LAB END " + re.escape(e.marker) + r"\b.*rc=", text):
            errs.append(f"entry {e.key}: guest-init prints no '@@LAB BEGIN/END {e.marker} ... rc=N'")
        for r in e.requires:
            if r.startswith("nvme-check:") and not re.search(r"nvme_check " + re.escape(r[11:]) + r"\b", text):
                errs.append(f"entry {e.key}: guest-init runs no 'nvme_check {r[11:]}'")
    others = {"DMESG", "NVME-CHECK", "IORT"}
    for m in sorted(begun - {e.marker for e in entries} - others):
        errs.append(f"guest-init prints '@@LAB BEGIN {m}', which no entry of tests/lab/entries reads")
    return errs


def check_profiles(entries, profiles, known, scenario_dir):
    names, errs = scenario_names(scenario_dir), []
    for i, k in enumerate(known):
        if k["scenario"] not in names:
            errs.append(f"known-limitations.json: [{i}]: {k['scenario']} is no scenario in {scenario_dir}")
    keys = {e.key: e for e in entries}
    for p, prof in profiles.items():
        for e in entries:
            if "must-pass" in e.requires and e.key not in prof["must_pass"]:
                errs.append(f"profile {p}: must_pass has no list for {e.key}")
        for k, lst in prof["must_pass"].items():
            if k not in keys or "must-pass" not in keys[k].requires:
                errs.append(f"profile {p}: must_pass.{k} names no entry that requires must-pass")
            for n in lst:
                if n not in names:
                    errs.append(f"profile {p}: must_pass.{k}: {n} is no scenario in {scenario_dir}")
            if len(set(lst)) != len(lst):
                errs.append(f"profile {p}: must_pass.{k}: a scenario is listed twice")
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", default=os.path.join(HERE, "entries"))
    ap.add_argument("--profiles", default=profiles_file.PATH)
    ap.add_argument("--known", default=profiles_file.KNOWN_PATH,
                    help="the known limitations (default tests/lab/known-limitations.json)")
    ap.add_argument("--profile")
    ap.add_argument("--kernel", default=profiles_file.DEFAULT_KERNEL,
                    help="the guest's kernel version (tests/lab/kernels.json: what it lacks may SKIP)")
    ap.add_argument("--log", help="the serial log of the boot")
    ap.add_argument("--log-name", help="how reasons name the serial log (default: --log)")
    ap.add_argument("--qemu-rc", type=int, default=0)
    ap.add_argument("--timeout", default="?", help="the boot's timeout in seconds (for the reason)")
    ap.add_argument("--qemu-stderr")
    ap.add_argument("--scenarios", help="the scenario directory the guest ran (must-pass names not in it are not required)")
    ap.add_argument("--disk-before", help="the NVMe scratch image as the host wrote it")
    ap.add_argument("--disk-after", help="the NVMe scratch image after the boot")
    ap.add_argument("--kselftest", action="store_true", help="the kselftest entry too")
    ap.add_argument("--only", metavar="KEY[,KEY...]",
                    help="only these entries (their keys in tests/lab/entries), e.g. edu,mock: the guest "
                         "ran only those (tests/lab/run --entries)")
    ap.add_argument("--kselftest-skip", help="the kselftest entry is SKIP with this reason")
    ap.add_argument("--check-markers", metavar="GUEST-INIT")
    ap.add_argument("--check-profiles", metavar="SCENARIO-DIR")
    ap.add_argument("--entry-suffixes", action="store_true",
                    help="print the suffix of every entry a profile gives (with --kselftest too), "
                         "one per line, empty for PROFILE itself: tests/lab/run's KTAP plan")
    a = ap.parse_args()
    entries = load_entries(a.entries)
    if a.only:
        keys = a.only.split(",")
        unknown = [k for k in keys if k not in [e.key for e in entries]]
        if unknown:
            ap.error(f"--only: no entry {', '.join(unknown)} in {a.entries} "
                     f"(entries: {', '.join(e.key for e in entries)})")
        entries = [e for e in entries if e.key in keys]
    if a.entry_suffixes:
        for e in entries:
            if e.when == "always" or (e.when == "kselftest" and a.kselftest):
                print(e.suffix)
        return 0
    profiles = load_profiles(a.profiles)
    known = profiles_file.load_known(list(profiles), a.known)
    if a.check_markers or a.check_profiles:
        errs = (check_markers(entries, a.check_markers) if a.check_markers else []) + \
               (check_profiles(entries, profiles, known, a.check_profiles) if a.check_profiles else [])
        for e in errs:
            print(e, file=sys.stderr)
        return 1 if errs else 0
    if not a.profile or not a.log:
        ap.error("--profile and --log are required")
    if a.profile not in profiles:
        ap.error(f"no profile {a.profile} in {a.profiles}")
    Verdict(a, entries, profiles, known).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
