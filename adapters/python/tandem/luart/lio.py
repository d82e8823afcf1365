"""The io library (liolib.c) and the file part of os (os.remove, os.rename,
os.tmpname: loslib.c) for standalone modules. A Lua file is a LuaFile over a
binary Python stream; results and errors are liolib.c's: a failed operation
returns nil, "message", errno (luaL_fileresult), reads follow g_read's
formats, and the standard files cannot be closed."""

import errno as _errno
import io as _io
import os
import sys
import tempfile
import weakref

from ._core import LuaError, LuaTable, Multi, NORES, cfunc, fmtfloat, liberror, str2number, tostr
from ._aux import NA, argerror, checkint, checkstr, typeerror, METHODS

MAXARGLINE = 250
_SPACE = b' \t\n\v\f\r'
_XDIGITS = b'0123456789abcdefABCDEF'


class LuaFile:
    """A Lua file handle (userdata); lua_meta is its metatable. `stream` is
    what was opened (the text stream for the standard files), `bin` the
    binary stream reads and writes use."""
    __slots__ = ('stream', 'bin', 'closed', 'std', 'vbuf', '__weakref__')
    lua_meta = None

    def __init__(self, stream, std=False):
        self.stream = stream
        self.bin = getattr(stream, 'buffer', stream)
        self.closed = False
        self.std = std
        self.vbuf = b'full'


# files to flush when os.exit ends the process (C's exit flushes every FILE)
OPEN = weakref.WeakSet()


class _DirStream:
    """A directory opened for reading: C's fopen succeeds, every read fails
    with EISDIR; io.open(dir) is a file as in Lua (a common existence test)."""

    def __init__(self, fd):
        self.fd = fd

    def readable(self):
        return True

    def writable(self):
        return False

    def _fail(self, *_):
        os.read(self.fd, 1)         # raises IsADirectoryError
        raise OSError(_errno.EISDIR, os.strerror(_errno.EISDIR))

    read = readline = peek = _fail

    def write(self, _):
        raise _io.UnsupportedOperation('not writable')

    def seek(self, off, whence):
        return os.lseek(self.fd, off, whence)

    def flush(self):
        pass

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class _NoRead:
    """What reads of a file not open for reading meet (C: EBADF)."""

    def _fail(self, *_):
        raise _io.UnsupportedOperation('not readable')

    read = readline = peek = _fail


_NOREAD = _NoRead()


def _fail(e, fname=None):
    """luaL_fileresult's failure: nil, "[fname: ]strerror", errno."""
    no = getattr(e, 'errno', None)
    if not no:
        no = _errno.EBADF if isinstance(e, _io.UnsupportedOperation) else _errno.EINVAL
    msg = os.strerror(no).encode()
    if fname is not None:
        msg = fname + b': ' + msg
    return Multi((None, msg, no))


def tofile(f, n=1, fname='?'):
    if not isinstance(f, LuaFile):
        typeerror(n, fname, 'FILE*', f)
    if f.closed:
        liberror('attempt to use a closed file')
    return f


def _pymode(mode):
    """l_checkmode ([rwa]%+?b*) as Python's binary open mode, or None."""
    if mode[:1] not in (b'r', b'w', b'a'):
        return None
    rest = mode[1:]
    plus = rest[:1] == b'+'
    if plus:
        rest = rest[1:]
    if rest.strip(b'b'):
        return None
    return mode[:1].decode() + ('+' if plus else '') + 'b'


def _open(fname, pm):
    """The file fopen(fname, mode) gives, or raises OSError."""
    try:
        s = open(fname, pm)
    except IsADirectoryError:
        if pm != 'rb':
            raise
        s = _DirStream(os.open(fname, os.O_RDONLY))
    if pm == 'a+b':
        s.seek(0)                   # glibc: reads of "a+" start at the beginning
    f = LuaFile(s)
    OPEN.add(f)
    return f


# ---------------------------------------------------------------- writing

