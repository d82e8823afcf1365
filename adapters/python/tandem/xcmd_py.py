"""tandem translate FILE.lua --to python [-o OUT] [--single-file]: a Lua 5.4
chunk as a standalone Python 3 module (docs/translation.md, "tandem
translate").

The file is never run: it is loaded (compiled, not called) in a LuaRuntime
so that the C front end (TDM_OP_SOURCEIR) gives the IR of its main chunk,
and the Python back end (_luaback.Emitter) writes the Python source. The
output imports the Lua-semantics runtime luart under the name tandem_luart
(a package written next to it, or embedded with --single-file), never
tandem. Names a standalone module cannot resolve (require, load, debug, a
standard function luart lacks, a call of a global the file never assigns)
are TranslationErrors, all listed at once with file:line.
"""
import hashlib
import os
from typing import Any, Dict, List, Optional, Set, Tuple

from . import _luaback as B
from ._translate import TranslationError

RUNTIME = "tandem_luart"

# lua5.4's standard globals and library fields (Debian's 5.4 build, with the
# 5.3 compatibility math functions); what luart lacks of them is refused
LUA_GLOBALS = set("""_G _VERSION arg assert collectgarbage coroutine debug dofile error
getmetatable io ipairs load loadfile math next os package pairs pcall print rawequal rawget
rawlen rawset require select setmetatable string table tonumber tostring type utf8 warn
xpcall""".split())
LUA_LIBS = {
    "string": "byte char dump find format gmatch gsub len lower match pack packsize rep "
              "reverse sub unpack upper",
    "table": "concat insert move pack remove sort unpack",
    "math": "abs acos asin atan atan2 ceil cos cosh deg exp floor fmod frexp huge ldexp log "
            "log10 max maxinteger min mininteger modf pi pow rad random randomseed sin sinh "
            "sqrt tan tanh tointeger type ult",
    "io": "close flush input lines open output popen read stderr stdin stdout tmpfile type "
          "write",
    "os": "clock date difftime execute exit getenv remove rename setlocale time tmpname",
    "coroutine": "close create isyieldable resume running status wrap yield",
    "utf8": "char charpattern codepoint codes len offset",
}
STATEMENTS = {"local", "set", "expr", "do", "return", "if", "while", "repeat", "_until",
              "fornum", "forin", "break", "goto", "label", "def"}


class Usage(Exception):
    pass


def _luart_dir() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "luart")


def runtime_sources() -> List[Tuple[str, str]]:
    """(file name, source) of the runtime package, __init__.py first."""
    d = _luart_dir()
    names = sorted(n for n in os.listdir(d) if n.endswith(".py"))
    names.remove("__init__.py")
    out = []
    for n in ["__init__.py"] + names:
        with open(os.path.join(d, n), encoding="utf-8") as f:
            out.append((n, f.read()))
    return out


def _available() -> Tuple[Set[str], Dict[str, Set[str]]]:
    """The globals and library fields of the standalone global table."""
    from .luart import standalone, LuaTable
    g = standalone.new_env()

    def keys(t: Any) -> Set[str]:
        return {k.decode() for k in t.hash if isinstance(k, bytes)}
    libs = {}
    for lib in LUA_LIBS:
        t = g.get(lib.encode())
        libs[lib] = keys(t) if isinstance(t, LuaTable) else set()
    return keys(g) | {"arg"}, libs


