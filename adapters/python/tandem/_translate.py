"""Python front end of tandem's translator (docs/translation.md).

A Python function becomes IR text (the neutral S-expression form parsed and
validated by bridge/ir.c); the Lua adapter turns that IR into Lua source
running on a Python-semantics runtime library (adapters/lua/pyrt/).

The rule: anything this front end cannot translate *exactly* raises
TranslationError naming the construct and its file:line. Never a guess.
"""

from __future__ import annotations

import ast
import collections.abc
import functools
import heapq
import builtins
import inspect
import linecache
import math
import operator
import sys
import textwrap
import types
import weakref
from typing import Any, Dict, List, Optional, Set, Tuple

from ._tandem import _as_object, _pure
from . import _tandem
from ._perrt import PerRuntime
from . import _frozensrc, _gencleanup, _lambdasrc, _matchlower, _withlower

__all__ = ["TranslationError", "translate", "translated_source"]


class TranslationError(Exception):
    """A function (or a construct inside it) that tandem cannot translate
    faithfully. The message names the construct and its file:line."""


INT_MIN = -(1 << 63)
INT_MAX = (1 << 63) - 1

# Builtins the Lua runtime library implements with Python's semantics.
KNOWN_BUILTINS = {
    "len", "abs", "min", "max", "int", "float", "str", "bool", "repr", "sum",
    "divmod", "round", "ord", "chr", "list", "tuple", "dict", "enumerate", "zip",
    "reversed", "any", "all", "sorted", "isinstance", "print",
    "map", "filter", "hash", "set", "frozenset",    # pyrt/expr.lua, pyrt/set.lua
    "next", "iter",
    "pow", "bin", "oct", "hex",                     # pyrt/nummeth.lua
    "type", "callable", "getattr", "setattr", "hasattr", "delattr",  # pyrt/types.lua
    "range",                                        # a value too: `type(x) is range`
    "id",                       # pyrt/types.lua (refused where CPython's caches decide)
}
# Builtins that read or act on the calling frame, which translated code
# would answer differently: refused.
FRAME_BUILTINS = {"locals", "vars", "globals", "eval", "exec", "super", "dir",
                  "breakpoint"}
# Exception classes the runtime library knows (with Python's hierarchy).
KNOWN_EXCEPTIONS = {
    "BaseException", "Exception", "ArithmeticError", "ZeroDivisionError",
    "OverflowError", "LookupError", "KeyError", "IndexError", "ValueError",
    "TypeError", "NameError", "UnboundLocalError", "AssertionError",
    "RuntimeError", "NotImplementedError", "RecursionError", "AttributeError",
    "StopIteration", "GeneratorExit", "SystemExit",
}
# Methods the runtime library dispatches by receiver type at run time.
KNOWN_METHODS = {
    "append", "pop", "insert", "extend", "index", "count", "reverse", "copy",
    "clear", "get", "keys", "values", "items", "setdefault", "sort",
    "upper", "lower", "strip", "lstrip", "rstrip", "startswith", "endswith",
    "find", "replace", "split", "join", "isdigit",
    # sets (pyrt/set.lua), list.remove and dict.update (pyrt/expr.lua)
    "add", "discard", "remove", "update", "union", "intersection", "difference",
    "symmetric_difference", "issubset", "issuperset", "isdisjoint",
    "intersection_update", "difference_update", "symmetric_difference_update",
    "send", "throw", "close",      # generators (pyrt/gen.lua)
    # pyrt/strmeth.lua, pyrt/nummeth.lua, dict.popitem/fromkeys, range (pyrt/expr.lua)
    "zfill", "center", "ljust", "rjust", "capitalize", "casefold", "swapcase", "title",
    "isalpha", "isalnum", "isdecimal", "isnumeric", "isspace", "isprintable", "isascii",
    "islower", "isupper", "istitle", "isidentifier", "rfind", "rindex", "partition",
    "rpartition", "removeprefix", "removesuffix", "rsplit", "splitlines", "expandtabs",
    "bit_length", "bit_count", "is_integer", "popitem", "fromkeys",
}
# A method name not in KNOWN_METHODS is still translated: on a Python object
# it is Python's method (through the bridge); on a value of the runtime's own
# it raises AttributeError where Python's type lacks it and NotImplementedError
# where Python's type has it (pyrt/pynames.lua).
# formatting (pyrt/format.lua); str.format takes any keyword arguments
KNOWN_BUILTINS |= {"format", "ascii"}
KNOWN_METHODS.update({"format", "format_map"})

BINOPS = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv",
    ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow",
    ast.LShift: "lshift", ast.RShift: "rshift", ast.BitAnd: "bitand",
    ast.BitOr: "bitor", ast.BitXor: "bitxor",
}
UNOPS = {ast.USub: "neg", ast.UAdd: "pos", ast.Not: "not", ast.Invert: "invert"}
CMPOPS = {
    ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt",
    ast.GtE: "ge", ast.In: "in", ast.NotIn: "notin", ast.Is: "is",
    ast.IsNot: "isnot",
}

CO_COROUTINES = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | \
    inspect.CO_ITERABLE_COROUTINE


def quote(s: str) -> str:
    """An IR string literal (UTF-8 bytes; escapes for quote, backslash,
    control bytes)."""
    out = ['"']
    for b in s.encode("utf-8", "surrogatepass"):
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif b == 10:
            out.append("\\n")
        elif b < 32 or b == 127:
            out.append("\\x%02x" % b)
        else:
            out.append(c) if b < 128 else out.append("\\x%02x" % b)
    out.append('"')
    return "".join(out)


def _float_atom(v: float) -> str:
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    r = repr(v)
    if "." not in r and "e" not in r and "n" not in r:
        r += ".0"
    return r


class _Func:
    """One Python function being translated."""

    def __init__(self, fn: types.FunctionType, index: int, taken: Set[str]):
        self.fn = fn
        self.index = index
        name = fn.__name__ if fn.__name__.isidentifier() and fn.__name__.isascii() else "f"
        k = 2
        base = name
        while name in taken:
            name = "%s_%d" % (base, k)
            k += 1
        taken.add(name)
        self.irname = name


class StandaloneModule:
    """A module imported by a file that tandem translate makes standalone
    (tandem/xcmd.py): its supported attributes become runtime builtins."""

    ATTRS = {"sys": {"argv": "tdm_argv", "stdout": "tdm_stdout", "stderr": "tdm_stderr"}}
    CALLS = {"sys": {"exit": "tdm_exit"}}

    def __init__(self, name: str) -> None:
        self.name = name


# ast.FunctionDef of functions that have no source of their own (the module
# body of tandem translate), by code object
_AST_OVERRIDE: Dict[Any, ast.FunctionDef] = {}


class _Unit:
    """A translation unit: the entry function and every module-level Python
    function it reaches, each translated once. A standalone unit (tandem
    translate) reaches no Python object: names the module does not define,
    defaults that are Python objects are refused."""

    def __init__(self, standalone: bool = False) -> None:
        self.standalone = standalone
        self.funcs: List[_Func] = []
        self.by_fn: Dict[int, _Func] = {}
        self.texts: List[str] = []
        self.names: Set[str] = set()
        # calls (and their callee names) where CPython closes the generator
        # they make at a known point (_gencleanup), by id; kept alive so that
        # no other node can reuse an id
        self.closing: Dict[int, ast.AST] = {}
        # global Python functions the unit calls through the bridge (they
        # cannot be translated), by id: (function, why)
        self.opaque: Dict[int, Tuple[Any, str]] = {}

    def mark(self) -> Tuple[int, Set[str]]:
        return len(self.funcs), set(self.names)

    def rollback(self, mark: Tuple[int, Set[str]]) -> None:
        """Forget the functions added since mark (a callee that could not
        be translated, and the callees it reached)."""
        n, names = mark
        del self.funcs[n:]
        del self.texts[n:]
        self.by_fn = {id(f.fn): f for f in self.funcs}
        self.names.clear()
        self.names.update(names)

    def add(self, fn: types.FunctionType) -> _Func:
        f = self.by_fn.get(id(fn))
        if f is None:
            f = _Func(fn, len(self.funcs), self.names)
            self.funcs.append(f)
            self.by_fn[id(fn)] = f
            self.texts.append("")       # filled by _FuncTranslator
            self.texts[f.index] = _FuncTranslator(self, f).translate()
        return f


def _where(fn: Any) -> str:
    code = getattr(fn, "__code__", None)
    if code is not None:
        return "%s:%d" % (code.co_filename, code.co_firstlineno)
    return "<unknown>"


def check_function(fn: Any) -> types.FunctionType:
    if isinstance(fn, types.MethodType):
        raise TranslationError("%s: a bound method cannot be translated (translate the "
                               "function itself)" % _where(fn.__func__))
    if isinstance(fn, type):
        raise TranslationError("classes are not supported by the translator: %s"
                               % getattr(fn, "__qualname__", fn))
    if isinstance(fn, (types.BuiltinFunctionType, types.BuiltinMethodType)) or \
            not isinstance(fn, types.FunctionType):
        raise TranslationError("only Python functions can be translated, not %r "
                               "(a builtin or another callable)" % (fn,))
    return fn


def _source_of(fn: types.FunctionType) -> Tuple[ast.FunctionDef, str]:
    code = fn.__code__
    filename = code.co_filename
    node = _AST_OVERRIDE.get(code)
    if node is not None:
        return _matchlower.lower(_withlower.lower(node)), filename
    if code.co_name == "<lambda>":
        lam = _lambdasrc.lambda_def(fn)
        if lam is None:
            raise TranslationError("%s:%d: the source of a lambda is not available, or its file "
                                   "changed since it ran; tandem translates from source"
                                   % (filename, code.co_firstlineno))
        return _matchlower.lower(_withlower.lower(lam)), filename
    try:
        # by its code, not the function: inspect would unwrap a decorator's
        # wrapper (functools.wraps' __wrapped__) and give the wrapped
        # function's source (linecache is filled first with the module's
        # globals, for the loaders that give sources)
        linecache.getlines(filename, fn.__globals__)
        lines, start = inspect.getsourcelines(code)
    except (OSError, TypeError) as e:
        frozen = _frozensrc.frozen_source(fn)
        if frozen is None:
            raise TranslationError("%s:%d: the source of %s is not available (%s); tandem "
                                   "translates from source" % (filename, code.co_firstlineno,
                                                               fn.__qualname__, e)) from None
        lines, start = frozen
    src = textwrap.dedent("".join(lines))
    try:
        tree = ast.parse(src)
    except SyntaxError as e:
        raise TranslationError("%s:%d: the source of %s does not parse on its own (%s)"
                               % (filename, code.co_firstlineno, fn.__qualname__, e.msg)) \
            from None
    ast.increment_lineno(tree, start - 1)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name == code.co_name:     # (__name__ may have been changed)
            # its decorators have run: fn is what they gave, with this code
            node._tdm_decorated = True          # type: ignore[union-attr]
            return _matchlower.lower(_withlower.lower(node)), filename
        if isinstance(node, ast.Lambda):
            raise TranslationError("%s:%d: lambda is not supported by the translator yet"
                                   % (filename, node.lineno))
    raise TranslationError("%s:%d: cannot find the definition of %s in its source"
                           % (filename, code.co_firstlineno, fn.__qualname__))


# generator functions with cleanup code, by code object (_gencleanup)
_CLEANUP: Dict[Any, bool] = {}
_CLEANUP_BUSY: Set[Any] = set()


def _global_cleanup(fn: Any) -> bool:
    """Is the module-level function fn a generator that runs code when closed?"""
    if not isinstance(fn, types.FunctionType) or \
            not fn.__code__.co_flags & inspect.CO_GENERATOR:
        return False
    code = fn.__code__
    r = _CLEANUP.get(code)
    if r is not None:
        return r
    if code in _CLEANUP_BUSY:
        return False                    # recursion: decided by its other yields
    try:
        node, _ = _source_of(fn)
    except TranslationError:
        return False                    # translating it refuses anyway
    _CLEANUP_BUSY.add(code)
    try:
        res = _gencleanup.Resolver([_gencleanup.scope_defs(node.body)],
                                   _globals_lookup(fn.__globals__))
        r = _gencleanup.cleanup_yield(node.body, res.call) is not None
    finally:
        _CLEANUP_BUSY.discard(code)
    if not _CLEANUP_BUSY:
        _CLEANUP[code] = r              # only answers reached without a cycle
    return r


def _globals_lookup(g: Dict[str, Any]) -> Any:
    return lambda n: _global_cleanup(g.get(n))


def _bound_names(s: Any) -> List[str]:
    """The names an import statement binds, in order: `import a.b` binds
    a, `import a.b as x` x, `from m import y as z` z."""
    if isinstance(s, ast.Import):
        return [a.asname or a.name.split(".")[0] for a in s.names]
    return [a.asname or a.name for a in s.names]


def _import_name(s: ast.ImportFrom) -> str:
    """The hidden local holding the values of `from m import a, b`."""
    return "_tdm_import%d" % s.lineno


def _scope_names(body: List[ast.stmt]) -> Tuple[Set[str], Set[str]]:
    """Names bound in this function scope (not inside nested functions or
    lambdas, whose own names are theirs) and the names declared nonlocal."""
    assigned: Set[str] = set()
    nonlocals: Set[str] = set()
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            assigned.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            assigned.add(node.name)
        elif isinstance(node, ast.Nonlocal):
            nonlocals.update(node.names)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript) \
                and isinstance(node.target.slice, ast.Slice):
            assigned.update(_slice_aug_names(node))
        elif isinstance(node, ast.Assign) and len(node.targets) > 1:
            assigned.add(_chain_name(node))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            assigned.update(_bound_names(node))
            if isinstance(node, ast.ImportFrom) and len(node.names) > 1:
                assigned.add(_import_name(node))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assigned.add(node.name)
            if node.decorator_list and isinstance(node, ast.FunctionDef):
                assigned.update(_deco_names(node))
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            continue
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            continue
        if isinstance(node, ast.ClassDef):
            assigned.add(node.name)
            continue
        if isinstance(node, COMPREHENSIONS):
            stack.append(node.generators[0].iter)   # the rest is the comprehension's scope
            assigned.update(_walrus_targets(node))  # but := in it binds here
            continue
        stack.extend(ast.iter_child_nodes(node))
    return assigned - _global_names(body), nonlocals


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _slice_aug_names(s: ast.AugAssign) -> Tuple[str, str, str, str, str]:
    """The hidden locals of `a[i:j:k] op= x` (named by its position)."""
    p = "_tdm_a%d_%d" % (s.lineno, s.col_offset)
    return p + "o", p + "l", p + "h", p + "s", p + "v"


def _deco_names(s: ast.FunctionDef) -> List[str]:
    """The hidden locals of a decorated nested def: one per decorator (its
    value, evaluated before the def), then the function itself."""
    return ["_tdm_d%d_%d_%d" % (s.lineno, s.col_offset, i)
            for i in range(len(s.decorator_list) + 1)]


def _chain_name(s: ast.Assign) -> str:
    """The hidden local of `a = b = v` holding v (named by its position)."""
    return "_tdm_c%d_%d" % (s.lineno, s.col_offset)


