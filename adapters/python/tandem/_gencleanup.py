"""Which generator functions run code when they are closed, and where
translated code may call them (issue 9, docs/translation.md "Generators").

CPython closes a suspended generator the moment its last reference goes: a
`finally`, a `with` block's __exit__ or an `except` that catches
GeneratorExit then runs at once. Translated code lives in Lua, whose
collector frees objects at no fixed time, so it cannot know that moment in
general. It knows it exactly in three places, because CPython holds the
generator only on the value stack there: the iterable of a `for` statement
(popped when the loop is left, by break, return or an exception), the
operand of `yield from`, and the argument of a builtin that consumes its
iterable whole (list, tuple, set, frozenset, sorted). A generator function
with such cleanup code may be called by translated code only there; anywhere
else the translator refuses rather than run the cleanup at another time.
"""
import ast
import builtins
from typing import Callable, Optional

# builtins that consume their single iterable argument to the end
CONSUMERS = {"list", "tuple", "set", "frozenset", "sorted"}

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _catches_exit(h: ast.ExceptHandler) -> bool:
    """May this handler catch GeneratorExit? (Unknown names: assume so.)"""
    t = h.type
    if t is None:
        return True
    for x in (t.elts if isinstance(t, ast.Tuple) else [t]):
        cls = getattr(builtins, x.id, None) if isinstance(x, ast.Name) else None
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            return True
    return False


def cleanup_yield(body: list, is_cleanup_call: Callable[[ast.expr], bool]) -> Optional[ast.AST]:
    """The first yield of a function body at which closing the suspended
    generator would run code (None: closing it runs nothing)."""

    def visit(node: ast.AST, guarded: bool) -> Optional[ast.AST]:
        if isinstance(node, ast.Yield) and guarded:
            return node
        if isinstance(node, ast.YieldFrom) and (guarded or is_cleanup_call(node.value)):
            return node
        if isinstance(node, _SCOPES):
            return None                 # another scope: its yields are its own
        if isinstance(node, ast.Try):
            fin = bool(node.finalbody)
            catch = fin or any(_catches_exit(h) for h in node.handlers)
            return (walk(node.body, guarded or catch)
                    or walk(node.handlers, guarded or fin)
                    or walk(node.orelse, guarded or fin)
                    or walk(node.finalbody, guarded))
        if isinstance(node, (ast.With, ast.AsyncWith)):
            return walk(node.items, guarded) or walk(node.body, True)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            return (visit(node.iter, guarded)
                    or walk(node.body, guarded or is_cleanup_call(node.iter))
                    or walk(node.orelse, guarded))
        return walk(list(ast.iter_child_nodes(node)), guarded)

    def walk(nodes: list, guarded: bool) -> Optional[ast.AST]:
        for n in nodes:
            found = visit(n, guarded)
            if found is not None:
                return found
        return None

    return walk(body, False)


def refusal(name: str) -> str:
    """The refused construct, as TranslationError words it ("... is not supported")."""
    return ("a call of the generator '%s' other than as a for loop's iterable, yield "
            "from's operand or the argument of list/tuple/set/frozenset/sorted (closing it "
            "runs a finally, a with block's exit or an except that catches GeneratorExit, "
            "which CPython does the moment its last reference goes; translated code cannot "
            "know that moment)" % name)


def scope_defs(body: list) -> dict:
    """The functions a scope defines with `def`, by name (nested scopes' own
    definitions excluded)."""
    out: dict = {}
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.setdefault(node.name, []).append(node)
            continue
        if isinstance(node, _SCOPES):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


class Resolver:
    """Decides whether a call's callee is a generator function with cleanup
    code. scopes: the defs of each enclosing function scope, innermost first
    (a name bound by any def with cleanup in its scope counts: refusing too
    much is safe); globals_lookup(name) decides for a module-level name."""

    def __init__(self, scopes: list, globals_lookup: Callable[[str], bool]):
        self.scopes = scopes
        self.globals_lookup = globals_lookup
        self.busy: set = set()

    def name(self, n: str) -> bool:
        for i, defs in enumerate(self.scopes):
            if n in defs:
                return any(self.defnode(d, i) for d in defs[n])
        return self.globals_lookup(n)

    def defnode(self, d: ast.AST, depth: int) -> bool:
        if id(d) in self.busy:
            return False                # recursion: decided by its other yields
        self.busy.add(id(d))
        try:
            inner = Resolver([scope_defs(d.body)] + self.scopes[depth:], self.globals_lookup)
            inner.busy = self.busy
            return cleanup_yield(d.body, inner.call) is not None
        finally:
            self.busy.discard(id(d))

    def call(self, e: ast.expr) -> bool:
        return isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and self.name(e.func.id)