def write(f, args, first_arg):
    """g_write: each argument written in turn (a bad one raises after the
    ones before it are written); the file, or nil, message, errno."""
    s = f.bin
    if f.std:
        f.stream.flush()
    err = None
    nl = False
    for k, v in enumerate(args):
        if v.__class__ is float:        # LUA_NUMBER_FMT, no '.0' (liolib.c g_write)
            d = fmtfloat(v)
            if d.endswith(b'.0') and d[:-2].lstrip(b'-').isdigit():
                d = d[:-2]
        else:
            d = v if v.__class__ is bytes else tostr(v)
        if d is None:
            _flushed(f, s, True)
            typeerror(first_arg + k, 'write', 'string', v)
        nl = nl or b'\n' in d
        if err is None:
            try:
                s.write(d)
            except (OSError, ValueError) as e:
                err = e
    if err is not None:
        return _fail(err)
    try:
        _flushed(f, s, f.std or f.vbuf == b'no' or (f.vbuf == b'line' and nl))
    except OSError as e:
        return _fail(e)
    return f


def _flushed(f, s, now):
    if now and s.writable():
        s.flush()


# ---------------------------------------------------------------- reading

def _read_line(s, keep):
    line = s.readline()
    if not line:
        return None
    if not keep and line[-1:] == b'\n':
        line = line[:-1]
    return line


def _read_number(s):
    """read_number: the longest prefix that can start a numeral (at most
    200 characters), then lua_stringtonumber of it; the look-ahead
    character stays in the stream."""
    buf = bytearray()
    state = {'c': s.peek(1)[:1], 'ok': True}
    while state['c'] and state['c'] in _SPACE:
        s.read(1)
        state['c'] = s.peek(1)[:1]

    def nextc():
        if len(buf) >= 200:
            state['ok'] = False
            return False
        buf.extend(state['c'])
        s.read(1)
        state['c'] = s.peek(1)[:1]
        return True

    def test2(pair):
        c = state['c']
        if c and c in pair:
            return nextc()
        return False

    def digits(hexa):
        n = 0
        while True:
            c = state['c']
            if not c or not (c in _XDIGITS if hexa else c.isdigit()) or not nextc():
                return n
            n += 1

    count = 0
    hexa = False
    test2(b'-+')
    if test2(b'0'):
        if test2(b'xX'):
            hexa = True
        else:
            count = 1
    count += digits(hexa)
    if test2(b'.'):
        count += digits(hexa)
    if count > 0 and test2(b'pP' if hexa else b'eE'):
        test2(b'-+')
        digits(False)
    if not state['ok']:
        return None
    return str2number(bytes(buf))


def _read(f, fmts, first, fname):
    """g_read: the values read, nil in place of the first that failed (and
    none after it); nil, message, errno when the stream failed."""
    s = f.bin
    if s is None or not s.readable():
        s = _NOREAD
    out = []
    try:
        if not fmts:
            out.append(_read_line(s, False))
        for k, fm in enumerate(fmts):
            c = fm.__class__
            if c is int or c is float:
                n = checkint(fm, first + k, fname)
                if n == 0:
                    v = b'' if s.peek(1) else None
                elif n < 0:             # (size_t) of a negative count
                    raise LuaError(b'not enough memory')
                else:
                    v = s.read(n) or None
            else:
                p = checkstr(fm, first + k, fname)
                if p[:1] == b'*':
                    p = p[1:]
                p = p[:1]
                if p == b'n':
                    v = _read_number(s)
                elif p == b'l':
                    v = _read_line(s, False)
                elif p == b'L':
                    v = _read_line(s, True)
                elif p == b'a':
                    v = s.read()
                else:
                    argerror(first + k, fname, 'invalid format')
            out.append(v)
            if v is None:
                break
    except OSError as e:
        return _fail(e)
    return out[0] if len(out) == 1 else Multi(out)


# ---------------------------------------------------------------- the io table

_DEFAULT = {}           # b'input' / b'output' -> LuaFile (the registry's IO_INPUT/IO_OUTPUT)