class _Scan:
    """The names of a chunk's IR a standalone module cannot resolve."""

    def __init__(self, chunk: str):
        self.chunk = chunk
        self.have, self.libs = _available()
        self.assigned: Set[str] = set()
        self.uses: List[Tuple[int, str, str]] = []     # (line, how, global)
        self.fields: List[Tuple[int, str, str]] = []   # (line, lib, field)
        self.errors: List[Tuple[int, str]] = []
        self.required: Set[int] = set()          # lines of refused require calls

    def walk(self, n: Any, line: int) -> None:
        if not isinstance(n, list) or not n:
            return
        k = str(n[0]) if isinstance(n[0], B.Sym) else ""
        if k in STATEMENTS and len(n) > 1 and isinstance(n[1], int):
            line = n[1]
        elif k == "func" and len(n) > 2 and isinstance(n[2], int):
            line = n[2]
        if k == "set":
            for t in n[2]:
                if isinstance(t, list) and t and t[0] == "global":
                    self.assigned.add(B._gname(str(t[1])))
        elif k == "def" and isinstance(n[2], list) and n[2][0] == "global":
            self.assigned.add(B._gname(str(n[2][1])))
        elif k == "global":
            self.uses.append((line, "read", B._gname(str(n[1]))))
        if k in ("call", "method", "index") and isinstance(n[1], list) and n[1] \
                and n[1][0] == "global":
            g = B._gname(str(n[1][1]))
            self.uses.append((line, k, g))
            if k == "index" and g in LUA_LIBS and isinstance(n[2], list) and n[2][0] == "str":
                self.fields.append((line, g, n[2][1].decode("latin-1")))
            if k == "call" and g == "require":
                arg = n[2] if len(n) > 2 else None
                name = arg[1].decode("latin-1") if isinstance(arg, list) and arg \
                    and arg[0] == "str" else None
                self.required.add(line)
                self.errors.append((line, "%s:%d: require%s: a standalone Python module cannot "
                                    "load Lua or C modules" % (
                                        self.chunk, line,
                                        " '%s'" % name if name is not None else "")))
        for c in (n[1:] if k else n):
            self.walk(c, line)

    def check(self, mod: Any) -> List[Tuple[int, str]]:
        self.walk(mod, 0)
        seen: Set[Tuple[int, str]] = set()
        errs = list(self.errors)
        where = "%s:%d: "
        for line, how, g in self.uses:
            if g == "require" and (how == "call" or line in self.required):
                continue
            key = (line, g)
            if g in LUA_GLOBALS and g not in self.have:
                if key not in seen:
                    seen.add(key)
                    errs.append((line, (where + "'%s' is not available in a standalone Python "
                                 "module (no bridge to Lua)") % (self.chunk, line, g)))
            elif how != "read" and g not in self.have and g not in self.assigned \
                    and g not in LUA_GLOBALS:
                if key not in seen:
                    seen.add(key)
                    verb = {"call": "a call of", "method": "a method call on",
                            "index": "an index of"}[how]
                    errs.append((line, (where + "%s the unknown global '%s' (the file never "
                                 "assigns it; a standalone Python module has no bridge to "
                                 "resolve it)") % (self.chunk, line, verb, g)))
        for line, lib, field in self.fields:
            known = set(LUA_LIBS[lib].split())
            if field in known and field not in self.libs.get(lib, set()) \
                    and lib not in self.assigned:
                errs.append((line, "%s:%d: %s.%s is not available in a standalone Python "
                             "module (luart does not implement it)" % (
                                 self.chunk, line, lib, field)))
        return errs


def _line_of(msg: str) -> int:
    import re
    m = re.match(r"^.*?:(\d+): ", msg)
    return int(m.group(1)) if m else 0


def translate(path: str) -> Tuple[Optional[Tuple[str, str, List[int], str]], List[str]]:
    """((python source, main function name, Lua line of each source line,
    chunk name), []) or (None, the error messages)."""
    import tandem
    lua = tandem.LuaRuntime()
    f, err = lua.eval("function(p) local f, e = loadfile(p) return f or false, e end")(path)
    if f is False:
        return None, [str(err)]
    text, acc = lua._source_ir(f)
    if text is None:
        return None, [str(acc)]
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    mod = B.read_ir(text)
    chunk = mod[1].decode("utf-8", "replace")
    errs = _Scan(chunk).check(mod)
    em = B.Emitter(chunk, [])
    res = None
    try:
        src, name = em.module(mod)
        res = (src, name, [ln for _, ln, _ in em.lines], chunk)
    except TranslationError as e:
        errs.append((_line_of(str(e)), str(e)))
    if errs:
        out: List[str] = []
        for _, m in sorted(errs, key=lambda e: e[0]):
            if m not in out:
                out.append(m)
        return None, out
    return res, []


