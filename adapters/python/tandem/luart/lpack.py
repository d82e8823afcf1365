"""string.pack, string.unpack, string.packsize (lstrlib.c, x86-64 sizes)."""

import struct

from ._core import Multi, liberror
from ._aux import LUD, NA, argerror, checkint, checknum, checkstr, optint, posrelat

_MAXINTSIZE = 16
_SZINT = 8
_MAXALIGN = 8
_MAXSIZE = 0x7fffffff
(KINT, KUINT, KFLOAT, KNUMBER, KDOUBLE, KCHAR, KSTRING, KZSTR, KPADDING,
 KPADDALIGN, KNOP) = range(11)


class _Header:
    __slots__ = ('islittle', 'maxalign', 'fmt', 'i', 'fname')

    def __init__(self, fmt, fname):
        self.islittle = True
        self.maxalign = 1
        self.fmt = fmt
        self.i = 0
        self.fname = fname

    def peek(self):
        return self.fmt[self.i] if self.i < len(self.fmt) else 0

    def getnum(self, df):
        c = self.peek()
        if not 48 <= c <= 57:
            return df
        a = 0
        while True:
            a = a * 10 + self.fmt[self.i] - 48
            self.i += 1
            c = self.peek()
            if not (48 <= c <= 57 and a <= (_MAXSIZE - 9) // 10):
                return a

    def getnumlimit(self, df):
        sz = self.getnum(df)
        if sz > _MAXINTSIZE or sz <= 0:
            liberror('integral size (%d) out of limits [1,%d]' % (sz, _MAXINTSIZE))
        return sz

    def getoption(self):
        """(option kind, size)."""
        opt = self.fmt[self.i]
        self.i += 1
        if opt == 98:       # b
            return KINT, 1
        if opt == 66:       # B
            return KUINT, 1
        if opt == 104:      # h
            return KINT, 2
        if opt == 72:       # H
            return KUINT, 2
        if opt == 108 or opt == 106:    # l j
            return KINT, 8
        if opt == 76 or opt == 74 or opt == 84:     # L J T
            return KUINT, 8
        if opt == 102:      # f
            return KFLOAT, 4
        if opt == 110:      # n
            return KNUMBER, 8
        if opt == 100:      # d
            return KDOUBLE, 8
        if opt == 105:      # i
            return KINT, self.getnumlimit(4)
        if opt == 73:       # I
            return KUINT, self.getnumlimit(4)
        if opt == 115:      # s
            return KSTRING, self.getnumlimit(8)
        if opt == 99:       # c
            size = self.getnum(-1)
            if size == -1:
                liberror("missing size for format option 'c'")
            return KCHAR, size
        if opt == 122:      # z
            return KZSTR, 0
        if opt == 120:      # x
            return KPADDING, 1
        if opt == 88:       # X
            return KPADDALIGN, 0
        if opt == 32:
            pass
        elif opt == 60:     # <
            self.islittle = True
        elif opt == 62:     # >
            self.islittle = False
        elif opt == 61:     # =
            self.islittle = True
        elif opt == 33:     # !
            self.maxalign = self.getnumlimit(_MAXALIGN)
        else:
            liberror("invalid format option '%s'" % chr(opt))
        return KNOP, 0

    def getdetails(self, totalsize):
        """(option kind, size, bytes of alignment padding)."""
        opt, size = self.getoption()
        align = size
        if opt == KPADDALIGN:
            if self.i >= len(self.fmt):
                argerror(1, self.fname, "invalid next option for option 'X'")
            nopt, align = self.getoption()
            if nopt == KCHAR or align == 0:
                argerror(1, self.fname, "invalid next option for option 'X'")
        if align <= 1 or opt == KCHAR:
            return opt, size, 0
        if align > self.maxalign:
            align = self.maxalign
        if align & (align - 1):
            argerror(1, self.fname, 'format asks for alignment not power of 2')
        return opt, size, (align - (totalsize & (align - 1))) & (align - 1)


def _packint(n, islittle, size, neg):
    n &= 0xFFFFFFFFFFFFFFFF
    out = bytearray(size)
    for i in range(min(size, _SZINT)):
        out[i] = n & 0xFF
        n >>= 8
    if neg and size > _SZINT:
        for i in range(_SZINT, size):
            out[i] = 0xFF
    if not islittle:
        out.reverse()
    return bytes(out)


def str_pack(fmt=NA, *args):
    fmt = checkstr(fmt, 1, 'pack')
    h = _Header(fmt, 'pack')
    out = []
    total = 0
    arg = 1
    while h.i < len(fmt):
        opt, size, ntoalign = h.getdetails(total)
        total += ntoalign + size
        if ntoalign:
            out.append(b'\0' * ntoalign)
        arg += 1
        k = arg - 2
        # past the arguments the stack holds str_pack's nil mark, then the
        # buffer's light userdata (what Lua's messages then name)
        v = args[k] if k < len(args) else (None if k == len(args) else (LUD if k == len(args) + 1 else NA))
        if opt == KINT:
            n = checkint(v, arg, 'pack')
            if size < _SZINT:
                lim = 1 << (size * 8 - 1)
                if not -lim <= n < lim:
                    argerror(arg, 'pack', 'integer overflow')
            out.append(_packint(n, h.islittle, size, n < 0))
        elif opt == KUINT:
            n = checkint(v, arg, 'pack')
            if size < _SZINT and not (n & 0xFFFFFFFFFFFFFFFF) < (1 << (size * 8)):
                argerror(arg, 'pack', 'unsigned overflow')
            out.append(_packint(n, h.islittle, size, False))
        elif opt == KFLOAT:
            x = float(checknum(v, arg, 'pack'))
            try:
                out.append(struct.pack('<f' if h.islittle else '>f', x))
            except OverflowError:       # C's (float) conversion gives inf
                out.append(struct.pack('<f' if h.islittle else '>f', x * float('inf')))
        elif opt == KNUMBER or opt == KDOUBLE:
            x = float(checknum(v, arg, 'pack'))
            out.append(struct.pack('<d' if h.islittle else '>d', x))
        elif opt == KCHAR:
            s = checkstr(v, arg, 'pack')
            if len(s) > size:
                argerror(arg, 'pack', 'string longer than given size')
            out.append(s + b'\0' * (size - len(s)))
        elif opt == KSTRING:
            s = checkstr(v, arg, 'pack')
            if not (size >= 8 or len(s) < (1 << (size * 8))):
                argerror(arg, 'pack', 'string length does not fit in given size')
            out.append(_packint(len(s), h.islittle, size, False))
            out.append(s)
            total += len(s)
        elif opt == KZSTR:
            s = checkstr(v, arg, 'pack')
            if b'\0' in s:
                argerror(arg, 'pack', 'string contains zeros')
            out.append(s + b'\0')
            total += len(s) + 1
        else:
            if opt == KPADDING:
                out.append(b'\0')
            arg -= 1
    return b''.join(out)


def str_packsize(fmt=NA, *_):
    fmt = checkstr(fmt, 1, 'packsize')
    h = _Header(fmt, 'packsize')
    total = 0
    while h.i < len(fmt):
        opt, size, ntoalign = h.getdetails(total)
        if opt == KSTRING or opt == KZSTR:
            argerror(1, 'packsize', 'variable-length format')
        size += ntoalign
        if not total <= _MAXSIZE - size:
            argerror(1, 'packsize', 'format result too large')
        total += size
    return total


def _unpackint(data, pos, islittle, size, issigned):
    raw = data[pos:pos + size]
    if not islittle:
        raw = raw[::-1]
    limit = min(size, _SZINT)
    res = int.from_bytes(raw[:limit], 'little')
    if size < _SZINT:
        if issigned:
            mask = 1 << (size * 8 - 1)
            res = ((res ^ mask) - mask) & 0xFFFFFFFFFFFFFFFF
    elif size > _SZINT:
        neg = issigned and res >= 1 << 63
        mask = 0xFF if neg else 0
        for i in range(limit, size):
            if raw[i] != mask:
                liberror('%d-byte integer does not fit into Lua Integer' % size)
    return res - (1 << 64) if res >= 1 << 63 else res


def str_unpack(fmt=NA, data=NA, init=None, *_):
    fmt = checkstr(fmt, 1, 'unpack')
    data = checkstr(data, 2, 'unpack')
    ld = len(data)
    pos = posrelat(optint(init, 3, 'unpack', 1), ld) - 1
    if not pos <= ld:
        argerror(3, 'unpack', 'initial position out of string')
    h = _Header(fmt, 'unpack')
    out = []
    while h.i < len(fmt):
        opt, size, ntoalign = h.getdetails(pos)
        if not ntoalign + size <= ld - pos:
            argerror(2, 'unpack', 'data string too short')
        pos += ntoalign
        if opt == KINT or opt == KUINT:
            out.append(_unpackint(data, pos, h.islittle, size, opt == KINT))
        elif opt == KFLOAT:
            out.append(struct.unpack('<f' if h.islittle else '>f', data[pos:pos + 4])[0])
        elif opt == KNUMBER or opt == KDOUBLE:
            out.append(struct.unpack('<d' if h.islittle else '>d', data[pos:pos + 8])[0])
        elif opt == KCHAR:
            out.append(data[pos:pos + size])
        elif opt == KSTRING:
            ln = _unpackint(data, pos, h.islittle, size, False) & 0xFFFFFFFFFFFFFFFF
            if not ln <= ld - pos - size:
                argerror(2, 'unpack', 'data string too short')
            out.append(data[pos + size:pos + size + ln])
            pos += ln
        elif opt == KZSTR:
            e = data.find(b'\0', pos)
            if e < 0:
                argerror(2, 'unpack', "unfinished string for format 'z'")
            out.append(data[pos:e])
            pos = e + 1
        pos += size
    out.append(pos + 1)
    return Multi(out)