def _walrus_targets(comp: ast.AST) -> Set[str]:
    """The names `:=` binds inside a comprehension (nested comprehensions
    included, lambdas not): they belong to the enclosing function's scope."""
    names: Set[str] = set()
    stack: List[ast.AST] = [comp]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return names


def _global_names(body: List[ast.stmt]) -> Set[str]:
    """Names declared `global` in this function scope (not in nested ones)."""
    names: Set[str] = set()
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            names.update(node.names)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return names


class _Raw(ast.expr):
    """A synthetic expression of the comprehension lowering: IR text `fmt`
    with the IR of `args` substituted (%s)."""
    _fields = ("args",)

    def __init__(self, fmt: str, args: List[ast.expr]) -> None:
        super().__init__()
        self.fmt = fmt
        self.args = args


def _is_generator(body: List[ast.stmt]) -> bool:
    """Does this function scope contain yield (not inside a nested scope)?"""
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                             ast.ClassDef)):
            stack.extend(getattr(node, "decorator_list", []))
            if not isinstance(node, ast.ClassDef):
                stack.extend(node.args.defaults)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _assigned_names(body: List[ast.stmt]) -> Set[str]:
    names: Set[str] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
    return names


class _FuncTranslator:
    def __init__(self, unit: _Unit, f: _Func,
                 enclosing: "Optional[_FuncTranslator]" = None):
        self.pycells: Set[str] = set()      # free variables of a Python closure
        self.unit = unit
        self.f = f
        self.fn = f.fn                      # the module-level function (its globals)
        self.enclosing = enclosing          # the enclosing function scope, or None
        self.file = self.fn.__code__.co_filename
        self.globals_used: List[str] = enclosing.globals_used if enclosing else []
        self.locals: List[str] = []
        self.free: List[str] = []           # names of enclosing scopes used here
        self.nonlocals: Set[str] = set()
        self.global_decls: Set[str] = set()     # names declared `global` here
        self.deleted: Set[str] = set()  # locals some `del` unbinds: reads always check
        self.cells: Set[str] = set()        # locals that nested functions use
        self.assigned: Set[str] = set()     # definitely assigned at this point
        self.loop_depth = 0
        self.scope_defs: Dict[str, List[ast.AST]] = {}     # this scope's defs, by name
        self.qualname = f.irname          # CPython's name in messages (nested: a.<locals>.b)

    # ---- errors ---------------------------------------------------------------

    def refuse(self, node: Any, what: str) -> TranslationError:
        line = getattr(node, "lineno", None) or self.fn.__code__.co_firstlineno
        return TranslationError("%s:%d: %s is not supported by the translator"
                                % (self.file, line, what))

    # ---- function -------------------------------------------------------------

    def translate(self) -> str:
        fn = self.fn
        code = fn.__code__
        if code.co_flags & CO_COROUTINES:
            raise TranslationError("%s:%d: coroutines and async generators are not supported "
                                   "by the translator yet" % (self.file, code.co_firstlineno))
        # a closure over Python cells: its free variables are read and written
        # in the cells themselves, through the host, at each use
        self.pycells = set(code.co_freevars)
        for name in self.pycells:
            if not name.isascii() or not name.isidentifier():
                raise TranslationError("%s:%d: the non-ASCII free variable name %r is not "
                                       "supported by the translator"
                                       % (self.file, code.co_firstlineno, name))
        node, _ = _source_of(fn)
        if isinstance(node, ast.AsyncFunctionDef):
            raise self.refuse(node, "async def")
        # a decorated function translated by itself is what its decorators
        # gave (found by its code); one the translation reaches stays Python
        # (contextmanager's helper would hand Python a dict translated code made)
        if node.decorator_list and (self.f.index > 0 or not getattr(node, "_tdm_decorated",
                                                                    False)):
            raise self.refuse(node.decorator_list[0], "a decorated function")
        a = node.args
        params = [p.arg for p in a.posonlyargs + a.args]
        defaults = []
        for i, d in enumerate(fn.__defaults__ or ()):
            defaults.append(self.const_default(node, d, "(pydefault %d)" % i))
        kwd = fn.__kwdefaults__ or {}
        kwdefaults = [self.const_default(node, kwd[k.arg], "(pykwdefault %s)" % k.arg)
                      if k.arg in kwd else "_" for k in a.kwonlyargs]
        self.qualname = fn.__qualname__
        return self.func_ir(node, self.f.irname, params, defaults, node.body,
                            self.sig(a, fn.__qualname__, kwdefaults))

    def sig(self, a: ast.arguments, qualname: str, kwdefaults: List[str]) -> str:
        """The IR (sig ...) of a function's parameters beyond the positional ones."""
        mod = self.fn.__module__
        return "(sig %s %s %d %s %s (kwonly %s) (kwdefaults %s))" % (
            quote(qualname), quote(mod if isinstance(mod, str) else ""), len(a.posonlyargs),
            a.vararg.arg if a.vararg else "_", a.kwarg.arg if a.kwarg else "_",
            " ".join(k.arg for k in a.kwonlyargs), " ".join(kwdefaults))

    @staticmethod
    def param_names(a: ast.arguments) -> List[str]:
        """Every parameter name, in the canonical order of the Lua body."""
        names = [p.arg for p in a.posonlyargs + a.args]
        if a.vararg:
            names.append(a.vararg.arg)
        names += [k.arg for k in a.kwonlyargs]
        if a.kwarg:
            names.append(a.kwarg.arg)
        return names

    def func_ir(self, node: Any, irname: str, params: List[str], defaults: List[str],
                body: List[ast.stmt], sig: str = "") -> str:
        """The (func ...) IR of a function scope (module-level or nested)."""
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]             # docstring
        assigned, nonlocals = _scope_names(body)
        for name in nonlocals:
            if (self.enclosing is None or self.enclosing.resolve(name) is None) and \
                    name not in self.top().pycells:
                raise self.refuse(node, "'nonlocal %s' without an enclosing binding" % name)
        self.nonlocals = nonlocals
        self.global_decls = _global_names(body)
        allp = self.param_names(node.args)
        local_set = (set(allp) | assigned) - nonlocals
        for name in local_set:
            if not name.isascii():
                raise self.refuse(node, "the non-ASCII variable name %r" % name)
        self.locals = allp + sorted(local_set - set(allp))
        self.free = sorted(n for n in nonlocals
                           if self.enclosing is None or self.enclosing.resolve(n) is not None)
        self.assigned = set(allp)
        self.scope_defs = _gencleanup.scope_defs(body)
        stmts = self.block(body)
        if len(self.locals) > 150:
            raise self.refuse(node, "a function with more than 150 local variables")
        return "(func %s %d (params %s) (defaults %s) (vars %s) (cells %s) (free %s) " \
               "(globals %s) (flags%s) %s%s)" % (
                   irname, node.lineno, " ".join(params), " ".join(defaults),
                   " ".join(self.locals), " ".join(sorted(self.cells)), " ".join(self.free),
                   " ".join(self.globals_used), " gen" if _is_generator(body) else "", stmts,
                   " " + sig if sig else "")

    def resolve(self, name: str) -> "Optional[_FuncTranslator]":
        """The function scope (this one or an enclosing one) where name is local."""
        t: Optional[_FuncTranslator] = self
        while t is not None:
            if name in t.locals:
                return t
            t = t.enclosing
        return None

    def cleanup_name(self, n: str) -> bool:
        """Is the name n, read here, a generator function with cleanup code?"""
        t = None if n in self.global_decls else self.resolve(n)
        if t is None:
            if n in self.top().pycells:
                return False
            return _global_cleanup(self.fn.__globals__.get(n))
        defs = t.scope_defs.get(n)
        if not defs:
            return False
        scopes = []
        s: Optional[_FuncTranslator] = t
        while s is not None:
            scopes.append(s.scope_defs)
            s = s.enclosing
        res = _gencleanup.Resolver(scopes, _globals_lookup(self.fn.__globals__))
        return any(res.defnode(d, 0) for d in defs)

    def closing_use(self, e: ast.expr) -> None:
        """e is where CPython closes the generator a call makes at a known point."""
        if isinstance(e, ast.Call):
            self.unit.closing[id(e)] = e

    def nested(self, node: Any, name: str, body: List[ast.stmt]) -> str:
        """IR of a nested def or lambda: a closure over this scope."""
        a = node.args
        # (a decorated def: decorated_def applies its decorators)
        # defaults are evaluated here, in this scope, when the def runs
        defaults = [self.expr(d) for d in a.defaults]
        kwdefaults = [self.expr(d) if d is not None else "_" for d in a.kw_defaults]
        inner = _FuncTranslator(self.unit, self.f, enclosing=self)
        inner.qualname = "%s.<locals>.%s" % (self.qualname, name)
        return inner.func_ir(node, inner.qualname, [p.arg for p in a.posonlyargs + a.args],
                             defaults, body, inner.sig(a, inner.qualname, kwdefaults))

    def decorated_def(self, s: ast.FunctionDef) -> str:
        """@d1 @d2 def f: ... as CPython 3.11 runs it: d1 and d2 evaluated
        first (top down), then the def (its defaults), then d2 applied at
        its line and d1 at its, the result stored in f. The undecorated
        function is a hidden local: f, read in its body, is the decorated
        value, as in CPython."""
        hidden = _deco_names(s)
        parts = []
        for d, h in zip(s.decorator_list, hidden):
            self.assigned.add(h)
            parts.append("(assign %d (local %s) %s)" % (d.lineno, h, self.expr(d)))
        fn = hidden[-1]
        self.assigned.add(fn)
        parts.append("(def %d (local %s) %s)" % (s.lineno, fn, self.nested(s, s.name, s.body)))
        for i in reversed(range(len(s.decorator_list))):
            d = s.decorator_list[i]
            target = "(local %s)" % fn if i else \
                self.target(ast.Name(id=s.name, ctx=ast.Store()))
            parts.append("(assign %d %s (call (local %s) (local %s)))"
                         % (d.lineno, target, hidden[i], fn))
        return " ".join(parts)

    def const_default(self, node: Any, d: Any, obj: str) -> str:
        """A module-level function's default value: a constant, or (obj) the
        Python object itself (its __defaults__ entry, read once when the
        translation is loaded: a mutable default is shared with Python)."""
        if d is None or isinstance(d, (bool, float, str)) or \
                isinstance(d, int) and INT_MIN <= d <= INT_MAX:
            return self.const(node, d)
        if self.unit.standalone:
            raise self.refuse(node, "a default value of type %s in a standalone file"
                              % type(d).__name__)
        return obj

    # ---- statements -----------------------------------------------------------

    def block(self, stmts: List[ast.stmt]) -> str:
        return "(block " + " ".join(self.stmt(s) for s in stmts) + ")"

    def branch(self, stmts: List[ast.stmt]) -> Tuple[str, Set[str]]:
        """A block that may or may not run: its assignments do not count after it."""
        saved = set(self.assigned)
        text = self.block(stmts)
        after = self.assigned
        self.assigned = saved
        return text, after

    def stmt(self, s: ast.stmt) -> str:
        L = s.lineno
        if isinstance(s, ast.Expr):
            return "(expr %d %s)" % (L, self.expr(s.value))
        if isinstance(s, ast.Assign):
            value = self.expr(s.value)
            if len(s.targets) > 1:
                # a = b = v: v once, then the targets left to right, as CPython
                hidden = _chain_name(s)
                self.assigned.add(hidden)
                return " ".join(["(assign %d (local %s) %s)" % (L, hidden, value)] + [
                    "(assign %d %s (local %s))" % (L, self.target(t), hidden)
                    for t in s.targets])
            t0 = s.targets[0]
            if (isinstance(t0, ast.Name) and t0.id in self.global_decls
                    or isinstance(t0, ast.Attribute)
                    or isinstance(t0, ast.Subscript) and not isinstance(t0.slice, ast.Slice)) \
                    and isinstance(s.value, (ast.List, ast.Dict, ast.Set) + COMPREHENSIONS[:3]):
                # a global or a Python object's attribute: it may take the new
                # container as it is (nothing else refers to it)
                value = "(call (builtin tdm_fresh) %s)" % value
            return "(assign %d %s %s)" % (L, self.target(t0), value)
        if isinstance(s, ast.AnnAssign):
            if s.value is None or not s.simple:
                raise self.refuse(s, "an annotation without a value")
            value = self.expr(s.value)
            return "(assign %d %s %s)" % (L, self.target(s.target), value)
        if isinstance(s, ast.AugAssign):
            op = BINOPS.get(type(s.op))
            if op is None:
                raise self.refuse(s, "the operator %s" % type(s.op).__name__)
            op = "i" + op           # in place: `lst += x` extends the same list, `s |= t`
            #                         updates the same set, a Python object's own __iadd__
            #                         runs, an error names `+=`
            if isinstance(s.target, ast.Name):
                read = self.name_read(s.target)    # raises UnboundLocalError if unbound
                value = self.expr(s.value)
                return "(assign %d %s (binop %s %s %s))" % (
                    L, self.target(s.target), op, read, value)
            if isinstance(s.target, ast.Subscript) and not isinstance(s.target.slice, ast.Slice):
                t = "(index %s %s)" % (self.expr(s.target.value), self.expr(s.target.slice))
                return "(aug %d %s %s %s)" % (L, t, op, self.expr(s.value))
            if isinstance(s.target, ast.Attribute):
                # o.name op= v: o once, then its attribute read, v, the write
                t = "(attr %s %s)" % (self.expr(s.target.value), s.target.attr)
                return "(aug %d %s %s %s)" % (L, t, op, self.expr(s.value))
            if isinstance(s.target, ast.Subscript):
                return self.slice_aug(s, L, op)
            raise self.refuse(s, "augmented assignment to this target")
        if isinstance(s, ast.If):
            test = self.expr(s.test)
            body, a1 = self.branch(s.body)
            orelse, a2 = self.branch(s.orelse)
            self.assigned |= a1 & a2
            return "(if %d %s %s %s)" % (L, test, body, orelse)
        if isinstance(s, ast.While):
            test = self.expr(s.test)
            self.loop_depth += 1
            body, _ = self.branch(s.body)
            self.loop_depth -= 1
            orelse, _ = self.branch(s.orelse)
            return "(while %d %s %s %s)" % (L, test, body, orelse)
        if isinstance(s, ast.For):
            return self.for_stmt(s)
        if isinstance(s, ast.Break):
            return "(break %d)" % L
        if isinstance(s, ast.Continue):
            return "(continue %d)" % L
        if isinstance(s, ast.Pass):
            return "(pass %d)" % L
        if isinstance(s, ast.Return):
            return "(return %d %s)" % (L, self.expr(s.value) if s.value else "_")
        if isinstance(s, ast.Raise):
            if s.cause is not None and s.exc is not None:
                return "(raise %d (call (builtin tdm_cause) %s %s))" % (
                    L, self.expr(s.exc), self.expr(s.cause))
            return "(raise %d %s)" % (L, self.expr(s.exc) if s.exc else "_")
        if isinstance(s, ast.Try):
            return self.try_stmt(s)
        if isinstance(s, ast.FunctionDef):
            if s.name in self.global_decls:
                raise self.refuse(s, "a nested def of a name declared global")
            if s.decorator_list:
                return self.decorated_def(s)
            text = self.nested(s, s.name, s.body)
            return "(def %d %s %s)" % (L, self.target(ast.Name(id=s.name, ctx=ast.Store())),
                                       text)
        if isinstance(s, (ast.Nonlocal, ast.Global)):
            return "(pass %d)" % L
        if isinstance(s, ast.Delete):
            return " ".join("(del %d %s)" % (L, self.del_target(t)) for t in s.targets)
        if isinstance(s, (ast.Import, ast.ImportFrom)) and not self.unit.standalone:
            return self.import_stmt(s)
        if isinstance(s, ast.Assert):
            if not __debug__:
                return "(pass %d)" % L
            msg = self.expr(s.msg) if s.msg is not None else "_"
            return "(assert %d %s %s)" % (L, self.expr(s.test), msg)
        names = {
            ast.FunctionDef: "a nested function", ast.AsyncFunctionDef: "async def",
            ast.ClassDef: "a class definition", ast.With: "'with'",
            ast.AsyncWith: "'async with'", ast.AsyncFor: "'async for'",
            ast.Import: "import", ast.ImportFrom: "import", ast.Delete: "'del'",
            ast.Global: "'global'", ast.Nonlocal: "'nonlocal'",
        }
        if sys.version_info >= (3, 10) and isinstance(s, ast.Match):
            raise self.refuse(s, "'match'")
        raise self.refuse(s, names.get(type(s), "the statement %s" % type(s).__name__))

    def import_stmt(self, s: Any) -> str:
        """A function-local import: the statement itself, run by the host
        in the function's globals (_Hooks "import": CPython's own
        IMPORT_NAME and IMPORT_FROM, their errors included), its names bound
        as the statement binds them. `import a, b` is two statements, as
        CPython runs it; `from m import x, y` one, giving a tuple."""
        L = s.lineno
        if isinstance(s, ast.Import):
            out = []
            for a, name in zip(s.names, _bound_names(s)):
                text = "import %s%s" % (a.name, " as %s" % a.asname if a.asname else "")
                out.append("(assign %d %s (import %s %d))" % (
                    L, self.target(ast.Name(id=name, ctx=ast.Store())), quote(text), L))
            return " ".join(out)
        if any(a.name == "*" for a in s.names):
            raise self.refuse(s, "'from ... import *'")
        text = "from %s%s import %s" % ("." * s.level, s.module or "", ", ".join(
            a.name + (" as %s" % a.asname if a.asname else "") for a in s.names))
        names = _bound_names(s)
        if len(names) == 1:
            return "(assign %d %s (import %s %d))" % (
                L, self.target(ast.Name(id=names[0], ctx=ast.Store())), quote(text), L)
        hidden = _import_name(s)
        self.assigned.add(hidden)
        out = ["(assign %d (local %s) (import %s %d))" % (L, hidden, quote(text), L)]
        for i, n in enumerate(names):
            out.append("(assign %d %s (index (local %s) (int %d)))" % (
                L, self.target(ast.Name(id=n, ctx=ast.Store())), hidden, i))
        return " ".join(out)

    def for_stmt(self, s: ast.For) -> str:
        L = s.lineno
        it = s.iter
        rng = None
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and \
                it.func.id == "range" and self.is_builtin("range") and not it.keywords \
                and 1 <= len(it.args) <= 3 and \
                not any(isinstance(x, ast.Starred) for x in it.args):
            args = [self.expr(x) for x in it.args]
            if len(args) == 1:
                args = ["(int 0)", args[0], "(int 1)"]
            elif len(args) == 2:
                args.append("(int 1)")
            rng = args
        else:
            self.closing_use(it)
            iter_text = self.expr(it)
        saved = set(self.assigned)
        target = self.target(s.target)
        self.loop_depth += 1
        body = self.block(s.body)
        self.loop_depth -= 1
        self.assigned = saved
        orelse, _ = self.branch(s.orelse)
        if rng is not None:
            return "(forrange %d %s %s %s %s %s %s)" % (L, target, rng[0], rng[1], rng[2],
                                                       body, orelse)
        return "(for %d %s %s %s %s)" % (L, target, iter_text, body, orelse)

    def try_stmt(self, s: ast.Try) -> str:
        L = s.lineno
        body, _ = self.branch(s.body)
        hs = []
        for h in s.handlers:
            if h.type is None:
                cls = "_"
            else:
                cls = self.exc_class(h.type)
            saved = set(self.assigned)
            if h.name and h.name in self.global_decls:
                raise self.refuse(h, "'except ... as' a name declared global")
            if h.name:
                self.assigned.add(h.name)
            hb = self.block(h.body)
            self.assigned = saved
            hs.append("(except %s %s %s)" % (cls, h.name or "_", hb))
        orelse, _ = self.branch(s.orelse)
        final, _ = self.branch(s.finalbody)
        for h in s.handlers:
            # `except E as name` unbinds name at the end of the handler
            self.assigned.discard(h.name)
        return "(try %d %s (handlers %s) %s %s)" % (L, body, " ".join(hs), orelse, final)

    def exc_class(self, node: ast.expr) -> str:
        b = getattr(node, "_tdm_builtin", None)
        if b is not None:
            return "(builtin %s)" % b       # a lowering's own reference (_withlower)
        if isinstance(node, ast.Tuple):
            return "(tuple %s)" % " ".join(self.exc_class(e) for e in node.elts)
        if isinstance(node, ast.Name) and node.id in KNOWN_EXCEPTIONS and \
                self.is_builtin(node.id):
            return "(builtin %s)" % node.id
        if not self.unit.standalone and isinstance(node, (ast.Name, ast.Attribute)):
            # another builtin exception class (OSError), a module's own
            # (MyError, json.JSONDecodeError), a variable holding one: the
            # class is read when the handler is tested, as CPython does
            return self.expr(node)
        raise self.refuse(node, "catching anything but builtin exception classes")

    # ---- targets --------------------------------------------------------------

    def target(self, t: ast.expr) -> str:
        if isinstance(t, ast.Name):
            if t.id in self.global_decls:
                return self.global_target(t.id)
            if t.id in self.nonlocals:
                return self.use_free(t.id) or self.use_pycell(t.id) or "(local %s)" % t.id
            self.assigned.add(t.id)
            return "(local %s)" % t.id
        if isinstance(t, ast.Subscript):
            if isinstance(t.slice, ast.Slice):
                return self.slice_ir(t)
            return "(index %s %s)" % (self.expr(t.value), self.expr(t.slice))
        if isinstance(t, (ast.Tuple, ast.List)):
            return "(tuple %s)" % " ".join(
                "(star %s)" % self.target(e.value) if isinstance(e, ast.Starred)
                else self.target(e) for e in t.elts)
        if isinstance(t, ast.Attribute):
            return "(attr %s %s)" % (self.expr(t.value), t.attr)
        raise self.refuse(t, "assignment to %s" % type(t).__name__)

    # ---- expressions ----------------------------------------------------------

    def is_builtin(self, name: str) -> bool:
        return name not in self.locals and name not in self.fn.__globals__ and \
            hasattr(builtins, name)

    def const(self, node: Any, v: Any) -> str:
        if v is None:
            return "(none)"
        if v is True:
            return "(true)"
        if v is False:
            return "(false)"
        if isinstance(v, int) and INT_MIN <= v <= INT_MAX:
            return "(int %d)" % v
        if isinstance(v, float):
            return "(float %s)" % _float_atom(v)
        if isinstance(v, str):
            return "(str %s)" % quote(v)
        # an int beyond 64 bits, bytes, a complex number, Ellipsis (`...`):
        # the Python object, made once by the host (pyrt/types.lua, tdm_pyconst)
        text = {int: repr, bytes: bytes.hex, complex: repr,
                type(Ellipsis): repr}.get(type(v))
        if text is None or self.unit.standalone:
            raise self.refuse(node, "an integer literal beyond 64 bits" if isinstance(v, int)
                              else "a constant of type %s" % type(v).__name__)
        return "(call (builtin tdm_pyconst) (str %s) (str %s))" % (
            quote(type(v).__name__), quote(text(v)))

    def top(self) -> "_FuncTranslator":
        t = self
        while t.enclosing is not None:
            t = t.enclosing
        return t

    def use_pycell(self, n: str) -> Optional[str]:
        """(pycell n) when n is a free variable of the Python function being
        translated (a cell shared with Python), else None."""
        top = self.top()
        if n in top.pycells:
            if n not in top.free:
                top.free.append(n)
            return "(pycell %s)" % n
        return None

    def use_free(self, n: str) -> Optional[str]:
        """(free n) when n is a local of an enclosing function, else None."""
        if self.enclosing is None:
            return None
        owner = self.enclosing.resolve(n)
        if owner is None:
            return None
        owner.cells.add(n)
        if n not in self.free:
            self.free.append(n)
        return "(free %s)" % n

    def name_read(self, e: ast.Name) -> str:
        n = e.id
        b = getattr(e, "_tdm_builtin", None)
        if b is not None:
            return "(builtin %s)" % b       # a lowering's own reference (_withlower)
        if id(e) not in self.unit.closing and self.cleanup_name(n):
            raise self.refuse(e, _gencleanup.refusal(n))
        if n in self.locals:
            return "(local %s)" % n if n in self.assigned and n not in self.deleted \
                else "(lcheck %s)" % n
        fr = (self.use_free(n) or self.use_pycell(n)) if n not in self.global_decls else None
        if fr is not None:
            return fr
        g = self.fn.__globals__
        if n in g:
            v = g[n]
            if isinstance(v, StandaloneModule):
                raise self.refuse(e, "the module '%s' used as a value (tandem translate "
                                  "supports %s)" % (n, ", ".join(
                                      ["%s.%s" % (n, a) for a in StandaloneModule.ATTRS[n]] +
                                      ["%s.%s()" % (n, a) for a in StandaloneModule.CALLS[n]])))
            if isinstance(v, types.FunctionType) and id(v) not in self.unit.opaque:
                mark = self.unit.mark()
                try:
                    self.unit.add(v)
                except TranslationError as err:
                    if self.unit.standalone:
                        raise TranslationError("%s (reached from %s:%d)"
                                               % (err, self.file, e.lineno)) from None
                    # a Python function that cannot be translated stays
                    # Python: called through the bridge, exact (its reason
                    # heads translated_source)
                    self.unit.rollback(mark)
                    self.unit.opaque[id(v)] = (v, str(err))
            if n not in self.globals_used:
                self.globals_used.append(n)
            return "(global %s)" % n
        if hasattr(builtins, n):
            if n == "id" and self.unit.standalone:
                raise self.refuse(e, "id() in a standalone file (CPython's ids need Python)")
            if n in KNOWN_BUILTINS or n in KNOWN_EXCEPTIONS:
                return "(builtin %s)" % n
            if self.unit.standalone or n in FRAME_BUILTINS:
                raise self.refuse(e, "the builtin '%s'" % n)
            # Python's own builtin (complex, bytes, open, OSError ...), read at
            # call time like a global: a Python object called through the host
            if n not in self.globals_used:
                self.globals_used.append(n)
            return "(global %s)" % n
        if self.unit.standalone:
            raise TranslationError("%s:%d: the name '%s' is not defined in the module "
                                   "(a standalone file cannot reach Python)"
                                   % (self.file, e.lineno, n))
        # a global that does not exist yet: read at call time (NameError if still missing)
        if n not in self.globals_used:
            self.globals_used.append(n)
        return "(global %s)" % n

    def expr(self, e: ast.expr) -> str:
        if isinstance(e, ast.Constant):
            return self.const(e, e.value)
        if isinstance(e, ast.Name):
            return self.name_read(e)
        if isinstance(e, ast.BinOp):
            op = BINOPS.get(type(e.op))
            if op is None:
                raise self.refuse(e, "the operator %s" % type(e.op).__name__)
            return "(binop %s %s %s)" % (op, self.expr(e.left), self.expr(e.right))
        if isinstance(e, ast.UnaryOp):
            return "(unop %s %s)" % (UNOPS[type(e.op)], self.expr(e.operand))
        if isinstance(e, ast.BoolOp):
            kind = "and" if isinstance(e.op, ast.And) else "or"
            first = self.expr(e.values[0])
            saved = set(self.assigned)
            rest = [self.expr(v) for v in e.values[1:]]
            self.assigned = saved
            return "(%s %s %s)" % (kind, first, " ".join(rest))
        if isinstance(e, ast.Compare):
            parts = [self.expr(e.left)]
            saved = None
            for k, (op, right) in enumerate(zip(e.ops, e.comparators)):
                name = CMPOPS[type(op)]
                if k == 1:
                    saved = set(self.assigned)  # a chain's later operands may not run
                parts.append(name)
                parts.append(self.expr(right))
            if saved is not None:
                self.assigned = saved
            return "(compare %s)" % " ".join(parts)
        if isinstance(e, ast.NamedExpr):
            # (x := e): e first, then the store; the value is the expression's
            value = self.expr(e.value)
            return "(setx %s %s)" % (self.target(e.target), value)
        if isinstance(e, ast.IfExp):
            test = self.expr(e.test)
            saved = set(self.assigned)
            body = self.expr(e.body)
            orelse = self.expr(e.orelse)
            self.assigned = saved
            return "(ifexp %s %s %s)" % (test, body, orelse)
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, _Raw):
            return e.fmt % tuple(self.expr(a) for a in e.args)
        if isinstance(e, COMPREHENSIONS):
            return self.comprehension(e)
        if isinstance(e, ast.Set):
            return self.set_display(e)
        if isinstance(e, (ast.List, ast.Tuple)):
            if any(isinstance(x, ast.Starred) for x in e.elts):
                return self.star_display(e)
            kind = "list" if isinstance(e, ast.List) else "tuple"
            return "(%s %s)" % (kind, " ".join(self.expr(x) for x in e.elts))
        if isinstance(e, ast.Dict):
            # {k: v, **m, k2: v2}: as CPython 3.11 builds it, the pairs before
            # the first ** one dict, then DICT_UPDATE with m, then with a
            # dict of the pairs up to the next ** (evaluated after m merged)
            out, parts = None, []
            for k, v in zip(e.keys, e.values):
                if k is None:
                    seg = "(dict %s)" % " ".join(parts)
                    if out is None:
                        out = seg
                    elif parts:
                        out = "(call (builtin tdm_dictupdate) %s %s)" % (out, seg)
                    out = "(call (builtin tdm_dictupdate) %s %s)" % (out, self.expr(v))
                    parts = []
                    continue
                parts.append(self.expr(k))
                parts.append(self.expr(v))
            if out is None:
                return "(dict %s)" % " ".join(parts)
            if parts:
                out = "(call (builtin tdm_dictupdate) %s (dict %s))" % (out, " ".join(parts))
            return out
        if isinstance(e, ast.Subscript):
            if isinstance(e.slice, ast.Slice):
                return self.slice_ir(e)
            return "(index %s %s)" % (self.expr(e.value), self.expr(e.slice))
        if isinstance(e, ast.JoinedStr):
            return self.fstring(e)
        if isinstance(e, ast.Lambda):
            ret = ast.Return(value=e.body, lineno=e.lineno, col_offset=e.col_offset)
            return "(lambda %s)" % self.nested(e, "<lambda>", [ret])
        if isinstance(e, ast.Yield):
            return "(yield %d %d %s)" % (e.lineno, e.col_offset,
                                         self.expr(e.value) if e.value is not None else "_")
        if isinstance(e, ast.YieldFrom):
            v = e.value
            self.closing_use(v)
            if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and \
                    v.func.id == "range" and self.is_builtin("range") and not v.keywords \
                    and 1 <= len(v.args) <= 3 and \
                    not any(isinstance(x, ast.Starred) for x in v.args):
                # yield from range(...): the back end iterates a range iterator
                args = [self.expr(x) for x in v.args]
                if len(args) == 1:
                    args = ["(int 0)", args[0], "(int 1)"]
                elif len(args) == 2:
                    args.append("(int 1)")
                operand = "(call (builtin range) %s)" % " ".join(args)
            else:
                operand = self.expr(v)
            return "(yieldfrom %d %d %s)" % (e.lineno, e.col_offset, operand)
        mod = self.standalone_module(e)
        if mod is not None and e.attr in StandaloneModule.ATTRS[mod]:
            return "(call (builtin %s))" % StandaloneModule.ATTRS[mod][e.attr]
        if isinstance(e, ast.Attribute) and mod is None:
            # o.name: Python's attribute of a Python object (through the host),
            # the runtime's own of its values (pyrt/types.lua)
            return "(attr %s %s)" % (self.expr(e.value), e.attr)
        names = {
            ast.Lambda: "lambda", ast.ListComp: "a list comprehension",
            ast.SetComp: "a set comprehension", ast.DictComp: "a dict comprehension",
            ast.GeneratorExp: "a generator expression", ast.Yield: "yield",
            ast.YieldFrom: "yield from", ast.Await: "await", ast.Set: "a set",
            ast.JoinedStr: "an f-string", ast.Attribute: "attribute access",
            ast.Starred: "star-unpacking",
        }
        raise self.refuse(e, names.get(type(e), "the expression %s" % type(e).__name__))

    def fstring(self, e: ast.JoinedStr) -> str:
        """f"..{x}..{y!r:>{w}}..": {x} is format(x, "") (_fstr: str(x)
        for every builtin type, a Python object's __format__), a spec is format(value, spec) with the
        spec itself an f-string; a conversion !s !r !a applies to the value
        after the spec's expressions ran, as in CPython (pyrt/format.lua)."""
        parts = []
        for v in e.values:
            if isinstance(v, ast.Constant):
                parts.append(self.const(v, v.value))
            elif isinstance(v, ast.FormattedValue):
                val = self.expr(v.value)
                conv = {-1: None, ord("s"): "str", ord("r"): "repr", ord("a"): "ascii"}
                fn = conv.get(v.conversion, "?")
                if fn == "?":
                    raise self.refuse(v, "the f-string conversion !%s" % chr(v.conversion))
                if v.format_spec is not None:
                    # CPython evaluates the spec before it converts the value
                    spec = self.fstring(v.format_spec)
                    if fn is not None:
                        parts.append('(call (builtin _fconv) %s %s (str "%s"))' % (val, spec, fn))
                    else:
                        parts.append("(call (builtin format) %s %s)" % (val, spec))
                else:
                    parts.append("(call (builtin %s) %s)" % (fn or "_fstr", val))
            else:
                raise self.refuse(v, "this f-string part")
        if not parts:
            return '(str "")'
        if len(parts) == 1:
            return parts[0]
        # every part is a str: one concatenation (in calls of at most 100
        # arguments: a Lua call has a register limit)
        while len(parts) > 1:
            parts = ["(call (builtin _fjoin) %s)" % " ".join(parts[i:i + 100])
                     for i in range(0, len(parts), 100)]
        return parts[0]

    KEYWORDS = {"sorted": {"key", "reverse"}, "min": {"key", "default"},
                "max": {"key", "default"}, "sort": {"key", "reverse"},
                "enumerate": {"iterable", "start"}, "sum": {"start"}, "int": {"base"},
                "split": {"sep", "maxsplit"}, "print": {"sep", "end", "file", "flush"},
                "rsplit": {"sep", "maxsplit"}, "splitlines": {"keepends"},
                "expandtabs": {"tabsize"}, "pow": {"base", "exp", "mod"},
                "zip": {"strict"}}
    # the builtins whose runtime version checks every keyword and takes '**'
    ANYKW = {"print", "round"}

    VARIADIC = {"min", "max", "zip", "print"}

    # The positional argument counts CPython 3.11's builtins accept (None: no
    # limit; type: 1 or 3). A call without keywords or * outside them goes
    # through the runtime's B.tdm_argcheck, which raises CPython's TypeError
    # once the arguments are evaluated (pyrt/call.lua, BARGS: the runtime's
    # builtins do not count their arguments, so len(a, b) answered len(a)).
    ARGCOUNTS = {
        "len": (1, 1), "abs": (1, 1), "repr": (1, 1), "ord": (1, 1), "chr": (1, 1),
        "any": (1, 1), "all": (1, 1), "hash": (1, 1), "bin": (1, 1), "oct": (1, 1),
        "hex": (1, 1), "callable": (1, 1), "ascii": (1, 1), "divmod": (2, 2),
        "isinstance": (2, 2), "filter": (2, 2), "reversed": (1, 1), "sorted": (1, 1),
        "hasattr": (2, 2), "delattr": (2, 2), "setattr": (3, 3), "float": (0, 1),
        "bool": (0, 1), "list": (0, 1), "tuple": (0, 1), "dict": (0, 1), "set": (0, 1),
        "frozenset": (0, 1), "next": (1, 2), "iter": (1, 2), "getattr": (2, 3),
        "range": (1, 3), "format": (1, 2), "min": (1, None), "max": (1, None),
        "int": (0, 2), "str": (0, 3), "sum": (1, 2), "round": (1, 2), "enumerate": (1, 2),
        "pow": (2, 3), "map": (2, None), "type": (1, 3),
    }

    def bad_argcount(self, builtin: Optional[str], e: ast.Call) -> bool:
        """Is e a call of the builtin with a positional count CPython refuses?"""
        if builtin not in self.ARGCOUNTS or e.keywords or \
                any(isinstance(a, ast.Starred) for a in e.args):
            return False
        n = len(e.args)
        if builtin == "type":
            return n not in (1, 3)
        lo, hi = self.ARGCOUNTS[builtin]
        return n < lo or (hi is not None and n > hi)

    def standalone_module(self, e: ast.expr) -> Optional[str]:
        """The name of the StandaloneModule e is an attribute of, or None."""
        if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and \
                e.value.id not in self.locals:
            v = self.fn.__globals__.get(e.value.id)
            if isinstance(v, StandaloneModule):
                return v.name
        return None

    def call(self, e: ast.Call) -> str:
        f = e.func
        mod = self.standalone_module(f)
        if mod is not None:
            assert isinstance(f, ast.Attribute)
            name = StandaloneModule.CALLS[mod].get(f.attr)
            if name is None or e.keywords or any(isinstance(a, ast.Starred) for a in e.args):
                raise self.refuse(e, "the call %s.%s(...) in a standalone file" % (mod, f.attr))
            return "(call (builtin %s) %s)" % (name, " ".join(self.expr(a) for a in e.args))
        builtin = f.id if isinstance(f, ast.Name) and self.is_builtin(f.id) else None
        if builtin == "str" and not e.args and len(e.keywords) == 1 \
                and e.keywords[0].arg == "object":
            # str(object=x) is str(x) (encoding= and errors= stay refused)
            return "(call (builtin str) %s)" % self.expr(e.keywords[0].value)
        if self.bad_argcount(builtin, e):
            # CPython's TypeError once the arguments are evaluated (ARGCOUNTS)
            return "(call (builtin tdm_argcheck) %s %s)" % (
                self.expr(f), " ".join(self.expr(a) for a in e.args))
        if isinstance(f, ast.Name) and id(e) in self.unit.closing:
            self.unit.closing[id(f)] = f
        if builtin in _gencleanup.CONSUMERS and len(e.args) == 1:
            self.closing_use(e.args[0])
        starred = any(isinstance(a, ast.Starred) for a in e.args)
        dstar = any(k.arg is None for k in e.keywords)
        if builtin in KNOWN_BUILTINS:
            # the runtime's builtins take the keywords they list (Python's
            # own, open() or bytes(), are called through the host, which
            # checks any keyword, `*` and `**` as CPython does). (A method
            # takes any: a Python object's gets them through the host; the
            # runtime's own values check them at run time, rt.ownkw in
            # pyrt/core.lua, and `o.m(*a, **k)` is `(o.m)(*a, **k)`, a bound
            # method checking its arguments as the method call does.)
            allowed = self.KEYWORDS.get(builtin, set())
            for k in e.keywords:
                if builtin == "dict":
                    continue            # dict(a=1, **d): any keyword is a key
                if builtin in self.ANYKW:
                    continue            # its runtime version checks every keyword
                if k.arg is None:
                    raise self.refuse(e, "'**' arguments to a builtin function")
                if k.arg not in allowed:
                    raise self.refuse(e, "the keyword argument %s= of %s()"
                                      % (k.arg, builtin))
        args = []
        for a in e.args:
            if isinstance(a, ast.Starred):
                args.append("(star %s)" % self.expr(a.value))
            else:
                args.append(self.expr(a))
        kws = []
        for k in e.keywords:
            if k.arg is None:
                kws.append("(dstar %s)" % self.expr(k.value))
            else:
                kws.append("(kw %s %s)" % (k.arg, self.expr(k.value)))
        rest = " ".join(args + kws)
        if isinstance(f, ast.Attribute):
            obj = self.expr(f.value)
            if starred or dstar:
                # o.f(*a, **k): o.f read first (CPython 3.11 compiles it to
                # LOAD_ATTR, not LOAD_METHOD), then called as a value is: a
                # Python object's bound method through the host; a bound
                # method of the runtime's own (pyrt/types.lua) checks its
                # count (arity, pyrt/core.lua) and keywords (rt.ownkw)
                return "(call (attr %s %s) %s)" % (obj, f.attr, rest)
            return "(method %s %s %s)" % (obj, f.attr, rest)
        if builtin == "range":
            # a range object (pyrt/expr.lua); `for x in range(...)` is a plain loop
            return "(call (builtin range) %s)" % rest
        return "(call %s %s)" % (self.expr(f), rest)

    # ---- comprehensions, sets, star displays, del, global (issue 9; pyrt/expr.lua,
    # pyrt/set.lua) --------------------------------------------------------------

    HIDDEN = "_tdm_"            # prefix of the lowering's own names

    def global_target(self, name: str) -> str:
        if name not in self.globals_used:
            self.globals_used.append(name)
        return "(global %s)" % name

    def slice_aug(self, s: ast.AugAssign, L: int, op: str) -> str:
        """a[i:j:k] op= x as CPython runs it: a, i, j, k once (hidden locals),
        v = a[i:j:k], then x, v = v op x (in place), a[i:j:k] = v."""
        t = s.target
        assert isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Slice)
        o, lo, hi, st, v = _slice_aug_names(s)
        out = ["(assign %d (local %s) %s)" % (L, o, self.expr(t.value))]
        parts = []
        for name, x in ((lo, t.slice.lower), (hi, t.slice.upper), (st, t.slice.step)):
            if x is None:
                parts.append("_")
            else:
                out.append("(assign %d (local %s) %s)" % (L, name, self.expr(x)))
                parts.append("(local %s)" % name)
        sl = "(slice (local %s) %s)" % (o, " ".join(parts))
        out.append("(assign %d (local %s) %s)" % (L, v, sl))
        out.append("(assign %d (local %s) (binop %s (local %s) %s))" % (
            L, v, op, v, self.expr(s.value)))
        out.append("(assign %d %s (local %s))" % (L, sl, v))
        self.assigned.update((o, lo, hi, st, v))
        return " ".join(out)

    def slice_ir(self, e: ast.Subscript) -> str:
        sl = e.slice
        assert isinstance(sl, ast.Slice)
        obj = self.expr(e.value)
        parts = [self.expr(x) if x is not None else "_" for x in (sl.lower, sl.upper, sl.step)]
        return "(slice %s %s)" % (obj, " ".join(parts))

    def del_target(self, t: ast.expr) -> str:
        if isinstance(t, ast.Name):
            if t.id in self.global_decls:
                return self.global_target(t.id)
            if t.id in self.nonlocals:
                return self.use_free(t.id) or "(local %s)" % t.id
            self.assigned.discard(t.id)       # a read after `del x` may find it unbound
            self.deleted.add(t.id)
            return "(local %s)" % t.id
        if isinstance(t, ast.Subscript):
            if isinstance(t.slice, ast.Slice):
                return self.slice_ir(t)
            return "(index %s %s)" % (self.expr(t.value), self.expr(t.slice))
        if isinstance(t, (ast.Tuple, ast.List)):
            return "(tuple %s)" % " ".join(self.del_target(x) for x in t.elts)
        if isinstance(t, ast.Attribute):
            return "(attr %s %s)" % (self.expr(t.value), t.attr)
        raise self.refuse(t, "'del' of %s" % type(t).__name__)

    def _range_args(self, it: ast.expr) -> Optional[List[ast.expr]]:
        """The arguments of `range(...)` (the builtin) as a for's iterable, else None."""
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and \
                it.func.id == "range" and self.is_builtin("range") and not it.keywords \
                and 1 <= len(it.args) <= 3 and \
                not any(isinstance(x, ast.Starred) for x in it.args):
            return list(it.args)
        return None

    def comprehension(self, e: Any) -> str:
        """A comprehension or generator expression: a nested function of its own
        scope (as CPython 3.11 compiles it) called with the first iterable, which is
        evaluated in the enclosing scope. A generator expression's function runs as
        a coroutine (pyrt/expr.lua: tdm_genexp), or is a step function returning
        one element per call (tdm_genstep), so it is lazy."""
        H = self.HIDDEN
        for sub in ast.walk(e):
            if isinstance(sub, ast.Name) and sub.id.startswith(H):
                raise self.refuse(sub, "the variable name %r (reserved by tandem)" % sub.id)
        kind = {ast.ListComp: "listcomp", ast.SetComp: "setcomp", ast.DictComp: "dictcomp",
                ast.GeneratorExp: "genexpr"}[type(e)]
        gens = e.generators
        if any(g.is_async for g in gens):
            raise self.refuse(e, "an async comprehension")

        def at(node: ast.AST) -> ast.AST:
            return ast.fix_missing_locations(ast.copy_location(node, e))

        def name(n: str, store: bool = False) -> ast.Name:
            return at(ast.Name(id=n, ctx=ast.Store() if store else ast.Load()))

        rng = self._range_args(gens[0].iter)
        if kind == "genexpr" and rng is not None:
            # a range checked at creation, iterated lazily (tdm_range)
            first = "(call (builtin tdm_range) %s)" % " ".join(self.expr(a) for a in rng)
            rng = None
        else:
            first = ""
        params = [H + "it"] if rng is None else [H + "a%d" % i for i in range(len(rng))]
        if kind == "listcomp":
            inner: List[ast.stmt] = [at(ast.Expr(value=_Raw(
                fmt="(method (local %sr) append %%s)" % H, args=[e.elt])))]
            init = "(list)"
        elif kind == "setcomp":
            inner = [at(ast.Expr(value=_Raw(
                fmt="(method (local %sr) add %%s)" % H, args=[e.elt])))]
            init = "(call (builtin set))"
        elif kind == "dictcomp":
            # the key is evaluated before the value (CPython 3.8+)
            inner = [at(ast.Assign(targets=[name(H + "k", True)], value=e.key)),
                     at(ast.Assign(targets=[at(ast.Subscript(value=name(H + "r"),
                                                             slice=name(H + "k"),
                                                             ctx=ast.Store()))],
                                   value=e.value))]
            init = "(dict)"
        else:
            inner = [at(ast.Expr(value=_Raw(fmt="(call (builtin tdm_yield) %s)",
                                            args=[e.elt])))]
            init = ""
            # one `for` and nothing that could keep the generator's variables alive
            # after a step (a lambda, a nested generator expression): a step
            # function returning the next element, cheaper than a coroutine
            parts = [e.elt, gens[0].target] + list(gens[0].ifs)
            if len(gens) == 1 and not any(isinstance(n, (ast.Lambda, ast.GeneratorExp))
                                          for p in parts for n in ast.walk(p)):
                kind = "genstep"
                inner = [at(ast.Return(value=e.elt))]
        for k in range(len(gens) - 1, -1, -1):
            g = gens[k]
            for cond in reversed(g.ifs):
                inner = [at(ast.If(test=cond, body=inner, orelse=[]))]
            if k > 0:
                it = g.iter
            elif rng is None:
                it = name(H + "it")
            else:
                it = at(ast.Call(func=name("range"), args=[name(p) for p in params],
                                 keywords=[]))
            inner = [at(ast.For(target=g.target, iter=it, body=inner, orelse=[]))]
        body = inner
        bound = sorted(_walrus_targets(e))
        if bound:
            # `:=` in a comprehension binds in the enclosing function (PEP 572)
            for n in bound:
                if n in self.global_decls:
                    raise self.refuse(e, "':=' in a comprehension assigning the global %r" % n)
            body = [at(ast.Nonlocal(names=bound))] + body
        if init:
            body = [at(ast.Assign(targets=[name(H + "r", True)],
                                  value=_Raw(fmt=init, args=[])))] + body + \
                   [at(ast.Return(value=name(H + "r")))]
        if kind == "genstep":
            body = body + [at(ast.Return(value=_Raw(fmt="(builtin tdm_stop)", args=[])))]
        fnode = at(ast.Lambda(args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg=p) for p in params], vararg=None,
            kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]), body=ast.Constant(None)))
        func = self.nested(fnode, "<%s>" % ("genexpr" if kind == "genstep" else kind), body)
        if rng is not None:
            first = " ".join(self.expr(a) for a in rng)
        elif not first:
            first = self.expr(gens[0].iter)
        if kind in ("genexpr", "genstep"):
            return "(call (builtin tdm_%s) (lambda %s) %s)" % (
                "genexp" if kind == "genexpr" else "genstep", func, first)
        return "(call (lambda %s) %s)" % (func, first)

    @staticmethod
    def _foldable(e: ast.expr) -> bool:
        """A constant expression CPython's compiler folds into a constant."""
        if isinstance(e, ast.Constant):
            return True
        if isinstance(e, ast.UnaryOp) and not isinstance(e.op, ast.Not):
            return _FuncTranslator._foldable(e.operand)
        if isinstance(e, ast.BinOp):
            return _FuncTranslator._foldable(e.left) and _FuncTranslator._foldable(e.right)
        if isinstance(e, ast.Tuple):
            return all(_FuncTranslator._foldable(x) for x in e.elts)
        return False

    def _frozen_consts(self) -> List[frozenset]:
        out: List[frozenset] = []
        stack = [self.fn.__code__]
        while stack:
            c = stack.pop()
            for k in c.co_consts:
                if isinstance(k, frozenset):
                    out.append(k)
                elif isinstance(k, types.CodeType):
                    stack.append(k)
        return out

    def set_display(self, e: ast.Set) -> str:
        if any(isinstance(x, ast.Starred) for x in e.elts):
            return self.star_display(e)
        if len(e.elts) > 2 and all(self._foldable(x) for x in e.elts):
            # CPython builds a frozenset constant (elements added in source order)
            # and merges it into a new set: its table order, not the source order.
            try:
                values = [eval(compile(ast.fix_missing_locations(ast.Expression(body=x)),
                                       self.file, "eval"), {"__builtins__": {}})
                          for x in e.elts]
            except Exception:
                raise self.refuse(e, "this constant set display") from None
            # the compiler's constant: frozenset(list(frozenset(source order)))
            mine = list(frozenset(list(frozenset(values))))
            same = [fs for fs in self._frozen_consts() if fs == frozenset(values)]
            # a constant loaded from a .pyc (or shared with an equal display) may
            # have another table order: the set's order is then unknown (refused)
            known = bool(same) and all(list(fs) == mine for fs in same)
            return "(call (builtin tdm_setconst) %s %s)" % (
                "(true)" if known else "(false)",
                " ".join(self.const(e, v) if not isinstance(v, tuple) else self.const_tuple(e, v)
                         for v in values))
        return "(call (builtin tdm_setof) %s)" % " ".join(self.expr(x) for x in e.elts)

    def const_tuple(self, node: Any, v: Any) -> str:
        if isinstance(v, tuple):
            return "(tuple %s)" % " ".join(self.const_tuple(node, x) for x in v)
        return self.const(node, v)

    def star_display(self, e: Any) -> str:
        """[*a, b], (*a, b), {*a, b}: built element by element in source order
        (an iterable is unpacked before the next element is evaluated, as CPython)."""
        kind = "list" if isinstance(e, ast.List) else "tuple" if isinstance(e, ast.Tuple) \
            else "set"
        acc = "(list)" if kind != "set" else "(call (builtin set))"
        for x in e.elts:
            if isinstance(x, ast.Starred):
                acc = "(call (builtin tdm_extend) %s %s)" % (acc, self.expr(x.value))
            else:
                acc = "(call (builtin tdm_append) %s %s)" % (acc, self.expr(x))
        if kind == "tuple":
            acc = "(call (builtin tdm_totuple) %s)" % acc
        return acc


