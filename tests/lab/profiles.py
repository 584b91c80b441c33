#!/usr/bin/env python3
"""tests/lab/profiles.py — the lab's QEMU profiles (tests/lab/profiles.json) and their known
limitations (tests/lab/known-limitations.json), read and checked.

    profiles.py check [FILE]         the file is well formed (a unit test); one line per problem,
                                     exit 1; without FILE both shipped files
    profiles.py check-known FILE     a known-limitations file, against the shipped profiles
    profiles.py names                the profile names, in file order
    profiles.py list                 what `tests/lab/run --list-profiles` prints
    profiles.py shell                bash assignments for tests/lab/run (P_ALL, P_ARCH[name], ...);
                                     refuses when either file is not well formed
    profiles.py xfail-args PROFILE [KERNEL]
                                     the profile's known limitations (on Linux KERNEL, default
                                     7.2) as `iommutest run` arguments, one a line: --xfail,
                                     SCENARIO=REASON (REFERENCE), ...
    profiles.py kernels              the kernel versions tests/lab/kernels.json describes
    profiles.py unsupported KERNEL   "PROFILE WHY" per profile that kernel cannot run

known-limitations.json is a list of {"profile", "scenario", "reason", "reference"}: on that
profile the scenario fails for a known reason (a kernel or QEMU limitation, with an upstream
reference: a commit subject, a lore link), optionally only on one "kernel" (a version of
kernels.json; without it, on every kernel). Each iommutest run in the profile's guest gets
`--xfail SCENARIO=REASON (REFERENCE)`, so the scenario is XFAIL (or XPASS once it passes), and
tests/lab/verdict.py lets such a scenario satisfy must_pass on that profile only.

kernels.json is {"about": [...], "kernels": [{"version", "package", "lacks", "unsupported"}]}:
the kernels `tests/lab/run --kernel VERSION` is known to build, each with "lacks": {SCENARIO:
WHAT}, the scenarios that SKIP on that kernel because it has no such uAPI or driver feature (WHAT
says which, and since when upstream has it): there, and only there, such a must-pass scenario may
SKIP; and "unsupported": {PROFILE: WHY}, the profiles that cannot boot that kernel at all (no
driver for their IOMMU): tests/lab/run reports their entries SKIP with WHY and builds nothing.

tests/lab/run reads the profiles through `shell` and `xfail-args`, tests/lab/verdict.py through
load() and load_known(), and CMake (tests/lab/CMakeLists.txt) reads profiles.json itself with
string(JSON). Standard library only.
"""
import json
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "profiles.json")
KNOWN_PATH = os.path.join(HERE, "known-limitations.json")
KERNELS_PATH = os.path.join(HERE, "kernels.json")
DEFAULT_KERNEL = "7.2"

ARCHES = ("x86_64", "arm64", "riscv64")  # tests/lab/arches.sh
FLAGS = ("iort-canwbs",)
# "qemu_from": where the profile's QEMU comes from, when not the host's own (tests/lab/setup-host)
QEMU_FROM = ("trixie-backports",)
# key -> (type, required)
FIELDS = {
    "name": (str, True),
    "arch": (str, True),
    "qemu": (str, True),
    "cmdline": (str, True),
    "flags": (list, True),
    "qemu_from": (str, False),
    "shows": (str, True),
    "cannot": (str, True),
    "must_pass": (dict, True),
}


def problems(doc, path=PATH):
    """every problem with the parsed file, as 'FILE: JSON.PATH: message' lines"""
    name = os.path.basename(path)
    out = []
    if not isinstance(doc, dict) or set(doc) - {"about", "profiles"} or not isinstance(doc.get("profiles"), list):
        return [f"{name}: (top level): an object with \"about\" (strings) and \"profiles\" (a list)"]
    seen = set()
    for i, p in enumerate(doc["profiles"]):
        where = f"{name}: profiles[{i}]"
        if not isinstance(p, dict):
            out.append(f"{where}: not an object")
            continue
        shape = [f"{where}: unknown key \"{k}\"" for k in p if k not in FIELDS]
        for k, (t, req) in FIELDS.items():
            if k not in p:
                if req:
                    shape.append(f"{where}: missing key \"{k}\"")
            elif not isinstance(p[k], t):
                shape.append(f"{where}.{k}: must be a {t.__name__}")
        out += shape
        if any("missing key" in e or "must be a" in e for e in shape):
            continue
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", p["name"]) or p["name"] in seen:
            out.append(f"{where}.name: \"{p['name']}\" is not a new name of [a-z0-9-]")
        seen.add(p["name"])
        if p["arch"] not in ARCHES:
            out.append(f"{where}.arch: \"{p['arch']}\" is none of {', '.join(ARCHES)}")
        for f in p["flags"]:
            if f not in FLAGS:
                out.append(f"{where}.flags: unknown flag \"{f}\" (known: {', '.join(FLAGS)})")
        if "qemu_from" in p and p["qemu_from"] not in QEMU_FROM:
            out.append(f"{where}.qemu_from: \"{p['qemu_from']}\" is none of {', '.join(QEMU_FROM)}")
        if ";" in p["name"] + p["qemu"]:
            out.append(f"{where}: no \";\" in a name or QEMU arguments (CMake lists)")
        for k, lst in p["must_pass"].items():
            if not isinstance(lst, list) or not all(isinstance(s, str) for s in lst):
                out.append(f"{where}.must_pass.{k}: must be a list of scenario names")
    return out