def _getiofile(which):
    f = _DEFAULT[which]
    if f.closed:
        liberror('default %s file is closed' % which.decode())
    return f


def _opencheck(fname, pm):
    try:
        return _open(fname, pm)
    except OSError as e:
        liberror("cannot open file '%s' (%s)" % (fname.decode('latin-1'),
                                                  os.strerror(e.errno or _errno.EINVAL)))


def io_open(fname=NA, mode=None, *_):
    fname = checkstr(fname, 1, 'open')
    md = b'r' if mode is None or mode is NA else checkstr(mode, 2, 'open')
    pm = _pymode(md)
    if pm is None:
        argerror(2, 'open', 'invalid mode')
    try:
        return _open(fname, pm)
    except OSError as e:
        return _fail(e, fname)


def _iofile(which, pm, v, fname):
    if v is not None and v is not NA:
        c = v.__class__
        if c is bytes or c is int or c is float:
            _DEFAULT[which] = _opencheck(tostr(v), pm)
        else:
            _DEFAULT[which] = tofile(v, 1, fname)
    return _DEFAULT[which]


def io_input(f=None, *_):
    return _iofile(b'input', 'rb', f, 'input')


def io_output(f=None, *_):
    return _iofile(b'output', 'wb', f, 'output')


def io_read(*fmts):
    return _read(_getiofile(b'input'), fmts, 1, 'read')


def io_write(*args):
    return write(_getiofile(b'output'), args, 1)


def io_flush(*_):
    return _flush(_getiofile(b'output'))


def io_close(f=NA, *_):
    if f is NA:
        f = _DEFAULT[b'output']
    return _close(tofile(f, 1, 'close'))


def io_lines(fname=None, *fmts):
    if fname is None or fname is NA:
        f = tofile(_DEFAULT[b'input'], 1, 'lines')
        return _lines(f, fmts, False)
    f = _opencheck(checkstr(fname, 1, 'lines'), 'rb')
    return Multi((_lines(f, fmts, True), None, None, f))


def io_type(v=NA, *_):
    if v is NA:
        argerror(1, 'type', 'value expected')
    if isinstance(v, LuaFile):
        return b'closed file' if v.closed else b'file'
    return None


def io_tmpfile(*_):
    try:
        f = LuaFile(tempfile.TemporaryFile('w+b'))
    except OSError as e:
        return _fail(e)
    OPEN.add(f)
    return f


def _flush(f):
    try:
        if f.std:
            f.stream.flush()
        if f.bin.writable():
            f.bin.flush()
    except (OSError, ValueError) as e:
        return _fail(e)
    return True


def _close(f):
    if f.std:
        return Multi((None, b'cannot close standard file'))
    f.closed = True
    OPEN.discard(f)
    try:
        f.bin.close()
    except OSError as e:
        return _fail(e)
    return True


def _lines(f, fmts, toclose):
    """aux_lines: the iterator reading fmts from f at each call."""
    if len(fmts) > MAXARGLINE:
        argerror(MAXARGLINE + 2, 'lines', 'too many arguments')

    def lines_iterator(*_):
        if f.closed:
            liberror('file is already closed')
        r = _read(f, fmts, 2, '?')
        first = r[0] if r.__class__ is Multi else r
        if first is not None and first is not False:
            return r
        if r.__class__ is Multi and len(r) > 1:       # nil, message, errno
            liberror(tostr(r[1]))
        if toclose:
            _close(f)
        return NORES
    return cfunc(lines_iterator)


# ---------------------------------------------------------------- methods

@cfunc
def f_read(f=NA, *fmts):
    return _read(tofile(f, 0, 'read'), fmts, 1, 'read')


@cfunc
def f_write(f=NA, *args):
    return write(tofile(f, 0, 'write'), args, 1)


@cfunc
def f_lines(f=NA, *fmts):
    return _lines(tofile(f, 0, 'lines'), fmts, False)


@cfunc
def f_flush(f=NA, *_):
    return _flush(tofile(f, 0, 'flush'))


