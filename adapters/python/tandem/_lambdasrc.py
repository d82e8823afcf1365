"""The source of a lambda translated by itself (`lua.translate(lambda a, b:
a < b)`; docs/translation.md, "Lambdas").

inspect gives a lambda's whole statement, which may hold several lambdas
(`key=lambda p: p[0], cmp=lambda a, b: a < b`). The lambda is found in its
file's syntax tree by its code: the file (linecache: a module, an exec'd
string registered there, the REPL) is compiled again and must give a code
object equal to the lambda's own (bytecode, constants, names, line table:
the file is the one that ran); the lambda is then the innermost one whose
body spans every position the code's instructions have. Its node becomes a
function definition named `<lambda>` returning the body.
"""

import ast
import dis
import linecache
import types
from typing import Iterator, Optional, Tuple

_SETUP = {"RESUME", "COPY_FREE_VARS", "MAKE_CELL", "RETURN_GENERATOR"}


def _walk(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for k in code.co_consts:
        if isinstance(k, types.CodeType):
            yield from _walk(k)


def _span(code: types.CodeType) -> Optional[Tuple[Tuple[int, int], Tuple[int, int]]]:
    """The first and last source positions of code's instructions."""
    lo = hi = None
    for ins in dis.get_instructions(code):
        p = ins.positions
        if ins.opname in _SETUP or p is None or p.lineno is None or p.col_offset is None \
                or p.end_lineno is None or p.end_col_offset is None:
            continue
        a, b = (p.lineno, p.col_offset), (p.end_lineno, p.end_col_offset)
        if a == b:
            continue            # (RESUME and the implicit return: the line, no columns)
        lo = a if lo is None or a < lo else lo
        hi = b if hi is None or b > hi else hi
    if lo is None or hi is None:
        return None
    return lo, hi


def lambda_def(fn: types.FunctionType) -> Optional[ast.FunctionDef]:
    """fn's lambda as a function definition, or None when its file cannot
    be read or is not the one fn was compiled from."""
    code = fn.__code__
    lines = linecache.getlines(code.co_filename, fn.__globals__)
    if not lines:
        return None
    src = "".join(lines)
    try:
        tree = ast.parse(src)
        top = compile(tree, code.co_filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    if not any(c == code for c in _walk(top)):
        return None
    span = _span(code)
    if span is None:
        return None
    lo, hi = span
    best: Optional[ast.Lambda] = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Lambda):
            continue
        b = node.body
        if b.end_lineno is None or b.end_col_offset is None:
            continue
        if (b.lineno, b.col_offset) <= lo and hi <= (b.end_lineno, b.end_col_offset):
            if best is None or (b.lineno, b.col_offset) >= (best.body.lineno,
                                                           best.body.col_offset):
                best = node
    if best is None:
        return None
    ret = ast.copy_location(ast.Return(value=best.body), best.body)
    fdef = ast.FunctionDef(name="<lambda>", args=best.args, body=[ret], decorator_list=[],
                           returns=None, type_comment=None)
    return ast.fix_missing_locations(ast.copy_location(fdef, best))
