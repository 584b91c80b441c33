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
    profiles.py xfail-args PROFILE   the profile's known limitations as `iommutest run` arguments,
                                     one a line: --xfail, SCENARIO=REASON (REFERENCE), ...

known-limitations.json is a list of {"profile", "scenario", "reason", "reference"}: on that
profile the scenario fails for a known reason (a kernel or QEMU limitation, with an upstream
reference: a commit subject, a lore link). Each iommutest run in the profile's guest gets
`--xfail SCENARIO=REASON (REFERENCE)`, so the scenario is XFAIL (or XPASS once it passes), and
tests/lab/verdict.py lets such a scenario satisfy must_pass on that profile only.

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


# key of a known limitation -> what it must be; all four required, nothing else
KNOWN_FIELDS = {
    "profile": "the profile's name",
    "scenario": "the scenario's \"name\" (no \"=\": iommutest run --xfail SCENARIO=REASON)",
    "reason": "why it fails there",
    "reference": "an upstream reference: a commit subject, a lore or bug link",
}


def known_problems(doc, profile_names, path=KNOWN_PATH):
    """every problem with a parsed known-limitations file, as 'FILE: [i].KEY: message' lines"""
    name = os.path.basename(path)
    if not isinstance(doc, list):
        return [f"{name}: (top level): a list of {{{', '.join(KNOWN_FIELDS)}}} objects"]
    out, seen = [], {}
    for i, e in enumerate(doc):
        where = f"{name}: [{i}]"
        if not isinstance(e, dict):
            out.append(f"{where}: not an object")
            continue
        shape = [f"{where}: unknown key \"{k}\"" for k in e if k not in KNOWN_FIELDS]
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
        if "=" in e["scenario"]:
            out.append(f"{where}.scenario: \"{e['scenario']}\" has a \"=\" (--xfail SCENARIO=REASON splits there)")
        key = (e["profile"], e["scenario"])
        if key in seen:
            out.append(f"{where}: {e['scenario']} on {e['profile']} is listed already, at [{seen[key]}]")
        seen.setdefault(key, i)
    return out


def load_known(profile_names, path=KNOWN_PATH):
    """the known limitations, in file order; SystemExit with the problems when the file is not
    well formed"""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"{os.path.basename(path)}: {e}")
    errs = known_problems(doc, profile_names, path)
    if errs:
        raise SystemExit("\n".join(errs))
    return doc


def xfail_args(known, profile):
    """the `iommutest run` arguments for the profile's known limitations"""
    out = []
    for e in known:
        if e["profile"] == profile:
            out += ["--xfail", f"{e['scenario']}={e['reason']} ({e['reference']})"]
    return out


def load(path=PATH):
    """the profiles, in file order; SystemExit with the problems when the file is not well formed"""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"{os.path.basename(path)}: {e}")
    errs = problems(doc, path)
    if errs:
        raise SystemExit("\n".join(errs))
    return doc["profiles"]


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
    if len(argv) == 3 and argv[1] == "xfail-args":
        names = [p["name"] for p in load()]
        if argv[2] not in names:
            print(f"profiles.py: no profile {argv[2]}", file=sys.stderr)
            return 2
        for a in xfail_args(load_known(names), argv[2]):
            print(a)
        return 0
    if len(argv) != 2 or argv[1] not in ("check", "names", "list", "shell"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if argv[1] == "check":
        with open(PATH, encoding="utf-8") as f:
            errs = problems(json.load(f))
        if not errs:
            with open(KNOWN_PATH, encoding="utf-8") as f:
                errs = known_problems(json.load(f), [p["name"] for p in load()])
        for e in errs:
            print(e)
        return 1 if errs else 0
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