# ---- the API ----------------------------------------------------------------

def to_ir(fn: Any) -> Tuple[str, List[types.FunctionType], List[List[Any]]]:
    """IR text for fn and every module-level function it reaches, the list of
    those functions (entry first) and their default values (IR constants)."""
    fn = check_function(fn)
    unit = _Unit()
    unit.add(fn)
    files = {f.fn.__code__.co_filename for f in unit.funcs}
    source = fn.__code__.co_filename
    text = "(module %s\n%s)" % (quote(source), "\n".join(unit.texts))
    del files
    _bridged[fn] = ["%s.%s: %s" % (getattr(v, "__module__", "?"), v.__qualname__, why)
                    for v, why in unit.opaque.values()]
    return text, [f.fn for f in unit.funcs]


# the global Python functions each translation calls through the bridge,
# with the reason each could not be translated (translated_source's header)
_bridged: "weakref.WeakKeyDictionary[Any, List[str]]" = weakref.WeakKeyDictionary()


class _Unitinfo:
    """What a loaded translation needs at run time (kept alive by the cache)."""

    def __init__(self, funcs: List[types.FunctionType]):
        self.funcs = funcs
        self.internal: List[Any] = []     # Lua functions (internal calling convention)
        self.entry: Any = None            # the Lua function handed to the user
        self.source = ""
        self.files: Dict[Tuple[str, int, str], str] = {}

    def file_of(self, filename: str, line: int, func: str) -> str:
        """The file of the code running line in function func, where an
        error of translated code was raised: the unit's chunks are named by
        its first function's file (filename), and a function of another
        module translated with it (`from textwrap import indent`) has its
        own file's lines. The file of the unit's one function (or nested
        function) named func whose lines hold line; filename when none or
        several files qualify."""
        key = (filename, line, func)
        f = self.files.get(key)
        if f is None:
            found = set()
            codes = [fn.__code__ for fn in self.funcs]
            while codes:
                c = codes.pop()
                codes.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
                if c.co_name != func:
                    continue
                lines = [ln for _, _, ln in c.co_lines() if ln is not None]
                if lines and min(lines + [c.co_firstlineno]) <= line <= max(lines):
                    found.add(c.co_filename)
            f = found.pop() if len(found) == 1 else filename
            self.files[key] = f
        return f


