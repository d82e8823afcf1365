"""The utf8 library (lutf8lib.c)."""

from ._core import Multi, NORES, cfunc, liberror
from ._aux import NA, argerror, checkint, checkstr, optint

MAXUNICODE = 0x10FFFF
MAXUTF = 0x7FFFFFFF
_LIMITS = (0xFFFFFFFF, 0x80, 0x800, 0x10000, 0x200000, 0x4000000)
charpattern = b'[\x00-\x7F\xC2-\xFD][\x80-\xBF]*'


def _byte(s, i):
    return s[i] if i < len(s) else 0       # C strings end with '\0'


def _iscont(s, i):
    return (_byte(s, i) & 0xC0) == 0x80


def _decode(s, i, strict):
    """utf8_decode: (code, next index) or None."""
    c = _byte(s, i)
    if c < 0x80:
        res = c
        count = 0
    else:
        res = 0
        count = 0
        while c & 0x40:
            count += 1
            cc = _byte(s, i + count)
            if (cc & 0xC0) != 0x80:
                return None
            res = (res << 6) | (cc & 0x3F)
            c = (c << 1) & 0xFF
        res |= (c & 0x7F) << (count * 5)
        if count > 5 or res > MAXUTF or res < _LIMITS[count]:
            return None
    if strict and (res > MAXUNICODE or 0xD800 <= res <= 0xDFFF):
        return None
    return res, i + count + 1


def _posrelat(pos, ln):
    if pos >= 0:
        return pos
    if -pos > ln:
        return 0
    return ln + pos + 1


def _lax(v):
    return v is not None and v is not False and v is not NA


def utf8_len(s=NA, i=None, j=None, lax=None, *_):
    s = checkstr(s, 1, 'len')
    ln = len(s)
    posi = _posrelat(optint(i, 2, 'len', 1), ln)
    posj = _posrelat(optint(j, 3, 'len', -1), ln)
    if not (1 <= posi and posi - 1 <= ln):
        argerror(2, 'len', 'initial position out of bounds')
    posi -= 1
    posj -= 1
    if not posj < ln:
        argerror(3, 'len', 'final position out of bounds')
    strict = not _lax(lax)
    n = 0
    while posi <= posj:
        r = _decode(s, posi, strict)
        if r is None:
            return Multi((None, posi + 1))
        posi = r[1]
        n += 1
    return n


def utf8_codepoint(s=NA, i=None, j=None, lax=None, *_):
    s = checkstr(s, 1, 'codepoint')
    ln = len(s)
    posi = _posrelat(optint(i, 2, 'codepoint', 1), ln)
    pose = _posrelat(optint(j, 3, 'codepoint', posi), ln)
    if not posi >= 1:
        argerror(2, 'codepoint', 'out of bounds')
    if not pose <= ln:
        argerror(3, 'codepoint', 'out of bounds')
    if posi > pose:
        return NORES
    if pose - posi >= 0x7fffffff:
        liberror('string slice too long')
    strict = not _lax(lax)
    out = []
    k = posi - 1
    while k < pose:
        r = _decode(s, k, strict)
        if r is None:
            liberror('invalid UTF-8 code')
        out.append(r[0])
        k = r[1]
    return out[0] if len(out) == 1 else Multi(out)


def _utfchar(x):
    if x < 0x80:
        return bytes((x,))
    out = []
    mfb = 0x3f
    while True:
        out.append(0x80 | (x & 0x3f))
        x >>= 6
        mfb >>= 1
        if x <= mfb:
            break
    out.append(((~mfb << 1) | x) & 0xFF)
    return bytes(reversed(out))


def utf8_char(*args):
    out = []
    for k, v in enumerate(args, 1):
        code = checkint(v, k, 'char') & 0xFFFFFFFFFFFFFFFF
        if code > MAXUTF:
            argerror(k, 'char', 'value out of range')
        out.append(_utfchar(code))
    return b''.join(out)


def utf8_offset(s=NA, n=NA, i=None, *_):
    s = checkstr(s, 1, 'offset')
    n = checkint(n, 2, 'offset')
    ln = len(s)
    posi = 1 if n >= 0 else ln + 1
    posi = _posrelat(optint(i, 3, 'offset', posi), ln)
    if not (1 <= posi and posi - 1 <= ln):
        argerror(3, 'offset', 'position out of bounds')
    posi -= 1
    if n == 0:
        while posi > 0 and _iscont(s, posi):
            posi -= 1
    else:
        if _iscont(s, posi):
            liberror('initial position is a continuation byte')
        if n < 0:
            while n < 0 and posi > 0:
                posi -= 1
                while posi > 0 and _iscont(s, posi):
                    posi -= 1
                n += 1
        else:
            n -= 1
            while n > 0 and posi < ln:
                posi += 1
                while _iscont(s, posi):
                    posi += 1
                n -= 1
    if n == 0:
        return posi + 1
    return None


def _iter_aux(s, i, strict):
    s = checkstr(s, 1, 'for iterator')
    ln = len(s)
    n = i if i.__class__ is int else 0
    if n < 0:
        return NORES            # (as a huge unsigned value)
    if n < ln:
        while _iscont(s, n):
            n += 1
    if n >= ln:
        return NORES
    r = _decode(s, n, strict)
    if r is None:               # (5.4.4 does not check the byte after it)
        liberror('invalid UTF-8 code')
    return Multi((n + 1, r[0]))


@cfunc
def iter_strict(s=NA, i=0, *_):
    return _iter_aux(s, i, True)


@cfunc
def iter_lax(s=NA, i=0, *_):
    return _iter_aux(s, i, False)


def utf8_codes(s=NA, lax=None, *_):
    # (Lua 5.4.4 does not check a first continuation byte here, 5.4.6 does:
    # the iterator skips it, so "\x80" gives no code, as Debian's lua5.4)
    s = checkstr(s, 1, 'codes')
    return Multi((iter_lax if _lax(lax) else iter_strict, s, 0))
