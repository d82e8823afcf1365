"""tandem translate FILE.py --to lua [-o OUT] [--single-file]: a Python file
as a standalone Lua 5.4 file (docs/translation.md, "tandem translate");
FILE.lua --to python is xcmd_py.py.

The file is never run: its source is parsed, its `def`s are compiled (with
their decorators and annotations left out, so no code of the file runs) to
give the front end (tandem._translate) function objects, and the other
top-level statements become one function, the module body, whose assigned
names are declared `global`. Names the file does not define, imports other
than `sys`, classes and Python objects as defaults are TranslationErrors,
all listed at once. The C back end only emits (TDM_OP_LOADIR's emit mode):
the Lua sources and the runtime library pyrt are written out, nothing is
loaded. Exit status: 0 written, 1 translation errors, 2 usage.
"""
import argparse
import ast
import builtins
import copy
import os
import re
import sys
import types
from typing import Any, Dict, List, Optional, Set, Tuple

from . import _translate as T
from . import xcmd_lua

BODY = "__tandem_module__"      # the IR name of the module body's function
SUPPORTED_IMPORTS = {"sys"}


class _Bound:
    """A module-level name bound by the module body (its value exists only
    when the translated file runs)."""


class _Usage(Exception):
    pass


def _bound_names(stmts: List[ast.stmt], handlers: Optional[Set[str]] = None) -> Set[str]:
    """Names the module body binds (not inside functions, lambdas,
    comprehension loops or classes); the names of `except ... as` go to
    handlers."""
    out: Set[str] = set()

    def visit(n: ast.AST) -> None:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            loopvars = set()
            for g in n.generators:
                for t in ast.walk(g.target):
                    if isinstance(t, ast.Name):
                        loopvars.add(t.id)
            inner: Set[str] = set()
            for sub in ast.walk(n):
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    inner.add(sub.target.id)
            out.update(inner - loopvars)
            return
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.add(n.id)
        elif isinstance(n, ast.ExceptHandler) and n.name and handlers is not None:
            handlers.add(n.name)
        for c in ast.iter_child_nodes(n):
            visit(c)

    for s in stmts:
        visit(s)
    return out


def _free_reads(d: ast.FunctionDef) -> Set[str]:
    """Names a def may read from the module: read in it (or its nested
    functions) and bound nowhere in it, or declared global (approximate:
    only used to keep a name global)."""
    reads: Set[str] = set()
    binds: Set[str] = set()
    for n in ast.walk(d):
        if isinstance(n, ast.Name):
            (reads if isinstance(n.ctx, ast.Load) else binds).add(n.id)
        elif isinstance(n, ast.arg):
            binds.add(n.arg)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            binds.add(n.name)
        elif isinstance(n, ast.Global):
            reads.update(n.names)
    glob = {x for n in ast.walk(d) if isinstance(n, ast.Global) for x in n.names}
    return (reads - binds) | glob


def _line_of(msg: str) -> int:
    m = re.match(r"^.*?:(\d+): ", msg)
    return int(m.group(1)) if m else 0


