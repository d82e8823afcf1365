"""tandem.luart: Lua 5.4 semantics in plain Python 3, the runtime that Lua
functions translated into Python run on (docs/luart.md).

It imports nothing from tandem's C extension: the package also works copied
on its own (`import luart`) in a bare python3.
"""

from . import _core
from ._core import (
    LuaError, LuaTable, Multi, NORES, first, allv, ret, retv,
    table_new, table_from_list, lua_next, iter_pairs, iter_ipairs,
    type_name, str2number, tonum, toint, tostr, tostring, fmtfloat,
    wrap, call, index, setindex, rawget, rawset, rawequal, length,
    add, sub, mul, div, mod, idiv, pow, unm, arith,
    band, bor, bxor, shl, shr, bnot, concat, concatn,
    eq, ne, lt, le, gt, ge, truth, metamethod, register_chunk, where, rterror,
    numfor, iter_for, iter_in_pairs, invoke)
from . import lbase, lstring, ltable, lmath, lcoro, lformat, lpattern, lutf8, lpack, los, lio
from .lbase import (
    lua_print, lua_type, lua_tostring, lua_tonumber, lua_ipairs, lua_pairs, lua_nextf,
    lua_select, lua_rawget, lua_rawset, lua_rawequal, lua_rawlen,
    lua_setmetatable, lua_getmetatable, lua_assert, lua_error, lua_pcall,
    lua_xpcall, lua_collectgarbage, error_value, close_check, close_value,
    ipairs_aux)
from .lcoro import Coroutine, run_plain, gpcall, gxpcall
from .lpattern import iter_gmatch

__all__ = [
    'LuaError', 'LuaTable', 'Multi', 'NORES', 'first', 'allv', 'ret', 'retv',
    'table_new', 'table_from_list', 'lua_next', 'iter_pairs', 'iter_ipairs',
    'type_name', 'str2number', 'tonum', 'toint', 'tostr',
    'tostring', 'fmtfloat', 'wrap', 'call', 'index', 'setindex', 'rawget',
    'rawset', 'rawequal', 'length', 'add', 'sub', 'mul', 'div', 'mod', 'idiv',
    'pow', 'unm', 'arith', 'band', 'bor', 'bxor', 'shl', 'shr', 'bnot',
    'concat', 'concatn', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'truth',
    'metamethod', 'register_chunk', 'where', 'rterror', 'numfor', 'iter_for',
    'iter_in_pairs', 'invoke',
    'lua_print', 'lua_type', 'lua_tostring', 'lua_tonumber', 'lua_ipairs', 'lua_pairs',
    'lua_nextf', 'lua_select', 'lua_rawget', 'lua_rawset', 'lua_rawequal',
    'lua_rawlen', 'lua_setmetatable', 'lua_getmetatable', 'lua_assert',
    'lua_error', 'lua_pcall', 'lua_xpcall', 'lua_collectgarbage',
    'error_value', 'close_check', 'close_value', 'ipairs_aux', 'Coroutine',
    'run_plain', 'gpcall', 'gxpcall', 'iter_gmatch', 'lbase', 'lstring', 'ltable',
    'lmath', 'lcoro', 'lformat', 'lpattern', 'lutf8', 'lpack', 'los', 'lio', 'utf8', 'io', 'os', 'string', 'table', 'math',
    'coroutine', 'new_env',
]


def _lib(_prefix, _w=None, **fns):
    """A library table; its functions count as C functions for error
    positions (luaL_where) and have their global names for messages. Its
    hash part is a watched dict (_core.WDict: every key watched, or the keys
    of the set _w, the global table's)."""
    t = LuaTable(hash=_core.WDict(_w))
    for k, v in fns.items():
        code = getattr(v, '__code__', None)
        if code is not None:
            _core.CFUNCS.add(code)
            _core.QUALNAMES.setdefault(code, _prefix + k)
        t.set(k.encode(), v)
    return t


string = _lib(
    'string.',
    len=lstring.str_len, sub=lstring.str_sub, upper=lstring.str_upper,
    lower=lstring.str_lower, rep=lstring.str_rep, reverse=lstring.str_reverse,
    byte=lstring.str_byte, char=lstring.str_char, format=lformat.string_format,
    find=lpattern.str_find, match=lpattern.str_match, gmatch=lpattern.str_gmatch,
    gsub=lpattern.str_gsub, pack=lpack.str_pack, unpack=lpack.str_unpack,
    packsize=lpack.str_packsize)

_core.STRING_META = _lib('', __index=string, **lstring.STRING_ARITH)

