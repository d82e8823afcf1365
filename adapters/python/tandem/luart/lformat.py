"""string.format (lstrlib.c str_format, with C printf's behaviour)."""

import math

from ._core import liberror, tostring, toint, _MIN, _MASK
from ._aux import NA, argerror, checkint, checknum, typeerror

_FLAGS_ALL = b'-+ #0'
_SPECSET = frozenset(b'-+ #0123456789.')
_FMTFLAGSF = b'-+ #0'
_FMTFLAGSX = b'-#0'
_FMTFLAGSI = b'-+ 0'
_FMTFLAGSU = b'-0'
_FMTFLAGSC = b'-'


_MAXSHORTLEN = 40     # Lua 5.4's LUAI_MAXSHORTLEN: longer strings are not interned


def _err(msg):
    liberror(msg)


def _get2digits(s, i):
    if i < len(s) and 48 <= s[i] <= 57:
        i += 1
        if i < len(s) and 48 <= s[i] <= 57:
            i += 1
    return i


def _checkformat(form, flags, precision):
    """form: the bytes after '%' including the conversion letter."""
    i = 0
    n = len(form)
    while i < n and form[i] in flags:
        i += 1
    if i < n and form[i] != 48:
        i = _get2digits(form, i)
        if i < n and form[i] == 46 and precision:
            i = _get2digits(form, i + 1)
    if not (i < n and (65 <= form[i] <= 90 or 97 <= form[i] <= 122)):
        _err(b"invalid conversion specification: '%" + form + b"'")


def _parse(form):
    """flags (set of chars), width (int), precision (int or None)."""
    i = 0
    flags = set()
    while form[i] in _FLAGS_ALL:
        flags.add(chr(form[i]))
        i += 1
    w = 0
    while 48 <= form[i] <= 57:
        w = w * 10 + form[i] - 48
        i += 1
    prec = None
    if form[i] == 46:
        i += 1
        prec = 0
        while 48 <= form[i] <= 57:
            prec = prec * 10 + form[i] - 48
            i += 1
    return flags, w, prec


def _pad(body, flags, width, zeroable_prefix_len=-1):
    """Pad to width: left-justify with '-', zero-pad after the sign/prefix
    when zeroable_prefix_len >= 0 and '0' given, else spaces on the left."""
    if len(body) >= width:
        return body
    if '-' in flags:
        return body + ' ' * (width - len(body))
    if zeroable_prefix_len >= 0 and '0' in flags:
        p = zeroable_prefix_len
        return body[:p] + '0' * (width - len(body)) + body[p:]
    return ' ' * (width - len(body)) + body


def _fmt_int(n, conv, flags, width, prec):
    if conv in 'di':
        neg = n < 0
        digits = str(-n if neg else n)
        sign = '-' if neg else ('+' if '+' in flags else (' ' if ' ' in flags else ''))
        prefix = sign
    else:
        u = n & _MASK
        sign = ''
        if conv == 'o':
            digits = '%o' % u
        elif conv == 'u':
            digits = '%d' % u
        elif conv == 'x':
            digits = '%x' % u
        else:
            digits = '%X' % u
        prefix = ''
        if '#' in flags:
            if conv == 'o':
                pass
            elif u != 0:
                prefix = '0x' if conv == 'x' else '0X'
    if prec is not None:
        if prec == 0 and n == 0:
            digits = ''
        elif len(digits) < prec:
            digits = '0' * (prec - len(digits)) + digits
    if conv == 'o' and '#' in flags and not digits.startswith('0'):
        digits = '0' + digits
    body = prefix + digits
    return _pad(body, flags, width, len(prefix) if prec is None else -1)


def _fmt_nonfinite(x, conv, flags, width):
    if x != x:
        s = 'nan'
        neg = math.copysign(1.0, x) < 0
    else:
        s = 'inf'
        neg = x < 0
    if conv in 'EFGA':
        s = s.upper()
    sign = '-' if neg else ('+' if '+' in flags else (' ' if ' ' in flags else ''))
    return _pad(sign + s, flags, width)


def hexfloat(x, prec=None, upper=False, alt=False):
    """C's %a of a finite float (glibc's digits)."""
    neg = math.copysign(1.0, x) < 0
    x = abs(x)
    if x == 0:
        lead, frac, exp = 0, 0, 0
        nd = 0
    else:
        h = x.hex()         # 0x1.xxxxxxxxxxxxxp+e or 0x0.xxxp-1022
        mant, e = h[2:].split('p')
        ld, fd = mant.split('.')
        lead = int(ld)
        frac = int(fd, 16)  # 13 hex digits
        nd = 13
        exp = int(e)
    if prec is None:
        digits = '%0*x' % (nd, frac) if nd else ''
        digits = digits.rstrip('0')
    elif prec < nd:
        drop = 4 * (nd - prec)
        full = (lead << (4 * nd)) | frac
        q, r = divmod(full, 1 << drop)
        half = 1 << (drop - 1)
        if r > half or (r == half and (q & 1)):
            q += 1
        lead = q >> (4 * prec)
        frac = q & ((1 << (4 * prec)) - 1)
        digits = '%0*x' % (prec, frac) if prec else ''
    else:
        digits = ('%0*x' % (nd, frac) if nd else '') + '0' * (prec - nd)
    s = '0x%x' % lead
    if digits or alt:
        s += '.' + digits
    s += 'p%+d' % exp
    if upper:
        s = s.upper()
    return ('-' if neg else '') + s