@cfunc
def f_close(f=NA, *_):
    return _close(tofile(f, 0, 'close'))


def _option(v, n, fname, default, options):
    o = default if v is None or v is NA else checkstr(v, n, fname)
    if o not in options:
        argerror(n, fname, "invalid option '%s'" % o.decode('latin-1'))
    return o


@cfunc
def f_seek(f=NA, whence=None, offset=None, *_):
    f = tofile(f, 0, 'seek')
    w = _option(whence, 1, 'seek', b'cur', (b'set', b'cur', b'end'))
    off = 0 if offset is None or offset is NA else checkint(offset, 2, 'seek')
    try:
        if f.std:
            f.stream.flush()
        return f.bin.seek(off, {b'set': 0, b'cur': 1, b'end': 2}[w])
    except (OSError, ValueError, OverflowError) as e:
        return _fail(e)


@cfunc
def f_setvbuf(f=NA, mode=NA, size=None, *_):
    f = tofile(f, 0, 'setvbuf')
    f.vbuf = _option(mode, 1, 'setvbuf', None, (b'no', b'full', b'line'))
    if size is not None and size is not NA:
        checkint(size, 2, 'setvbuf')
    if f.vbuf != b'full':
        return _flush(f)
    return True


@cfunc
def f_tostring(f=NA, *_):
    if f.closed:
        return b'file (closed)'
    return ('file (0x%x)' % id(f)).encode()


@cfunc
def f_gc(f=NA, *_):
    """__gc and __close: close the file unless closed or standard."""
    if isinstance(f, LuaFile) and not f.closed and not f.std:
        _close(f)
    return NORES


_methods = LuaTable()
for _n, _f in ((b'read', f_read), (b'write', f_write), (b'lines', f_lines),
               (b'flush', f_flush), (b'close', f_close), (b'seek', f_seek),
               (b'setvbuf', f_setvbuf)):
    _methods.set(_n, _f)
    METHODS.add(_f.__code__)
_meta = LuaTable()
_meta.set(b'__index', _methods)
_meta.set(b'__name', b'FILE*')
_meta.set(b'__tostring', f_tostring)
_meta.set(b'__close', f_gc)
_meta.set(b'__gc', f_gc)
LuaFile.lua_meta = _meta

STDIN = LuaFile(sys.stdin, True)
STDOUT = LuaFile(sys.stdout, True)
STDERR = LuaFile(sys.stderr, True)
_DEFAULT[b'input'] = STDIN
_DEFAULT[b'output'] = STDOUT


def flush_all():
    """What C's exit flushes: the standard streams and every open file."""
    for f in list(OPEN) + [STDOUT, STDERR]:
        try:
            if not f.closed:
                if f.std:
                    f.stream.flush()
                if f.bin.writable():
                    f.bin.flush()
        except (OSError, ValueError):
            pass


# ---------------------------------------------------------------- os (files)

def os_remove(fname=NA, *_):
    fname = checkstr(fname, 1, 'remove')
    try:
        try:
            os.remove(fname)
        except IsADirectoryError:
            os.rmdir(fname)         # C's remove() removes an empty directory
    except OSError as e:
        return _fail(e, fname)
    return True


def os_rename(a=NA, b=NA, *_):
    a = checkstr(a, 1, 'rename')
    b = checkstr(b, 2, 'rename')
    try:
        os.rename(a, b)
    except OSError as e:
        return _fail(e)
    return True


def os_tmpname(*_):
    try:
        fd, name = tempfile.mkstemp(prefix='lua_', dir='/tmp')
    except OSError:
        liberror('unable to generate a unique filename')
    os.close(fd)
    return name.encode()


__all__ = ['LuaFile', 'STDIN', 'STDOUT', 'STDERR', 'io_open', 'io_read', 'io_write',
           'io_lines', 'io_close', 'io_input', 'io_output', 'io_flush', 'io_type',
           'io_tmpfile', 'os_remove', 'os_rename', 'os_tmpname', 'flush_all',
           ]
