"""Lua patterns: a port of lstrlib.c's matcher (find, match, gmatch, gsub).
Not Python's re: Lua's semantics (backtracking order, %b, %f, position
captures, back-references, error messages) are kept exactly."""

from ._core import LuaError, isfunc, cfunc, liberror, LuaTable, Multi, NORES, call, first, index, tostr, type_name
from ._aux import NA, checkstr, optint, posrelat, typeerror

_ESC = 37           # '%'
_CAP_UNFINISHED = -1
_CAP_POSITION = -2
_MAXCCALLS = 200
_MAXCAPTURES = 32
_SPECIALS = frozenset(b'^$*+?.([%-')


def _err(msg):
    liberror(msg)


def _mkclass(pred):
    return frozenset(c for c in range(256) if pred(c))


_ALPHA = _mkclass(lambda c: 65 <= c <= 90 or 97 <= c <= 122)
_DIGIT = _mkclass(lambda c: 48 <= c <= 57)
_LOWER = _mkclass(lambda c: 97 <= c <= 122)
_UPPER = _mkclass(lambda c: 65 <= c <= 90)
_SPACE = _mkclass(lambda c: 9 <= c <= 13 or c == 32)
_CNTRL = _mkclass(lambda c: c < 32 or c == 127)
_GRAPH = _mkclass(lambda c: 33 <= c <= 126)
_ALNUM = _ALPHA | _DIGIT
_PUNCT = _GRAPH - _ALNUM
_XDIGIT = _DIGIT | _mkclass(lambda c: 65 <= c <= 70 or 97 <= c <= 102)
_ZERO = frozenset((0,))
_CLASSES = {122: _ZERO, 97: _ALPHA, 99: _CNTRL, 100: _DIGIT, 103: _GRAPH, 108: _LOWER,
            112: _PUNCT, 115: _SPACE, 117: _UPPER, 119: _ALNUM, 120: _XDIGIT}


def _match_class(c, cl):
    lc = cl + 32 if 65 <= cl <= 90 else cl
    s = _CLASSES.get(lc)
    if s is None:
        return cl == c
    res = c in s
    if 65 <= cl <= 90:
        return not res
    return res