# key of a known limitation -> what it must be; all four required, and optionally "kernel"
KNOWN_FIELDS = {
    "profile": "the profile's name",
    "scenario": "the scenario's \"name\" (no \"=\": iommutest run --xfail SCENARIO=REASON)",
    "reason": "why it fails there",
    "reference": "an upstream reference: a commit subject, a lore or bug link",
}
KNOWN_OPTIONAL = {"kernel": "the kernel version it shows on (tests/lab/kernels.json)"}


def kernel_problems(doc, path=KERNELS_PATH):
    """every problem with a parsed kernels.json"""
    name = os.path.basename(path)
    if not isinstance(doc, dict) or set(doc) - {"about", "kernels"} or not isinstance(doc.get("kernels"), list):
        return [f"{name}: (top level): an object with \"about\" (strings) and \"kernels\" (a list)"]
    out, seen = [], set()
    for i, k in enumerate(doc["kernels"]):
        where = f"{name}: kernels[{i}]"
        if not isinstance(k, dict) or set(k) != {"version", "package", "lacks", "unsupported"}:
            out.append(f"{where}: an object with exactly \"version\", \"package\", \"lacks\" and \"unsupported\"")
            continue
        if not isinstance(k["version"], str) or not re.fullmatch(r"[0-9]+\.[0-9]+", k["version"]) \
                or k["version"] in seen:
            out.append(f"{where}.version: a new version like \"6.12\"")
        seen.add(k["version"])
        for key, what in (("lacks", "SCENARIO: what the kernel lacks"),
                          ("unsupported", "PROFILE: why the kernel cannot run it")):
            if not isinstance(k[key], dict) or not all(isinstance(v, str) and v.strip() for v in k[key].values()):
                out.append(f"{where}.{key}: {{{what}}}")
    return out


def read_checked(path, problems_of):
    """the parsed file; SystemExit with its problems (problems_of(doc): lines) when it is not well
    formed"""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"{os.path.basename(path)}: {e}")
    errs = problems_of(doc)
    if errs:
        raise SystemExit("\n".join(errs))
    return doc


def load_kernels(path=KERNELS_PATH):
    """{version: {"package": ..., "lacks": {scenario: what}, "unsupported": {profile: why}}}"""
    return {k["version"]: k for k in read_checked(path, lambda d: kernel_problems(d, path))["kernels"]}


def known_problems(doc, profile_names, path=KNOWN_PATH):
    """every problem with a parsed known-limitations file, as 'FILE: [i].KEY: message' lines"""
    name = os.path.basename(path)
    if not isinstance(doc, list):
        return [f"{name}: (top level): a list of {{{', '.join(KNOWN_FIELDS)}}} objects"]
    out, seen, versions = [], {}, kernel_versions()
    for i, e in enumerate(doc):
        where = f"{name}: [{i}]"
        if not isinstance(e, dict):
            out.append(f"{where}: not an object")
            continue
        shape = [f"{where}: unknown key \"{k}\"" for k in e if k not in KNOWN_FIELDS and k not in KNOWN_OPTIONAL]
        for k, what in KNOWN_FIELDS.items():
            v = e.get(k)
            if not isinstance(v, str) or not v.strip():
                shape.append(f"{where}.{k}: missing or empty: {what}")
            elif "\n" in v or "\r" in v:
                shape.append(f"{where}.{k}: one line, please")
        out += shape
        if shape:
            continue
        if e["profile"] not in profile_names:
            out.append(f"{where}.profile: unknown profile \"{e['profile']}\" (known: {', '.join(profile_names)})")
        if "kernel" in e and e["kernel"] not in versions:
            out.append(f"{where}.kernel: \"{e['kernel']}\" is not in kernels.json ({', '.join(versions)})")
        if "=" in e["scenario"]:
            out.append(f"{where}.scenario: \"{e['scenario']}\" has a \"=\" (--xfail SCENARIO=REASON splits there)")
        key = (e["profile"], e["scenario"], e.get("kernel"))
        if key in seen:
            out.append(f"{where}: {e['scenario']} on {e['profile']} is listed already, at [{seen[key]}]")
        seen.setdefault(key, i)
    return out


