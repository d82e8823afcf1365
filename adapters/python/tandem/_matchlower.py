"""`match` statements (PEP 634) lowered to what CPython 3.11 runs, before
translation (docs/translation.md, "match").

    match SUBJECT:
        case PATTERN if GUARD:
            BODY
        ...

becomes, with hidden names unique to the statement,

    _tdm_s = SUBJECT            # evaluated once
    _tdm_done = False
    <test PATTERN against _tdm_s, its captures in hidden names; on success:
        NAME = <hidden name> for each capture    # bound before the guard,
        if GUARD:                                # kept if the guard fails
            _tdm_done = True
            BODY>
    if not _tdm_done:
        <the next case>

A pattern is a chain of nested `if`s, tested in CPython's order:
- `1`, `-2.5`, `"s"`, `Color.RED`: `s == value` (its truth);
  `None`, `True`, `False`: `s is value`;
- `x`, `_`, `P as x`: a capture (into a hidden name), a wildcard;
- `P1 | P2`: the alternatives in order, a hidden flag;
- `[P, *rest, Q]`: tdm_matchseq (MATCH_SEQUENCE, its length check): with a
  starred wildcard `*_`, the items are subscripted here as CPython does
  (`s[0]`, `s[len(s) - 1]`: len called again); else the helper unpacks them
  all first (UNPACK_SEQUENCE / UNPACK_EX), the starred one a list;
- `{K: P, **rest}`: tdm_matchmap (MATCH_MAPPING, `len(s) >= n` when there
  are keys), the keys evaluated after it, then tdm_mapkeys (MATCH_KEYS:
  duplicates a ValueError, `s.get(k, <missing>)`; `rest` a dict copy
  without the keys);
- `C(P, a=Q)`: tdm_matchcls (MATCH_CLASS: C must be a type, isinstance,
  __match_args__ or the type itself for bool, int, str, list ... , the
  attributes, each missing one no match).
The helpers are the runtime's builtins (pyrt/match.lua), reached whatever
the module's globals hold (their Name nodes carry `_tdm_builtin`); for a
Python object they ask the host, which runs CPython's own code for it.
"""

import ast
from typing import Callable, Dict, List, Optional

HIDDEN = "_tdm_"

Stmts = List[ast.stmt]
Cont = Callable[[], Stmts]


def _at(node: ast.AST, at: ast.AST) -> ast.AST:
    return ast.copy_location(node, at)


def _builtin(name: str, at: ast.AST) -> ast.Name:
    n = _at(ast.Name(id=HIDDEN + "builtin_" + name, ctx=ast.Load()), at)
    n._tdm_builtin = name           # type: ignore[attr-defined]
    return n                        # type: ignore[return-value]


def _load(n: str, at: ast.AST) -> ast.Name:
    return _at(ast.Name(id=n, ctx=ast.Load()), at)      # type: ignore[return-value]


def _assign(n: str, value: ast.expr, at: ast.AST) -> ast.stmt:
    return _at(ast.Assign(targets=[_at(ast.Name(id=n, ctx=ast.Store()), at)],
                          value=value), at)             # type: ignore[return-value]


def _const(v: object, at: ast.AST) -> ast.expr:
    return _at(ast.Constant(value=v), at)               # type: ignore[return-value]


def _call(f: ast.expr, args: List[ast.expr], at: ast.AST) -> ast.expr:
    return _at(ast.Call(func=f, args=args, keywords=[]), at)    # type: ignore[return-value]


def _if(test: ast.expr, body: Stmts, at: ast.AST) -> ast.stmt:
    return _at(ast.If(test=test, body=body or [_at(ast.Pass(), at)], orelse=[]),
               at)                                      # type: ignore[return-value]


def _cmp(a: ast.expr, op: ast.cmpop, b: ast.expr, at: ast.AST) -> ast.expr:
    return _at(ast.Compare(left=a, ops=[op], comparators=[b]), at)  # type: ignore[return-value]


def _not_none(n: str, at: ast.AST) -> ast.expr:
    return _cmp(_load(n, at), ast.IsNot(), _const(None, at), at)


def _item(n: str, i: int, at: ast.AST) -> ast.expr:
    return _at(ast.Subscript(value=_load(n, at), slice=_const(i, at), ctx=ast.Load()),
               at)                                      # type: ignore[return-value]


