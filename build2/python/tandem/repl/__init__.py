"""tandem's dual Python/Lua REPL (docs/repl.md): `tandem`, `python3 -m tandem`.

    tandem            the interactive REPL (a terminal), or the scripted demo
                      session when standard input is not a terminal
    tandem --demo     the scripted demo session
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from .session import Session, run_lines

HISTORY = os.path.join(os.path.expanduser("~"), ".tandem_history")

BANNER = """tandem: Python and Lua 5.4 in one process. The prompt names the active
language; :lua and :py switch, :help lists the commands.
Python sees Lua as `lua`; Lua sees Python as `python` and this session's
Python names as `py.NAME`."""


def _interactive(session: Session) -> None:
    try:
        import readline
    except ImportError:                 # no line editing: input() still works
        readline = None                 # type: ignore[assignment]
    if readline is not None:
        try:
            readline.read_history_file(HISTORY)
        except OSError:
            pass
        readline.set_history_length(5000)
    session.write(BANNER)
    try:
        run_lines(session, input)
    finally:
        if readline is not None:
            try:
                readline.write_history_file(HISTORY)
            except OSError:
                pass
    session.write("")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="tandem", description="Python and Lua 5.4 in one "
                                 "process: a dual REPL that translates functions live.")
    ap.add_argument("--demo", action="store_true",
                    help="play the scripted demo session (the default without a terminal)")
    opts = ap.parse_args(argv)
    color = sys.stdout.isatty() and os.environ.get("TERM", "dumb") != "dumb" \
        and "NO_COLOR" not in os.environ
    session = Session(color=color)
    if opts.demo or not sys.stdin.isatty():
        from .script import play
        play(session)
        return 0
    _interactive(session)
    return 0