def load_known(profile_names, path=KNOWN_PATH):
    """the known limitations, in file order; SystemExit with the problems when the file is not
    well formed"""
    return read_checked(path, lambda d: known_problems(d, profile_names, path))


def kernel_versions():
    try:
        return list(load_kernels())
    except SystemExit:
        return []


def applies(e, profile, kernel):
    """does known limitation E apply to PROFILE on Linux KERNEL?"""
    return e["profile"] == profile and e.get("kernel", kernel) == kernel


def xfail_args(known, profile, kernel=DEFAULT_KERNEL):
    """the `iommutest run` arguments for the profile's known limitations on that kernel"""
    out = []
    for e in known:
        if applies(e, profile, kernel):
            out += ["--xfail", f"{e['scenario']}={e['reason']} ({e['reference']})"]
    return out


def load(path=PATH):
    """the profiles, in file order; SystemExit with the problems when the file is not well formed"""
    return read_checked(path, lambda d: problems(d, path))["profiles"]


def shell(profiles):
    q = shlex.quote
    lines = ["P_ALL=(" + " ".join(q(p["name"]) for p in profiles) + ")"]
    for p in profiles:
        n = q(p["name"])
        lines += [f"P_ARCH[{n}]={q(p['arch'])}", f"P_QEMU[{n}]={q(p['qemu'])}",
                  f"P_CMDLINE[{n}]={q(p['cmdline'])}", f"P_FLAGS[{n}]={q(','.join(p['flags']))}",
                  f"P_QEMU_FROM[{n}]={q(p.get('qemu_from', ''))}"]
    return "\n".join(lines)


def listing(profiles):
    out = []
    for p in profiles:
        out.append(f"{p['name']} ({p['arch']})")
        out.append(f"  qemu:    {p['qemu']}" + (f"  (QEMU from {p['qemu_from']})" if p.get("qemu_from") else ""))
        if p["cmdline"]:
            out.append(f"  cmdline: {p['cmdline']}")
        if p["flags"]:
            out.append(f"  flags:   {','.join(p['flags'])}")
        out.append(f"  shows:   {p['shows']}")
        out.append(f"  cannot:  {p['cannot']}")
        for k, lst in p["must_pass"].items():
            out.append(f"  must pass ({k}): {' '.join(lst)}")
    return "\n".join(out)


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        with open(argv[2], encoding="utf-8") as f:
            errs = problems(json.load(f), argv[2])
        print("\n".join(errs))
        return 1 if errs else 0
    if len(argv) == 3 and argv[1] == "check-known":
        with open(argv[2], encoding="utf-8") as f:
            errs = known_problems(json.load(f), [p["name"] for p in load()], argv[2])
        print("\n".join(errs))
        return 1 if errs else 0
    if len(argv) in (3, 4) and argv[1] == "xfail-args":
        names = [p["name"] for p in load()]
        if argv[2] not in names:
            print(f"profiles.py: no profile {argv[2]}", file=sys.stderr)
            return 2
        for a in xfail_args(load_known(names), argv[2], argv[3] if len(argv) == 4 else DEFAULT_KERNEL):
            print(a)
        return 0
    if len(argv) == 3 and argv[1] == "unsupported":
        for name, why in load_kernels().get(argv[2], {}).get("unsupported", {}).items():
            print(f"{name} {why}")
        return 0
    if len(argv) != 2 or argv[1] not in ("check", "names", "list", "shell", "kernels"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if argv[1] == "check":
        with open(PATH, encoding="utf-8") as f:
            errs = problems(json.load(f))
        if not errs:
            with open(KERNELS_PATH, encoding="utf-8") as f:
                errs = kernel_problems(json.load(f))
        if not errs:
            with open(KNOWN_PATH, encoding="utf-8") as f:
                errs = known_problems(json.load(f), [p["name"] for p in load()])
        for e in errs:
            print(e)
        return 1 if errs else 0
    if argv[1] == "kernels":
        print("\n".join(load_kernels()))
        return 0
    profiles = load()
    if argv[1] == "names":
        print("\n".join(p["name"] for p in profiles))
    elif argv[1] == "list":
        print(listing(profiles))
    else:
        load_known([p["name"] for p in profiles])  # refused here, before any boot
        print(shell(profiles))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