_MISSING = object()

# The Python types the runtime library has a value of its own for (a builtin
# type or exception class): type() of a Python object of exactly such a type
# answers with the runtime's value (pyrt/types.lua), so `type(x) is list`
# holds for a list that came from Python too.
_PYRT_TYPES: Dict[str, type] = {
    t.__name__: t for t in (int, float, str, bool, list, tuple, dict, set, frozenset,
                            range, type)}
_PYRT_TYPES.update((n, getattr(builtins, n)) for n in KNOWN_EXCEPTIONS)
# The types pyrt names without a builtin name (tname in pyrt/core.lua)
_NAMED_TYPES: Dict[str, type] = {
    t.__name__: t for t in (
        type(None), types.FunctionType, types.BuiltinFunctionType, types.GeneratorType,
        type(str.lower), type({}.keys()), type({}.values()), type({}.items()),
        type(iter([])), type(iter(())), type(iter("")), type(iter("é")), type(iter(range(0))),
        type(iter(set())), type(iter({})))}


# The math functions pyrt/pymath.lua runs natively: the genuine objects, by
# name (one replaced before tandem was imported is not genuine: left out;
# one replaced later is another object)
_NATIVE_MATH: Dict[str, Any] = {
    n: f for n, f in ((n, getattr(math, n)) for n in (
        "sqrt", "exp", "sin", "cos", "tan", "asin", "acos", "atan", "fabs", "floor", "ceil",
        "log2", "log10", "log", "fmod", "isnan", "isinf", "isfinite", "degrees", "radians",
        "trunc"))
    if isinstance(f, types.BuiltinFunctionType) and f.__module__ == "math" and f.__name__ == n}