def _fmt_float(x, conv, flags, width, prec):
    if x != x or x in (math.inf, -math.inf):
        return _fmt_nonfinite(x, conv, flags, width)
    if conv in 'aA':
        s = hexfloat(x, prec, conv == 'A', '#' in flags)
        if s[0] != '-':
            if '+' in flags:
                s = '+' + s
            elif ' ' in flags:
                s = ' ' + s
        p = 1 if s[0] in '+- ' else 0
        return _pad(s, flags, width, p + 2)
    spec = '%' + ''.join(sorted(flags & set('+ #'))) + ('.%d' % prec if prec is not None else '') + conv
    s = spec % x
    p = 1 if s[0] in '+- ' else 0
    return _pad(s, flags, width, p)


def _quote_string(s):
    out = bytearray(b'"')
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        if c == 34 or c == 92 or c == 10:
            out.append(92)
            out.append(c)
        elif c == 0 or c < 32 or c == 127:
            if i + 1 < n and 48 <= s[i + 1] <= 57:
                out += b'\\%03d' % c
            else:
                out += b'\\%d' % c
        else:
            out.append(c)
        i += 1
    out.append(34)
    return bytes(out)


def _quote(v):
    c = v.__class__
    if c is bytes:
        return _quote_string(v)
    if c is int:
        if v == _MIN:
            return b'0x8000000000000000'
        return str(v).encode()
    if c is float:
        if v == math.inf:
            return b'1e9999'
        if v == -math.inf:
            return b'-1e9999'
        if v != v:
            return b'(0/0)'
        return hexfloat(v).encode()
    if v is None or c is bool:
        return tostring(v)
    argerror(2, 'format', 'value has no literal form')


def string_format(fmt=NA, *args):
    if fmt.__class__ is not bytes:
        from ._aux import checkstr
        fmt = checkstr(fmt, 1, 'format')
    if b'%' not in fmt:
        return fmt
    out = []
    n = len(fmt)
    i = 0
    argi = 0
    nargs = len(args)
    while i < n:
        j = fmt.find(b'%', i)
        if j < 0:
            out.append(fmt[i:])
            break
        if j > i:
            out.append(fmt[i:j])
        i = j + 1
        if i < n and fmt[i] == 37:
            out.append(b'%')
            i += 1
            continue
        argi += 1
        if argi > nargs:
            argerror(argi + 1, 'format', 'no value')
        arg = args[argi - 1]
        k = i
        while k < n and fmt[k] in _SPECSET:
            k += 1
        ln = k - i + 1
        if ln >= 32 - 10:
            _err('invalid format (too long)')
        form = fmt[i:k + 1]
        conv = chr(fmt[k]) if k < n else ''
        i = k + 1
        an = argi + 1
        if conv == 'c':
            _checkformat(form, _FMTFLAGSC, 0)
            v = checkint(arg, an, 'format')
            flags, w, prec = _parse(form)
            body = bytes([v & 0xff])
            if w > 1:
                pad = b' ' * (w - 1)
                body = body + pad if '-' in flags else pad + body
            out.append(body)
        elif conv in ('d', 'i', 'u', 'o', 'x', 'X'):
            v = checkint(arg, an, 'format')
            _checkformat(form, _FMTFLAGSI if conv in 'di' else (_FMTFLAGSU if conv == 'u' else _FMTFLAGSX), 1)
            flags, w, prec = _parse(form)
            out.append(_fmt_int(v, conv, flags, w, prec).encode())
        elif conv in ('a', 'A', 'f', 'e', 'E', 'g', 'G'):
            v = float(checknum(arg, an, 'format'))
            _checkformat(form, _FMTFLAGSF, 1)
            flags, w, prec = _parse(form)
            out.append(_fmt_float(v, conv, flags, w, prec).encode())
        elif conv == 'p':
            _checkformat(form, _FMTFLAGSC, 0)
            flags, w, prec = _parse(form)
            c = arg.__class__
            if arg is None or c in (bool, int, float):
                body = '(null)'
            elif c is bytes and len(arg) <= _MAXSHORTLEN:
                # Lua interns short strings: equal ones are one object, one
                # address (a value of the contents here)
                body = '0x%x' % (0x100000000000 | (hash(arg) & 0xfffffffffff))
            else:
                body = '0x%x' % id(arg)
            out.append(_pad(body, flags, w).encode())
        elif conv == 'q':
            if len(form) != 1:
                _err("specifier '%q' cannot have modifiers")
            out.append(_quote(arg))
        elif conv == 's':
            s = tostring(arg)
            if len(form) == 1:
                out.append(s)
            else:
                if b'\0' in s:
                    argerror(an, 'format', 'string contains zeros')
                _checkformat(form, _FMTFLAGSC, 1)
                flags, w, prec = _parse(form)
                if prec is None and len(s) >= 100:
                    out.append(s)
                else:
                    if prec is not None:
                        s = s[:prec]
                    if len(s) < w:
                        pad = b' ' * (w - len(s))
                        s = s + pad if '-' in flags else pad + s
                    out.append(s)
        else:
            _err(b"invalid conversion '%" + form + b"' to 'format'")
    return b''.join(out)


__all__ = ['string_format', 'hexfloat', 'toint', 'typeerror']
