"""Python front end of tandem's translator (docs/translation.md).

A Python function becomes IR text (the neutral S-expression form parsed and
validated by bridge/ir.c); the Lua adapter turns that IR into Lua source
running on a Python-semantics runtime library (adapters/lua/pyrt/).

The rule: anything this front end cannot translate *exactly* raises
TranslationError naming the construct and its file:line. Never a guess.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import operator
import sys
import textwrap
import traceback
import types
import weakref
from typing import Any, Dict, List, Optional, Set, Tuple

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
    "reversed", "any", "all", "sorted", "isinstance", "next", "iter",
}
# Exception classes the runtime library knows (with Python's hierarchy).
KNOWN_EXCEPTIONS = {
    "BaseException", "Exception", "ArithmeticError", "ZeroDivisionError",
    "OverflowError", "LookupError", "KeyError", "IndexError", "ValueError",
    "TypeError", "NameError", "UnboundLocalError", "AssertionError",
    "RuntimeError", "NotImplementedError", "RecursionError", "AttributeError",
    "StopIteration", "GeneratorExit",
}
# Methods the runtime library dispatches by receiver type at run time.
KNOWN_METHODS = {
    "append", "pop", "insert", "extend", "index", "count", "reverse", "copy",
    "clear", "get", "keys", "values", "items", "setdefault", "sort",
    "upper", "lower", "strip", "lstrip", "rstrip", "startswith", "endswith",
    "find", "replace", "split", "join", "isdigit", "send", "throw", "close",
}

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


class _Unit:
    """A translation unit: the entry function and every module-level Python
    function it reaches, each translated once."""

    def __init__(self) -> None:
        self.funcs: List[_Func] = []
        self.by_fn: Dict[int, _Func] = {}
        self.texts: List[str] = []
        self.names: Set[str] = set()

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
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError) as e:
        raise TranslationError("%s:%d: the source of %s is not available (%s); tandem "
                               "translates from source" % (filename, code.co_firstlineno,
                                                           fn.__qualname__, e)) from None
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
                node.name == fn.__name__:
            return node, filename
        if isinstance(node, ast.Lambda):
            raise TranslationError("%s:%d: lambda is not supported by the translator yet"
                                   % (filename, node.lineno))
    raise TranslationError("%s:%d: cannot find the definition of %s in its source"
                           % (filename, code.co_firstlineno, fn.__qualname__))


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
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assigned.add(node.name)
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            continue
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            continue
        if isinstance(node, ast.ClassDef):
            assigned.add(node.name)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return assigned, nonlocals


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
        self.unit = unit
        self.f = f
        self.fn = f.fn                      # the module-level function (its globals)
        self.enclosing = enclosing          # the enclosing function scope, or None
        self.file = self.fn.__code__.co_filename
        self.globals_used: List[str] = enclosing.globals_used if enclosing else []
        self.locals: List[str] = []
        self.free: List[str] = []           # names of enclosing scopes used here
        self.nonlocals: Set[str] = set()
        self.cells: Set[str] = set()        # locals that nested functions use
        self.assigned: Set[str] = set()     # definitely assigned at this point
        self.loop_depth = 0
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
        if fn.__closure__ or code.co_freevars:
            raise TranslationError("%s:%d: closures (free variables %s) are not supported "
                                   "by the translator yet"
                                   % (self.file, code.co_firstlineno,
                                      ", ".join(code.co_freevars)))
        node, _ = _source_of(fn)
        if isinstance(node, ast.AsyncFunctionDef):
            raise self.refuse(node, "async def")
        if node.decorator_list:
            raise self.refuse(node.decorator_list[0], "a decorated function")
        a = node.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs:
            raise self.refuse(node, "*args, **kwargs, keyword-only and positional-only "
                                    "parameters")
        params = [p.arg for p in a.args]
        defaults = []
        for d in (fn.__defaults__ or ()):
            defaults.append(self.const_default(node, d))
        for stmt in node.body:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Global):
                    raise self.refuse(sub, "'global'")
        return self.func_ir(node, self.f.irname, params, defaults, node.body)

    def func_ir(self, node: Any, irname: str, params: List[str], defaults: List[str],
                body: List[ast.stmt]) -> str:
        """The (func ...) IR of a function scope (module-level or nested)."""
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]             # docstring
        assigned, nonlocals = _scope_names(body)
        for name in nonlocals:
            if self.enclosing is None or self.enclosing.resolve(name) is None:
                raise self.refuse(node, "'nonlocal %s' without an enclosing binding" % name)
        self.nonlocals = nonlocals
        local_set = (set(params) | assigned) - nonlocals
        for name in local_set:
            if not name.isascii():
                raise self.refuse(node, "the non-ASCII variable name %r" % name)
        self.locals = params + sorted(local_set - set(params))
        self.free = sorted(nonlocals)
        self.assigned = set(params)
        stmts = self.block(body)
        if len(self.locals) > 150:
            raise self.refuse(node, "a function with more than 150 local variables")
        return "(func %s %d (params %s) (defaults %s) (vars %s) (cells %s) (free %s) " \
               "(globals %s) (flags%s) %s)" % (
                   irname, node.lineno, " ".join(params), " ".join(defaults),
                   " ".join(self.locals), " ".join(sorted(self.cells)), " ".join(self.free),
                   " ".join(self.globals_used), " gen" if _is_generator(body) else "", stmts)

    def resolve(self, name: str) -> "Optional[_FuncTranslator]":
        """The function scope (this one or an enclosing one) where name is local."""
        t: Optional[_FuncTranslator] = self
        while t is not None:
            if name in t.locals:
                return t
            t = t.enclosing
        return None

    def nested(self, node: Any, name: str, body: List[ast.stmt]) -> str:
        """IR of a nested def or lambda: a closure over this scope."""
        a = node.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs:
            raise self.refuse(node, "*args, **kwargs, keyword-only and positional-only "
                                    "parameters")
        if getattr(node, "decorator_list", None):
            raise self.refuse(node, "a decorated function")
        defaults = []
        for d in a.defaults:
            if not isinstance(d, ast.Constant):
                raise self.refuse(d, "a default value that is not a constant in a nested "
                                     "function")
            defaults.append(self.const_default(d, d.value))
        inner = _FuncTranslator(self.unit, self.f, enclosing=self)
        inner.qualname = "%s.<locals>.%s" % (self.qualname, name)
        return inner.func_ir(node, inner.qualname, [p.arg for p in a.args], defaults, body)

    def const_default(self, node: Any, d: Any) -> str:
        if d is None or isinstance(d, (bool, int, float, str)):
            return self.const(node, d)
        raise self.refuse(node, "a default argument value of type %s" % type(d).__name__)

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
            if len(s.targets) != 1:
                raise self.refuse(s, "chained assignment (a = b = ...)")
            value = self.expr(s.value)
            return "(assign %d %s %s)" % (L, self.target(s.targets[0]), value)
        if isinstance(s, ast.AnnAssign):
            if s.value is None or not s.simple:
                raise self.refuse(s, "an annotation without a value")
            value = self.expr(s.value)
            return "(assign %d %s %s)" % (L, self.target(s.target), value)
        if isinstance(s, ast.AugAssign):
            op = BINOPS.get(type(s.op))
            if op is None:
                raise self.refuse(s, "the operator %s" % type(s.op).__name__)
            if op in ("add", "mul"):
                op = "i" + op       # in place: `lst += x` extends the same list
            if isinstance(s.target, ast.Name):
                read = self.name_read(s.target)    # raises UnboundLocalError if unbound
                value = self.expr(s.value)
                return "(assign %d %s (binop %s %s %s))" % (
                    L, self.target(s.target), op, read, value)
            if isinstance(s.target, ast.Subscript) and not isinstance(s.target.slice, ast.Slice):
                t = "(index %s %s)" % (self.expr(s.target.value), self.expr(s.target.slice))
                return "(aug %d %s %s %s)" % (L, t, op, self.expr(s.value))
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
            if s.cause is not None:
                raise self.refuse(s, "raise ... from")
            return "(raise %d %s)" % (L, self.expr(s.exc) if s.exc else "_")
        if isinstance(s, ast.Try):
            return self.try_stmt(s)
        if isinstance(s, ast.FunctionDef):
            text = self.nested(s, s.name, s.body)
            return "(def %d %s %s)" % (L, self.target(ast.Name(id=s.name, ctx=ast.Store())),
                                       text)
        if isinstance(s, ast.Nonlocal):
            return "(pass %d)" % L
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
        if isinstance(node, ast.Tuple):
            return "(tuple %s)" % " ".join(self.exc_class(e) for e in node.elts)
        if isinstance(node, ast.Name) and node.id in KNOWN_EXCEPTIONS and \
                self.is_builtin(node.id):
            return "(builtin %s)" % node.id
        raise self.refuse(node, "catching anything but builtin exception classes")

    # ---- targets --------------------------------------------------------------

    def target(self, t: ast.expr) -> str:
        if isinstance(t, ast.Name):
            if t.id in self.nonlocals:
                return self.use_free(t.id) or "(local %s)" % t.id
            self.assigned.add(t.id)
            return "(local %s)" % t.id
        if isinstance(t, ast.Subscript):
            if isinstance(t.slice, ast.Slice):
                raise self.refuse(t, "slice assignment")
            return "(index %s %s)" % (self.expr(t.value), self.expr(t.slice))
        if isinstance(t, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in t.elts):
                raise self.refuse(t, "star-unpacking")
            return "(tuple %s)" % " ".join(self.target(e) for e in t.elts)
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
        if isinstance(v, int):
            if not INT_MIN <= v <= INT_MAX:
                raise self.refuse(node, "an integer literal beyond 64 bits")
            return "(int %d)" % v
        if isinstance(v, float):
            return "(float %s)" % _float_atom(v)
        if isinstance(v, str):
            return "(str %s)" % quote(v)
        raise self.refuse(node, "a constant of type %s" % type(v).__name__)

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
        if n in self.locals:
            return "(local %s)" % n if n in self.assigned else "(lcheck %s)" % n
        fr = self.use_free(n)
        if fr is not None:
            return fr
        g = self.fn.__globals__
        if n in g:
            v = g[n]
            if isinstance(v, types.FunctionType):
                try:
                    self.unit.add(v)
                except TranslationError as err:
                    raise TranslationError("%s (reached from %s:%d)"
                                           % (err, self.file, e.lineno)) from None
            if n not in self.globals_used:
                self.globals_used.append(n)
            return "(global %s)" % n
        if hasattr(builtins, n):
            if n in KNOWN_BUILTINS or n in KNOWN_EXCEPTIONS:
                return "(builtin %s)" % n
            raise self.refuse(e, "the builtin '%s'" % n)
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
            for op, right in zip(e.ops, e.comparators):
                name = CMPOPS[type(op)]
                if name in ("is", "isnot") and not (
                        self.is_singleton(right) or self.is_singleton(e.left)):
                    raise self.refuse(e, "'is' between values other than None/True/False")
                parts.append(name)
                parts.append(self.expr(right))
            return "(compare %s)" % " ".join(parts)
        if isinstance(e, ast.IfExp):
            test = self.expr(e.test)
            saved = set(self.assigned)
            body = self.expr(e.body)
            orelse = self.expr(e.orelse)
            self.assigned = saved
            return "(ifexp %s %s %s)" % (test, body, orelse)
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, (ast.List, ast.Tuple)):
            if any(isinstance(x, ast.Starred) for x in e.elts):
                raise self.refuse(e, "star-unpacking in a display")
            kind = "list" if isinstance(e, ast.List) else "tuple"
            return "(%s %s)" % (kind, " ".join(self.expr(x) for x in e.elts))
        if isinstance(e, ast.Dict):
            parts = []
            for k, v in zip(e.keys, e.values):
                if k is None:
                    raise self.refuse(e, "'**' in a dict display")
                parts.append(self.expr(k))
                parts.append(self.expr(v))
            return "(dict %s)" % " ".join(parts)
        if isinstance(e, ast.Subscript):
            if isinstance(e.slice, ast.Slice):
                sl = e.slice
                parts = [self.expr(x) if x is not None else "_"
                         for x in (sl.lower, sl.upper, sl.step)]
                return "(slice %s %s)" % (self.expr(e.value), " ".join(parts))
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
        names = {
            ast.Lambda: "lambda", ast.ListComp: "a list comprehension",
            ast.SetComp: "a set comprehension", ast.DictComp: "a dict comprehension",
            ast.GeneratorExp: "a generator expression", ast.Yield: "yield",
            ast.YieldFrom: "yield from", ast.Await: "await", ast.Set: "a set",
            ast.JoinedStr: "an f-string", ast.Attribute: "attribute access",
            ast.NamedExpr: "':='", ast.Starred: "star-unpacking",
        }
        raise self.refuse(e, names.get(type(e), "the expression %s" % type(e).__name__))

    def fstring(self, e: ast.JoinedStr) -> str:
        """f"..{x}..{y!r}..": without format specs, {x} is str(x) for every
        type the runtime has (format(x, "") == str(x) for builtins)."""
        parts = []
        for v in e.values:
            if isinstance(v, ast.Constant):
                parts.append(self.const(v, v.value))
            elif isinstance(v, ast.FormattedValue):
                if v.format_spec is not None:
                    raise self.refuse(v, "an f-string format spec")
                if v.conversion == ord("r"):
                    fn = "repr"
                elif v.conversion in (-1, ord("s")):
                    fn = "str"
                else:
                    raise self.refuse(v, "the f-string conversion !a")
                parts.append("(call (builtin %s) %s)" % (fn, self.expr(v.value)))
            else:
                raise self.refuse(v, "this f-string part")
        if not parts:
            return '(str "")'
        if len(parts) == 1 and not parts[0].startswith("(str"):
            return parts[0]
        out = parts[0]
        for p in parts[1:]:
            out = "(binop add %s %s)" % (out, p)
        return out

    @staticmethod
    def is_singleton(e: ast.expr) -> bool:
        return isinstance(e, ast.Constant) and (e.value is None or e.value is True
                                                or e.value is False)

    KEYWORDS = {"sorted": {"key", "reverse"}, "min": {"key", "default"},
                "max": {"key", "default"}, "sort": {"key", "reverse"}}

    def call(self, e: ast.Call) -> str:
        kws = ""
        if e.keywords:
            f = e.func
            target = f.id if isinstance(f, ast.Name) and self.is_builtin(f.id) else \
                "sort" if isinstance(f, ast.Attribute) and f.attr == "sort" else None
            allowed = self.KEYWORDS.get(target or "", set())
            for k in e.keywords:
                if k.arg is None or k.arg not in allowed:
                    raise self.refuse(e, "keyword arguments in a call (other than key=, "
                                         "reverse=, default= of sorted/min/max/list.sort)")
            kws = " " + " ".join("(kw %s %s)" % (k.arg, self.expr(k.value))
                                 for k in e.keywords)
        if any(isinstance(a, ast.Starred) for a in e.args):
            raise self.refuse(e, "'*' arguments in a call")
        if isinstance(e.func, ast.Attribute):
            if e.func.attr not in KNOWN_METHODS:
                raise self.refuse(e, "the method '%s'" % e.func.attr)
            obj = self.expr(e.func.value)
            args = " ".join(self.expr(a) for a in e.args)
            return "(method %s %s %s%s)" % (obj, e.func.attr, args, kws)
        if isinstance(e.func, ast.Name) and e.func.id == "range" and \
                self.is_builtin("range"):
            raise self.refuse(e, "range() outside 'for x in range(...)'")
        f = self.expr(e.func)
        return "(call %s %s%s)" % (f, " ".join(self.expr(a) for a in e.args), kws)


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
    return text, [f.fn for f in unit.funcs]


class _Unitinfo:
    """What a loaded translation needs at run time (kept alive by the cache)."""

    def __init__(self, funcs: List[types.FunctionType]):
        self.funcs = funcs
        self.internal: List[Any] = []     # Lua functions (internal calling convention)
        self.entry: Any = None            # the Lua function handed to the user
        self.source = ""


_MISSING = object()
_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
    "pow": operator.pow, "lshift": operator.lshift, "rshift": operator.rshift,
    "bitand": operator.and_, "bitor": operator.or_, "bitxor": operator.xor,
    "neg": operator.neg, "pos": operator.pos, "invert": operator.invert, "abs": abs,
    "eq": operator.eq, "lt": operator.lt, "le": operator.le,
}
_cache: "weakref.WeakKeyDictionary[Any, Dict[Any, _Unitinfo]]" = weakref.WeakKeyDictionary()
_sources: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
_units: "weakref.WeakSet[_Unitinfo]" = weakref.WeakSet()
_raisers: Dict[Tuple[str, int, str], types.CodeType] = {}


def _raise_at(exc: BaseException, filename: str, line: int, func: str) -> None:
    """Raise exc with a traceback entry at filename:line in function func."""
    key = (filename, line, func)
    code = _raisers.get(key)
    if code is None:
        if line >= 2 and func.isidentifier():
            src = "\n" * (line - 2) + "def %s():\n    raise __tandem_exc\n" % func
        else:
            src = "\n" * max(line - 1, 0) + "raise __tandem_exc\n"
        code = compile(src, filename, "exec")
        _raisers[key] = code
    ns: Dict[str, Any] = {"__tandem_exc": exc}
    if func.isidentifier() and line >= 2:
        exec(code, ns)
        ns[func]()
    exec(code, ns)


class LuaGenerator:
    """A generator of translated code that left it for Python: next(), send(),
    throw(), close() and iteration run the Lua generator (the same object
    translated code holds; each crossing makes a new wrapper over it)."""

    __slots__ = ("_step", "__name__", "__qualname__")

    def __init__(self, step: Any, name: str):
        self._step = step
        self.__name__ = name.rpartition(".")[2]
        self.__qualname__ = name

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

    def __repr__(self) -> str:
        return "<generator object %s at 0x%x (translated by tandem)>" % (self.__qualname__,
                                                                          id(self))


class _Hooks:
    """The Python side of translated code: global reads at call time, values
    leaving translated code, exceptions raised into Python."""

    def __init__(self, info: _Unitinfo):
        self.info = weakref.ref(info)
        self.stop: Any = None               # StopIteration.value of the last "resume"

    def __call__(self, op: str, *args: Any) -> Any:
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
            return list(args)
        if op == "tuple":
            return tuple(args)
        if op == "dict":
            return dict(zip(args[0::2], args[1::2]))
        if op == "raise":
            clsname, filename, line, func = args[:4]
            cls = getattr(builtins, clsname)
            _raise_at(cls(*args[4:]), filename, int(line), func)
        if op == "excmatch":
            exc, clsname = args
            return isinstance(exc, getattr(builtins, clsname))
        if op == "op":
            return _OPS[args[0]](*args[1:])
        if op == "contains":
            return args[1] in args[0]
        if op == "method":
            return getattr(args[0], args[1])(*args[2:])
        if op == "len":
            return len(args[0])
        if op == "getitem":
            return args[0][args[1]]
        if op == "setitem":
            args[0][args[1]] = args[2]
            return None
        if op == "slice":
            return args[0][slice(*args[1:4])]
        if op == "pyfunc":
            for unit in list(_units):
                for i, f in enumerate(unit.internal):
                    if f is args[0]:
                        return unit.funcs[i]
            raise NotImplementedError("a builtin function leaving translated code "
                                      "(tandem translation)")
        if op == "isinstance":
            return isinstance(args[0], getattr(builtins, args[1]))
        if op == "truth":
            return bool(args[0])
        if op == "repr":
            return repr(args[0])
        if op == "str":
            return str(args[0])
        if op == "call":
            return getattr(builtins, args[0])(*args[1:])
        if op == "builtin":
            return getattr(builtins, args[0])
        if op == "iter":
            return iter(args[0])
        if op == "next":
            return next(args[0], _MISSING)
        if op == "missing":
            return _MISSING
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
        if op == "pyver":
            return sys.version_info[1]
        if op == "none":
            return None
        raise ValueError("tandem translation hook: unknown operation %r" % op)


def translate(lua: Any, fn: Any) -> Any:
    """LuaRuntime.translate(fn): a Lua function running fn natively in lua."""
    per_rt = _cache.get(lua)
    if per_rt is None:
        per_rt = {}
        _cache[lua] = per_rt
    info = per_rt.get(fn)
    if info is not None and info.funcs[0] is fn:
        return info.entry
    text, funcs = to_ir(fn)
    info = _Unitinfo(funcs)
    try:
        res = lua._load_ir(text, _Hooks(info), sys.getrecursionlimit())
    except Exception as e:
        if type(e).__name__ == "LuaError":
            raise TranslationError(str(e)) from None
        raise
    internal, entries, source = res
    info.internal = [internal[i + 1] for i in range(len(funcs))]
    info.entry = entries[1]
    info.source = source
    per_rt[fn] = info
    _units.add(info)
    _sources[fn] = source
    return info.entry


def translated_source(fn: Any) -> str:
    """The Lua source tandem generated for fn (after LuaRuntime.translate)."""
    src = _sources.get(fn) if isinstance(fn, types.FunctionType) else None
    if src is None:
        raise TranslationError("%r has not been translated" % (fn,))
    return src


def ir_text(fn: Any) -> str:
    """The IR text of fn (for inspection and tests)."""
    return to_ir(fn)[0]
