"""The runtime's debug library (and string.dump) called by translated code
(docs/translation.md "Values at the boundary").

Translated code reaches the debug library's C functions through the bridge,
where they see the bridge's frames and functions, not translated code's: a
level (`debug.getinfo(1)`, `getlocal`, `setlocal`) names a frame of the
bridge's helpers, and a closure made by translated code is, in Lua, a small
function calling it (its upvalues and lines are not the closure's, and
`string.dump` of it dumps that small function, whose upvalue, the Python
function, does not survive `load`). Those
calls would give silently different answers: they raise NotImplementedError
instead. Allowed: the same functions on a native Lua function, or on a
translated function whose Lua form is the function it translates (the
native identity), `traceback` (of the running stack: translated frames
written by luart.ltraceback; of a thread: its native frames),
`gethook`, clearing a hook, and everything that is not about frames or
functions (`getmetatable`, `getregistry`, ...). `setmetatable` of a
value that is not a table or a userdata (the metatable of a whole type) is
refused: luart's operations on numbers, strings and functions do not read
it. `sethook` with a hook is
refused (hooks do not run inside translated code), and so are `setupvalue`
and `upvaluejoin` of a translated function (its translation may keep the
value an upvalue no statement assigns had when it was translated).
"""

from typing import Any, Callable, Dict

from .luart import _core as _lcore
from .luart import ltraceback as _ltraceback
from .luart import LuaTable
from ._perrt import PerRuntime
from . import _luatypemt

# runtime -> {the runtime's debug C function (proxy): its name}
_guarded: Any = PerRuntime('debugguard')

_NAMES = ('getinfo', 'getlocal', 'setlocal', 'getupvalue', 'setupvalue', 'upvalueid',
          'upvaluejoin', 'sethook', 'setmetatable', 'traceback')

_READ = ('local dbg, str = rawget(_ENV, "debug"), rawget(_ENV, "string")\n'
         'local out = {}\n'
         'if type(str) == "table" and type(rawget(str, "dump")) == "function" then\n'
         '  out["string.dump"] = rawget(str, "dump")\n'
         'end\n'
         'if type(dbg) ~= "table" then return out end\n'
         'for _, k in ipairs({...}) do\n'
         '  local f = rawget(dbg, k)\n'
         '  if type(f) == "function" then out["debug." .. k] = f end\n'
         'end\n'
         'return out')


def guarded(bd: Any) -> Dict[Any, str]:
    """{debug function proxy: name} of the runtime of the Boundary bd, read
    once per runtime."""
    g = _guarded.get(bd.lua)
    if g is None:
        t = bd.lua.execute(_READ, *_NAMES)
        g = {}
        for k, f in t.items():
            g[f] = k if isinstance(k, str) else k.decode()
        _guarded[bd.lua] = g
    return g


def _refuse(name: str, why: str) -> None:
    raise _lcore.Refusal('%s in translated code: %s (docs/translation.md)' % (name, why))


def guard(bd: Any, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """call (the bridged debug function name) behind the checks above."""
    origins = bd.origins
    chunks = _lcore.CHUNKS

    def is_translated(v: Any) -> bool:
        code = getattr(v, '__code__', None)
        return code is not None and code.co_filename in chunks

    def foreign_closure(v: Any) -> bool:
        # a function of translated code with no Lua function it translates
        return is_translated(v) and v not in origins

    def checked(*args: Any) -> Any:
        a = list(args)
        if a and getattr(a[0].__class__, '_is_lua_thread', False):
            a.pop(0)        # [thread,] first
        elif name == 'debug.traceback':
            # the running stack: translated code's frames, which the
            # bridged function does not see (a thread's: native frames)
            return _ltraceback.lua_traceback(*args)
        if name in ('debug.getinfo', 'debug.getlocal', 'debug.setlocal'):
            if a and (a[0].__class__ is int or a[0].__class__ is float
                      or name == 'debug.setlocal'):
                _refuse(name, 'a level names a frame of the bridge, not of translated code')
        if name == 'debug.sethook' and a and a[0] is not None:
            _refuse(name, 'a hook does not run inside translated code')
        if name == 'debug.setmetatable' and a and not (
                a[0].__class__ is LuaTable or getattr(a[0].__class__, 'lua_meta', None)
                is not None):
            # the metatable of a whole type: luart's operations on numbers,
            # booleans, nil and functions read it where Lua does (_luatypemt)
            # except tostring (__tostring; __name of a function's); on
            # strings (_luastrmt: arithmetic only) and coroutines, not at all
            mt = a[1] if len(a) > 1 else None
            kind = _luatypemt.kind_of(a[0])
            if kind is None or mt.__class__ is LuaTable and (
                    _lcore.mtfield(mt, b'__tostring') is not None
                    or kind == 'function' and _lcore.mtfield(mt, b'__name') is not None):
                _refuse(name, "a metatable for all %ss: translated code's operations on "
                        "them would not run it" % _lcore.type_name(a[0]))
        if name in ('debug.setupvalue', 'debug.upvaluejoin') and a and is_translated(a[0]):
            # its translation may hold an upvalue's value read once (fixed)
            _refuse(name, 'the function is translated, and its translation may keep the '
                    'value an upvalue had')
        for v in a:
            if foreign_closure(v):
                _refuse(name, 'a function translated code made is a different function in Lua')
        return call(*args)
    return checked
