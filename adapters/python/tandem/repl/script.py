"""The scripted demo session (`make demo` without a terminal, `tandem --demo`):
lines typed into the same REPL code, echoed after their prompt."""
from __future__ import annotations

from typing import Iterator, List

from .session import Session, run_lines

N = 100000

SCRIPT: List[str] = [
    "# Python: a comparator (sort by last digit, then by value)",
    "def cmp(a, b):",
    "    if a % 10 != b % 10:",
    "        return a % 10 < b % 10",
    "    return a < b",
    "",
    "# translate it into Lua: the generated code, installed as a Lua global",
    ":translate cmp",
    ":lua",
    "-- Lua: %d numbers, sorted with the Python comparator across the bridge" % N,
    "data = {} for i = 1, %d do data[i] = (i * 7919) %% 100003 end" % N,
    "function sort_with(f) local u = table.move(data, 1, #data, 1, {}) "
    "local t0 = os.clock() table.sort(u, f) return os.clock() - t0, u end",
    "bridge_s, by_bridge = sort_with(function(a, b) return py.cmp(a, b) end)",
    "native_s, by_native = sort_with(cmp)",
    "-- the same order both ways; the times",
    "=by_bridge[1], by_bridge[2], by_bridge[#by_bridge], by_native[1], by_native[2], "
    "by_native[#by_native]",
    "=string.format('across the bridge %.3f s, translated %.3f s: %.1fx', "
    "bridge_s, native_s, bridge_s / native_s)",
    ":py",
    "# one call each way, timed honestly (warm-up, rounds, median)",
    ":race cmp 17, 27",
    ":lua",
    "-- Lua: a function to run in Python (clamp x into [lo, hi])",
    "function clamp(x, lo, hi) if x < lo then return lo elseif x > hi then return hi end "
    "return x end",
    "-- translate it into Python: the generated code, installed as a Python global",
    ":translate clamp",
    "-- the Lua original called from Python across the bridge vs its translation",
    ":race clamp 15, 0, 10",
    ":py",
    "clamp(-3, 0, 10), clamp(7.5, 0, 10)",
    "# Python calls Lua, Lua fails: one traceback, both languages",
    "!lua function check(x) if x < 0 then error('negative: ' .. x) end return x end",
    "def total(xs):",
    "    return sum(lua.globals().check(x) for x in xs)",
    "",
    "total([1, 2, 3])",
    "total([1, -2, 3])",
    ":vars",
]


def play(session: Session) -> None:
    lines: Iterator[str] = iter(SCRIPT)

    def read(prompt: str) -> str:
        try:
            line = next(lines)
        except StopIteration:
            raise EOFError from None
        session.write(prompt + line)
        return line
    run_lines(session, read)