class _MS:
    __slots__ = ('src', 'n', 'p', 'pn', 'depth', 'level', 'cinit', 'clen')

    def __init__(self, src, p):
        self.src = src
        self.n = len(src)
        self.p = p
        self.pn = len(p)
        self.depth = _MAXCCALLS
        self.level = 0
        self.cinit = [0] * _MAXCAPTURES
        self.clen = [0] * _MAXCAPTURES

    def reprep(self):
        self.level = 0
        self.depth = _MAXCCALLS

    def pat(self, i):
        return self.p[i] if i < self.pn else 0

    def class_end(self, i):
        p = self.p
        pn = self.pn
        c = p[i]
        i += 1
        if c == _ESC:
            if i >= pn:
                _err("malformed pattern (ends with '%')")
            return i + 1
        if c == 91:     # '['
            if i < pn and p[i] == 94:
                i += 1
            while True:
                if i >= pn:
                    _err("malformed pattern (missing ']')")
                c = p[i]
                i += 1
                if c == _ESC and i < pn:
                    i += 1
                if i < pn and p[i] == 93:
                    break
                if i >= pn:
                    _err("malformed pattern (missing ']')")
            return i + 1
        return i

    def bracket(self, c, pi, ec):
        """matchbracketclass: pi at '[', ec at the closing ']'."""
        p = self.p
        sig = True
        if p[pi + 1] == 94:
            sig = False
            pi += 1
        pi += 1
        while pi < ec:
            ch = p[pi]
            if ch == _ESC:
                pi += 1
                if _match_class(c, p[pi]):
                    return sig
            elif pi + 2 < ec and p[pi + 1] == 45:
                if ch <= c <= p[pi + 2]:
                    return sig
                pi += 2
            elif ch == c:
                return sig
            pi += 1
        return not sig

    def single(self, s, pi, ep):
        if s >= self.n:
            return False
        c = self.src[s]
        pc = self.p[pi]
        if pc == 46:
            return True
        if pc == _ESC:
            return _match_class(c, self.p[pi + 1])
        if pc == 91:
            return self.bracket(c, pi, ep - 1)
        return pc == c

    def match(self, s, pi):
        if self.depth == 0:
            _err('pattern too complex')
        self.depth -= 1
        p = self.p
        pn = self.pn
        while True:
            if pi == pn:
                break
            pc = p[pi]
            if pc == 40:            # '('
                if self.pat(pi + 1) == 41:
                    s = self.start_capture(s, pi + 2, _CAP_POSITION)
                else:
                    s = self.start_capture(s, pi + 1, _CAP_UNFINISHED)
                break
            if pc == 41:            # ')'
                s = self.end_capture(s, pi + 1)
                break
            if pc == 36 and pi + 1 == pn:   # '$' at the end
                if s != self.n:
                    s = None
                break
            if pc == _ESC:
                nc = self.pat(pi + 1)
                if nc == 98:        # %b
                    s = self.balance(s, pi + 2)
                    if s is not None:
                        pi += 4
                        continue
                    break
                if nc == 102:       # %f
                    pi += 2
                    if self.pat(pi) != 91:
                        _err("missing '[' after '%f' in pattern")
                    ep = self.class_end(pi)
                    prev = self.src[s - 1] if s > 0 else 0
                    cur = self.src[s] if s < self.n else 0
                    if not self.bracket(prev, pi, ep - 1) and self.bracket(cur, pi, ep - 1):
                        pi = ep
                        continue
                    s = None
                    break
                if 48 <= nc <= 57:  # back-reference
                    s = self.match_capture(s, nc)
                    if s is not None:
                        pi += 2
                        continue
                    break
            # default
            ep = self.class_end(pi)
            epc = self.pat(ep)
            if not self.single(s, pi, ep):
                if epc == 42 or epc == 63 or epc == 45:     # * ? -
                    pi = ep + 1
                    continue
                s = None
                break
            if epc == 63:           # ?
                res = self.match(s + 1, ep + 1)
                if res is not None:
                    s = res
                    break
                pi = ep + 1
                continue
            if epc == 43:           # +
                s = self.max_expand(s + 1, pi, ep)
                break
            if epc == 42:           # *
                s = self.max_expand(s, pi, ep)
                break
            if epc == 45:           # -
                s = self.min_expand(s, pi, ep)
                break
            s += 1
            pi = ep
        self.depth += 1
        return s

    def max_expand(self, s, pi, ep):
        i = 0
        while self.single(s + i, pi, ep):
            i += 1
        while i >= 0:
            res = self.match(s + i, ep + 1)
            if res is not None:
                return res
            i -= 1
        return None

    def min_expand(self, s, pi, ep):
        while True:
            res = self.match(s, ep + 1)
            if res is not None:
                return res
            if self.single(s, pi, ep):
                s += 1
            else:
                return None

    def start_capture(self, s, pi, what):
        level = self.level
        if level >= _MAXCAPTURES:
            _err('too many captures')
        self.cinit[level] = s
        self.clen[level] = what
        self.level = level + 1
        res = self.match(s, pi)
        if res is None:
            self.level -= 1
        return res

    def end_capture(self, s, pi):
        lv = self.level - 1
        while lv >= 0:
            if self.clen[lv] == _CAP_UNFINISHED:
                break
            lv -= 1
        else:
            _err('invalid pattern capture')
        self.clen[lv] = s - self.cinit[lv]
        res = self.match(s, pi)
        if res is None:
            self.clen[lv] = _CAP_UNFINISHED
        return res

    def check_capture(self, c):
        lv = c - 49
        if lv < 0 or lv >= self.level or self.clen[lv] == _CAP_UNFINISHED:
            _err('invalid capture index %%%d' % (lv + 1))
        return lv

    def match_capture(self, s, c):
        lv = self.check_capture(c)
        ln = self.clen[lv]
        init = self.cinit[lv]
        if self.n - s >= ln and self.src[init:init + ln] == self.src[s:s + ln]:
            return s + ln
        return None

    def balance(self, s, pi):
        if pi >= self.pn - 1:
            _err("malformed pattern (missing arguments to '%b')")
        if s >= self.n or self.src[s] != self.p[pi]:
            return None
        b = self.p[pi]
        e = self.p[pi + 1]
        cont = 1
        src = self.src
        n = self.n
        s += 1
        while s < n:
            c = src[s]
            if c == e:
                cont -= 1
                if cont == 0:
                    return s + 1
            elif c == b:
                cont += 1
            s += 1
        return None

    def onecapture(self, i, s, e):
        if i >= self.level:
            if i != 0:
                _err('invalid capture index %%%d' % (i + 1))
            return self.src[s:e]
        ln = self.clen[i]
        init = self.cinit[i]
        if ln == _CAP_UNFINISHED:
            _err('unfinished capture')
        if ln == _CAP_POSITION:
            return init + 1
        return self.src[init:init + ln]

    def captures(self, s, e, whole):
        """push_captures: whole says whether the whole match counts as the
        capture when there is none (s is not NULL)."""
        nlev = 1 if (self.level == 0 and whole) else self.level
        return [self.onecapture(i, s, e) for i in range(nlev)]


