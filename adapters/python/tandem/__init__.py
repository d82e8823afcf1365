"""tandem — Lua 5.4 and CPython in one process, as equals.

``import tandem as lupa`` runs code written for lupa: LuaRuntime, LuaError,
LuaSyntaxError, LuaMemoryError, lua_type, as_attrgetter, as_itemgetter,
unpacks_lua_table, unpacks_lua_table_method, LUA_VERSION, LUA_MAXINTEGER,
LUA_MININTEGER. See docs/python.md.
"""


def _load_extension():
    """Import tandem._tandem so that its own Lua calls bind to its own
    liblua5.4. When another Lua already owns the process's global lua_*
    names (lupa imports LuaJIT with RTLD_GLOBAL), the extension is opened
    RTLD_DEEPBIND: its references (and liblua5.4's) look in its own
    libraries first. Under a sanitizer runtime RTLD_DEEPBIND is refused, so
    that combination is reported instead of crashing."""
    import os
    import sys
    if "tandem._tandem" in sys.modules or not hasattr(os, "RTLD_DEEPBIND"):
        return
    try:
        # tandem._probe (a 16 KB module) asks dlsym; _ctypes (with libffi
        # ~170 KB of RSS; the ctypes package ~1 MB) where it was not built
        from ._probe import lua_global
        other_lua = lua_global()
    except ImportError:
        try:
            import _ctypes
            _ctypes.dlsym(_ctypes.dlopen(None, os.RTLD_NOW), "lua_settop")
            other_lua = True
        except (ImportError, OSError, AttributeError):
            other_lua = False
    if not other_lua:
        return
    if os.environ.get("TANDEM_SANITIZER"):
        raise ImportError("tandem: another Lua owns the process's global lua_* symbols "
                          "(e.g. lupa imported first) and a sanitizer build cannot "
                          "isolate tandem's Lua (RTLD_DEEPBIND)")
    old = sys.getdlopenflags()
    sys.setdlopenflags(old | os.RTLD_DEEPBIND)
    try:
        # loading it with these flags is the point: nothing of it is used here
        __import__(__package__ + "._tandem")
    finally:
        sys.setdlopenflags(old)


class _LupaGuard:
    """Refuse to load lupa's LuaJIT once tandem's Lua 5.4 owns the global
    lua_* names (after a Lua C module was loaded into a tandem state): lupa
    would bind to Lua 5.4 and crash. A clear ImportError instead."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "lupa._lupa" or name.startswith("lupa.luajit"):
            from . import _tandem as _ext
            if _ext._lua_symbols_global():
                raise ImportError(
                    "%s cannot be loaded: tandem's Lua 5.4 owns the process's global "
                    "lua_* symbols (a Lua C module was loaded into a tandem runtime, "
                    "or this Python runs inside lua5.4); lupa would bind to them and "
                    "crash. In a Python program, import lupa before loading Lua C "
                    "modules from tandem" % name)
        return None


_load_extension()
del _load_extension

from ._tandem import (  # FFI-WIRING (FFI itself: on first use, below)
    CData,
    CType,
    FFIError,
    CDefError,
    FFIValueError,
    LUA_MAXINTEGER,
    LUA_MININTEGER,
    LUA_VERSION,
    LuaError,
    LuaMemoryError,
    LuaRuntime,
    LuaSyntaxError,
    LuaTimeoutError,
    as_attrgetter,
    as_function,
    as_itemgetter,
    host_runtime,
    lua_type,
)
from . import _tandem
__version__ = _tandem.__version__


# Imported on first use (PEP 562): the translator pulls in ast, inspect and
# typing, several MB of RSS that a program not translating never needs. FFI
# is the C type tandem._tandem.FFI with the methods of _ffi_api.py added
# (init_once, new_allocator, ...): they are added when the name is first
# read, the module and its code (~20 KB of RSS) not loaded by a program that
# never uses the FFI.
_LAZY = {"TranslationError": "_translate", "translated_source": "_translate",
         "Sandbox": "_sandbox", "FFI": "_ffi_api"}


def __getattr__(name):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError("module 'tandem' has no attribute %r" % name)
    value = getattr(__import__(__name__ + "." + mod, fromlist=[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

import sys as _sys
if not any(isinstance(f, _LupaGuard) or f is _LupaGuard for f in _sys.meta_path):
    _sys.meta_path.insert(0, _LupaGuard)
del _sys

__all__ = [
    "LUA_VERSION", "LUA_MAXINTEGER", "LUA_MININTEGER",
    "LuaRuntime", "LuaError", "LuaSyntaxError", "LuaMemoryError", "LuaTimeoutError",
    "Sandbox",
    "as_itemgetter", "as_attrgetter", "as_function", "lua_type",
    "unpacks_lua_table", "unpacks_lua_table_method", "host_runtime",
    "FFI", "CData", "CType", "FFIError", "CDefError", "FFIValueError",
    "TranslationError", "translated_source",
]

_unpack_table = _tandem._unpack_table


def unpacks_lua_table(func):
    """Decorator: a function called from Lua with one Lua table argument
    receives the table's integer keys as positional and its string keys as
    keyword arguments (``f{a, b, key=v}``)."""
    import functools
    @functools.wraps(func)
    def wrapper(*args):
        unpacked = _unpack_table(args)
        if unpacked is None:
            return func(*args)
        return func(*unpacked[0], **unpacked[1])
    return wrapper


def unpacks_lua_table_method(meth):
    """unpacks_lua_table for methods (the first argument is self)."""
    import functools
    @functools.wraps(meth)
    def wrapper(self, *args):
        unpacked = _unpack_table(args)
        if unpacked is None:
            return meth(self, *args)
        return meth(self, *unpacked[0], **unpacked[1])
    return wrapper
