"""One REPL session: a LuaRuntime and a Python namespace that see each other.

The session runs source in either language and prints results the way that
language's own REPL does: Python through `codeop` (an expression statement
prints its repr and sets `_`), Lua as `lua5.4` does (a line that compiles as
`return LINE` prints its values with `tostring`; `=expr` is `return expr`; a
chunk whose error ends in `<eof>` is incomplete and asks for more lines).
Every Python input is registered in `linecache` under its own name
(`<py-N>`), so functions defined at the prompt have source to translate and
tracebacks show their lines; every Lua input is its own chunk (`lua-N`),
whose text the session keeps for `:source`.
"""
from __future__ import annotations

import atexit
import codeop
import linecache
import os
import shutil
import sys
import tempfile
import traceback
from typing import Any, Callable, Dict, List, Optional, TextIO

import tandem

# Lua helpers the session runs in its runtime (never visible as globals).
_LUA_HELPERS = r"""
local load, select, tostring, pack, concat = load, select, tostring, table.pack, table.concat
local H = {}
-- 'ok' | 'incomplete' | 'error', message: can src be compiled (as lua5.4 decides)?
function H.check(src)
    if load("return " .. src, "=stdin") then
        return "ok"
    end
    local f, msg = load(src, "=stdin")
    if f then
        return "ok"
    end
    if msg:sub(-5) == "<eof>" then
        return "incomplete"
    end
    return "error", msg
end
-- compile src under chunk name (as an expression first); the function and
-- whether it was one
function H.compile(src, name)
    local f = load("return " .. src, name)
    if f then
        return f, true
    end
    local g, msg = load(src, name)
    if not g then
        error(msg, 0)
    end
    return g, false
end
-- the values of a call, as one printable line (tostring, tab-separated)
function H.show(...)
    local t = pack(...)
    for i = 1, t.n do
        t[i] = tostring(t[i])
    end
    return t.n, concat(t, "\t", 1, t.n)
end
function H.run(f)
    return H.show(f())
end
return H
"""