# and heapq's C functions (pyrt/pyheapq.lua), when _heapq is there
_NATIVE_MATH.update(
    ("heapq." + n, f) for n, f in ((n, getattr(heapq, n, None)) for n in (
        "heappush", "heappop", "heapreplace", "heappushpop", "heapify",
        "_heapify_max", "_heapreplace_max", "_heappop_max"))
    if isinstance(f, types.BuiltinFunctionType) and f.__module__ == "_heapq")


def _keyinfo(o: Any) -> Any:
    """What dict key a Python object is in translated code (rt.pykey in
    pyrt/core.lua): the value it equals when its type keeps the equality and
    hash of int/float/str, a tagged text for a tuple ("T<len>"), a type the
    runtime has a value for ("P<name>"), bytes and ints past 64 bits (by
    value), "I" for identity equality; refused for other equalities."""
    t = type(o)
    if t is tuple:
        return "T%d" % len(o)
    if t is bytes:
        return "Y" + o.hex()
    if isinstance(o, type) and (_PYRT_TYPES.get(o.__name__) is o or
                                _NAMED_TYPES.get(o.__name__) is o):
        return "P" + o.__name__
    for base in (int, float, str):
        if isinstance(o, base) and t.__eq__ is base.__eq__ and t.__hash__ is base.__hash__:
            if base is str:
                return "S" + str.__str__(o)
            if base is float:
                return float(o)
            v = int(o)
            if -(1 << 63) <= v < (1 << 63):
                return v
            if abs(v) < (1 << 1024) and float(v) == v:
                return float(v)         # 2**70 and 2.0**70 are one key
            return "B%d" % v
    if t.__hash__ is None:
        raise TypeError("unhashable type: '%s'" % t.__name__)
    if t.__eq__ is object.__eq__ and t.__hash__ is object.__hash__:
        return "I"
    raise NotImplementedError("a dict key of type '%s' (tandem translation)" % t.__name__)


def _exc_class(cls: Any) -> Any:
    """The class an except clause names (a builtin's name, or the object: a
    class or a tuple of them)."""
    if isinstance(cls, str):
        return getattr(builtins, cls)
    if isinstance(cls, tuple):
        return tuple(_exc_class(c) for c in cls)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        raise TypeError("catching classes that do not inherit from BaseException is not "
                        "allowed")
    return cls


def _pytype(name: str) -> type:
    """The Python type of a pyrt type name."""
    t = _PYRT_TYPES.get(name) or _NAMED_TYPES.get(name) or getattr(builtins, name, None)
    if not isinstance(t, type):
        raise NotImplementedError("the type %s leaving translated code (tandem translation)"
                                  % name)
    return t
_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
    "pow": operator.pow, "lshift": operator.lshift, "rshift": operator.rshift,
    "bitand": operator.and_, "bitor": operator.or_, "bitxor": operator.xor,
    "neg": operator.neg, "pos": operator.pos, "invert": operator.invert, "abs": abs,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge,
    "ibitor": operator.ior, "ibitand": operator.iand, "isub": operator.isub,
    "ibitxor": operator.ixor, "iadd": operator.iadd, "imul": operator.imul,
    "itruediv": operator.itruediv, "ifloordiv": operator.ifloordiv, "imod": operator.imod,
    "ipow": operator.ipow, "ilshift": operator.ilshift, "irshift": operator.irshift,
}


def _setitem(o: Any, k: Any, v: Any) -> None:
    o[k] = v


def _delitem(o: Any, k: Any) -> None:
    del o[k]


def _not_iterable(t: type) -> bool:
    """CPython's test before its "must be an iterable" messages: no tp_iter
    and not a sequence (looked up on the type's own MRO: an IntEnum member's
    class has a metaclass __iter__)."""
    def has(name: str) -> bool:
        return any(name in vars(k) for k in t.__mro__)
    return not has("__iter__") and (not has("__getitem__") or issubclass(t, dict))


def _unpackiter(o: Any, star: Any) -> Any:
    """iter() for a, b = o or [*o]: CPython's messages."""
    try:
        return iter(o)
    except TypeError:
        t = type(o)
        if _not_iterable(t):
            raise TypeError(("Value after * must be an iterable, not %s" if star else
                             "cannot unpack non-iterable %s object")
                            % t.__name__) from None
        raise


def _stariter(o: Any) -> Any:
    """iter(o) for f(*o), or False when o is not iterable by CPython's test
    (pyrt/call.lua's rt.star then names f in the TypeError)."""
    try:
        return iter(o)
    except TypeError:
        if _not_iterable(type(o)):
            return False
        raise


_STANDINS = {"FunctionType": lambda: None, "GeneratorType": (_x for _x in ())}


_SEQS = (list, tuple, str, bytes, bytearray)


def _reflected_of(name: str, o: Any) -> Any:
    """o's type's __radd__ / __rmul__ (a number slot), or None: a
    sequence's repeat is no number slot to try."""
    f = getattr(type(o), name, None)
    if f is None or any(f is getattr(t, name, None) for t in _SEQS):
        return None
    return f


def _reflected(name: str, lst: Any, o: Any) -> Any:
    """o.__radd__(lst) / o.__rmul__(lst), or _MISSING when it returns
    NotImplemented (then the list's own in-place operation runs)."""
    r = _reflected_of(name, o)(o, lst)
    return _MISSING if r is NotImplemented else r


def _isinstance(o: Any, cls: Any) -> bool:
    return isinstance(o, getattr(builtins, cls) if isinstance(cls, str) else cls)