table = _lib(
    'table.',
    insert=ltable.t_insert, remove=ltable.t_remove, concat=ltable.t_concat,
    unpack=ltable.t_unpack, pack=ltable.t_pack, move=ltable.t_move,
    sort=ltable.t_sort)

math = _lib(
    'math.',
    abs=lmath.m_abs, ceil=lmath.m_ceil, floor=lmath.m_floor, fmod=lmath.m_fmod,
    modf=lmath.m_modf, deg=lmath.m_deg, rad=lmath.m_rad, sqrt=lmath.m_sqrt, sin=lmath.m_sin, cos=lmath.m_cos,
    tan=lmath.m_tan, asin=lmath.m_asin, acos=lmath.m_acos, atan=lmath.m_atan,
    exp=lmath.m_exp, log=lmath.m_log, tointeger=lmath.m_tointeger,
    atan2=lmath.m_atan2, cosh=lmath.m_cosh, sinh=lmath.m_sinh, tanh=lmath.m_tanh, pow=lmath.m_powf,
    frexp=lmath.m_frexp, ldexp=lmath.m_ldexp, log10=lmath.m_log10,
    type=lmath.m_type, ult=lmath.m_ult, max=lmath.m_max, min=lmath.m_min,
    random=lmath.m_random, randomseed=lmath.m_randomseed,
    huge=lmath.huge, pi=lmath.pi, maxinteger=lmath.maxinteger,
    mininteger=lmath.mininteger)

coroutine = _lib(
    'coroutine.',
    create=lcoro.co_create, resume=lcoro.co_resume, wrap=lcoro.co_wrap,
    status=lcoro.co_status, running=lcoro.co_running,
    isyieldable=lcoro.co_isyieldable, close=lcoro.co_close,
    **{'yield': lcoro.co_yield})


utf8 = _lib(
    'utf8.',
    char=lutf8.utf8_char, charpattern=lutf8.charpattern, codes=lutf8.utf8_codes,
    codepoint=lutf8.utf8_codepoint, len=lutf8.utf8_len, offset=lutf8.utf8_offset)


io = _lib(
    'io.',
    write=lio.io_write, read=lio.io_read, lines=lio.io_lines, open=lio.io_open,
    close=lio.io_close, input=lio.io_input, output=lio.io_output, flush=lio.io_flush,
    type=lio.io_type, tmpfile=lio.io_tmpfile,
    stdin=lio.STDIN, stdout=lio.STDOUT, stderr=lio.STDERR)

os = _lib(
    'os.',
    clock=los.os_clock, date=los.os_date, difftime=los.os_difftime,
    getenv=los.os_getenv, time=los.os_time, remove=lio.os_remove,
    rename=lio.os_rename, tmpname=lio.os_tmpname)


_BASE = dict(
    print=lbase.lua_print, type=lbase.lua_type, tostring=lbase.lua_tostring,
    tonumber=lbase.lua_tonumber, ipairs=lbase.lua_ipairs,
    pairs=lbase.lua_pairs, next=lbase.lua_nextf, select=lbase.lua_select,
    rawget=lbase.lua_rawget, rawset=lbase.lua_rawset,
    rawequal=lbase.lua_rawequal, rawlen=lbase.lua_rawlen,
    setmetatable=lbase.lua_setmetatable,
    getmetatable=lbase.lua_getmetatable, error=lbase.lua_error,
    pcall=lbase.lua_pcall, xpcall=lbase.lua_xpcall,
    collectgarbage=lbase.lua_collectgarbage,
    **{'assert': lbase.lua_assert})
_lib('', **_BASE)
_core.CFUNCS.add(lbase.ipairs_aux.__code__)
# pairs in a coroutine (its __pairs may yield): a C function named pairs too
_core.CFUNCS.add(lbase.lua_pairs_co.__code__)
_core.QUALNAMES.setdefault(lbase.lua_pairs_co.__code__, 'pairs')


def new_env():
    """A fresh global table (_G / _ENV) with the base library and the
    string, table, math and coroutine libraries (shared library tables)."""
    g = _lib('', set(), **_BASE)
    for k, v in (('string', string), ('table', table), ('math', math),
                 ('coroutine', coroutine), ('utf8', utf8), ('io', io), ('os', os)):
        g.set(k.encode(), v)
    g.set(b'_G', g)
    g.set(b'_VERSION', b'Lua 5.4')
    return g


for _m in (lbase, lstring, ltable, lmath, lcoro, lformat, lpattern, lutf8, lpack, los, lio):
    _core.runtime_file(_m.__file__)
from . import _aux
_core.runtime_file(_aux.__file__)
_core.runtime_file(__file__)
from . import lemit  # noqa: E402  (the helpers of generated code; needs the names above)
_core.runtime_file(lemit.__file__)