class Session:
    """The state of one REPL: runtime, namespaces, active language."""

    PY, LUA = "py", "lua"

    def __init__(self, out: Optional[TextIO] = None, color: bool = False) -> None:
        self.out = out if out is not None else sys.stdout
        self.color = color
        self.lua = tandem.LuaRuntime()
        self.lang = self.PY
        self.ns: Dict[str, Any] = {"__name__": "__main__", "lua": self.lua,
                                   "tandem": tandem}
        self._preset = set(self.ns) | {"__builtins__"}
        self._helpers = self.lua.execute(_LUA_HELPERS)
        self.lua.globals().py = tandem.as_itemgetter(self.ns)     # py.NAME in Lua
        self.lua_initial = set(self.lua.globals().keys())
        self._compiler = codeop.CommandCompiler()
        self._count = 0
        self.py_defs: List[str] = []     # source of inputs that defined names
        self.lua_defs: List[str] = []
        self.lua_chunks: Dict[str, str] = {}    # chunk name ("@DIR/lua-N") -> source
        # each Lua chunk is also a file, so tandem's front end finds the source
        # of a function defined at the prompt (lua.translate, :translate)
        self._chunkdir = tempfile.mkdtemp(prefix="tandem-repl-")
        atexit.register(shutil.rmtree, self._chunkdir, True)

    # ---- output ---------------------------------------------------------------

    def write(self, text: str) -> None:
        self.out.write(text)
        if not text.endswith("\n"):
            self.out.write("\n")
        self.out.flush()

    # ---- completeness -----------------------------------------------------------

    def is_complete(self, src: str, lang: Optional[str] = None) -> bool:
        """Does src need more lines? A syntax error is complete (it is reported)."""
        lang = lang or self.lang
        if lang == self.PY:
            try:
                return self._compiler(src, self._next_name(peek=True), "single") is not None
            except (SyntaxError, ValueError, OverflowError):
                return True
        src = src[1:] if src.startswith("=") else src
        return self._helpers.check(src) != "incomplete"

    def _next_name(self, peek: bool = False) -> str:
        n = self._count + 1
        if not peek:
            self._count = n
        return "<py-%d>" % n

    # ---- running ------------------------------------------------------------------

    def run(self, src: str, lang: Optional[str] = None) -> None:
        """Run src in lang (the active language by default), printing results
        and errors; never raises except KeyboardInterrupt and SystemExit."""
        lang = lang or self.lang
        try:
            if lang == self.PY:
                self._run_python(src)
            else:
                self._run_lua(src)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:      # noqa: BLE001 — shown, the session goes on
            self.show_error(e)

    def _run_python(self, src: str) -> None:
        name = self._next_name()
        lines = src.splitlines(True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        linecache.cache[name] = (len(src), None, lines, name)
        code = self._compiler(src + "\n", name, "single")
        if code is None:
            raise SyntaxError("incomplete input", (name, len(lines), 0, src))
        before = set(self.ns)
        exec(code, self.ns)
        if set(self.ns) - before or any(w in src for w in ("def ", "class ", "import ")):
            self.py_defs.append(src)

    def _run_lua(self, src: str) -> None:
        text = src[1:] if src.startswith("=") else src
        self._count += 1
        path = os.path.join(self._chunkdir, "lua-%d" % self._count)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        chunk = "@" + path
        self.lua_chunks[chunk] = text
        f, is_expr = self._helpers.compile(text, chunk)
        n, shown = self._helpers.run(f)
        if n > 0:       # an expression's values, or what the chunk returned (as lua5.4)
            self.write(shown)
        if not is_expr:
            self.lua_defs.append(src)

    # ---- errors -------------------------------------------------------------------

    def show_error(self, e: BaseException) -> None:
        """The traceback of e without the session's own frames: Python frames
        of the user's input and the Lua frames tandem adds."""
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        if isinstance(e, tandem.LuaError) and tb is None:
            self.write("%s: %s" % (type(e).__name__, e))
            return
        text = "".join(traceback.format_exception(type(e), e, tb))
        self.write(text.rstrip("\n"))

    # ---- names -----------------------------------------------------------------------

    def py_vars(self) -> Dict[str, Any]:
        return {k: v for k, v in self.ns.items()
                if k not in self._preset and not k.startswith("_")}

    def lua_vars(self) -> Dict[str, Any]:
        g = self.lua.globals()
        return {k: g[k] for k in list(g.keys())
                if k not in self.lua_initial and isinstance(k, str)}

    def lookup(self, name: str, lang: Optional[str] = None) -> Any:
        lang = lang or self.lang
        if lang == self.PY:
            if name not in self.ns:
                raise NameError("name %r is not defined in Python" % name)
            return self.ns[name]
        v = self.lua.globals()[name]
        if v is None:
            raise NameError("no Lua global %r" % name)
        return v

    def lua_source(self, fn: Any) -> Optional[str]:
        """The text of Lua function fn if it was defined at the prompt."""
        info = self.lua.eval("function(f) local i = debug.getinfo(f, 'S') "
                             "return i.source, i.linedefined, i.lastlinedefined end")(fn)
        chunk, first, last = info
        text = self.lua_chunks.get(chunk)
        if text is None:
            return None
        lines = text.splitlines()
        return "\n".join(lines[first - 1:last]) if first > 0 else text

    def lua_type(self, v: Any) -> str:
        t = tandem.lua_type(v)
        if t is not None:
            return t
        return {bool: "boolean", int: "number", float: "number", str: "string",
                type(None): "nil"}.get(type(v), "userdata (Python %s)" % type(v).__name__)


def run_lines(session: Session, read: Callable[[str], str]) -> None:
    """Drive session with read(prompt) until EOFError (shared by the
    interactive loop and the scripted demo)."""
    from .commands import dispatch
    while True:
        prompt = "%s> " % session.lang
        try:
            line = read(prompt)
        except EOFError:
            return
        except KeyboardInterrupt:
            session.write("KeyboardInterrupt")
            continue
        try:
            if line.startswith(":"):
                if dispatch(session, line) == "quit":
                    return
                continue
            lang = None
            for other in (Session.PY, Session.LUA):
                if line.startswith("!%s " % other):
                    lang, line = other, line[len(other) + 2:]
            src = line
            while not session.is_complete(src, lang):
                try:
                    src += "\n" + read("... ")
                except EOFError:
                    break
            if src.strip():
                session.run(src, lang)
        except KeyboardInterrupt:
            session.write("KeyboardInterrupt")
