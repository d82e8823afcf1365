"""tandem — Lua 5.4 and CPython in one process, as equals.

``import tandem as lupa`` runs code written for lupa: LuaRuntime, LuaError,
LuaSyntaxError, LuaMemoryError, lua_type, as_attrgetter, as_itemgetter,
unpacks_lua_table, unpacks_lua_table_method, LUA_VERSION, LUA_MAXINTEGER,
LUA_MININTEGER. See docs/python.md.
"""

from functools import wraps as _wraps

from ._tandem import (  # FFI-WIRING
    FFI,
    CData,
    CType,
    FFIError,
    CDefError,
    LUA_MAXINTEGER,
    LUA_MININTEGER,
    LUA_VERSION,
    LuaError,
    LuaMemoryError,
    LuaRuntime,
    LuaSyntaxError,
    __version__,
    as_attrgetter,
    as_function,
    as_itemgetter,
    host_runtime,
    lua_type,
)
from . import _tandem
from ._translate import TranslationError, translated_source

__all__ = [
    "LUA_VERSION", "LUA_MAXINTEGER", "LUA_MININTEGER",
    "LuaRuntime", "LuaError", "LuaSyntaxError", "LuaMemoryError",
    "as_itemgetter", "as_attrgetter", "as_function", "lua_type",
    "unpacks_lua_table", "unpacks_lua_table_method", "host_runtime",
    "FFI", "CData", "CType", "FFIError", "CDefError",
    "TranslationError", "translated_source",
]

_unpack_table = _tandem._unpack_table


def unpacks_lua_table(func):
    """Decorator: a function called from Lua with one Lua table argument
    receives the table's integer keys as positional and its string keys as
    keyword arguments (``f{a, b, key=v}``)."""
    @_wraps(func)
    def wrapper(*args):
        unpacked = _unpack_table(args)
        if unpacked is None:
            return func(*args)
        return func(*unpacked[0], **unpacked[1])
    return wrapper


def unpacks_lua_table_method(meth):
    """unpacks_lua_table for methods (the first argument is self)."""
    @_wraps(meth)
    def wrapper(self, *args):
        unpacked = _unpack_table(args)
        if unpacked is None:
            return meth(self, *args)
        return meth(self, *unpacked[0], **unpacked[1])
    return wrapper
