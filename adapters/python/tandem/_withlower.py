"""`with` statements lowered to what CPython runs (PEP 343), before
translation (tandem.LuaRuntime.translate; docs/translation.md, "with").

    with EXPR as TARGET:
        BODY

becomes, with hidden names unique to the statement,

    _tdm_m = EXPR
    _tdm_x = tdm_withexit(_tdm_m)   # __enter__ looked up, then __exit__ bound,
    _tdm_v = tdm_withenter(_tdm_m)  # as BEFORE_WITH does; then __enter__()
    _tdm_ok = True
    try:
        TARGET = _tdm_v             # (a failing store reaches __exit__ too)
        BODY
    except BaseException as _tdm_e:
        _tdm_ok = False
        _tdm_p = tdm_withexc(_tdm_e)    # an exception of the runtime: as Python's
        if not _tdm_x(type(_tdm_p), _tdm_p, _tdm_p.__traceback__):
            raise
    finally:
        if _tdm_ok:
            _tdm_x(None, None, None)

`with a, b:` is `with a:` holding `with b:`. The two helpers are the
runtime's builtins (pyrt/types.lua), reached whatever the module's globals
hold (the Name nodes carry `_tdm_builtin`, which the front end reads), and
so are `type` and the caught exception. An exception of the runtime
reaches __exit__ as a Python exception raised at its translated file and
line (tdm_withexc): its traceback is the one an exception escaping
translated code has, not CPython's frames.
"""

import ast
from typing import Any, List

HIDDEN = "_tdm_"


def _builtin(name: str, at: ast.AST) -> ast.Name:
    n = ast.copy_location(ast.Name(id=HIDDEN + "builtin_" + name, ctx=ast.Load()), at)
    n._tdm_builtin = name           # type: ignore[attr-defined]
    return n


def _name(n: str, at: ast.AST, store: bool = False) -> ast.Name:
    return ast.copy_location(ast.Name(id=n, ctx=ast.Store() if store else ast.Load()), at)


def _call(f: ast.expr, args: List[ast.expr], at: ast.AST) -> ast.Call:
    return ast.copy_location(ast.Call(func=f, args=args, keywords=[]), at)


def _none(at: ast.AST) -> ast.Constant:
    return ast.copy_location(ast.Constant(value=None), at)


def _one(item: ast.withitem, body: List[ast.stmt], at: ast.With, k: int) -> List[ast.stmt]:
    tag = "%sw%d_%d_%d_" % (HIDDEN, at.lineno, at.col_offset, k)
    m, x, v, ok, e, p = (tag + s for s in "mxvoep")
    store = [ast.copy_location(ast.Assign(targets=[item.optional_vars], value=_name(v, at)),
                               at)] if item.optional_vars is not None else []
    as_py = ast.copy_location(ast.Assign(targets=[_name(p, at, True)], value=_call(
        _builtin("tdm_withexc", at), [_name(e, at)], at)), at)
    exit_err = ast.copy_location(ast.If(
        test=ast.copy_location(ast.UnaryOp(op=ast.Not(), operand=_call(
            _name(x, at), [_call(_builtin("type", at), [_name(p, at)], at), _name(p, at),
                           ast.copy_location(ast.Attribute(value=_name(p, at),
                                                           attr="__traceback__",
                                                           ctx=ast.Load()), at)], at)), at),
        body=[ast.copy_location(ast.Raise(exc=None, cause=None), at)], orelse=[]), at)
    handler = ast.copy_location(ast.ExceptHandler(type=_builtin("BaseException", at), name=e, body=[
        ast.copy_location(ast.Assign(targets=[_name(ok, at, True)],
                                     value=ast.copy_location(ast.Constant(False), at)), at),
        as_py, exit_err]), at)
    return [
        ast.copy_location(ast.Assign(targets=[_name(m, at, True)], value=item.context_expr),
                          at),
        ast.copy_location(ast.Assign(targets=[_name(x, at, True)], value=_call(
            _builtin("tdm_withexit", at), [_name(m, at)], at)), at),
        ast.copy_location(ast.Assign(targets=[_name(v, at, True)], value=_call(
            _builtin("tdm_withenter", at), [_name(m, at)], at)), at),
        ast.copy_location(ast.Assign(targets=[_name(ok, at, True)],
                                     value=ast.copy_location(ast.Constant(True), at)), at),
        ast.copy_location(ast.Try(
            body=store + body,
            handlers=[handler], orelse=[],
            finalbody=[ast.copy_location(ast.If(test=_name(ok, at), body=[
                ast.copy_location(ast.Expr(value=_call(
                    _name(x, at), [_none(at), _none(at), _none(at)], at)), at)],
                orelse=[]), at)]), at),
    ]


class _Lower(ast.NodeTransformer):
    def visit_With(self, node: ast.With) -> Any:
        self.generic_visit(node)
        body: List[ast.stmt] = node.body
        for k in range(len(node.items) - 1, -1, -1):
            body = _one(node.items[k], body, node, k)
        return body


def lower(tree: ast.AST) -> ast.AST:
    """tree with every `with` statement (nested functions' too) lowered."""
    return ast.fix_missing_locations(_Lower().visit(tree))
