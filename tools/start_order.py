#!/usr/bin/env python3
"""start_order.py — put the code that `import tandem` + one LuaRuntime() +
eval("1") run together at the front of _tandem.so's .text
(docs/performance.md, "RSS").

    tools/start_order.py measure SO MAP OUT [PYTHONPATH]
    tools/start_order.py script LIST < ld-verbose-output > SCRIPT

measure: SO is the module as built (compiled with -ffunction-sections: one
input section per function), MAP the link map `make` writes next to the
objects ($(OBJ)/_tandem.map), OUT the list of input sections
(mk/pymod_start.ld, kept in the tree: the build does not need valgrind).
The measurement is exact: callgrind (--dump-instr=yes) records every
instruction the child executes; the child leaves with os._exit, so exit's
code is not counted. Each executed address is found in the link map's input
sections (object file and section), and the list names those sections in
their current order. Rerun after changing what import or a runtime's opening
runs: `make start-order`; test_start_code_is_together
(tests/python/test_memory.py) fails when the start's code has drifted out.

script: the linker's own default script (what `cc -shared -Wl,--verbose`
prints for the module's options) with the list's sections first in the
`.text` output section. The whole default is kept, so the layout is ld's
but for that order, and `.text` stays one section (valgrind, for one, reads
only the section named .text as code: an output section of its own before
it left the start's functions without an object in valgrind's reports).
"""
import bisect
import os
import re
import subprocess
import sys
import tempfile

CHILD = r"""
import os, tandem
rt = tandem.LuaRuntime()
rt.eval("1")
os._exit(0)
"""


def executed(callgrind_out, obj_name):
    """Object-relative addresses of the instructions executed in obj_name
    (callgrind's positions are relative to the object for a shared object)."""
    names, cur, last, out = {}, None, 0, set()
    pat = re.compile(r"(c?ob)=\((\d+)\)(?: (.*))?")
    with open(callgrind_out) as f:
        for line in f:
            c = line[:1]
            if c.isalpha():
                m = pat.match(line)
                if m:
                    kind, idx, name = m.groups()
                    if name:
                        names[idx] = name.strip()
                    if kind == "ob":
                        cur = names.get(idx)
                continue
            if c and c in "0123456789+-*":
                tok = line.split()[0]
                if tok == "*":
                    a = last
                elif tok[0] in "+-":
                    a = last + int(tok)
                else:
                    a = int(tok, 16)
                last = a
                if cur and cur.endswith("/" + obj_name):
                    out.add(a)
    return out


def input_sections(map_path):
    """[(address, size, section, file)] of the code input sections in a GNU
    ld link map."""
    out, pending = [], None
    row = re.compile(r"\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
    with open(map_path) as f:
        for line in f:
            if pending is not None:
                m = row.match(line)
                if m:
                    out.append((int(m.group(1), 16), int(m.group(2), 16), pending,
                                m.group(3).strip()))
                pending = None
                continue
            m = re.match(r" (\.text(?:\.\S+)?)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*))?$",
                         line)
            if m:
                if m.group(2) is None:
                    pending = m.group(1)          # long name: the numbers follow
                else:
                    out.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1),
                                m.group(4).strip()))
    return sorted(x for x in out if x[1])


def pattern(section, path):
    """The script's input-section pattern: our objects by their path under
    the object directory (any build directory: build/, build-san/), archive
    members as archive:member."""
    m = re.match(r".*/([^/(]+\.a)\((.+)\)$", path)
    if m:
        return "*%s:%s(%s)" % (m.group(1), m.group(2), section)
    i = path.find("/obj/")
    if i < 0:
        return None                               # the C runtime's own files
    return "*%s(%s)" % (path[i:], section)


def measure(so, map_path, out_path, pythonpath=None):
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    with tempfile.TemporaryDirectory() as tmp:
        cg = os.path.join(tmp, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=yes",
                        "--callgrind-out-file=" + cg, sys.executable, "-c", CHILD],
                       env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        addrs = sorted(executed(cg, os.path.basename(so)))
    hit, size = [], 0
    for a, sz, name, path in input_sections(map_path):
        i = bisect.bisect_left(addrs, a)
        if i < len(addrs) and addrs[i] < a + sz:
            p = pattern(name, path)
            if p:
                hit.append(p)
                size += sz
    if not hit:
        raise SystemExit("start_order: no executed code found in %s" % so)
    with open(out_path, "w") as f:
        f.write("/* Generated by tools/start_order.py (make start-order): the %d\n"
                "   functions of _tandem.so that import + LuaRuntime() + eval(\"1\")\n"
                "   run, %d bytes, first in .text (docs/performance.md, \"RSS\").\n"
                "   Input-section patterns, one a line, for `start_order.py script`. */\n"
                % (len(hit), size))
        for p in hit:
            f.write("%s\n" % p)
    print("start_order: %d sections, %d bytes -> %s" % (len(hit), size, out_path))


def script(list_path, verbose):
    """The default script between ld --verbose's ===== lines, the list's
    patterns first inside .text."""
    with open(list_path) as f:
        body = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    pats = [line.strip() for line in body.splitlines() if line.strip()]
    parts = verbose.split("=" * 50 + "\n")
    if len(parts) < 3:
        raise SystemExit("start_order: no default script in the linker's --verbose output")
    lines = parts[1].splitlines(True)
    for i, line in enumerate(lines):
        if re.match(r"\s*\.text\s*:\s*$", line) and lines[i + 1].strip() == "{":
            lines[i + 2:i + 2] = ["    /* the start (mk/pymod_start.ld) */\n"] + \
                ["    %s\n" % p for p in pats]
            return "".join(lines)
    raise SystemExit("start_order: no .text output section in the default script")


def main():
    if sys.argv[1:2] == ["measure"]:
        measure(*sys.argv[2:6])
    elif sys.argv[1:2] == ["script"] and len(sys.argv) == 3:
        sys.stdout.write(script(sys.argv[2], sys.stdin.read()))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
