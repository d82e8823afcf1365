"""Differential fuzzing of the Python -> Lua translator: random small
functions over ints, floats, strs, bools, None, lists, tuples and dicts, run
by CPython and translated; the translation must give the same value and type,
or raise the same exception type with the same message, or refuse
(TranslationError at translation, NotImplementedError at run time). Anything
else is a silently different answer.

    PYTHONPATH=build/python /usr/bin/python3 tests/python/xlate_fuzz.py [N] [SEED]

tests/python/test_translate_fuzz.py runs a fixed, seeded sample in make test.
"""
from __future__ import annotations

import linecache
import random
import sys
import warnings
from typing import Any, Callable, List

from xlate_same import outcome, same

INTS = ["0", "1", "-1", "2", "7", "-7", "3", "10", "255", "2 ** 62", "-(2 ** 63)",
        "2 ** 63 - 1", "True", "False"]
FLOATS = ["0.0", "-0.0", "1.5", "-2.5", "0.1", "1e16", "1e-5", "float('inf')",
          "float('nan')", "3.0", "-1e300"]
STRS = ["''", "'a'", "'abc'", "'Hello World'", "' x y '", "'10'", "'a,b,,c'", "'é'",
        "'ab' * 3"]
SEQS = ["[]", "[1, 2, 3]", "[3, 1, 2]", "[None, 0, '']", "(1,)", "()", "(1, 'a')",
        "[[1], [2, 3]]", "list(range(5))", "(2, 1)"]
DICTS = ["{}", "{1: 'a', 2: 'b'}", "{'x': 1, 'y': None}", "{1: 1, 1.0: 2, True: 3}",
         "{(1, 2): 3}"]

BINOPS = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^"]
CMPS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]
UNARY = ["-", "+", "not ", "~"]
BUILTINS1 = ["len", "abs", "bool", "str", "repr", "int", "float", "list", "tuple",
             "sorted", "min", "max", "sum", "any", "all", "reversed", "round"]
METHODS = {
    "str": ["upper()", "lower()", "strip()", "split()", "split(',')", "find('b')",
            "replace('a', 'z')", "startswith('a')", "endswith('c')", "count('a')",
            "isdigit()", "join(['1', '2'])", "title()", "lstrip()", "index('a')",
            "zfill(5)", "center(7, '*')", "partition(',')"],
    "list": ["index(1)", "count(1)", "copy()"],
    "dict": ["get(1)", "get('x', 0)", "keys()", "values()", "items()", "copy()"],
}


