"""What a standalone Python module written by `tandem translate FILE.lua
--to python` runs on besides the generated code (docs/translation.md,
"tandem translate"): its global table, `os.exit`, `arg`, the run of the
chunk as a script or on import, and the module of the returned table's
fields that an import gives. Plain Python 3, like the rest of luart.
"""

import os as _os
import re as _re
import sys
import types
from typing import Any, Dict, List, Sequence

from . import _core, lbase, lemit
from ._core import LuaError, LuaTable, Multi

_core.runtime_file(__file__)


def _flush() -> None:
    from .lio import flush_all
    flush_all()


def os_exit(code: Any = None, close: Any = None, *_: Any) -> Any:
    """os.exit: the process ends at once (C's exit(): buffered output is
    written, nothing else runs), as in Lua. close=true (close the state
    first: pending to-be-closed variables and finalizers run) is refused."""
    if close is not None and close is not False:
        _core.rterror("os.exit(code, true) is not supported by the standalone runtime")
    if code is None or code is True:
        status = 0
    elif code is False:
        status = 1
    else:
        from ._aux import checkint
        status = checkint(code, 1, 'exit') & 0xFF
    _flush()
    _os._exit(status)


def new_env() -> LuaTable:
    """luart's global table plus what lua5.4's has and luart's lacks but a
    standalone program can have: os.exit."""
    from . import new_env as base_env, _lib, os as luaos
    g = base_env()
    los = LuaTable(hash=_core.WDict())     # a library table: watched (lemit._libget)
    k = None
    while True:
        r = _core.lua_next(luaos, k)
        if r is None or (r.__class__ is Multi and (not r or r[0] is None)):
            break
        k, v = (r[0], r[1]) if r.__class__ is Multi else (r, None)
        los.set(k, v)
    lx = _lib('os.', exit=os_exit)
    los.set(b'exit', lx.get(b'exit'))
    g.set(b'os', los)
    return g


def namespace() -> Dict[str, Any]:
    """The globals of a generated module's code: luart, the helpers of
    generated code and a fresh global table `_ENV`."""
    return lemit.emit_globals(new_env())


def _b(s: str) -> bytes:
    return _os.fsencode(s)


def _arg_table(argv: Sequence[str], orig: Sequence[str]) -> LuaTable:
    """lua.c's `arg`: arg[0] the script, arg[1..n] its arguments, negative
    indices the interpreter and its options."""
    t = LuaTable()
    script = len(orig) - len(argv)
    if script < 0 or list(orig[script + 1:]) != list(argv[1:]):
        orig, script = ['python3'] + list(argv), 1
    for i, a in enumerate(orig):
        t.set(i - script, _b(a))
    return t


def message(v: Any) -> str:
    """lua.c's msghandler for a value raised to the top: a string (or
    number), __tostring, else '(error object is a X value)'."""
    if v.__class__ is bytes or v.__class__ is int or v.__class__ is float:
        return _core.tostring(v).decode('utf-8', 'replace')
    if _core.metamethod(v, b'__tostring') is not None:
        r = lbase.lua_tostring(v)
        if r.__class__ is bytes:
            return r.decode('utf-8', 'replace')
    return '(error object is a %s value)' % _core.type_name(v)