class _Module:
    """One Python file prepared for the front end."""

    def __init__(self, path: str, src: str):
        self.path = path
        self.tree = ast.parse(src, path)
        self.errors: List[Tuple[int, str]] = []
        self.defs: List[ast.FunctionDef] = []
        self.body: List[ast.stmt] = []
        self.ns: Dict[str, Any] = {"__builtins__": builtins, "__name__": _Bound()}
        for s in self.tree.body:
            self.top_stmt(s)
        handlers: Set[str] = set()
        bound = _bound_names(self.body, handlers)
        # an `except ... as e` name of the module body stays local to the body
        # (a standalone file cannot bind a global there) unless it is also
        # bound otherwise or a function reads it: then it is global, and refused
        used: Set[str] = set()
        for d in self.defs:
            used |= _free_reads(d)
        bound |= {h for h in handlers if h in used}
        self.globals = sorted(bound)
        for n in bound:
            self.ns.setdefault(n, _Bound())
        self.funcs: List[types.FunctionType] = []
        for d in self.defs:
            self.funcs.append(self.compile_def(d))

    def fail(self, node: ast.AST, what: str) -> None:
        self.errors.append((node.lineno, "%s:%d: %s is not supported by tandem translate"
                            % (self.path, node.lineno, what)))

    def top_stmt(self, s: ast.stmt) -> None:
        if isinstance(s, ast.Import):
            for a in s.names:
                if a.name in SUPPORTED_IMPORTS:
                    self.ns[a.asname or a.name] = T.StandaloneModule(a.name)
                else:
                    self.fail(s, "the import of '%s' (a standalone file can import only %s)"
                              % (a.name, ", ".join(sorted(SUPPORTED_IMPORTS))))
        elif isinstance(s, ast.ImportFrom):
            if s.module != "__future__":
                self.fail(s, "'from %s import ...' (a standalone file can import only %s)"
                          % (s.module or ".", ", ".join(sorted(SUPPORTED_IMPORTS))))
        elif isinstance(s, ast.ClassDef):
            self.fail(s, "a class definition")
        elif isinstance(s, ast.AsyncFunctionDef):
            self.fail(s, "async def")
        elif isinstance(s, ast.FunctionDef):
            for d in s.args.defaults + [k for k in s.args.kw_defaults if k is not None]:
                try:
                    ast.literal_eval(d)
                except ValueError:
                    self.fail(d, "a default value that is not a literal (in %s)" % s.name)
            self.defs.append(s)
        else:
            self.body.append(s)

    def compile_def(self, d: ast.FunctionDef) -> types.FunctionType:
        """The function object of a top-level def, made without running any
        code of the file (decorators and annotations left out)."""
        c = copy.deepcopy(d)
        c.decorator_list = []
        c.returns = None
        a = c.args
        for p in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
            if p is not None:
                p.annotation = None
        for i, x in enumerate(a.defaults):
            try:
                ast.literal_eval(x)
            except ValueError:
                a.defaults[i] = ast.Constant(value=None, lineno=x.lineno, col_offset=0)
        for i, x in enumerate(a.kw_defaults):
            if x is not None:
                try:
                    ast.literal_eval(x)
                except ValueError:
                    a.kw_defaults[i] = ast.Constant(value=None, lineno=x.lineno, col_offset=0)
        ast.fix_missing_locations(c)
        exec(compile(ast.Module(body=[c], type_ignores=[]), self.path, "exec"), self.ns)
        fn = self.ns[d.name]
        assert isinstance(fn, types.FunctionType)
        return fn

    def body_function(self, stmts: List[ast.stmt]) -> types.FunctionType:
        """The module body (or some of its statements) as a function whose
        assigned names are declared global."""
        line = stmts[0].lineno if stmts else 1
        end = max((getattr(x, "end_lineno", None) or x.lineno for x in stmts), default=line)
        body: List[ast.stmt] = []
        if self.globals:
            body.append(ast.Global(names=list(self.globals), lineno=line, col_offset=0,
                                   end_lineno=line, end_col_offset=0))
        body += stmts or [ast.Pass(lineno=line, col_offset=0, end_lineno=line,
                                   end_col_offset=0)]
        fdef = ast.FunctionDef(name=BODY, args=ast.arguments(
            posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
            defaults=[]), body=body, decorator_list=[], returns=None, type_comment=None,
            lineno=line, col_offset=0, end_lineno=end, end_col_offset=0)
        ast.fix_missing_locations(fdef)
        ns: Dict[str, Any] = {}
        exec(compile(ast.Module(body=[fdef], type_ignores=[]), self.path, "exec"), ns)
        fn = types.FunctionType(ns[BODY].__code__, self.ns, BODY)
        T._AST_OVERRIDE[fn.__code__] = fdef
        return fn

    def check(self) -> List[str]:
        """Every translation error: each function and each top-level statement
        translated on its own, so one error does not hide the next."""
        errs = list(self.errors)
        for fn in self.funcs:
            self.try_unit([fn], errs)
        for s in self.body:
            self.try_unit([self.body_function([s])], errs)
        seen: Set[str] = set()
        out = []
        for line, msg in sorted(errs, key=lambda e: e[0]):
            core = re.sub(r" \(reached from [^)]*\)$", "", msg)
            if core not in seen:
                seen.add(core)
                out.append(core)
        return out

    @staticmethod
    def try_unit(fns: List[types.FunctionType], errs: List[Tuple[int, str]]) -> None:
        unit = T._Unit(standalone=True)
        try:
            for fn in fns:
                unit.add(fn)
        except T.TranslationError as e:
            errs.append((_line_of(str(e)), str(e)))
        except RecursionError:
            errs.append((0, "the file nests too deeply to translate"))

    def ir(self) -> Tuple[str, List[str], int]:
        """The IR text of the whole module, the Python names of its IR
        functions (IR order) and the index of the body."""
        unit = T._Unit(standalone=True)
        for fn in self.funcs:
            unit.add(fn)
        body = unit.add(self.body_function(self.body))
        text = "(module %s\n%s)" % (T.quote(self.path), "\n".join(unit.texts))
        return text, [f.fn.__name__ for f in unit.funcs], body.index