class Gen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def atom(self) -> str:
        pool = self.r.choice([INTS, INTS, FLOATS, STRS, SEQS, DICTS, ["None"]])
        return self.r.choice(pool)

    def expr(self, depth: int = 0) -> str:
        r = self.r
        if depth > 2 or r.random() < 0.25:
            return r.choice([self.atom(), "x", "y"])
        k = r.randrange(16)
        if k == 10:     # comprehensions and generator expressions (i is theirs)
            form = r.choice(["[%s for i in %s]", "{i: %s for i in %s}", "sum(%s for i in %s)",
                             "[i for i in %s if %s]", "{%s for i in %s}"])
            it = r.choice(["range(3)", "x", "y", "'ab'", "[1, 2]"])
            e = r.choice(["i", "i * 2", "x", "(i, y)", "str(i)", self.expr(depth + 1)])
            if form.startswith("[i for"):
                return form % (it, e)
            return form % (e, it)
        if k == 11:     # f-strings and format specs
            spec = r.choice(["", "!r", ":>6", ":.2f", ":x", ":,", "!s:^5", ":+d", ":e"])
            return "f'<{%s%s}>'" % (self.expr(depth + 1), spec)
        if k == 12:     # displays
            return r.choice(["{%s, %s}", "{%s: %s}", "(%s, %s)"]) % (self.expr(depth + 1),
                                                                     self.expr(depth + 1))
        if k == 13:     # builtins of two arguments
            return "%s(%s, %s)" % (r.choice(["max", "min", "divmod", "round", "isinstance",
                                             "pow", "zip", "enumerate"]),
                                   self.expr(depth + 1),
                                   r.choice(["int", "str", "1", "2", "x", "y", "(int, str)"]))
        if k == 14:     # dict and list methods with results
            return "(%s).%s" % (r.choice(DICTS + ["x", "y"]),
                                r.choice(["get(%s)" % self.expr(depth + 1), "keys()",
                                          "values()", "items()", "copy()"]))
        if k == 15:     # slices with computed bounds
            return "%s[%s:%s]" % (self.expr(depth + 1), r.choice(["", "1", "-2", "x"]),
                                  r.choice(["", "-1", "3", "y"]))
        if k == 9:      # an assignment expression: operands around it keep their values
            return "(%s := %s)" % (r.choice(["x", "y"]), self.expr(depth + 1))
        if k == 0:
            op = r.choice(BINOPS)
            if op == "**":      # a computed exponent can ask CPython for 2**62 ** 2**62
                return "(%s ** %s)" % (self.expr(depth + 1), r.choice(["0", "1", "2", "3", "-1"]))
            return "(%s %s %s)" % (self.expr(depth + 1), op, self.expr(depth + 1))
        if k == 1:
            return "(%s %s %s)" % (self.expr(depth + 1), r.choice(CMPS), self.expr(depth + 1))
        if k == 2:
            return "(%s%s)" % (r.choice(UNARY), self.expr(depth + 1))
        if k == 3:
            return "%s(%s)" % (r.choice(BUILTINS1), self.expr(depth + 1))
        if k == 4:
            return "(%s %s %s)" % (self.expr(depth + 1), r.choice(["and", "or"]),
                                   self.expr(depth + 1))
        if k == 5:
            return "(%s if %s else %s)" % (self.expr(depth + 1), self.expr(depth + 1),
                                           self.expr(depth + 1))
        if k == 6:
            kind = r.choice(list(METHODS))
            base = {"str": r.choice(STRS + ["x"]), "list": r.choice(SEQS[:4]),
                    "dict": r.choice(DICTS)}[kind]
            return "(%s).%s" % (base, r.choice(METHODS[kind]))
        if k == 7:
            return "%s[%s]" % (self.expr(depth + 1), r.choice(["0", "-1", "1", "1:", ":-1",
                                                               "::2", "::-1", "'x'", "1"]))
        return "[%s, %s]" % (self.expr(depth + 1), self.expr(depth + 1))

    def function(self, name: str) -> str:
        r = self.r
        body = ["    r = []"]
        for _ in range(r.randrange(1, 4)):
            e = self.expr()
            form = r.randrange(7)
            if form == 0:
                body.append("    r.append(%s)" % e)
            elif form == 1:
                body.append("    if %s:\n        r.append(1)\n    else:\n        r.append(2)" % e)
            elif form == 2:
                body.append("    for i in range(3):\n        r.append(i %s %s)"
                            % (r.choice(BINOPS[:6]), r.choice(INTS[:6])))
            elif form == 3:
                body.append("    t = %s\n    r.append(t)" % e)
            elif form == 4:     # an exception caught in translated code: its message
                body.append("    try:\n        r.append(%s)\n    except (TypeError, ValueError, "
                            "ZeroDivisionError, KeyError, IndexError, OverflowError) as e:\n"
                            "        r.append(str(e))" % e)
            elif form == 5:     # augmented assignment
                op = r.choice(BINOPS[:12])
                # as for `**` above: t **= 2 ** 62 would grind CPython itself
                rhs = r.choice(["0", "1", "2", "3", "-1"]) if op == "**" else self.expr(1)
                body.append("    t = %s\n    t %s= %s\n    r.append(t)" % (e, op, rhs))
            else:               # a loop whose condition is the expression
                body.append("    k = 0\n    while k < 3 and %s:\n        k += 1\n"
                            "    r.append(k)" % e)
        body.append("    return r")
        return "def %s(x, y):\n%s\n" % (name, "\n".join(body))


def define(src: str, name: str, filename: str) -> Callable[..., Any]:
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    ns: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        code = compile(src, filename, "exec")
    exec(code, ns)
    return ns[name]


ARGS = [(3, 4), (-7, 2), (0, 0), ("ab", "b"), ([1, 2], (3,)), (1.5, -0.0), (None, True),
        ({1: 2}, "x"), (2 ** 62, 2 ** 62)]


def run(n: int, seed: int, lua: Any = None, verbose: bool = True) -> List[str]:
    """n random functions; the list of silent differences found."""
    import tandem
    from tandem import TranslationError
    lua = lua or tandem.LuaRuntime()
    rng = random.Random(seed)
    gen = Gen(rng)
    bad: List[str] = []
    stats = {"same": 0, "refused": 0, "notimpl": 0}
    for i in range(n):
        name = "f%d" % i
        src = gen.function(name)
        try:
            f = define(src, name, "<fuzz-%d-%d>" % (seed, i))
        except SyntaxError:     # e.g. := in a comprehension's iterable
            continue
        try:
            lf = lua.translate(f)
        except TranslationError:
            stats["refused"] += 1
            continue
        for args in rng.sample(ARGS, 3):
            native = outcome(f, args)
            translated = outcome(lf, args)
            if translated[0] == "raise" and translated[1] is NotImplementedError:
                stats["notimpl"] += 1
                continue
            if native[0] == "ok" and translated[0] == "ok" and same(native[1], translated[1]):
                stats["same"] += 1
                continue
            if native[0] == "raise" and translated[0] == "raise" and \
                    native[1] is translated[1] and native[2] == translated[2]:
                stats["same"] += 1
                continue
            msg = "%s\nargs %r\n  CPython:    %r\n  translated: %r\n" % (src, args, native,
                                                                          translated)
            bad.append(msg)
            if verbose:
                print(msg)
    if verbose:
        print(stats, "differences:", len(bad))
    return bad


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    sys.exit(1 if run(n, seed) else 0)