# The host operations of translated code that need no state (_Hooks._op),
# found with one dict lookup: the hot ones (next of an iterator, len,
# items, attributes, methods and operators of Python objects passed in)
# sat behind up to fifty string comparisons.
_C_DESCRIPTORS = (types.MethodDescriptorType, types.WrapperDescriptorType)


def _load_method(o: Any, name: str) -> Any:
    """o.name as CPython's LOAD_METHOD finds it for `o.name(...)`: a C
    method of o's type (not shadowed by the instance) called unbound, whose
    TypeErrors name the type as a bound method's do not ("set.union() takes
    no keyword arguments", "union() ..." bound); else getattr(o, name)."""
    t = type(o)
    for k in t.__mro__:
        ga = k.__dict__.get("__getattribute__")
        if ga is not None:
            if not isinstance(ga, types.WrapperDescriptorType):
                return getattr(o, name)         # a Python __getattribute__
            break
    for k in t.__mro__:
        d = k.__dict__.get(name, _MISSING)
        if d is not _MISSING:
            if isinstance(d, _C_DESCRIPTORS) and \
                    name not in getattr(o, "__dict__", {}):
                return functools.partial(d, o)
            break
    return getattr(o, name)


def _callobj(f: Any, *a: Any) -> Any:
    """A Python callable called by translated code (its result kept exact
    by _keep). A function that runs no Python code given numbers and
    strings (an operator, math or cmath function, a few builtins), called
    with them and giving one, tells the runtime so (_tandem._pure): the
    crossing then leaves the global and module attribute translated code
    read to reach it cached (docs/translation.md, "Globals"). Without it
    `operator.add(s, i)` in a loop read `operator` and `add` again at every
    call: three crossings instead of one."""
    r = f(*a)
    if f.__class__ is _BuiltinFn and (m := f.__self__).__class__ is types.ModuleType and (
            m.__name__ in _PURE_MODS or (m is builtins and f.__name__ in _PURE_BUILTINS)):
        if r.__class__ in _SCALARS:
            for x in a:
                if x.__class__ not in _SCALARS:
                    return r
            _pure()
    return r


def _compare(name: str, a: Any, b: Any) -> Any:
    """a OP b (pyrt's eq, ne, lt ... with a Python object operand). The
    generated code uses a comparison's result both as a value and as a Lua
    condition, so it must be False, True or a result whose truth is True
    (kept as the value: an __eq__ returning a string); a false result that
    is not False (0, '', an object whose __bool__ is false) or one whose
    truth raises (a numpy array) is refused: a Lua condition would take it
    as true."""
    r = _OPS[name](a, b)
    if r is True or r is False:
        return r
    try:
        if r:
            return r
    except Exception:
        pass
    raise NotImplementedError("a comparison (%s) whose result %s is not a bool and not true "
                              "(tandem translation)" % (name, type(r).__name__))


_BuiltinFn = types.BuiltinFunctionType
_PURE_MODS = frozenset(("_operator", "math", "cmath"))
_PURE_BUILTINS = frozenset(("abs", "ascii", "bin", "chr", "format", "hash", "hex", "len",
                            "max", "min", "oct", "ord", "pow", "repr", "round"))
_SCALARS = frozenset((int, float, str, bytes, bool, type(None)))
_PURE_OPS: Dict[str, Any] = {
    "callobj": _callobj,
    "op": lambda name, *a: _OPS[name](*a),
    "cmp": _compare,
    "contains": lambda c, x: x in c,
    "method": lambda o, name, *a: getattr(o, name)(*a),
    "getattr": getattr,                 # a method looked up before its arguments run
    "loadmethod": lambda o, name: _load_method(o, name),    # ... called with keywords
    "hasattr": hasattr,
    "getattr?": lambda o, name: getattr(o, name, _MISSING),  # pyrt/types.lua
    "setattr": setattr, "delattr": delattr, "callable": callable, "id": lambda o: _id_of(o),
    # the tests of `match` on a Python object (pyrt/match.lua, _matchlower)
    "displaymap": lambda m: {**m},      # {**m} of a Python object (pyrt/expr.lua)
    "matchseq": lambda *a: _match_seq(*a), "matchmap": lambda *a: _match_map(*a),
    "mapkeys": lambda *a: _map_keys(*a), "matchcls": lambda *a: _match_cls(*a),
    "is": lambda a, b: a is b,
    "isobj": lambda a, b: _is_objects(a, b),
    "len": len, "getitem": lambda o, k: o[k], "setitem": _setitem, "delitem": _delitem,
    "slice": lambda o, *a: o[slice(*a[:3])],
    "tname": lambda o: type(o).__name__, "isinstance": _isinstance,
    # isinstance(x, cls) of a translated function or generator: asked of a
    # function or generator standing for it (CPython's answer and errors)
    "issubtype": lambda name, cls: isinstance(_STANDINS[name], cls),
    # a Python object as an index (pyrt's rt.asindex): None when its type has no __index__
    "index?": lambda o: operator.index(o) if hasattr(type(o), "__index__") else None,
    # lst OP= o for a list translated code made: o's reflected method first,
    # as CPython's binary_iop1 tries it before the sequence slot
    "reflected?": lambda name, o: _reflected_of(name, o) is not None,
    "reflected": _reflected,
    "truth": bool, "repr": repr, "str": str, "hash": hash, "range": range,
    "iter": iter, "next": lambda it: next(it, _MISSING), "missing": lambda: _MISSING,
    "unpackiter": _unpackiter,
    "stariter": _stariter,
    "utf8": _tandem._utf8,      # the runtime passes strings as UTF-8 (rt.wraphook)
    "unpacks": _tandem._unpacks,    # the runtime unpacks returned tuples (rt.wraphook)
    # a tuple returned to a caller in Lua, as several results when the
    # runtime unpacks returned tuples (pyrt rt.exportres; _keep)
    "retvals": lambda t: _Results(t),
    # a Python object translated code returns to a caller in Lua: converted
    # by the bridge as a Python function's result (bytes a Lua string, an
    # int past 64 bits through the overflow_handler: pyrt rt.exportres)
    "retval": lambda v: _Result(v),
    "pyiter": lambda step: _pyiter(step),
    # the context manager protocol of `with` (_withlower, pyrt/types.lua)
    "withexit": lambda m: _with_exit(m),
    "withenter": lambda m: _with_special(m, "__enter__")(),
    "withexc": lambda *a: _with_exc(*a),
}


def _with_special(mgr: Any, name: str) -> Any:
    """mgr's special method name bound as CPython's _PyObject_LookupSpecial
    finds it (on the type, through its descriptor), or None."""
    t = type(mgr)
    for k in t.__mro__:
        d = k.__dict__
        if name in d:
            v = d[name]
            get = getattr(type(v), "__get__", None)
            return get(v, mgr, t) if get is not None else v
    return None


def _with_exc(clsname: str, filename: str, line: int, func: str, *args: Any) -> Any:
    """An exception of translated code given to __exit__: the Python
    exception, with the traceback of its raise at the translated line (as
    one escaping translated code has)."""
    exc = getattr(builtins, clsname)(*args)
    try:
        _raise_at(exc, filename, int(line), func)
    except BaseException:
        pass
    return exc


def _with_exit(mgr: Any) -> Any:
    """`with mgr`: __enter__ looked up, then __exit__, bound, as CPython
    3.11's BEFORE_WITH does. When one is missing CPython's own `with`
    gives its TypeError (its wording, the type's tp_name): it fails in
    BEFORE_WITH, before anything is called."""
    if _with_special(mgr, "__enter__") is not None:
        ex = _with_special(mgr, "__exit__")
        if ex is not None:
            return ex
    with mgr:
        pass
    raise TypeError("%r: a context manager without __enter__ or __exit__" % (mgr,))


_imports: Dict[Tuple[str, str, int], Tuple[types.CodeType, List[str]]] = {}


def _import(fn: Any, text: str, line: int) -> Any:
    """The import statement text of fn at line, run as CPython runs it in
    fn: __import__ with fn's globals (relative imports, a replaced
    builtins.__import__), IMPORT_FROM's fallback to sys.modules, its
    ImportError messages; a frame at fn's file and line in the traceback.
    Its value, or the tuple of its values (several names)."""
    filename = fn.__code__.co_filename
    key = (text, filename, line)
    got = _imports.get(key)
    if got is None:
        code = compile("\n" * (line - 1) + text, filename, "exec")
        got = _imports[key] = (code, _bound_names(ast.parse(text).body[0]))
    code, names = got
    ns: Dict[str, Any] = {}
    exec(code, fn.__globals__, ns)
    if len(names) == 1:
        return ns[names[0]]
    return tuple(ns[n] for n in names)


_TPFLAGS_SEQUENCE = 1 << 5
_TPFLAGS_MAPPING = 1 << 6
_MATCHERS: Dict[Any, Any] = {}


def _matcher(key: Any, case: str, values: str) -> Any:
    """A function running one `case` CPython compiles (its own MATCH_* code
    and errors), giving the captured values as a tuple, or None."""
    f = _MATCHERS.get(key)
    if f is None:
        src = ("def m(s, C):\n    match s:\n        case %s:\n            return (%s)\n"
               "    return None\n" % (case, values))
        ns: Dict[str, Any] = {}
        exec(compile(src, "<tandem match>", "exec"), ns)
        f = _MATCHERS[key] = ns["m"]
    return f


def _match_seq(s: Any, m: int, star: int, unpack: bool) -> Any:
    """[P, *Q, R] against a Python object (pyrt's B.tdm_matchseq)."""
    if not unpack:
        if not type(s).__flags__ & _TPFLAGS_SEQUENCE:
            return None
        if star < 0:
            return True if len(s) == m else None
        return True if m <= 1 or len(s) >= m - 1 else None
    names = ["_%d" % i for i in range(m)]
    case = ", ".join(("*" + n) if i == star else n for i, n in enumerate(names))
    return _matcher(("seq", m, star), "[%s]" % case, "".join(n + ", " for n in names))(s, None)


def _match_map(s: Any, n: int) -> bool:
    """MATCH_MAPPING, and len(s) >= n when n > 0 (pyrt's B.tdm_matchmap)."""
    if not type(s).__flags__ & _TPFLAGS_MAPPING:
        return False
    return n == 0 or len(s) >= n


def _map_keys(s: Any, keys: Any, rest: bool) -> Any:
    """MATCH_KEYS on a Python mapping (pyrt's B.tdm_mapkeys): the values of
    keys, then with rest a dict of the other items; None when one is missing."""
    keys = tuple(keys)
    out = []
    if keys:
        get = s.get
        seen: set = set()
        for k in keys:
            if k in seen:
                raise ValueError("mapping pattern checks duplicate key (%r)" % (k,))
            seen.add(k)
            v = get(k, _MISSING)
            if v is _MISSING:
                return None
            out.append(v)
    if rest:
        r: Dict[Any, Any] = {}
        r.update(s)
        for k in keys:
            del r[k]
        out.append(r)
    return tuple(out)


def _match_cls(s: Any, cls: Any, npos: int, *names: str) -> Any:
    """MATCH_CLASS (pyrt's B.tdm_matchcls): CPython's own, through a case
    C(_0, ..., name=_k, ...)."""
    n = npos + len(names)
    args = ["_%d" % i for i in range(npos)] + \
        ["%s=_%d" % (a, npos + i) for i, a in enumerate(names)]
    return _matcher(("cls", npos, names), "C(%s)" % ", ".join(args),
                    "".join("_%d, " % i for i in range(n)))(s, cls)


def _id_of(o: Any) -> int:
    """id(o) for a Python object translated code holds (pyrt's B.id): refused
    where CPython's caches and merged constants decide which object o is
    (as _is_objects), except the values CPython always caches."""
    t = type(o)
    if t is tuple or t is frozenset:
        if t is tuple and not o:
            return id(o)
        raise NotImplementedError("id() of a %s: which object it is, CPython's caches "
                                  "and merged constants decide (tandem translation)"
                                  % t.__name__)
    if t in _CACHED:
        # the object CPython's cache holds for the value (the bridge may
        # have made another one: its intern table)
        if t is int and -5 <= o <= 256:
            return id(int(o))
        if (t is str or t is bytes) and not o:
            return id(t())
        raise NotImplementedError("id() of %s %s: which object it is, CPython's caches "
                                  "and merged constants decide (tandem translation)"
                                  % ("an" if t is int else "a", t.__name__))
    return id(o)


def _is_objects(a: Any, b: Any) -> bool:
    """`a is b` for two Python objects translated code holds (pyrt's rt.is_):
    Python's answer, but refused where CPython's caches and constants made
    the objects (two equal ints, floats, strings or bytes of one type, two
    tuples or frozensets), since translated code made them otherwise."""
    if a is b:
        return True
    t = type(a)
    if t is type(b):
        if t is tuple or t is frozenset:
            raise NotImplementedError("'is' between two tuples or frozensets that are not "
                                      "one object (tandem translation)")
        if t in _CACHED and (a == b or a != a or b != b):
            raise NotImplementedError("'is' between two equal numbers or strings "
                                      "(tandem translation)")
    return False


_CACHED = (int, float, complex, str, bytes)


def _pyiter(step: Any) -> Any:
    """A lazy iterator of translated code (zip, map, enumerate ...) given
    to Python: a generator pulling each item from it (step: a translated
    entry giving the next item, exported, or _MISSING at the end)."""
    while True:
        v = step()
        if v is _MISSING:
            return
        yield v


class _Results(tuple):
    """A tuple _keep hands to the bridge as a tuple, unpacked or not as the
    runtime says (a translated function's result for a caller in Lua)."""


class _Result:
    """One value _keep hands to the bridge as it is, converted as a Python
    function's result is (a translated function's result for a caller in
    Lua: the bytes of `return s.encode()` a Lua string, an int past 64 bits
    through the runtime's overflow_handler)."""
    __slots__ = ("v",)

    def __init__(self, v: Any):
        self.v = v


_INT64 = range(-2 ** 63, 2 ** 63)
_COPIED = (float, str, bool, type(None))


def _keep(v: Any) -> Any:
    """v as it must enter translated code: bytes, ints beyond 64 bits and
    instances of subclasses of the scalar types stay Python objects (the
    converter would copy them into a Lua string or number), and so do
    tuples (a runtime made with unpack_returned_tuples=True would give a
    tuple's items as several values: `x = o.t` took the first item)."""
    t = type(v)
    if t in _COPIED:
        return v
    if t is int:
        return v if v in _INT64 else _as_object(v)
    if t is _Results:
        return tuple(v)
    if t is _Result:
        return v.v
    if isinstance(v, (int, float, str, bytes, tuple)):
        return _as_object(v)
    return v


_cache: Any = PerRuntime('cache')  # runtime -> {function: its _Unitinfo}
# runtime -> [the exception its translated code is handling, or None]: one
# cell shared by the hooks of all its units (rt.handle tells rt.H, the
# hook of the unit loaded last; a unit's code calls its own)
_handling: Any = PerRuntime('handling')
_sources: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
_units: "weakref.WeakSet[_Unitinfo]" = weakref.WeakSet()
_raisers: Dict[Tuple[str, int, str], types.CodeType] = {}