def _wildcard(p: ast.pattern) -> bool:
    return isinstance(p, ast.MatchAs) and p.pattern is None and p.name is None


class _Match:
    """The lowering of one match statement (its hidden names share a tag)."""

    def __init__(self, node: ast.Match) -> None:
        self.tag = "%sm%d_%d_" % (HIDDEN, node.lineno, node.col_offset)
        self.count = 0
        self.caps: Dict[str, str] = {}     # a captured name -> its hidden name

    def temp(self) -> str:
        self.count += 1
        return "%st%d" % (self.tag, self.count)

    def cap(self, name: str) -> str:
        h = self.caps.get(name)
        if h is None:
            h = self.caps[name] = "%sc_%s" % (self.tag, name)
        return h

    def pat(self, p: ast.pattern, s: str, k: Cont) -> Stmts:
        """Statements testing pattern p against the value in s, running the
        statements k() makes where p matched."""
        if isinstance(p, ast.MatchAs):
            bind = [_assign(self.cap(p.name), _load(s, p), p)] if p.name else []
            if p.pattern is None:
                return bind + k()
            return self.pat(p.pattern, s, lambda: bind + k())
        if isinstance(p, ast.MatchValue):
            return [_if(_cmp(_load(s, p), ast.Eq(), p.value, p), k(), p)]
        if isinstance(p, ast.MatchSingleton):
            return [_if(_cmp(_load(s, p), ast.Is(), _const(p.value, p), p), k(), p)]
        if isinstance(p, ast.MatchOr):
            flag = self.temp()
            out = [_assign(flag, _const(False, p), p)]
            for i, alt in enumerate(p.patterns):
                code = self.pat(alt, s, lambda: [_assign(flag, _const(True, p), p)])
                out += code if i == 0 else [_if(_at(ast.UnaryOp(op=ast.Not(), operand=_load(
                    flag, p)), p), code, p)]                # type: ignore[arg-type]
            return out + [_if(_load(flag, p), k(), p)]
        if isinstance(p, ast.MatchSequence):
            return self.sequence(p, s, k)
        if isinstance(p, ast.MatchMapping):
            return self.mapping(p, s, k)
        if isinstance(p, ast.MatchClass):
            return self.cls(p, s, k)
        raise NotImplementedError(type(p).__name__)     # (the front end refuses it)

    def chain(self, pats: List[Optional[ast.pattern]], items: List[str], k: Cont) -> Stmts:
        """pats[i] tested against items[i] in order (None: nothing to test)."""
        if not pats:
            return k()
        p, rest_p, n, rest_n = pats[0], pats[1:], items[0], items[1:]
        if p is None:
            return self.chain(rest_p, rest_n, k)
        return self.pat(p, n, lambda: self.chain(rest_p, rest_n, k))

    def unpacked(self, v: str, pats: List[Optional[ast.pattern]], at: ast.AST,
                 k: Cont) -> Stmts:
        """The items of tuple v into hidden names, then pats tested on them."""
        names, out = [], []
        for i, p in enumerate(pats):
            if p is None or _wildcard(p):
                names.append("")
                pats[i] = None
                continue
            n = self.temp()
            names.append(n)
            out.append(_assign(n, _item(v, i, at), at))
        return out + self.chain(pats, names, k)

    def sequence(self, p: ast.MatchSequence, s: str, k: Cont) -> Stmts:
        m = len(p.patterns)
        star = next((i for i, q in enumerate(p.patterns) if isinstance(q, ast.MatchStar)), -1)
        only_wild = all(_wildcard(q) or (isinstance(q, ast.MatchStar) and q.name is None)
                        for q in p.patterns)
        star_wild = star >= 0 and p.patterns[star].name is None     # type: ignore[attr-defined]
        unpack = not only_wild and not star_wild
        r = self.temp()
        test = [_assign(r, _call(_builtin("tdm_matchseq", p), [
            _load(s, p), _const(m, p), _const(star, p), _const(unpack, p)], p), p)]
        if only_wild:
            body = k()
        elif unpack:
            pats: List[Optional[ast.pattern]] = []
            for q in p.patterns:
                if isinstance(q, ast.MatchStar):
                    pats.append(ast.MatchAs(pattern=None, name=q.name) if q.name else None)
                    if q.name:
                        ast.copy_location(pats[-1], q)  # type: ignore[arg-type]
                else:
                    pats.append(q)
            body = self.unpacked(r, pats, p, k)
        else:
            # a starred wildcard: each other item subscripted as CPython
            # does, just before its pattern is tested
            places = [i for i, q in enumerate(p.patterns) if i != star and not _wildcard(q)]
            body = self.subscripted(s, p.patterns, places, m, star, k)
        return test + [_if(_not_none(r, p), body, p)]

    def subscripted(self, s: str, pats: List[ast.pattern], places: List[int], m: int,
                    star: int, k: Cont) -> Stmts:
        if not places:
            return k()
        i, q = places[0], pats[places[0]]
        if i < star:
            index = _const(i, q)
        else:
            index = _at(ast.BinOp(left=_call(_builtin("len", q), [_load(s, q)], q),
                                  op=ast.Sub(), right=_const(m - i, q)), q)
        n = self.temp()
        return [_assign(n, _at(ast.Subscript(value=_load(s, q), slice=index, ctx=ast.Load()),
                               q), q)] + \
            self.pat(q, n, lambda: self.subscripted(s, pats, places[1:], m, star, k))

    def mapping(self, p: ast.MatchMapping, s: str, k: Cont) -> Stmts:
        n = len(p.keys)
        if n == 0 and p.rest is None:
            return [_if(_call(_builtin("tdm_matchmap", p), [_load(s, p), _const(0, p)], p),
                        k(), p)]
        keys, v = self.temp(), self.temp()
        body = [
            _assign(keys, _at(ast.Tuple(elts=list(p.keys), ctx=ast.Load()), p), p),
            _assign(v, _call(_builtin("tdm_mapkeys", p), [
                _load(s, p), _load(keys, p), _const(p.rest is not None, p)], p), p),
        ]
        pats: List[Optional[ast.pattern]] = list(p.patterns)
        if p.rest is not None:
            pats.append(ast.copy_location(ast.MatchAs(pattern=None, name=p.rest), p))
        body.append(_if(_not_none(v, p), self.unpacked(v, pats, p, k), p))
        return [_if(_call(_builtin("tdm_matchmap", p), [_load(s, p), _const(n, p)], p),
                    body, p)]

    def cls(self, p: ast.MatchClass, s: str, k: Cont) -> Stmts:
        v = self.temp()
        args = [_load(s, p), p.cls, _const(len(p.patterns), p)] + \
            [_const(a, p) for a in p.kwd_attrs]
        pats: List[Optional[ast.pattern]] = list(p.patterns) + list(p.kwd_patterns)
        return [_assign(v, _call(_builtin("tdm_matchcls", p), args, p), p),
                _if(_not_none(v, p), self.unpacked(v, pats, p, k), p)]

    def lower(self, node: ast.Match) -> Stmts:
        subj, done = self.tag + "s", self.tag + "done"
        out = [_assign(subj, node.subject, node), _assign(done, _const(False, node), node)]
        for i, case in enumerate(node.cases):
            self.caps = {}
            self.count = 0          # (a case's hidden names are dead after it)

            def success(case: ast.match_case = case) -> Stmts:
                binds = [_assign(name, _load(h, case.pattern), case.pattern)
                         for name, h in self.caps.items()]
                body = [_assign(done, _const(True, case.pattern), case.pattern)] + case.body
                if case.guard is not None:
                    return binds + [_if(case.guard, body, case.guard)]
                return binds + body
            code = self.pat(case.pattern, subj, success)
            if i == 0:
                out += code
            else:
                out.append(_if(_at(ast.UnaryOp(op=ast.Not(), operand=_load(done, case.pattern)),
                                   case.pattern), code, case.pattern))  # type: ignore[arg-type]
        return out


class _Lower(ast.NodeTransformer):
    def visit_Match(self, node: ast.Match) -> Stmts:
        self.generic_visit(node)
        return _Match(node).lower(node)


def lower(tree: ast.AST) -> ast.AST:
    """tree with every `match` statement (nested functions' too) lowered."""
    return ast.fix_missing_locations(_Lower().visit(tree))
