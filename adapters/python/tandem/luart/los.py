"""The os library's clock, time, date, difftime and getenv (loslib.c);
its file functions are in lio.py, os.exit in standalone.py."""

import os
import time

from ._core import LuaTable, liberror
from ._aux import NA, argerror, checkint, checkstr, typeerror


# ---------------------------------------------------------------- os

def os_clock(*_):
    return time.process_time()


def os_getenv(name=NA, *_):
    name = checkstr(name, 1, 'getenv')
    v = os.environb.get(name) if hasattr(os, 'environb') else os.environ.get(name.decode())
    if v is not None and v.__class__ is str:
        v = v.encode()
    return v


def os_difftime(a=NA, b=NA, *_):
    a = checkint(a, 1, 'difftime')
    b = checkint(b, 2, 'difftime')
    return float(a - b)


def _getfield(t, key, d, delta):
    from ._core import index, toint
    v = index(t, key.encode())
    res = toint(v)
    if res is None:
        if v is not None:
            liberror("field '%s' is not an integer" % key)
        if d < 0:
            liberror("field '%s' missing in date table" % key)
        return d
    if not (res - delta <= 0x7fffffff if res >= 0 else -0x80000000 + delta <= res):
        liberror("field '%s' is out-of-bound" % key)
    return res - delta


def _setallfields(t, st):
    for k, v in (('year', st.tm_year), ('month', st.tm_mon), ('day', st.tm_mday),
                 ('hour', st.tm_hour), ('min', st.tm_min), ('sec', st.tm_sec),
                 ('yday', st.tm_yday), ('wday', (st.tm_wday + 1) % 7 + 1)):
        t.set(k.encode(), v)
    if st.tm_isdst >= 0:
        t.set(b'isdst', bool(st.tm_isdst))


def os_time(t=None, *_):
    if t is None or t is NA:
        return int(time.time())
    if t.__class__ is not LuaTable:
        typeerror(1, 'time', 'table', t)
    from ._core import index
    year = _getfield(t, 'year', -1, 1900)
    mon = _getfield(t, 'month', -1, 1)
    mday = _getfield(t, 'day', -1, 0)
    hour = _getfield(t, 'hour', 12, 0)
    mnt = _getfield(t, 'min', 0, 0)
    sec = _getfield(t, 'sec', 0, 0)
    d = index(t, b'isdst')
    isdst = -1 if d is None else (0 if d is False else 1)
    try:
        r = time.mktime((year + 1900, mon + 1, mday, hour, mnt, sec, 0, 0, isdst))
        st = time.localtime(r)
    except (OverflowError, ValueError, OSError):
        liberror('time result cannot be represented in this installation')
    _setallfields(t, st)
    return int(r)


_OPTS1 = b'aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%'
_OPTS2 = (b'Ec', b'EC', b'Ex', b'EX', b'Ey', b'EY', b'Od', b'Oe', b'OH', b'OI', b'Om', b'OM',
          b'OS', b'Ou', b'OU', b'OV', b'Ow', b'OW', b'Oy')


def os_date(fmt=None, t=None, *_):
    fmt = b'%c' if fmt is None or fmt is NA else checkstr(fmt, 1, 'date')
    if t is None or t is NA:
        tt = int(time.time())
    else:
        tt = checkint(t, 2, 'date')
    utc = fmt[:1] == b'!'
    if utc:
        fmt = fmt[1:]
    try:
        st = time.gmtime(tt) if utc else time.localtime(tt)
    except (OverflowError, ValueError, OSError):
        liberror('date result cannot be represented in this installation')
    if fmt[:2] == b'*t':
        r = LuaTable()
        _setallfields(r, st)
        if st.tm_isdst < 0:
            r.set(b'isdst', False)
        return r
    out = []
    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c != 37:
            j = fmt.find(b'%', i)
            if j < 0:
                j = n
            out.append(fmt[i:j])
            i = j
            continue
        conv = fmt[i + 1:]
        if conv[:1] and conv[0] in _OPTS1:
            spec = conv[:1]
        elif conv[:2] in _OPTS2:
            spec = conv[:2]
        else:
            argerror(1, 'date', "invalid conversion specifier '%%%s'" % conv.decode('latin-1'))
        out.append(time.strftime('%' + spec.decode(), st).encode('latin-1', 'replace'))
        i += 1 + len(spec)
    return b''.join(out)
