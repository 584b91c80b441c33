#!/usr/bin/env python3
"""tests/lab/profiles.py — the lab's QEMU profiles (tests/lab/profiles.json), read and checked.

    profiles.py check [FILE]   the file is well formed (a unit test); one line per problem, exit 1
    profiles.py names          the profile names, in file order
    profiles.py list           what `tests/lab/run --list-profiles` prints
    profiles.py shell          bash assignments for tests/lab/run (P_ALL, P_ARCH[name], ...)

tests/lab/run reads the profiles through `shell`, tests/lab/verdict.py through load(), and CMake
(tests/lab/CMakeLists.txt) reads the file itself with string(JSON). Standard library only.
"""
import json
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "profiles.json")

ARCHES = ("x86_64", "arm64")
FLAGS = ("iort-canwbs",)
# key -> (type, required)
FIELDS = {
    "name": (str, True),
    "arch": (str, True),
    "qemu": (str, True),
    "cmdline": (str, True),
    "flags": (list, True),
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
        if ";" in p["name"] + p["qemu"]:
            out.append(f"{where}: no \";\" in a name or QEMU arguments (CMake lists)")
        for k, lst in p["must_pass"].items():
            if not isinstance(lst, list) or not all(isinstance(s, str) for s in lst):
                out.append(f"{where}.must_pass.{k}: must be a list of scenario names")
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
                  f"P_CMDLINE[{n}]={q(p['cmdline'])}", f"P_FLAGS[{n}]={q(','.join(p['flags']))}"]
    return "\n".join(lines)


def listing(profiles):
    out = []
    for p in profiles:
        out.append(f"{p['name']} ({p['arch']})")
        out.append(f"  qemu:    {p['qemu']}")
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
    if len(argv) != 2 or argv[1] not in ("check", "names", "list", "shell"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if argv[1] == "check":
        with open(PATH, encoding="utf-8") as f:
            errs = problems(json.load(f))
        for e in errs:
            print(e)
        return 1 if errs else 0
    profiles = load()
    if argv[1] == "names":
        print("\n".join(p["name"] for p in profiles))
    elif argv[1] == "list":
        print(listing(profiles))
    else:
        print(shell(profiles))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