def run(g: Dict[str, Any], main: Any, short_src: bytes, lines: Sequence[int]) -> None:
    """Run the chunk: as a script (`python3 FILE.py ARGS`) with lua5.4's
    `arg` and `...`, an error ending the process as lua5.4 does (message and
    status 1); on import with (module name, file) as `...`, the returned
    table's fields becoming the module's attributes."""
    _core.register_chunk(main.__code__.co_filename, short_src, lines)
    env = g['_ENV']
    # `arg` is the running program's, as a module required by a lua5.4 script sees it
    env.set(b'arg', _arg_table(sys.argv, getattr(sys, 'orig_argv', [])))
    if g.get('__name__') == '__main__':
        try:
            main(*[_b(a) for a in sys.argv[1:]])
        except (LuaError, RecursionError, MemoryError) as e:
            _flush()
            prog = sys.argv[0] if sys.argv and sys.argv[0] else 'python3'
            sys.stderr.write('%s: %s\nstack traceback:\n\t[C]: in ?\n'
                             % (prog, message(lbase.error_value(e))))
            _flush()
            sys.exit(1)
        _flush()
        return
    name = g.get('__name__', '?')
    r = main(name.encode('utf-8'), _b(g.get('__file__') or ''))
    if r.__class__ is Multi:
        r = r[0] if r else None
    sys.modules[name] = exports(g, r)


_IDENT = _re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')


def exports(g: Dict[str, Any], r: Any) -> types.ModuleType:
    """The module an import gives: the string-keyed fields of the returned
    table that are Python identifiers, converted for Python callers
    (to_python); `__lua__` is the returned value itself."""
    m = types.ModuleType(g.get('__name__', '?'), g.get('__doc__'))
    for k in ('__file__', '__spec__', '__loader__', '__package__', '__path__'):
        if k in g:
            setattr(m, k, g[k])
    m.__lua__ = r  # type: ignore[attr-defined]
    if r.__class__ is LuaTable:
        k = None
        while True:
            nx = _core.lua_next(r, k)
            if nx is None or (nx.__class__ is Multi and (not nx or nx[0] is None)):
                break
            k, v = (nx[0], nx[1]) if nx.__class__ is Multi else (nx, None)
            if k.__class__ is bytes:
                try:
                    name = k.decode('ascii')
                except UnicodeDecodeError:
                    continue
                if _IDENT.match(name) and not name.startswith('__'):
                    setattr(m, name, to_python(v, name))
    return m


def to_lua(v: Any) -> Any:
    """A Python value as a Lua value: str -> bytes (UTF-8), list/tuple -> a
    new table 1..n, dict -> a new table (keys and values converted);
    None, bool, int (64-bit), float, bytes, tables and functions as they are."""
    c = v.__class__
    if c is str:
        return v.encode('utf-8')
    if c is int:
        if not -0x8000000000000000 <= v <= 0x7fffffffffffffff:
            raise OverflowError('int %d does not fit a Lua integer' % v)
        return v
    if c is list or c is tuple:
        t = LuaTable()
        for i, x in enumerate(v):
            t.set(i + 1, to_lua(x))
        return t
    if c is dict:
        t = LuaTable()
        for k, x in v.items():
            t.set(to_lua(k), to_lua(x))
        return t
    return v


def to_python(v: Any, name: str = '') -> Any:
    """A Lua value for Python: strings as str (bytes when not UTF-8), Lua
    functions as Python functions converting their arguments (to_lua) and
    results (one value bare, several a tuple, none None); numbers, booleans,
    nil and tables (LuaTable) as they are."""
    c = v.__class__
    if c is bytes:
        try:
            return v.decode('utf-8')
        except UnicodeDecodeError:
            return v
    if c is types.FunctionType and v.__code__.co_filename in _core.CHUNKS:
        return _entry(v, name or v.__name__)
    return v


def _results(r: Any) -> Any:
    if r.__class__ is Multi:
        if not r:
            return None
        if len(r) == 1:
            return to_python(r[0])
        return tuple(to_python(x) for x in r)
    return to_python(r)


def _entry(f: Any, name: str) -> Any:
    def entry(*args: Any) -> Any:
        return _results(f(*[to_lua(a) for a in args]))
    entry.__name__ = entry.__qualname__ = name
    entry.__doc__ = 'Lua function (translated); str arguments are passed as UTF-8 bytes.'
    entry.__lua__ = f  # type: ignore[attr-defined]
    return entry


__all__: List[str] = ['namespace', 'run', 'to_lua', 'to_python', 'message', 'os_exit']