# ---------------------------------------------------------------- fast path
# A Lua pattern made only of single-character items (literals, '.', %classes,
# sets) with the quantifiers * + - ?, plain and position captures and the
# anchors is matched by Python's re with exactly Lua's result: both are
# backtracking matchers that try the alternatives of each item in the same
# order (greedy longest first for * +, shortest first for -, with before
# without for ?), '.' and classes are translated to explicit byte sets, '$'
# to \Z.  Everything else (%b, %f, back-references, malformed patterns, long
# patterns that could reach Lua's "pattern too complex") uses the port above.

import re as _re

USE_RE = True
_RE_CACHE = {}
_NOT_RE = object()


def _byteset(members):
    out = []
    c = 0
    while c < 256:
        if c in members:
            d = c
            while d + 1 < 256 and d + 1 in members:
                d += 1
            out.append(_re.escape(bytes([c])) if c == d else
                       _re.escape(bytes([c])) + b'-' + _re.escape(bytes([d])))
            c = d + 1
        else:
            c += 1
    if not out:
        return b'(?!)'
    return b'[' + b''.join(out) + b']'


def _translate(p):
    """(compiled regex, position-capture flags) for a Lua pattern (anchor
    already removed), or None when the pattern needs the port."""
    n = len(p)
    if n > 120:
        return None
    ms = _MS(b'', p)
    nonempty = False        # True when no match can be empty
    out = []
    poscap = []
    depth = 0
    i = 0
    while i < n:
        c = p[i]
        if c == 40:         # '('
            if i + 1 < n and p[i + 1] == 41:
                out.append(b'()')
                poscap.append(True)
                i += 2
                continue
            if len(poscap) >= _MAXCAPTURES:
                return None
            out.append(b'(')
            poscap.append(False)
            depth += 1
            i += 1
            continue
        if c == 41:         # ')'
            if depth == 0:
                return None
            depth -= 1
            out.append(b')')
            i += 1
            continue
        if c == 36 and i + 1 == n:      # '$' at the end
            out.append(rb'\Z')
            i += 1
            continue
        if c == _ESC:
            if i + 1 >= n:
                return None
            d = p[i + 1]
            if d == 98 or d == 102 or 48 <= d <= 57:    # %b %f %0-9
                return None
        try:
            ep = ms.class_end(i)
        except LuaError:
            return None
        if c == 46:
            item = b'(?s:.)'
        elif c == _ESC or c == 91:
            if c == 91:
                members = {x for x in range(256) if ms.bracket(x, i, ep - 1)}
            else:
                members = {x for x in range(256) if _match_class(x, p[i + 1])}
            item = _byteset(members)
        else:
            item = _re.escape(bytes([c]))
        q = p[ep] if ep < n else 0
        if q != 42 and q != 45 and q != 63:
            nonempty = True
        if q == 42:
            item += b'*'
            ep += 1
        elif q == 43:
            item += b'+'
            ep += 1
        elif q == 45:
            item += b'*?'
            ep += 1
        elif q == 63:
            item += b'?'
            ep += 1
        out.append(item)
        i = ep
    if depth != 0:
        return None
    try:
        return _re.compile(b''.join(out)), poscap, nonempty
    except (_re.error, OverflowError, RecursionError):
        return None


def _compiled(p):
    r = _RE_CACHE.get(p)
    if r is None:
        if len(_RE_CACHE) > 512:
            _RE_CACHE.clear()
        r = _translate(p) if USE_RE else None
        if r is None:
            r = _NOT_RE
        _RE_CACHE[p] = r
    return None if r is _NOT_RE or not USE_RE else r


def _re_caps(m, poscap, whole):
    if not poscap:
        return [m.group(0)] if whole else []
    out = []
    for i, isp in enumerate(poscap, 1):
        out.append(m.start(i) + 1 if isp else m.group(i))
    return out