HEADER = '''\
"""%(mod)s: the Lua 5.4 chunk %(src)s translated into Python 3 by
`tandem translate`, with Lua's semantics (strings are bytes, integers wrap
at 64 bits, tables are LuaTable objects). It needs only the runtime package
%(rt)s (%(where)s), not tandem.

The chunk's top-level code runs on import; the string fields of the table it
returns are this module's attributes (its functions take and give str).
`python3 %(mod)s.py ARGS` runs it as `lua5.4 %(src)s ARGS` would.
"""
'''


BOOT = '''\
def _tandem_runtime(name, sources):
    """Install the embedded runtime package as module `name` (once)."""
    import importlib.abc
    import importlib.util
    import sys
    if name in sys.modules:
        return

    class Loader(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname, path=None, target=None):
            sub = '__init__' if fullname == name else fullname[len(name) + 1:]
            if fullname != name and not fullname.startswith(name + '.'):
                return None
            if sub + '.py' not in sources:
                return None
            return importlib.util.spec_from_loader(
                fullname, self, origin='<%%s/%%s.py>' %% (name, sub),
                is_package=fullname == name)

        def exec_module(self, module):
            fn = module.__spec__.origin
            module.__file__ = fn
            sub = '__init__' if module.__name__ == name else module.__name__[len(name) + 1:]
            exec(compile(sources[sub + '.py'], fn, 'exec'), module.__dict__)

    sys.meta_path.append(Loader())


_tandem_runtime(%(name)r, %(sources)s)
'''


def module_text(path: str, out: str, src: str, fname: str, lines: List[int], chunk: str,
                single: bool) -> str:
    modname = os.path.splitext(os.path.basename(out))[0]
    rt = RUNTIME
    boot = ""
    if single:
        srcs = runtime_sources()
        digest = hashlib.sha256("".join(s for _, s in srcs).encode()).hexdigest()[:12]
        rt = "_tandem_luart_" + digest
        body = "{\n" + "".join("    %r: %r,\n" % (n, s) for n, s in srcs) + "}"
        boot = BOOT % {"name": rt, "sources": body}
    head = HEADER % {"mod": modname, "src": chunk, "rt": RUNTIME,
                     "where": "embedded below" if single else "written next to this file"}
    head += boot
    head += ("from %s import standalone as _standalone\n\n"
             "globals().update(_standalone.namespace())\n\n" % rt)
    first = head.count("\n") + 1            # the first line of the generated code
    table = [0] * first + list(lines)
    text = head + src
    text += ("\n# the Lua line of each line of this file (error positions)\n"
             "_LUA_LINES = %r\n" % (tuple(table),))
    text += "_standalone.run(globals(), %s, %r, _LUA_LINES)\n" % (fname, chunk.encode())
    return text


def write_runtime(dirpath: str) -> None:
    d = os.path.join(dirpath, RUNTIME)
    os.makedirs(d, exist_ok=True)
    for n, s in runtime_sources():
        with open(os.path.join(d, n), "w", encoding="utf-8") as f:
            f.write(s)


def translate_file(path: str, out: Optional[str], single: bool, report: Any) -> int:
    """Exit status: 0 written, 1 translation errors (reported)."""
    try:
        with open(path, "rb"):
            pass
    except OSError as e:
        raise Usage("cannot read %s: %s" % (path, e.strerror or e))
    res, errs = translate(path)
    if res is None:
        for m in errs:
            report(m)
        report("tandem translate: %d error%s, nothing written" % (
            len(errs), "" if len(errs) == 1 else "s"))
        return 1
    src, fname, lines, chunk = res
    if out is None:
        out = os.path.splitext(path)[0] + ".py"
    text = module_text(path, out, src, fname, lines, chunk, single)
    try:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        if not single:
            write_runtime(os.path.dirname(os.path.abspath(out)))
    except OSError as e:
        raise Usage("cannot write %s: %s" % (out, e))
    return 0