def _emit(ir: str) -> Tuple[str, List[str]]:
    """pyrt's source and each IR function's Lua source (the back end only emits)."""
    import tandem
    lua = tandem.LuaRuntime()
    try:
        res = lua._load_ir(ir, None, 1000, True)
    except Exception as e:
        if type(e).__name__ == "LuaError":
            raise T.TranslationError(str(e)) from None
        raise
    res = list(res) if isinstance(res, tuple) else [res]
    # a source holding bytes that are not UTF-8 (a str constant with a lone
    # surrogate: the runtime refuses it when it runs) arrives as bytes: kept
    # byte for byte (written back with surrogateescape)
    res = [r.decode("utf-8", "surrogateescape") if isinstance(r, bytes) else r for r in res]
    return res[0], res[1:]


def translate_file(path: str, out: Optional[str], single: bool) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            src = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise _Usage("cannot read %s: %s" % (path, e))
    try:
        mod = _Module(path, src)
    except SyntaxError as e:
        print("%s:%s: syntax error: %s" % (path, e.lineno, e.msg), file=sys.stderr)
        return 1
    errs = mod.check()
    if errs:
        for m in errs:
            print(m, file=sys.stderr)
        print("tandem translate: %d error%s, nothing written" % (len(errs),
              "" if len(errs) == 1 else "s"), file=sys.stderr)
        return 1
    try:
        ir, names, body = mod.ir()
        pyrt, sources = _emit(ir)
    except T.TranslationError as e:
        print(str(e), file=sys.stderr)
        print("tandem translate: 1 error, nothing written", file=sys.stderr)
        return 1
    if out is None:
        out = os.path.splitext(path)[0] + ".lua"
    modname = os.path.splitext(os.path.basename(path))[0]
    runtime = xcmd_lua.runtime_module(pyrt)
    text = xcmd_lua.module_file(path, modname, list(zip(names, sources)), body,
                                runtime if single else None)
    try:
        with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        if not single:
            rpath = os.path.join(os.path.dirname(os.path.abspath(out)), "tandem_pyrt.lua")
            with open(rpath, "w", encoding="utf-8") as f:
                f.write(runtime)
    except OSError as e:
        raise _Usage("cannot write %s: %s" % (out, e))
    return 0


def _with_seed0(argv: List[str]) -> None:
    """Run the command again in a Python with PYTHONHASHSEED=0 (no return):
    the front end computes the order of constant sets of strings with this
    process's string hashes, and standalone files hash strings as CPython
    does with that seed (xcmd_lua.py)."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONHASHSEED="0")
    code = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
            "from tandem.xcmd import main; sys.exit(main(sys.argv[1:]))")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-c", code, pkg] + argv, env)


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if os.environ.get("PYTHONHASHSEED") != "0" and "-h" not in args and "--help" not in args:
        _with_seed0(args)
    ap = argparse.ArgumentParser(
        prog="tandem translate",
        description="Translate a Python file into a standalone Lua 5.4 file (every "
                    "top-level function, the module's constants and top-level code) that "
                    "runs under plain lua5.4 without tandem, with Python's semantics; or a "
                    "Lua 5.4 file into a standalone Python 3 module that runs under plain "
                    "python3 without tandem, with Lua's semantics.",
        epilog="Exit status: 0 written, 1 translation errors (all listed with file:line), "
               "2 usage errors.")
    ap.add_argument("file", help="the file to translate: FILE.py (--to lua) or FILE.lua "
                                 "(--to python)")
    ap.add_argument("--to", required=True, choices=["lua", "python"],
                    help="the target language")
    ap.add_argument("-o", "--output", metavar="OUT",
                    help="the file to write (default: FILE.lua or FILE.py next to the input); "
                         "the runtime (tandem_pyrt.lua, or the package tandem_luart/) is "
                         "written next to it")
    ap.add_argument("--single-file", action="store_true",
                    help="inline the runtime into OUT instead of writing it next to OUT")
    opts = ap.parse_args(args)
    try:
        if opts.to == "python":
            if not opts.file.endswith(".lua"):
                raise _Usage("--to python translates a Lua file (FILE.lua), not %s" % opts.file)
            from . import xcmd_py
            try:
                return xcmd_py.translate_file(opts.file, opts.output, opts.single_file,
                                              lambda m: print(m, file=sys.stderr))
            except xcmd_py.Usage as e:
                raise _Usage(str(e))
        if not opts.file.endswith(".py"):
            raise _Usage("--to lua translates a Python file (FILE.py), not %s" % opts.file)
        return translate_file(opts.file, opts.output, opts.single_file)
    except _Usage as e:
        print("tandem translate: %s" % e, file=sys.stderr)
        return 2