def _find_aux(s, p, init, plain, find, fname):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, fname)
    if p.__class__ is not bytes:
        p = checkstr(p, 2, fname)
    ls = len(s)
    if init is None or init is NA:
        init = 0
    else:
        init = posrelat(optint(init, 3, fname, 1), ls) - 1
    if init > ls:
        return None
    if find and ((plain is not None and plain is not False and plain is not NA) or not (_SPECIALS.intersection(p))):
        i = s.find(p, init)
        if i >= 0:
            return Multi((i + 1, i + len(p)))
        return None
    anchor = p[:1] == b'^'
    if anchor:
        p = p[1:]
    cr = _compiled(p)
    if cr is not None:
        rx, poscap, _ = cr
        m = rx.match(s, init) if anchor else rx.search(s, init)
        if m is None:
            return None
        if find:
            return Multi((m.start() + 1, m.end()) + tuple(_re_caps(m, poscap, False)))
        caps = _re_caps(m, poscap, True)
        return caps[0] if len(caps) == 1 else Multi(caps)
    ms = _MS(s, p)
    s1 = init
    while True:
        ms.reprep()
        e = ms.match(s1, 0)
        if e is not None:
            if find:
                return Multi((s1 + 1, e) + tuple(ms.captures(0, 0, False)))
            caps = ms.captures(s1, e, True)
            return caps[0] if len(caps) == 1 else Multi(caps)
        s1 += 1
        if s1 > ls or anchor:
            break
    return None


def str_find(s=NA, p=NA, init=None, plain=None, *_):
    return _find_aux(s, p, init, plain, True, 'find')


def str_match(s=NA, p=NA, init=None, *_):
    return _find_aux(s, p, init, None, False, 'match')


def str_gmatch(s=NA, p=NA, init=None, *_):
    if s.__class__ is not bytes:
        s = checkstr(s, 1, 'gmatch')
    if p.__class__ is not bytes:
        p = checkstr(p, 2, 'gmatch')
    ls = len(s)
    start = posrelat(optint(init, 3, 'gmatch', 1), ls) - 1
    if start > ls:
        start = ls + 1
    state = [start, -1]
    cr = _compiled(p)
    if cr is not None:
        rx, poscap, nonempty = cr
        if nonempty:
            # no empty match: Lua's loop is re's finditer
            it = rx.finditer(s, start)
            if not poscap:
                @cfunc
                def gmatch_all(*_):
                    for m in it:
                        return m.group(0)
                    return NORES
                return gmatch_all

            @cfunc

            @cfunc
            def gmatch_iter(*_):
                for m in it:
                    caps = _re_caps(m, poscap, True)
                    return caps[0] if len(caps) == 1 else Multi(caps)
                return NORES
            return gmatch_iter

        @cfunc

        @cfunc
        def gmatch_re(*_):
            src = state[0]
            while src <= ls:
                m = rx.search(s, src)
                if m is None:
                    break
                e = m.end()
                if e != state[1]:
                    state[0] = state[1] = e
                    caps = _re_caps(m, poscap, True)
                    return caps[0] if len(caps) == 1 else Multi(caps)
                src = m.start() + 1
            state[0] = ls + 1
            return NORES
        return gmatch_re
    ms = _MS(s, p)

    @cfunc

    @cfunc
    def gmatch_aux(*_):
        src = state[0]
        while src <= ls:
            ms.reprep()
            e = ms.match(src, 0)
            if e is not None and e != state[1]:
                state[0] = state[1] = e
                caps = ms.captures(src, e, True)
                return caps[0] if len(caps) == 1 else Multi(caps)
            src += 1
        state[0] = src
        return NORES
    return gmatch_aux


def iter_gmatch(s, p, init=None):
    """Generator form of gmatch for a for-in loop: yields tuples of captures."""
    if s.__class__ is bytes and p.__class__ is bytes and init is None:
        cr = _compiled(p)
        if cr is not None and cr[2]:
            rx, poscap, _ = cr
            if not poscap:
                for m in rx.finditer(s):
                    yield (m.group(0),)
                return
            if True not in poscap:
                for m in rx.finditer(s):
                    yield m.groups()
                return
    f = str_gmatch(s, p, init)
    while True:
        r = f()
        if r.__class__ is Multi:
            if not r:
                return
            yield r
        else:
            yield (r,)


def _add_s(ms, out, news, s, e):
    i = 0
    ln = len(news)
    while True:
        j = news.find(b'%', i)
        if j < 0:
            out.append(news[i:])
            return
        out.append(news[i:j])
        j += 1
        c = news[j] if j < ln else 0
        if c == _ESC:
            out.append(b'%')
        elif c == 48:
            out.append(ms.src[s:e])
        elif 49 <= c <= 57:
            v = ms.onecapture(c - 49, s, e)
            if v.__class__ is int:
                v = str(v).encode()
            out.append(v)
        else:
            _err("invalid use of '%' in replacement string")
        i = j + 1


