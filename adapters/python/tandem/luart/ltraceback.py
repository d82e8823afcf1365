"""debug.traceback for translated code: the Lua functions on the stack as
translated code runs them (the frames of translated chunks, and luart's
library functions as Lua's C functions), in luaL_traceback's format
(docs/translation.md "The debug library").

Lua names a function by how its caller reached it (`in local 'f'`, `in
upvalue 'f'`, `in method 'm'`, `in function 'name'` for a global one);
translated frames are written as Lua writes a function it has no name for,
`in function <chunk:line>` (`in main chunk` for a main chunk), library
functions by their global names (`[C]: in function 'error'`). Inside an
xpcall's message handler the frames of the error being handled come first,
as Lua calls the handler where the error happened."""

import sys

from ._core import (CHUNKS, CFUNCS, QUALNAMES, MAINS, BOUNDARIES, TRAMPOLINES, _RTFILES,
                    lualine, tail_calling_at, tostr)
from ._aux import optint

# code objects of the runtime functions that call an xpcall's message
# handler with the exception handled in their local variable `exc`
# (lbase.xpcall_handle)
HANDLERS = set()

_LEVELS1, _LEVELS2 = 10, 11     # lauxlib.c: the first and last levels shown


def _raw_frames(frame):
    """(code, line, lasti) of frame and each frame it was called from, the
    innermost first, up to a coroutine's body; at an xpcall handler's
    caller, the frames the handled exception left first."""
    from .lcoro import is_base_frame
    out = []
    f = frame
    while f is not None:
        code = f.f_code
        if code in BOUNDARIES:
            break
        if code in HANDLERS:
            exc = f.f_locals.get('exc')
            tb = getattr(exc, '__traceback__', None)
            live = set()
            c = f.f_back
            while c is not None:
                live.add(c)
                c = c.f_back
            chain = []
            while tb is not None:
                if tb.tb_frame not in live:     # (those the walk meets next)
                    chain.append((tb.tb_frame.f_code, tb.tb_lineno, tb.tb_lasti))
                tb = tb.tb_next
            out.extend(reversed(chain))
        else:
            out.append((code, f.f_lineno, f.f_lasti))
            if is_base_frame(f):
                break       # (a coroutine's body: the resumer's frames are another stack)
        f = f.f_back
    return out


def _lua_levels(frame):
    """[text, tail] of each Lua level from frame outward: `chunk:line: in
    function <chunk:line>` or `[C]: in function 'name'`; tail: the function
    was called by tail calls (Lua adds `(...tail calls...)` after it)."""
    levels = []
    below_lua = False
    chunks, cfuncs, rtfiles = CHUNKS, CFUNCS, _RTFILES
    for code, line, lasti in _raw_frames(frame):
        fn = code.co_filename
        if code in cfuncs:
            name = QUALNAMES.get(code)
            levels.append([b"[C]: in function '%s'" % name.encode() if name else b'[C]: in ?',
                           False])
            below_lua = False
            continue
        src = chunks.get(fn)
        if src is None:
            if fn in rtfiles and code in TRAMPOLINES:
                continue        # (a call of translated code: still below a Lua function)
            below_lua = False
            continue
        if below_lua and tail_calling_at(code, lasti):
            levels[-1][1] = True    # Lua replaced this frame by the one it called
            continue
        what = (b'main chunk' if code in MAINS
                else b'function <%s:%d>' % (src, lualine(fn, code.co_firstlineno)))
        levels.append([b'%s:%d: in %s' % (src, lualine(fn, line), what), False])
        below_lua = True
    return levels


def traceback(msg, level, frame):
    """luaL_traceback's text: msg (bytes or None), then the Lua levels from
    `level` (1: the function whose frame is frame; 0: debug.traceback
    itself), the middle ones skipped past 22 levels as Lua skips them. No
    level for the host below the first Lua function: the bridge calls it
    from C with no C function between (lua5.4's `[C]: in ?` is its own)."""
    if level < 0:
        levels = []
    else:
        levels = _lua_levels(frame)
        if level == 0:
            levels.insert(0, [b"[C]: in function 'debug.traceback'", False])
        else:
            levels = levels[level - 1:]
    out = [] if msg is None else [msg, b'\n']
    out.append(b'stack traceback:')
    n = len(levels)
    many = n > _LEVELS1 + _LEVELS2 + 1
    for i, (text, tail) in enumerate(levels):
        if many and i == _LEVELS1:
            # (lauxlib's count: one less than it skips)
            out.append(b'\n\t...\t(skipping %d levels)' % (n - _LEVELS1 - _LEVELS2 - 1))
        if many and _LEVELS1 <= i < n - _LEVELS2:
            continue
        out.append(b'\n\t' + text)
        if tail:
            out.append(b'\n\t(...tail calls...)')
    return b''.join(out)


def lua_traceback(*args):
    """debug.traceback([message [, level]]) on the running stack: a message
    that is neither a string, a number nor nil is returned as it is."""
    msg = args[0] if args else None
    if msg is not None:
        text = tostr(msg)
        if text is None:
            return msg
        msg = text
    level = optint(args[1] if len(args) > 1 else None, 2, 'traceback', 1)
    return traceback(msg, level, sys._getframe(1))
