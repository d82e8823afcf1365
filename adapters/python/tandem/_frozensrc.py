"""The source of a function of a frozen module (tandem.LuaRuntime.translate).

CPython 3.11 freezes the modules it needs at start (os, posixpath,
genericpath, stat, codecs, abc, io, ...): their functions' code says
`<frozen posixpath>`, which inspect cannot read, so translating
`posixpath.join` said "the source ... is not available". The module's
spec still names the file it was frozen from (loader_state.filename, or
__file__). That file is used only if compiling it gives, for this function,
a code object equal to the function's own (code objects compare their
bytecode, constants, names and line table): a file edited since Python was
built, or any other source, is never translated in its place.
"""

import inspect
import sys
import types
from typing import Dict, List, Optional, Tuple

# compiled frozen module sources, by (code filename, path); None: unreadable
_compiled: Dict[Tuple[str, str], Optional[Tuple[List[str], types.CodeType]]] = {}


def _walk(code: types.CodeType):
    yield code
    for k in code.co_consts:
        if isinstance(k, types.CodeType):
            yield from _walk(k)


def _module_file(modname: str) -> Optional[str]:
    mod = sys.modules.get(modname)
    if mod is None:
        return None
    state = getattr(getattr(mod, "__spec__", None), "loader_state", None)
    path = getattr(state, "filename", None) or getattr(mod, "__file__", None)
    return path if isinstance(path, str) else None


def _compile(name: str, path: str) -> Optional[Tuple[List[str], types.CodeType]]:
    key = (name, path)
    if key not in _compiled:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            _compiled[key] = (text.splitlines(True), compile(text, name, "exec"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            _compiled[key] = None
    return _compiled[key]


def frozen_source(fn: types.FunctionType) -> Optional[Tuple[List[str], int]]:
    """(the lines of fn's definition, its first line number) when fn comes
    from a frozen module whose source file compiles to fn's very code, else
    None."""
    code = fn.__code__
    name = code.co_filename
    if not (name.startswith("<frozen ") and name.endswith(">")):
        return None
    path = _module_file(name[len("<frozen "):-1])
    got = _compile(name, path) if path else None
    if got is None:
        return None
    lines, module = got
    if not any(c == code for c in _walk(module)):
        return None
    return inspect.getblock(lines[code.co_firstlineno - 1:]), code.co_firstlineno