def str_gsub(src=NA, p=NA, repl=NA, max_n=None, *_):
    if src.__class__ is not bytes:
        src = checkstr(src, 1, 'gsub')
    if p.__class__ is not bytes:
        p = checkstr(p, 2, 'gsub')
    srcl = len(src)
    rc = repl.__class__
    if rc is int or rc is float:
        repl = tostr(repl)
        rc = bytes
    if rc is bytes:
        tr = 0
    elif rc is LuaTable:
        tr = 2
    elif isfunc(repl):
        tr = 1
    else:
        typeerror(3, 'gsub', 'string/function/table', repl)
    max_s = optint(max_n, 4, 'gsub', srcl + 1)
    anchor = p[:1] == b'^'
    if anchor:
        p = p[1:]
    cr = _compiled(p)
    if cr is not None:
        return _gsub_re(src, cr, repl, tr, max_s, anchor)
    ms = _MS(src, p)
    out = []
    n = 0
    s = 0
    last = -1
    changed = False
    while n < max_s:
        ms.reprep()
        e = ms.match(s, 0)
        if e is not None and e != last:
            n += 1
            if tr == 0:
                _add_s(ms, out, repl, s, e)
                changed = True
            else:
                if tr == 1:
                    v = first(call(repl, *ms.captures(s, e, True)))
                else:
                    v = index(repl, ms.onecapture(0, s, e))
                if v is None or v is False:
                    out.append(src[s:e])
                else:
                    vs = tostr(v)
                    if vs is None:
                        _err('invalid replacement value (a %s)' % type_name(v))
                    out.append(vs)
                    changed = True
            s = last = e
        elif s < srcl:
            out.append(src[s:s + 1])
            s += 1
        else:
            break
        if anchor:
            break
    if not changed:
        return Multi((src, n))
    out.append(src[s:])
    return Multi((b''.join(out), n))


def _expand(repl, m, poscap):
    """add_s for a regex match."""
    out = []
    i = 0
    ln = len(repl)
    ncap = len(poscap)
    while True:
        j = repl.find(b'%', i)
        if j < 0:
            out.append(repl[i:])
            return b''.join(out)
        out.append(repl[i:j])
        j += 1
        c = repl[j] if j < ln else 0
        if c == _ESC:
            out.append(b'%')
        elif c == 48:
            out.append(m.group(0))
        elif 49 <= c <= 57:
            k = c - 48
            if k > ncap:
                if k != 1:
                    _err('invalid capture index %%%d' % k)
                out.append(m.group(0))
            elif poscap[k - 1]:
                out.append(str(m.start(k) + 1).encode())
            else:
                out.append(m.group(k))
        else:
            _err("invalid use of '%' in replacement string")
        i = j + 1


def _gsub_re(src, cr, repl, tr, max_s, anchor):
    rx, poscap, nonempty = cr
    if nonempty and not anchor and max_s > 0:
        # no empty match: Lua's loop is re's subn
        if tr == 0:
            if b'%' not in repl:
                return Multi(rx.subn(lambda m: repl, src, max_s))

            def fn(m):
                return _expand(repl, m, poscap)
        else:
            changed = []

            def fn(m):
                caps = _re_caps(m, poscap, True)
                if tr == 1:
                    v = first(call(repl, *caps))
                else:
                    v = index(repl, caps[0])
                if v is None or v is False:
                    return m.group(0)
                vs = tostr(v)
                if vs is None:
                    _err('invalid replacement value (a %s)' % type_name(v))
                if not changed:
                    changed.append(True)
                return vs
            r, n = rx.subn(fn, src, max_s)
            # every value nil or false: the original string, as Lua's gsub
            # gives it (string.format('%p') sees one string)
            return Multi((r if changed else src, n))
        return Multi(rx.subn(fn, src, max_s))
    srcl = len(src)
    out = []
    n = 0
    s = 0
    last = -1
    changed = False
    simple = tr == 0 and b'%' not in repl
    while n < max_s:
        m = rx.match(src, s) if anchor else rx.search(src, s)
        if m is None:
            break
        st = m.start()
        e = m.end()
        if st > s:
            out.append(src[s:st])
        if e != last:
            n += 1
            if tr == 0:
                out.append(repl if simple else _expand(repl, m, poscap))
                changed = True
            else:
                if tr == 1:
                    v = first(call(repl, *_re_caps(m, poscap, True)))
                else:
                    caps = _re_caps(m, poscap, True)
                    v = index(repl, caps[0])
                if v is None or v is False:
                    out.append(m.group(0))
                else:
                    vs = tostr(v)
                    if vs is None:
                        _err('invalid replacement value (a %s)' % type_name(v))
                    out.append(vs)
                    changed = True
            s = last = e
        elif st < srcl:
            out.append(src[st:st + 1])
            s = st + 1
        else:
            s = st
            break
        if anchor:
            break
    if not changed:
        return Multi((src, n))
    out.append(src[s:])
    return Multi((b''.join(out), n))