def _raise_at(exc: BaseException, filename: str, line: int, func: str) -> None:
    """Raise exc with a traceback entry at filename:line in function func."""
    key = (filename, line, func)
    code = _raisers.get(key)
    named = line >= 2 and func not in ("?", "")
    if code is None:
        if named:
            # a function raising at that line, named func (`<lambda>` too)
            src = "\n" * (line - 2) + "def _tdm_raiser():\n    raise __tandem_exc\n"
            fcode = next(c for c in compile(src, filename, "exec").co_consts
                         if isinstance(c, types.CodeType))
            code = fcode.replace(co_name=func, co_qualname=func)
        else:
            src = "\n" * max(line - 1, 0) + "raise __tandem_exc\n"
            code = compile(src, filename, "exec")
        _raisers[key] = code
    ns: Dict[str, Any] = {"__tandem_exc": exc}
    if named:
        types.FunctionType(code, ns)()
    exec(code, ns)


class LuaGenerator(collections.abc.Generator):
    """A generator of translated code that left it for Python: next(), send(),
    throw(), close() and iteration run the Lua generator (the same object
    translated code holds; each crossing makes a new wrapper over it)."""

    __slots__ = ("_step", "__name__", "__qualname__", "_owned")

    def __init__(self, step: Any, name: str, owned: bool = False):
        self._step = step
        self.__name__ = name.rpartition(".")[2]
        self.__qualname__ = name
        # owned: the only reference to a fresh generator whose closing runs
        # code (translate() below): dropping it closes it, as CPython's
        # reference count does; an exception is reported as unraisable
        self._owned = owned

    def __del__(self) -> None:
        if self._owned:
            self._owned = False
            self._step("close", None)

    def __iter__(self) -> "LuaGenerator":
        return self

    def __next__(self) -> Any:
        return self._step("send", None)

    def send(self, value: Any) -> Any:
        return self._step("send", value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is not None or tb is not None:
            raise NotImplementedError("throw() with a separate value or traceback on a "
                                      "translated generator (tandem translation)")
        if isinstance(typ, type):
            typ = typ()
        if not isinstance(typ, BaseException):
            raise TypeError("exceptions must be classes or instances deriving from "
                            "BaseException, not %s" % type(typ).__name__)
        return self._step("throw", typ)

    def close(self) -> Any:
        return self._step("close", None)

    @property
    def tandem_yield_point(self) -> Optional[str]:
        """The stable id "LINE:COL" of the yield point the generator is
        suspended at (docs/translation.md, "Yield points"), else None."""
        return self._step("where", None)

    def __repr__(self) -> str:
        return "<generator object %s at 0x%x (translated by tandem)>" % (self.__qualname__,
                                                                          id(self))


# CPython's messages name an object's type by its __name__ ("unsupported
# operand type(s) for +: 'dict' and 'generator'"): a translated generator's
# wrapper answers as a generator there (it said 'LuaGenerator' until the
# twenty-fifth fuzzing session); its class keeps its qualified name.
LuaGenerator.__name__ = "generator"


def _probe_path(h: int, mask: int, slot: int) -> List[int]:
    """The slots CPython's set probes for hash h before reaching `slot`
    (Objects/setobject.c: 9 linear probes, then perturbation)."""
    h &= (1 << 64) - 1
    perturb, i, path = h, h & mask, []
    for _ in range(64 * (mask + 1)):
        probes = 9 if i + 9 <= mask else 0
        for j in range(i, i + probes + 1):
            if j == slot:
                return path
            path.append(j)
        perturb >>= 5
        i = (i * 5 + 1 + perturb) & mask
    raise NotImplementedError("set table reconstruction (tandem translation)")


def _rebuild_set(mask: int, dummies: List[int], slots: List[int],
                 elems: List[Any]) -> Set[Any]:
    """A Python set iterating like a translated set: elements `elems` at table
    slots `slots` of a table of mask+1 slots with deleted entries at `dummies`
    (pyrt/set.lua keeps CPython's table). CPython has no way to lay out a table
    directly, so: grow the table to mask+1 slots with one update from a dict
    (CPython resizes once, to the power of 2 above twice the dict's size), hold
    the deleted slots that lie on an element's probe path with placeholder ints,
    add the elements so that each finds the slots before its own taken, then
    remove the placeholders. The result is kept only when it iterates in the
    translated set's order (else NotImplementedError)."""
    order = list(elems)
    at = dict(zip(slots, range(len(elems))))
    dset = set(dummies)
    deps: List[List[int]] = []
    holes: Set[int] = set()
    try:
        for sl, x in zip(slots, elems):
            path = _probe_path(hash(x), mask, sl)
            deps.append([at[j] for j in path if j in at])
            holes.update(j for j in path if j in dset)
    except NotImplementedError:
        deps = []
    candidates: List[Tuple[List[Any], List[Any]]] = [([], list(elems))]
    big = (mask + 1) << 40          # placeholder j + big: hash(p) & mask == j
    if deps:
        done: List[int] = []
        state: Dict[int, int] = {}

        def visit(k: int) -> None:
            stack = [(k, 0)]
            while stack:
                n, i = stack.pop()
                if i == 0:
                    if state.get(n):
                        continue
                    state[n] = 1
                if i < len(deps[n]):
                    stack.append((n, i + 1))
                    d = deps[n][i]
                    if not state.get(d):
                        stack.append((d, 0))
                elif state[n] == 1:
                    state[n] = 2
                    done.append(n)
        for k in range(len(elems)):
            visit(k)
        holders = [j + big for j in sorted(holes)]
        if not any(h in at for h in holders):
            candidates.append((holders, [elems[k] for k in done]))
    empty = [j for j in range(mask + 1) if j not in at and j not in dset]
    for holders, cand in candidates:
        seq = holders + cand
        for way in (0, 1):
            s: Set[Any] = set()
            extra: List[Any] = []
            if way == 0 or mask == 7:
                for a in seq:
                    s.add(a)
            else:
                lo = max(5, (mask + 1 + 3) // 4)
                hi = (mask + 1) // 2 - 1
                if lo > hi:
                    continue
                k = min(len(seq), hi)
                extra = [j + big for j in empty[:max(0, lo - k)]]
                if len(extra) < lo - k:
                    continue
                s.update(dict.fromkeys(extra + seq[:k]))
                for a in seq[k:]:
                    s.add(a)
            for h in extra + holders:
                s.discard(h)
            if list(s) == order:
                return s
    raise NotImplementedError("a set whose order CPython would not rebuild leaving "
                              "translated code (tandem translation)")


def _snapshot(o: Any) -> List[Any]:
    return list(o.items()) if isinstance(o, dict) else list(o)


def _same_items(now: List[Any], then: List[Any], pairs: bool) -> bool:
    if len(now) != len(then):
        return False
    if pairs:
        return all(a[0] is b[0] and a[1] is b[1] for a, b in zip(now, then))
    return all(a is b for a, b in zip(now, then))


def _holds(o: Any, ids: Set[int], seen: Set[int]) -> bool:
    """Does container o hold (at any depth) an object whose id is in ids?"""
    if id(o) in seen:
        return False
    seen.add(id(o))
    items = o.items() if isinstance(o, dict) else o
    for x in items:
        for y in (x if isinstance(o, dict) else (x,)):
            if id(y) in ids or (isinstance(y, (list, tuple, dict, set, frozenset))
                                and _holds(y, ids, seen)):
                return True
    return False


def _same_item(now: Any, then: Any) -> bool:
    """Is now (an item of a Python object a container became) still then
    (the value it was given: a str, int or float arrives as a new object)?"""
    if now is then:
        return True
    t = type(now)
    if t is not type(then) or t not in (str, int, float, bool, bytes):
        return False
    if t is float:
        return now.hex() == then.hex() or (now != now and then != then)
    return bool(now == then)


def _refill(obj: Any, nold: int, *items: Any) -> Any:
    """The Python object a list or dict translated code made became, when
    the container leaves again (pyrt rt.refilled): given the container's
    items now, unless Python changed it since it was given the nold items
    (refused: translated code would not see Python's change)."""
    old, new = items[:nold], items[nold:]
    if isinstance(obj, dict):
        now = list(obj.items())
        same = len(now) == len(old) // 2 and all(
            _same_item(k, old[2 * i]) and _same_item(v, old[2 * i + 1])
            for i, (k, v) in enumerate(now))
    else:
        same = len(obj) == len(old) and all(_same_item(x, y) for x, y in zip(obj, old))
    if not same:
        raise NotImplementedError(
            "a %s translated code made, changed by Python, leaving translated code again "
            "(translated code does not see Python's change) (tandem translation)"
            % type(obj).__name__)
    if isinstance(obj, dict):
        obj.clear()
        obj.update(zip(new[0::2], new[1::2]))
    else:
        obj[:] = new
    return obj


_CHANGED = object()      # "checked"'s result when copies are to be copied back


def _checked(reg: List[Any], exempt: Tuple[Any, ...], run: Any,
             changed: Optional[List[Any]] = None) -> Any:
    """run() given the copies in reg (lists, dicts, sets translated code made,
    exported for the call: pyrt/hostcall.lua). A copy the callee changed or
    kept a reference to would leave translated code with a container CPython
    would have changed: NotImplementedError (a refusal) after the call. The
    exempt ones (displays) may be kept, but not with a checked copy inside;
    so may a tuple (immutable), unless it holds a checked copy
    (`out.append((inner,))`: CPython's out would hold inner itself).
    With changed (a list): a list or dict the callee changed but did not
    keep, or gave back as its result, is put there instead, for translated
    code to copy its items back (pyrt/hostcall.lua, rt.copyback)."""
    tuples = [o for o in reg if type(o) is tuple]
    if tuples:
        reg = [o for o in reg if type(o) is not tuple]
        exempt = exempt + tuple(tuples)
    snaps = [(o, _snapshot(o)) for o in reg]
    esnaps = [(e, _snapshot(e)) for e in exempt if type(e) in (list, dict, tuple)]
    counts = [sys.getrefcount(o) for o, _ in snaps]
    ecounts = [sys.getrefcount(e) for e in exempt]
    try:
        r = run()
    except BaseException:
        # (its traceback's frames hold the arguments: the counts say
        # nothing, the contents still do)
        _check_after(snaps, esnaps, counts, counts, exempt, ecounts, ecounts, None, None)
        raise
    after = [sys.getrefcount(o) for o, _ in snaps]
    eafter = [sys.getrefcount(e) for e in exempt]
    _check_after(snaps, esnaps, counts, after, exempt, ecounts, eafter, changed, r)
    return r


def _references(snaps: List[Any], ids: Set[int]) -> Dict[int, int]:
    """id -> how many references the items of the snapshots (a dict's:
    (key, value) pairs) hold to the object of that id, for the ids given."""
    n: Dict[int, int] = {}
    for h, items in snaps:
        for x in (y for kv in items for y in kv) if type(h) is dict else items:
            i = id(x)
            if i in ids:
                n[i] = n.get(i, 0) + 1
    return n


def _check_after(snaps: List[Any], esnaps: List[Any], counts: List[int], after: List[int],
                 exempt: Tuple[Any, ...], ecounts: List[int], eafter: List[int],
                 changed: Optional[List[Any]], r: Any) -> None:
    """_checked's verdict on the copies after the call (changed None: the
    callee raised, or no copy back: every change refused). esnaps: the
    displays' items before the call."""
    reg = [o for o, _ in snaps]
    ids = {id(o) for o in reg}
    held = ids and any(c1 > c0 and _holds(e, ids, set())
                       for e, c0, c1 in zip(exempt, ecounts, eafter))
    nows = [_snapshot(o) for o in reg]
    enows = [_snapshot(e) for e, _ in esnaps]
    # references gained or lost by the copies' and the displays' items: the
    # (copied back) copies mirror the containers translated code holds, and
    # a display that let go of a copy gave it to someone (a callee moving it
    # from a display into a list it keeps); counted in one pass each
    before = _references(snaps + esnaps, ids)
    now_refs = _references([(h, n) for (h, _), n in zip(snaps + esnaps, nows + enows)], ids)
    for (o, then), now, c0, c1 in zip(snaps, nows, counts, after):
        kind = type(o).__name__
        mine = changed is not None and type(o) in (list, dict)
        c1 -= now_refs.get(id(o), 0) - before.get(id(o), 0)
        if mine:
            c1 -= r is o    # the result: mapped back to the container
        if c1 > c0 or held:
            raise NotImplementedError(
                "a Python callable kept a %s translated code made (it holds a copy) "
                "(tandem translation)" % kind)
        if isinstance(o, set):
            diff = len(now) != len(then) or {id(x) for x in now} != {id(x) for x in then}
        else:
            diff = not _same_items(now, then, isinstance(o, dict))
        if mine and (diff or r is o):
            changed.append(o)
        elif diff:
            raise NotImplementedError(
                "a Python callable changed a %s translated code made (the change "
                "would be lost on a copy) (tandem translation)" % kind)


class _Hooks:
    """The Python side of translated code: global reads at call time, values
    leaving translated code, exceptions raised into Python."""

    def __init__(self, info: _Unitinfo, handling: Optional[List[Any]] = None,
                 lua: Any = None):
        self.info = weakref.ref(info)
        self.lua = weakref.ref(lua) if lua is not None else None
        self.handling = [None] if handling is None else handling
        self.stop: Any = None               # StopIteration.value of the last "resume"
        self.reg: Optional[List[Any]] = None    # copies for the next "checked" call
        self.changed: Any = None    # (copies a "checked" call changed, its result)

    def _luaerror(self, v: Any) -> BaseException:
        """The exception Python code gets when Lua code it calls raises v:
        v raised through the bridge (the bridge's message and lua_value).
        (No Lua function kept for it: the hooks would hold the runtime.)"""
        lua = self.lua() if self.lua is not None else None
        if lua is None:
            raise RuntimeError("the LuaRuntime of translated code is gone")
        try:
            lua.execute("error(..., 0)", v)
        except Exception as e:      # noqa: BLE001 — the bridge's exception is the answer
            e.__traceback__ = None
            return e
        raise RuntimeError("error() returned")

    def function(self) -> Any:
        """The hook as translated code calls it: a plain function (a call
        from C of a function is cheaper than of an instance's __call__),
        the stateless operations looked up first."""
        pure, keep = _PURE_OPS, _keep
        handling = self.handling

        def H(op: str, *args: Any) -> Any:
            if handling[0] is not None or op == "handling":
                return handled(op, args)
            f = pure.get(op)
            if f is not None:
                return keep(f(*args))
            return keep(self._op(op, *args))    # (looked up: tests count its calls)

        def handled(op: str, args: Any) -> Any:
            # translated code is in an except clause (rt.handle, pyrt/core.lua):
            # Python code it calls runs inside one handling the same exception,
            # as in CPython (sys.exc_info(), logging.exception, a bare raise,
            # the __context__ of what it raises)
            if op == "handling":
                handling[0] = args[0]
                return None
            exc = handling[0]
            tb, ctx = exc.__traceback__, exc.__context__
            try:
                raise exc
            except BaseException:
                f = pure.get(op)
                if f is not None:
                    return keep(f(*args))
                return keep(self._op(op, *args))
            finally:
                exc.__traceback__ = tb
                exc.__context__ = ctx
        return H

    def registered(self, copy: Any) -> Any:
        if self.reg is not None:
            self.reg.append(copy)
        return copy

    def _op(self, op: str, *args: Any) -> Any:
        f = _PURE_OPS.get(op)
        if f is not None:       # the operations that need no state: one lookup
            return f(*args)
        if op == "reg":         # the containers exported from now on are registered
            self.reg = []
            return None
        if op == "checked":     # (n, exempt1..n, op, args...): copies of containers
            reg, self.reg = self.reg or [], None
            ne = int(args[0])
            exempt = args[1:1 + ne]
            reg = [o for o in reg if not any(o is e for e in exempt)]
            changed: List[Any] = []
            r = _checked(reg, exempt, lambda: self._op(*args[1 + ne:]), changed)
            if not changed:
                return r
            # the copies to copy back, then the result: rt.copyback asks
            self.changed = (changed, r)
            return _CHANGED
        if op == "changedmark":
            return _CHANGED
        if op == "changed":     # (rt.copyback) the number of copies, or the result
            ch = self.changed
            if args:
                self.changed = None
                return ch[1] if ch is not None else None
            return len(ch[0]) if ch is not None else 0
        if op == "changedat":   # copy i: itself, and its items (a dict's flattened)
            o = self.changed[0][int(args[0])]
            return [x for kv in o.items() for x in kv] if isinstance(o, dict) else list(o)
        if op == "changedobj":
            return self.changed[0][int(args[0])]
        info = self.info()
        if op == "global":
            fi, name = args
            fn = info.funcs[int(fi)]
            v = fn.__globals__.get(name, _MISSING)
            if v is _MISSING:
                v = getattr(builtins, name, _MISSING)
                if v is _MISSING:
                    raise NameError("name %r is not defined" % name)
            for i, f in enumerate(info.funcs):
                if v is f:
                    return info.internal[i]
            return v
        if op == "list":
            return self.registered(list(args))
        if op == "set":
            mask, nd = int(args[0]), int(args[1])
            rest = args[2 + nd:]
            return self.registered(_rebuild_set(mask, list(args[2:2 + nd]), list(rest[0::2]),
                                                list(rest[1::2])))
        if op == "setslice":
            args[0][slice(*args[1:4])] = args[4]
            return None
        if op == "delslice":
            del args[0][slice(*args[1:4])]
            return None
        if op == "frozenset":
            # args[0]: the set rebuilt in the translated order; frozenset(s) copies its
            # table (or re-inserts in its order): keep it only when the order survives
            for fs in (frozenset(args[0]), frozenset(list(args[0]))):
                if list(fs) == list(args[0]):
                    return fs
            raise NotImplementedError("a frozenset whose order CPython would not rebuild "
                                      "leaving translated code (tandem translation)")
        if op == "import":      # a function-local import statement (import_stmt)
            fi, text, line = args
            return _import(info.funcs[int(fi)], text, int(line))
        if op == "setglobal":
            fi, name, v = args
            info.funcs[int(fi)].__globals__[name] = v
            return None
        if op == "delglobal":
            fi, name = args
            g = info.funcs[int(fi)].__globals__
            if name not in g:
                raise NameError("name %r is not defined" % name)
            del g[name]
            return None
        if op == "newexc":
            return getattr(builtins, args[0])(*args[1:])
        if op == "excnorm":     # (v[, cause]): a Python exception object raised
            #                     (or given as a cause) by translated code
            v = args[0]
            if isinstance(v, type) and issubclass(v, BaseException):
                return v()
            if isinstance(v, BaseException):
                return v
            raise TypeError("exception causes must derive from BaseException" if len(args) > 1
                            else "exceptions must derive from BaseException")
        if op == "setctx":      # (exc, has cause, cause, context): rt.pyexc
            exc, hascause, cause, context = args
            if hascause:
                exc.__cause__ = cause
                exc.__suppress_context__ = True
            if context is not None:
                exc.__context__ = context
            return None
        if op == "raiseobj":    # (exc, file, line, func): rt.reraise of an exception
            #                     with a cause or a context; Python's raise would
            #                     replace the context by the handled exception of
            #                     the Python code that called translated code
            exc, filename, line, func = args
            ctx = exc.__context__
            info = self.info()
            if info is not None:
                filename = info.file_of(filename, int(line), func)
            try:
                _raise_at(exc, filename, int(line), func)
            except BaseException as e:
                if e is exc and ctx is not None:
                    e.__context__ = ctx
                raise
        if op == "refill":      # a list or dict leaving again (pyrt rt.refilled)
            return self.registered(_refill(args[0], int(args[1]), *args[2:]))
        if op == "tuple":       # registered: kept, it may hold a checked copy (_checked)
            return self.registered(tuple(args))
        if op == "dict":
            return self.registered(dict(zip(args[0::2], args[1::2])))
        if op == "raise":
            clsname, filename, line, func = args[:4]
            cls = getattr(builtins, clsname)
            info = self.info()
            if info is not None:
                filename = info.file_of(filename, int(line), func)
            _raise_at(cls(*args[4:]), filename, int(line), func)
        if op == "luaerror":    # a Lua error value caught by translated code (rt.asexc)
            return self._luaerror(args[0])
        if op == "excmatch":
            exc, cls = args
            if isinstance(exc, NotImplementedError) and str(exc).endswith(
                    "(tandem translation)"):
                return False        # a refusal: no except of translated code catches it
            return isinstance(exc, _exc_class(cls))
        if op == "excsub":      # does a runtime exception of class args[0] match args[1]?
            return issubclass(getattr(builtins, args[0]), _exc_class(args[1]))
        if op == "type":        # a type pyrt has a value for: its name
            t = type(args[0])
            return t.__name__ if _PYRT_TYPES.get(t.__name__) is t else t
        if op == "typeobj":
            return _pytype(args[0])
        if op == "pyconst":     # a constant the runtime has no value for
            kind, text = args
            return bytes.fromhex(text) if kind == "bytes" else \
                int(text) if kind == "int" else \
                Ellipsis if kind == "ellipsis" else complex(text)
        if op == "ismodule":    # pyrt/pymath.lua: may its attributes be kept?
            return isinstance(args[0], types.ModuleType)
        if op == "modattr?":    # a module's own attribute (no __getattr__), or missing
            o, name = args
            if name.startswith("__"):
                return _MISSING
            return vars(o).get(name, _MISSING)
        if op == "natfunc":     # a math function pyrt runs natively (pyrt/pymath.lua)
            return _NATIVE_MATH.get(args[0])
        if op == "keyinfo":     # a Python object as a dict key (rt.pykey)
            return _keyinfo(args[0])
        if op == "pybuiltin":
            v = getattr(builtins, args[0], None)
            if v is None:
                raise NotImplementedError("the builtin %s leaving translated code "
                                          "(tandem translation)" % args[0])
            return v
        if op == "pyfunc":
            for unit in list(_units):
                for i, f in enumerate(unit.internal):
                    if f is args[0]:
                        return unit.funcs[i]
            raise NotImplementedError("a builtin function leaving translated code "
                                      "(tandem translation)")
        if op == "call":
            return getattr(builtins, args[0])(*args[1:])
        if op == "builtin":
            return getattr(builtins, args[0])
        if op == "resume":          # next(it) or it.send(v): _MISSING when it stopped
            it, v = args
            try:
                return next(it) if v is None else it.send(v)
            except StopIteration as e:
                self.stop = e.value
                return _MISSING
        if op == "stopvalue":
            v, self.stop = self.stop, None
            return v
        if op == "throw":           # it.throw(exc) for yield from, _MISSING when it stopped
            it, exc = args[:2]
            if len(args) > 2:
                exc = getattr(builtins, args[2])(*args[3:])
            throw = getattr(it, "throw", None)
            if throw is None:
                raise exc
            try:
                return throw(exc)
            except StopIteration as e:
                self.stop = e.value
                return _MISSING
        if op == "close":
            close = getattr(args[0], "close", None)
            if close is not None:
                close()
            return None
        if op == "generator":
            return LuaGenerator(args[0], args[1])
        if op == "unraisable":
            # an exception of a generator closed when its loop was left: CPython
            # reports it through sys.unraisablehook; so does a generator here
            exc = args[0]
            if not isinstance(exc, BaseException):
                cls = getattr(builtins, str(exc), None)
                if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                    cls = RuntimeError
                exc = cls(*args[1:])

            def _finalized() -> Any:
                try:
                    yield None
                finally:
                    raise exc
            g = _finalized()
            next(g)
            del g
            return None
        if op == "pyver":
            return sys.version_info[1]
        if op == "default" or op == "kwdefault":
            fn = info.funcs[int(args[0])]
            v = fn.__defaults__[int(args[1])] if op == "default" else \
                fn.__kwdefaults__[args[1]]
            for i, f in enumerate(info.funcs):
                if v is f and i < len(info.internal):
                    # (a function of the unit as a default is read while the
                    # unit loads, before its Lua functions exist: then the
                    # Python function, called through the bridge)
                    return info.internal[i]
            return v
        if op == "cell" or op == "setcell":
            # a free variable of a translated Python closure: its cell
            fn = info.funcs[int(args[0])]
            cell = fn.__closure__[fn.__code__.co_freevars.index(args[1])]
            if op == "setcell":
                cell.cell_contents = args[2]
                return None
            try:
                v = cell.cell_contents
            except ValueError:
                raise NameError("cannot access free variable %r where it is not associated "
                                "with a value in enclosing scope" % args[1]) from None
            for i, f in enumerate(info.funcs):
                if v is f:
                    return info.internal[i]
            return v
        if op == "callkw":
            # (f, npos, pos..., name1, value1, ...): a call with keywords
            f, npos = args[0], int(args[1])
            rest = args[2:]
            pos = rest[:npos]
            kw = dict(zip(rest[npos::2], rest[npos + 1::2]))
            return f(*pos, **kw)
        if op == "print":
            text, file, flush = args
            out = sys.stdout if file is None else file
            if out is None:
                return None
            out.write(text)
            if flush:
                out.flush()
            return None
        if op == "methodkw":
            # (o, name, npos, pos..., name1, value1, ...)
            o, name, npos = args[0], args[1], int(args[2])
            rest = args[3:]
            kw = dict(zip(rest[npos::2], rest[npos + 1::2]))
            return _load_method(o, name)(*rest[:npos], **kw)
        if op == "kwitems":
            # f(**m) with a Python mapping m: its keys and values, flat (False:
            # not a mapping, as CPython's test for a keys() method)
            m = args[0]
            if not hasattr(type(m), "keys"):
                return False
            return [x for k in m.keys() for x in (k, m[k])]
        if op == "typename":
            return type(args[0]).__name__
        if op == "funcstr":
            return _funcstr(args[0])
        if op == "none":
            return None
        raise ValueError("tandem translation hook: unknown operation %r" % op)


def _funcstr(f: Any) -> str:
    """How CPython names a callable in call errors (_PyObject_FunctionStr)."""
    try:
        qual = f.__qualname__
    except AttributeError:
        return str(f)
    mod = getattr(f, "__module__", None)
    if mod is not None and mod != "builtins":
        return "%s.%s()" % (mod, qual)
    return "%s()" % (qual,)


# Per runtime: rt.kwcall of its translation runtime library (a Lua function).
_kwcalls: Any = PerRuntime('kwcalls')


def call_kw(entry: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any], lua: Any) -> Any:
    """Call a translated function's entry (a Lua function proxy of runtime
    lua) with keyword arguments, bound with Python's rules inside the Lua
    runtime. Returns NotImplemented when entry is not a translated function
    (plain Lua functions take no keyword arguments). The Python adapter calls
    this for a Lua function proxy called with keywords (pproxy.c)."""
    kwcall = _kwcalls.get(lua)
    if kwcall is None:
        return NotImplemented
    flat: List[Any] = []
    for k, v in kwargs.items():
        flat.append(k)
        flat.append(v)
    r = kwcall(entry, len(args), *args, *flat)
    if isinstance(r, tuple) and len(r) == 2 and r[0] is True:
        return r[1]
    return NotImplemented


def _lua_type(v: Any) -> Any:
    from . import lua_type
    return lua_type(v)


def translate(lua: Any, fn: Any) -> Any:
    """LuaRuntime.translate(fn): a Lua function running fn natively in lua;
    for a Lua function fn, a Python function running its translation
    (tandem._luaback)."""
    if not isinstance(fn, types.FunctionType) and _lua_type(fn) == 'function':
        from . import _luaback
        return _luaback.translate_lua(lua, fn)
    per_rt = _cache.get(lua)
    if per_rt is None:
        per_rt = {}
        _cache[lua] = per_rt
    info = per_rt.get(fn)
    if info is not None and info.funcs[0] is fn:
        return info.entry
    text, funcs = to_ir(fn)
    if getattr(lua, "_encoding", "UTF-8") is None:
        # translated code's strings are Lua strings; with encoding=None a
        # Python str is a Python object in Lua, and every name it asks of
        # the host would arrive as bytes
        raise TranslationError("%s: translating a Python function needs a runtime that "
                               "passes str as Lua strings; this one was made with "
                               "encoding=None" % fn.__qualname__)
    info = _Unitinfo(funcs)
    try:
        cell = _handling.get(lua)
        if cell is None:
            cell = _handling[lua] = [None]
        res = lua._load_ir(text, _Hooks(info, cell, lua).function(), sys.getrecursionlimit())
    except Exception as e:
        if type(e).__name__ == "LuaError":
            raise TranslationError(str(e)) from None
        raise
    internal, entries, source = res
    info.internal = [internal[i + 1] for i in range(len(funcs))]
    info.entry = entries[1]
    lua._mark_translated(info.entry)
    if _global_cleanup(fn):
        info.entry = _owning_entry(fn, info.entry)
    if lua not in _kwcalls:
        # called by Python as the entries are: keeping the GIL (the kept
        # path, pxlate.c), bytes and big ints crossing as objects
        kwcall = entries[0]
        lua._mark_translated(kwcall, True)
        _kwcalls[lua] = kwcall
    bridged = _bridged.get(fn) or []
    if bridged:
        source = "".join("-- called through the bridge (not translated): %s\n"
                         % line.replace("\n", " ") for line in bridged) + source
    info.source = source
    per_rt[fn] = info
    _units.add(info)
    _sources[fn] = source
    return info.entry


def _owning_entry(fn: types.FunctionType, entry: Any) -> Any:
    """The entry of a generator function whose closing runs code: Python
    holds the generator each call makes through a wrapper of its own, that
    nothing in Lua references, so dropping it closes the generator then."""
    def owning(*args: Any, **kwargs: Any) -> Any:
        g = entry(*args, **kwargs)
        if type(g) is LuaGenerator:
            g = LuaGenerator(g._step, g.__qualname__, owned=True)
        return g
    functools.update_wrapper(owning, fn)
    owning.__wrapped__ = entry          # type: ignore[attr-defined]
    return owning


def translated_source(fn: Any) -> str:
    """The Lua source tandem generated for fn (after LuaRuntime.translate)."""
    src = _sources.get(fn) if isinstance(fn, types.FunctionType) else None
    if src is None:
        from . import _luaback
        src = _luaback.translated_source(fn)
    if src is None:
        raise TranslationError("%r has not been translated" % (fn,))
    return src


def ir_text(fn: Any) -> str:
    """The IR text of fn (for inspection and tests)."""
    return to_ir(fn)[0]
