"""Differential fuzzing of the Python -> Lua translator: random small
functions over ints, floats, strs, bools, None, lists, tuples and dicts (and,
in Gen, ranges, sets, bytes, iterators, generators and dict views), run
by CPython and translated; the translation must give the same value and type,
or raise the same exception type with the same message, or refuse
(TranslationError at translation, NotImplementedError at run time). Anything
else is a silently different answer.

    PYTHONPATH=build/python /usr/bin/python3 tests/python/xlate_fuzz.py [N] [SEED] \
        [--typed|--stmts|--objects]

Four grammars: Gen (any expression over any value), TypedGen (--typed:
expressions built by type, with statements), StmtGen (--stmts: the
statement-level constructs, see its comment) and ObjGen (--objects:
programs over values passed in from Python -- lists, dicts, tuples, sets,
strs, big ints, floats, bools, None and instances of Rec/Seq/Old -- whose
state after the call is compared too; see its comment, which also lists
what it keeps out as documented differences: a NaN passed in, `is`).

tests/python/test_translate_fuzz.py runs a fixed, seeded sample in make test.
"""
from __future__ import annotations

import enum
import linecache
import random
import re
import reprlib
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
        "[[1], [2, 3]]", "list(range(5))", "(2, 1)", "range(4)", "range(5, -3, -2)",
        "range(0)", "range(2, 9, 3)", "{1, 2, 'a'}", "frozenset({3, 1})", "set()", "{0.5, -1}",
        "b'ab'", "(1, [2])", "{'a': [1, {2: 3}]}", "iter([1, 2])", "zip('ab', [1])",
        "enumerate('xy')", "map(str, [1, 2])", "(i for i in range(2))", "{}.keys()",
        "{1: 2}.items()"]
DICTS = ["{}", "{1: 'a', 2: 'b'}", "{'x': 1, 'y': None}", "{1: 1, 1.0: 2, True: 3}",
         "{(1, 2): 3}"]

BINOPS = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^"]
CMPS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]
UNARY = ["-", "+", "not ", "~"]
BUILTINS1 = ["len", "abs", "bool", "str", "repr", "int", "float", "list", "tuple",
             "sorted", "min", "max", "sum", "any", "all", "reversed", "round", "set",
             "frozenset", "hex", "bin", "oct", "chr", "ord", "hash", "ascii", "format", "dict",
             "enumerate", "iter", "next", "divmod", "callable", "type", "hasattr"]
METHODS = {
    "str": ["upper()", "lower()", "strip()", "split()", "split(',')", "find('b')",
            "replace('a', 'z')", "startswith('a')", "endswith('c')", "count('a')",
            "isdigit()", "join(['1', '2'])", "title()", "lstrip()", "index('a')",
            "zfill(5)", "center(7, '*')", "partition(',')"],
    "list": ["index(1)", "count(1)", "copy()"],
    "dict": ["get(1)", "get('x', 0)", "keys()", "values()", "items()", "copy()",
             "pop(1, None)", "setdefault(2, [])", "popitem()", "fromkeys('ab')", "update(x=1)",
             "clear()"],
    "set": ["add(1)", "pop()", "union([1])", "issubset({1})", "difference('a')", "copy()",
            "discard(2)", "remove(1)", "intersection(range(3))"],
    "range": ["index(2)", "count(1)", "start", "stop", "step"],
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
            fn = r.choice(["max", "min", "divmod", "round", "isinstance", "pow", "zip",
                           "enumerate"])
            # (pow's exponent never an argument: CPython's pow(2**62, 2**62) never ends;
            # nor round's ndigits: round(2**62, -2**62) computes 10**(2**62))
            return "%s(%s, %s)" % (fn, self.expr(depth + 1),
                                   r.choice(["int", "str", "1", "2", "-1", "(int, str)"]
                                            + (["x", "y"] if fn not in ("pow", "round")
                                               else [])))
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
            # (the arguments are shared by both runs: no method changes them)
            base = {"str": r.choice(STRS + ["x"]), "list": r.choice(SEQS[:4]),
                    "dict": r.choice(DICTS), "set": r.choice(["{1, 2}", "set()", "{'a', 3}"]),
                    "range": r.choice(["range(4)", "range(1, 9, 2)", "range(0)", "x"])}[kind]
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


# ---- typed programs -------------------------------------------------------------
# Generation directed by type (an int expression, a str expression ...), so
# that most programs compute something rather than raise TypeError at once,
# with statements (loops with continue/else, enumerate with break, if/else,
# try/except of broad classes: a refusal must not be caught there). Sizes stay
# small: sequences repeat only by small literals, powers and shifts take small
# literal right operands.

TYPED_ARGS = (
    (0, 0.0, "", []),
    (7, -1.5, "abc", [3, 1, 2]),
    (-13, 2.0, "Ab c,d", [0, -5, 5, 10]),
    (2 ** 62, -0.0, " x y ", [1]),
    (-2 ** 63, 1e300, "ü€a", [2 ** 63 - 1, -1]),
    (255, float("inf"), "1,2,,3", [4, 4, 4]),
    (3, float("nan"), "a", [-2, 7]),
)

INT_LITS = ("0", "1", "-1", "2", "3", "-7", "10", "255", "2**62", "-2**63", "(2**63 - 1)")
SMALL = ("0", "1", "2", "3", "-1")
FLOAT_LITS = ("0.5", "-1.5", "0.0", "-0.0", "2.0", "1e300", "3.25", "0.1")
STR_LITS = ('""', '"a"', '"abc"', '"Ab c"', '"ü€"', '" x "', '"1,2"', '"10"')


class TypedGen:
    """Type-directed programs of four parameters: a (int), b (float), c (str),
    d (list of ints); see the module docstring."""

    def __init__(self, rng: random.Random, depth: int = 3) -> None:
        self.r = rng
        self.depth = depth
        self.nloc = 0
        self.locals = {}                # name -> type

    def pick(self, seq):
        return self.r.choice(seq)

    def var(self, ty):
        names = [n for n, t in self.locals.items() if t == ty]
        base = {"int": "a", "float": "b", "str": "c", "list": "d"}.get(ty)
        if base:
            names.append(base)
        return self.pick(names) if names else None

    # ---- expressions by type ------------------------------------------------

    def expr(self, ty, d=None):
        d = self.depth if d is None else d
        if d <= 0 or self.r.random() < 0.25:
            return self.atom(ty)
        return getattr(self, "e_" + ty)(d - 1)

    def atom(self, ty):
        v = self.var(ty)
        if ty == "int":
            return v if v and self.r.random() < 0.6 else self.pick(INT_LITS)
        if ty == "float":
            return v if v and self.r.random() < 0.6 else self.pick(FLOAT_LITS)
        if ty == "str":
            return v if v and self.r.random() < 0.6 else self.pick(STR_LITS)
        if ty == "list":
            return v if v and self.r.random() < 0.7 else "[%s]" % ", ".join(
                self.pick(INT_LITS) for _ in range(self.r.randint(0, 3)))
        if ty == "bool":
            return self.pick(("True", "False", "(a > 0)", "(c == '')", "(not d)"))
        if ty == "dict":
            return v if v and self.r.random() < 0.7 else self.pick(
                ("{}", '{"a": 1, "b": 2}', '{"x": -3}'))
        return self.atom(self.pick(("int", "float", "str", "list", "bool")))

    def e_int(self, d):
        k = self.r.randint(0, 22)
        e = self.expr
        if k <= 3:
            return "(%s %s %s)" % (e("int", d), self.pick(("+", "-", "*", "//", "%", "&", "|", "^")),
                                   e("int", d))
        if k == 4:
            return "(%s %s %s)" % (e("int", d), self.pick(("**", "<<", ">>")), self.pick(SMALL[:4]))
        if k == 5:
            return "%s(%s)" % (self.pick(("-", "~", "abs", "int", "+")), e("int", d))
        if k == 6:
            return "len(%s)" % e(self.pick(("str", "list")), d)
        if k == 7:
            return "%s(%s)" % (self.pick(("int", "round")), e("float", d))
        if k == 8:
            return "%s(%s, %s)" % (self.pick(("min", "max")), e("int", d), e("int", d))
        if k == 9:
            return "sum(%s)" % e("list", d)
        if k == 10:
            return "%s.%s(%s%s)" % (e("str", d), self.pick(("find", "count", "index", "rfind",
                                                            "rindex")),
                                    self.pick(STR_LITS), self.pick(("", "", ", %s" % e("int", d),
                                                                    ", 1, -1", ", None, 2")))
        if k == 11:
            return "(%s if %s else %s)" % (e("int", d), e("bool", d), e("int", d))
        if k == 12:
            return "%s[%s]" % (e("list", d), e("int", d))
        if k == 13:
            return "int(%s)" % self.pick(('"12"', '" -3 "', '"x"', '"1_0"', 'c', 'str(a)'))
        if k == 14:
            # (pow's exponent small: CPython's pow(2**62, 2**62) never ends)
            return "divmod(%s, %s)" % (e("int", d), e("int", d)) + \
                self.pick(("[0]", "[1]")) if self.r.random() < 0.5 else \
                "pow(%s, %s%s)" % (e("int", d), self.pick(SMALL),
                                   self.pick((", 7", ", -7", ", 1", "")))
        if k == 15:
            return "len(%s)" % e("dict", d)
        if k == 16:
            return "%s.get(%s, %s)" % (e("dict", d), e("str", d), e("int", d))
        if k == 18:
            return "(%s).%s()" % (e("int", d), self.pick(("bit_length", "bit_count")))
        if k == 19:
            return "len(%s(%s))" % (self.pick(("bin", "oct", "hex")), e("int", d))
        if k == 20:
            return "pow(%s, %s, %s)" % (e("int", d), self.pick(("-1", "-2", "65", "2**40", "a")),
                                        self.pick(("7", "-7", "1", "2**61-1", "97", "b")))
        if k == 21:         # attributes (pyrt/types.lua)
            return "(%s).%s" % (e(self.pick(("int", "bool")), d),
                                self.pick(("real", "imag", "numerator", "denominator")))
        if k == 22:
            return "getattr(%s, %s, -1)" % (e(self.pick(("int", "str", "list")), d),
                                            self.pick(('"real"', '"nope"', '"denominator"')))
        return "sum(%s.values())" % e("dict", d)

    def e_float(self, d):
        k = self.r.randint(0, 8)
        e = self.expr
        if k <= 2:
            ops = ("+", "-", "*", "/", "//", "%")
            return "(%s %s %s)" % (e(self.pick(("float", "int")), d), self.pick(ops),
                                   e(self.pick(("float", "int")), d))
        if k == 3:
            return "(%s ** %s)" % (e("float", d), self.pick(SMALL + ("0.5", "-0.5")))
        if k == 4:
            return "%s(%s)" % (self.pick(("-", "abs", "float", "+")), e(self.pick(("float", "int")), d))
        if k == 5:
            return "round(%s, %s)" % (e("float", d), self.pick(SMALL))
        if k == 6:
            return "float(%s)" % self.pick(('"1.5"', '"-inf"', '"nan"', '" 2 "', '"x"', "c"))
        if k == 8:
            return "(%s).%s" % (e("float", d), self.pick(("real", "imag")))
        return "(%s if %s else %s)" % (e("float", d), e("bool", d), e("float", d))

    def e_str(self, d):
        k = self.r.randint(0, 21)
        e = self.expr
        if k <= 1:
            return "(%s + %s)" % (e("str", d), e("str", d))
        if k == 2:
            return "(%s * %s)" % (e("str", d), self.pick(SMALL))
        if k == 3:
            return "%s[%s]" % (e("str", d), e("int", d))
        if k == 4:
            parts = [self.pick(("", e("int", d))) for _ in range(3)]
            return "%s[%s:%s:%s]" % (e("str", d), parts[0], parts[1],
                                     self.pick(("", "1", "2", "-1", "-2")))
        if k == 5:
            return "%s.%s()" % (e("str", d), self.pick(("upper", "lower", "strip", "lstrip",
                                                        "rstrip", "swapcase", "capitalize",
                                                        "title", "casefold", "expandtabs")))
        if k == 6:
            return "%s.replace(%s, %s)" % (e("str", d), self.pick(STR_LITS), self.pick(STR_LITS))
        if k == 7:
            return "%s.join(%s)" % (self.pick(STR_LITS), self.pick(
                ("%s.split()" % e("str", d), "%s.split(',')" % e("str", d),
                 "[str(x) for x in %s]" % e("list", d), "list(%s)" % e("str", d))))
        if k == 8:
            return "%s(%s)" % (self.pick(("str", "repr")), e(self.pick(("int", "float", "str",
                                                                         "list", "bool")), d))
        if k == 9:
            return 'f"""{%s}-{%s%s}"""' % (e("int", d), e(self.pick(("float", "int")), d),
                                      self.pick(("", "!r", ":>6", ":.3f", ":+d", ":x", ":08.2f")))
        if k == 10:
            return '("%%s|%%d|%%r" %% (%s, %s, %s))' % (e("str", d), e("int", d), e("str", d))
        if k == 11:
            return "(%s if %s else %s)" % (e("str", d), e("bool", d), e("str", d))
        if k == 12:
            return "%s.format(%s)" % (self.pick(('"{}"', '"{0}:{0}"', '"{:>4}"', '"{!r}"')),
                                      e(self.pick(("int", "str", "float")), d))
        if k == 13:
            return "chr(%s)" % self.pick(("65", "0x20ac", "a % 256", "a", "-1"))
        if k == 14:
            return '("%s" %% %s)' % (self.pick(("%.2f", "%5d", "%-5s|", "%x", "%e", "%g", "%+.1f",
                                                "%05.1f", "%o", "%c")),
                                     e(self.pick(("int", "float", "str")), d))
        if k == 15:
            return 'f"""{%s:%s}"""' % (e("float", d), self.pick((".2e", "g", ",", "_", ".1%",
                                                                  ">8.3", "<6", "^7.2f", "+")))
        if k == 16:
            return "%s.%s(%s)" % (e("str", d), self.pick(("zfill", "center", "ljust", "rjust")),
                                  self.pick(("0", "3", "8", "7, '*'", "a % 9, '\u20ac'")))
        if k == 17:
            return '",".join(sorted(%s))' % e("dict", d)
        if k == 18:
            return '"|".join(%s.%s)' % (e("str", d), self.pick((
                "rsplit()", "rsplit(',')", "rsplit(None, 1)", "rsplit(',', 1)", "splitlines()",
                "splitlines(True)", "partition(',')", "rpartition(',')", "partition(' ')")))
        if k == 19:
            return "%s.%s(%s)" % (e("str", d), self.pick(("removeprefix", "removesuffix")),
                                  e("str", d))
        if k == 21:
            return self.pick(("type(%s).__name__", "%s.__class__.__name__", "repr(type(%s))")) \
                % e("any", d)
        return "%s.split(%s, %s)[%s]" % (e("str", d), self.pick(('","', '" "', "None")),
                                         self.pick(("1", "0", "-1")), self.pick(("0", "-1")))

    def e_list(self, d):
        k = self.r.randint(0, 9)
        e = self.expr
        if k == 0:
            return "[%s]" % ", ".join(e("int", d) for _ in range(self.r.randint(0, 3)))
        if k == 1:
            return "(%s + %s)" % (e("list", d), e("list", d))
        if k == 2:
            return "(%s * %s)" % (e("list", d), self.pick(SMALL))
        if k == 3:
            return "sorted(%s%s)" % (e("list", d), self.pick(("", ", reverse=True",
                                                                ", key=abs", ", key=lambda x: -x")))
        if k == 4:
            return "[%s for x in %s if %s]" % (self.pick(("x", "x * 2", "x % 3", "-x")),
                                              e("list", d), self.pick(("x", "x > 0", "x != 1",
                                                                       "True")))
        if k == 5:
            return "%s[%s:%s]" % (e("list", d), self.pick(("", "1", "-1")), self.pick(("", "2", "-2")))
        if k == 6:
            return "list(range(%s, %s))" % (self.pick(SMALL + ("-3",)), self.pick(SMALL + ("5",)))
        if k == 7:
            return "[len(s) for s in %s.split(%s)]" % (e("str", d), self.pick(('","', '" "', "")))
        if k == 9:
            return "[len(w) for w in sorted(%s.split(), key=str.%s)]" % (
                e("str", d), self.pick(("lower", "upper", "strip")))
        return "(%s if %s else %s)" % (e("list", d), e("bool", d), e("list", d))

    def e_bool(self, d):
        k = self.r.randint(0, 12)
        e = self.expr
        if k <= 2:
            ty = self.pick(("int", "float", "str", "list", "int"))
            ty2 = "int" if ty in ("int", "float") and self.r.random() < 0.5 else ty
            return "(%s %s %s)" % (e(ty, d), self.pick(("==", "!=", "<", "<=", ">", ">=")), e(ty2, d))
        if k == 3:
            return "(not %s)" % e(self.pick(("int", "str", "list", "float", "bool")), d)
        if k == 4:
            return "(%s in %s)" % (e("int", d), e("list", d)) if self.r.random() < 0.5 else \
                "(%s in %s)" % (e("str", d), e("str", d))
        if k == 5:
            return "%s(%s)" % (self.pick(("bool", "any", "all")),
                               e(self.pick(("list", "str")), d))
        if k == 6:
            return "isinstance(%s, %s)" % (e("any", d), self.pick(("int", "float", "str", "list",
                                                                    "bool", "(int, float)")))
        if k == 7:
            return "%s.%s()" % (e("str", d), self.pick((
                "isalpha", "isalnum", "isspace", "islower", "isupper", "istitle", "isdecimal",
                "isidentifier", "isascii", "isprintable")))
        if k == 8:
            return "(%s < %s <= %s)" % (e("int", d), e("int", d), e("int", d))
        if k == 9:
            return "(%s in %s)" % (e("str", d), e("dict", d))
        if k == 11:
            return "(type(%s) %s %s)" % (e("any", d), self.pick(("is", "is not", "==")),
                                         self.pick(("int", "float", "str", "list", "bool",
                                                    "type(None)", "type(a)")))
        if k == 12:
            return self.pick(("callable(%s)" % e("any", d),
                              "hasattr(%s, %s)" % (e("any", d), self.pick(
                                  ('"append"', '"real"', '"upper"', '"nope"')))))
        return "(%s %s %s)" % (e("bool", d), self.pick(("and", "or")), e("bool", d))

    def e_dict(self, d):
        k = self.r.randint(0, 5)
        e = self.expr
        if k == 0:
            return "{%s}" % ", ".join("%s: %s" % (e("str", d), e("int", d))
                                      for _ in range(self.r.randint(0, 3)))
        if k == 1:
            return "{w: len(w) for w in %s.split(%s)}" % (e("str", d), self.pick(('","', "")))
        if k == 2:
            return "dict.fromkeys(%s, %s)" % (e("str", d), e("int", d))
        if k == 3:
            return "{str(x): x %% 3 for x in %s}" % e("list", d)
        if k == 4:
            return "dict(zip(%s, %s))" % (e("str", d), e("list", d))
        return "(%s if %s else %s)" % (e("dict", d), e("bool", d), e("dict", d))

    def e_any(self, d):
        k = self.r.randint(0, 3)
        if k == 0:
            return "(%s %s %s)" % (self.expr("any", d), self.pick(("and", "or")), self.expr("any", d))
        return self.expr(self.pick(("int", "float", "str", "list", "bool")), d)

    # ---- statements -------------------------------------------------------------

    def new_local(self, ty):
        self.nloc += 1
        name = "v%d" % self.nloc
        self.locals[name] = ty
        return name

    def function(self, name):
        self.nloc, self.locals = 0, {}
        lines = ["def %s(a, b, c, d):" % name]
        for _ in range(self.r.randint(0, 3)):
            ty = self.pick(("int", "float", "str", "list", "bool", "dict"))
            rhs = self.expr(ty)
            lines.append("    %s = %s" % (self.new_local(ty), rhs))
        k = self.r.randint(0, 8)
        if k == 7:          # chained assignment
            ty = self.pick(("int", "str", "list"))
            v1, v2 = self.new_local(ty), self.new_local(ty)
            lines.append("    %s = %s = %s" % (v1, v2, self.expr(ty, 2)))
        elif k == 8:        # a bound method called later
            v = self.new_local("list")
            lines += ["    %s = []" % v,
                      "    ap = %s.append" % v,
                      "    for x in %s:" % self.expr("list", 1),
                      "        ap(%s)" % self.pick(("x", "x * 2", "-x"))]
        elif k == 5:
            q, r_ = self.new_local("int"), self.new_local("int")
            lines.append("    %s, %s = divmod(%s, %s)" % (q, r_, self.expr("int", 2),
                                                          self.expr("int", 2)))
        elif k == 4:        # a float local accumulated in a loop (typed float emission)
            f = self.new_local("float")
            step = self.pick(("{f} * 1.5 - i / 2", "{f} + i * 0.25", "({f} - 0.5) / (i + 1)",
                              "-{f} * {f} + 1.0", "{f} / (i - 1.0)", "{f} ** 2 - i",
                              "{f} // 0.75 + {f} % -2.5", "({f} if {f} < i else i * 2.0)",
                              "{f} * 1e200", "abs({f}) - 2 ** 53 + 0.5"))
            lines += ["    %s = %s" % (f, self.pick(("0.0", "-0.0", "1.5", "float(a)",
                                                     "float(c) if c.isdigit() else 0.5",
                                                     "a / 3"))),
                      "    for i in range(%s):" % self.pick(("3", "a % 4", "len(c)")),
                      "        %s = %s" % (f, step.format(f=f))]
        elif k == 6:
            v = self.new_local("dict")
            lines += ["    %s = {}" % v,
                      "    for w in %s:" % self.expr("str", 1),
                      "        %s[w] = %s.get(w, 0) + 1" % (v, v)]
        elif k == 0:
            acc = self.new_local("int")
            lines += ["    %s = 0" % acc,
                      "    for x in %s:" % self.expr("list", 1),
                      "        if %s:" % self.pick(("x > 0", "x % 2", "not x", "x == a")),
                      "            continue",
                      "        %s += %s" % (acc, self.pick(("x", "x * x", "x // 3", "1"))),
                      "    else:",
                      "        %s -= 1" % acc]
        elif k == 1:
            s = self.new_local("str")
            lines += ["    %s = ''" % s,
                      "    for i, ch in enumerate(%s):" % self.expr("str", 1),
                      "        if i > 5:",
                      "            break",
                      "        %s += ch * (i %% 3)" % s]
        elif k == 2:
            ty = self.pick(("int", "str", "list"))
            v = self.new_local(ty)
            lines += ["    if %s:" % self.expr("bool", 2),
                      "        %s = %s" % (v, self.expr(ty, 2)),
                      "    else:",
                      "        %s = %s" % (v, self.expr(ty, 2))]
        elif k == 3:
            v = self.new_local("list")
            lines += ["    %s = []" % v,
                      "    try:",
                      "        %s.append(%s)" % (v, self.expr("int", 2)),
                      "        %s.append(%s)" % (v, self.expr("int", 2)),
                      "    except %s:" % self.pick(("ZeroDivisionError", "(ValueError, TypeError)",
                                                   "ArithmeticError", "Exception", "IndexError")),
                      "        %s.append(-99)" % v]
        lines.append("    return %s" % self.expr(self.pick(("int", "float", "str", "list", "bool",
                                                            "any"))))
        return "\n".join(lines) + "\n"


# ---- statement programs ---------------------------------------------------------
# Statement-level constructs the two grammars above do not draw (or draw only
# in one fixed shape): try/except/else/finally with raise, bare re-raise,
# `except (A, B) as e` and the exceptions of operations, `return` in
# `finally`, break/continue through `try` in loops, while/for with else,
# nested functions and closures with nonlocal, late-binding closures and
# lambdas with defaults, generator functions (yield, yield from, next,
# generator expressions consumed by builtins), comprehensions with nested
# fors and conditions, enumerate/zip, dict and list methods that change the
# container, slices with steps (read, assignment, del), starred unpacking,
# chained comparisons, `global`, formatting (f-strings with specs, %,
# str.format), isinstance, divmod, pow with a modulus, int(s, base),
# sorted(key=, reverse=) and :=. Each snippet appends what it sees to `out`;
# the parameters are TypedGen's (a int, b float, c str, d list of ints) and
# the list d is changed in place by some snippets (run() compares the
# arguments after the call too). Expressions inside come from TypedGen.

EXC_PAIRS = ("(ZeroDivisionError, IndexError)", "(KeyError, TypeError)", "ValueError",
             "(ValueError, KeyError)", "LookupError", "ArithmeticError", "IndexError",
             "(TypeError, ZeroDivisionError, OverflowError)")
# operations that raise on some of the arguments, each with CPython's message
RISKY = ("{i} // ({i} % 3)", "d[{i} % 7]", "{{'x': 1, 'y': 2}}[c]", "int(c)", "c + {i}",
         "d.index({i})", "[1, 2][{i}]", "1 / {f}", "c.index('a')", "divmod({i}, len(d))",
         "pow({i}, -1, len(c) + 1)", "int(c, 16)", "float(c)", "c[{i}]", "sorted([c, {i}])",
         "{{}}.pop({i})", "[].pop()", "d[{i}:{i2}][0]", "(a, b)[len(c)]",
         "int('1' * len(c), 2)", "'%d' % c", "'{{:d}}'.format(c)", "chr({i})",
         "{i} << len(d) * 20", "max(d)", "min(c)", "{i} % len(c)", "d.remove({i})",
         "'ab'.split('')", "range(0, 5, {i} - {i})", "[0] * ({i} % 4) + [1 // {i}]")
SMALLN = ("0", "1", "2", "3", "4")


class StmtGen:
    """Programs of statements over a (int), b (float), c (str), d (list of
    ints); see the comment above."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.t = TypedGen(rng, depth=2)
        self.n = 0

    def pick(self, seq):
        return self.r.choice(seq)

    def e(self, ty, d=1):
        return self.t.expr(ty, d)

    def name(self, base):
        self.n += 1
        return "%s%d" % (base, self.n)

    def risky(self):
        return self.pick(RISKY).format(i=self.e("int"), i2=self.e("int"), f=self.e("float"))

    def cond(self):
        return self.pick(("a > 0", "len(c) > 2", "not d", "a % 2", "b < 1.0", "c",
                          self.e("bool")))

    # ---- snippets: each returns lines indented for a function body -----------

    def s_try(self):
        v = self.name("t")
        lines = ["try:",
                 "    %s = %s" % (v, self.risky())]
        if self.r.random() < 0.4:
            lines += ["    if %s:" % self.cond(),
                      "        raise %s(%s)" % (self.pick(("ValueError", "KeyError", "TypeError",
                                                           "IndexError", "RuntimeError")),
                                                self.pick(("a", "c", "'boom'", "", "a, c")))]
        for _ in range(self.r.randint(1, 3)):
            exc = self.pick(EXC_PAIRS)
            lines += ["except %s as e:" % exc,
                      "    out.append((%s, str(e), e.args))" % self.pick(
                          ("type(e).__name__", "%r" % exc, "repr(e)"))]
        if self.r.random() < 0.3:
            lines += ["except Exception as e:", "    out.append(('exc', repr(e)))"]
        if self.r.random() < 0.5:
            lines += ["else:", "    out.append(('else', %s))" % v]
        if self.r.random() < 0.5:
            lines += ["finally:", "    out.append('fin')"]
        return lines

    def s_reraise(self):
        inner = self.pick(EXC_PAIRS)
        return ["try:",
                "    try:",
                "        out.append(%s)" % self.risky(),
                "    except %s as e:" % inner,
                "        out.append(('inner', str(e)))",
                "        %s" % self.pick(("raise", "raise", "raise ValueError('again') from e",
                                          "raise RuntimeError(str(e))", "pass")),
                "    finally:",
                "        out.append('f1')",
                "except %s as e:" % self.pick(("Exception", "(ValueError, RuntimeError)",
                                               "ArithmeticError", "LookupError")),
                "    out.append(('outer', type(e).__name__, str(e)))"]

    def s_finally_return(self):
        g = self.name("g")
        return ["def %s(n):" % g,
                "    try:",
                "        if n %s %s:" % (self.pick(("<", ">", "==", "!=")), self.pick(SMALLN)),
                "            return n * 2",
                "        %s" % self.pick(("raise KeyError(n)", "return 1 // (n - n)",
                                          "out.append(n)", "return [n][n]")),
                "    except %s:" % self.pick(("KeyError", "ZeroDivisionError", "LookupError",
                                              "Exception")),
                "        out.append('caught')",
                "        return -n",
                "    finally:",
                "        out.append('g-fin')",
                "        if %s:" % self.pick(("n % 2", "n < 0", "False", "n == 3")),
                "            return %s" % self.pick(("-1", "None", "'fin'", "n")),
                "    return 'end'",
                "for n in (a %% 5, len(c), %s):" % self.pick(SMALLN),
                "    try:",
                "        out.append(%s(n))" % g,
                "    except (KeyError, ZeroDivisionError, IndexError) as e:",
                "        out.append(('esc', repr(e)))"]

    def s_loop_try(self):
        k1, k2, k3 = (self.pick(SMALLN) for _ in range(3))
        loop = self.pick(("for i in range(%s):" % self.pick(("5", "a % 6", "len(d) + 1")),
                          "for i in d:", "for i, ch in enumerate(c):"))
        lines = [loop,
                 "    try:",
                 "        if i == %s:" % k1,
                 "            continue",
                 "        if i == %s:" % k2,
                 "            %s" % self.pick(("break", "break", "return out + ['ret']")),
                 "        out.append(10 // (i - %s))" % k3,
                 "    except ZeroDivisionError as e:",
                 "        out.append(str(e))",
                 "        %s" % self.pick(("continue", "pass", "break")),
                 "    %s" % self.pick(("finally:", "else:")),
                 "        out.append(('i', i))",
                 "else:",
                 "    out.append('for-else')"]
        return lines

    def s_while_else(self):
        n, k = self.name("n"), self.name("k")
        return ["%s = %s" % (n, self.pick(("a % 7", "len(c)", "len(d) * 2", "abs(a) % 11"))),
                "%s = 0" % k,
                "while %s %s:" % (n, self.pick(("> 0", "", "!= 1", ">= 2"))),
                "    %s -= %s" % (n, self.pick(("1", "2", "3"))),
                "    %s += 1" % k,
                "    if %s == %s:" % (k, self.pick(("2", "3", "5"))),
                "        break",
                "    if %s %% 2:" % n,
                "        continue",
                "    out.append(%s)" % n,
                "else:",
                "    out.append(('while-else', %s))" % k,
                "out.append((%s, %s))" % (n, k)]

    def s_for_else(self):
        x = self.name("x")
        return ["for %s in %s:" % (x, self.pick(("d", "c", "range(a % 4)", "sorted(d)",
                                                 "reversed(d)", "zip(c, d)", "d[::-1]"))),
                "    if %s:" % self.pick(("%s == 3" % x, "%s in ('b', 4)" % x,
                                          "str(%s) == 'a'" % x, "not %s" % x)),
                "        out.append(('found', %s))" % x,
                "        break",
                "else:",
                "    out.append('none')"]

    def s_closure(self):
        mk, cnt, inc = self.name("make"), self.name("cnt"), self.name("inc")
        return ["def %s(start):" % mk,
                "    %s = start" % cnt,
                "    def %s(step=%s):" % (inc, self.pick(("1", "2", "-1"))),
                "        nonlocal %s" % cnt,
                "        %s %s= step" % (cnt, self.pick(("+", "-", "*"))),
                "        return %s" % cnt,
                "    def peek():",
                "        return %s" % cnt,
                "    return %s, peek" % inc,
                "f1, p1 = %s(%s)" % (mk, self.pick(("a", "len(c)", "b", "c", "0"))),
                "f2, p2 = %s(%s)" % (mk, self.pick(("1", "-a", "len(d)"))),
                "out.append([f1(), f1(%s), f2(), p1(), p2()])" % self.pick(("2", "a", "3"))]

    def s_late(self):
        fs = self.name("fs")
        form = self.r.randint(0, 3)
        if form == 0:
            return ["%s = [lambda: i * 2 for i in range(3)]" % fs,
                    "out.append([f() for f in %s])" % fs]
        if form == 1:
            return ["%s = []" % fs,
                    "for i in %s:" % self.pick(("range(3)", "d", "c")),
                    "    %s.append(lambda j=i: (j, i))" % fs,
                    "out.append([f() for f in %s])" % fs]
        if form == 2:
            return ["%s = [lambda x, k=k: x * k + a for k in %s]" % (fs, self.pick(
                        ("range(3)", "d", "[1, 2]"))),
                    "out.append([f(%s) for f in %s])" % (self.pick(("1", "2", "b", "c")), fs)]
        return ["%s = {}" % fs,
                "for w in %s:" % self.pick(("c", "c.split()", "['x', 'y']")),
                "    %s[w] = lambda s=w * 2: s + w" % fs,
                "out.append([(k, f()) for k, f in %s.items()])" % fs]

    def s_gen(self):
        g = self.name("gen")
        form = self.r.randint(0, 5)
        body = {0: ["    for x in xs:",
                    "        if x %s:" % self.pick(("> 0", "% 2", "!= 3")),
                    "            yield x * 2",
                    "    yield -1"],
                1: ["    yield from xs",
                    "    yield from range(%s)" % self.pick(SMALLN),
                    "    return 5"],
                2: ["    total = 0",
                    "    for x in xs:",
                    "        total += x",
                    "        got = yield total",
                    "        if got:",
                    "            total = got"],
                3: ["    r = yield from (y for y in xs if y)",
                    "    yield r"],
                4: ["    i = 0",
                    "    while i < len(xs):",
                    "        yield xs[i]",
                    "        i += %s" % self.pick(("1", "2")),
                    "    else:",
                    "        yield 'done'"],
                5: ["    for x in xs:",
                    "        try:",
                    "            yield 10 // x",
                    "        except ZeroDivisionError:",
                    "            yield 'zero'"]}[form]
        use = self.pick(("out.append(list(%s(d)))", "out.append(sum(%s(d)))" if form in (0, 2)
                         else "out.append(len(list(%s(d))))",
                         "out.append(sorted(%s(d), key=str))",
                         "it = %s(d)\nout.append(next(it, 'empty'))\nout.append(next(it, 'empty'))",
                         "out.append([v for v in %s(d)])",
                         "for v in %s(d):\n    out.append(v)",
                         "out.append(any(v == 4 for v in %s(d)))"))
        return ["def %s(xs):" % g] + body + (use % g).split("\n")

    def s_genexp(self):
        return ["out.append(%s)" % self.pick((
            "sum(x * x for x in d if x > %s)" % self.pick(SMALLN),
            "list(ch * 2 for ch in c if ch != ' ')",
            "any(x < 0 for x in d)", "all(x %% 2 for x in %s)" % self.e("list"),
            "max((len(w) for w in c.split(',')), default=-1)",
            "tuple(i for i, x in enumerate(d) if x == a)",
            "min((x for x in d), default=None)",
            "sum((x for x in d), %s)" % self.pick(("0", "0.5", "10")),
            "sorted((x for x in %s), reverse=True)" % self.e("list"),
            "''.join(str(x) for x in d)",
            "dict((ch, i) for i, ch in enumerate(c))"))]

    def s_comp(self):
        return ["out.append(%s)" % self.pick((
            "[(i, j) for i in range(%s) for j in c if j != %s]" % (self.pick(SMALLN),
                                                                    self.pick(STR_LITS)),
            "{k: v for k, v in zip(c, d)}",
            "{x %% %s for x in d}" % self.pick(("3", "2", "5")),
            "[x for row in [d, [a, 1]] for x in row if x %% 2 == %s]" % self.pick(("0", "1")),
            "{ch: c.count(ch) for ch in c if ch.isalpha()}",
            "[[y * x for y in range(3)] for x in d]",
            "[x if x > 0 else -x for x in %s]" % self.e("list"),
            "{i: [j for j in range(i)] for i in range(%s)}" % self.pick(SMALLN),
            "sorted({(x, x % 3) for x in d})",
            "[(i, w) for i, w in enumerate(c.split(%s), 1)]" % self.pick(('","', "", '" "')),
            "[k for k in {'a': 1, 'b': 2} if k in c]"))]

    def s_dict(self):
        dd = self.name("dd")
        ops = []
        for _ in range(self.r.randint(2, 5)):
            ops.append(self.pick((
                "out.append(%s.setdefault(%s, []))" % (dd, self.e("str")),
                "%s.setdefault(%s, []).append(a)" % (dd, self.pick(("'x'", "c", "'k'"))),
                "out.append(%s.pop(%s, %s))" % (dd, self.e("str"), self.pick(("None", "-1"))),
                "out.append(%s.pop(%s))" % (dd, self.pick(("'x'", "c", "'zz'"))),
                "%s.update(%s)" % (dd, self.pick(("{'x': a}", "zip(c, d)", "[('q', 1)]",
                                                  "{c: b}"))),
                "%s.update([(c, a), ('m', c)])" % dd,
                "del %s[%s]" % (dd, self.pick(("'x'", "c", "'k'"))),
                "%s[c] = %s.get(c, 0)" % (dd, dd),
                "out.append(list(%s.items()))" % dd,
                "out.append(%s in %s)" % (self.pick(("'x'", "c")), dd),
                "out.append(%s.popitem() if %s else None)" % (dd, dd))))
        lines = ["%s = %s" % (dd, self.pick(("{}", "{'x': 1, 'k': [2]}", "dict(a=a, c=c)",
                                             "dict.fromkeys(c, 0)")))]
        lines += ["try:"] + ["    " + o for o in ops] + \
                 ["except KeyError as e:", "    out.append(('KeyError', str(e)))",
                  "out.append(%s)" % dd]
        return lines

    def s_list(self):
        v = self.name("L")
        ops = []
        for _ in range(self.r.randint(2, 6)):
            ops.append(self.pick((
                "%s.append(%s)" % (v, self.e("int")),
                # (never a generator over d: L may be d, and d.extend(x for x in d) never ends)
                "%s.extend(%s)" % (v, self.pick(("d", "range(3)", "[a, a]",
                                                 "(x * 2 for x in range(a % 4))"))),
                "%s.insert(%s, %s)" % (v, self.pick(("0", "-1", "100", "-100", "a")),
                                       self.e("int")),
                "out.append(%s.pop(%s))" % (v, self.pick(("", "0", "-1", "1", "a"))),
                "%s.remove(%s)" % (v, self.pick(("a", "1", "d[0] if d else 0"))),
                "%s.sort(%s)" % (v, self.pick(("", "reverse=True", "key=abs",
                                               "key=lambda x: (x % 3, -x)",
                                               "key=str, reverse=True"))),
                "%s.reverse()" % v,
                "out.append(%s.index(%s))" % (v, self.pick(("a", "0", "d[-1] if d else 1"))),
                "%s[%s] = %s" % (v, self.pick(("0", "-1", "a % 3")), self.e("int")),
                "out.append(%s.count(%s))" % (v, self.pick(("a", "0", "4"))),
                "d.append(len(%s))" % v)))
        lines = ["%s = %s" % (v, self.pick(("list(d)", "d", "[a, 3, -2]", "d * 2", "[]")))]
        lines += ["try:"] + ["    " + o for o in ops] + \
                 ["except (IndexError, ValueError) as e:",
                  "    out.append((type(e).__name__, str(e)))",
                  "out.append(%s)" % v]
        return lines

    def s_slice(self):
        v = self.name("S")
        b1 = self.pick(("", "1", "-1", "-2", "a", "2"))
        b2 = self.pick(("", "-1", "3", "-3", "a"))
        st = self.pick(("", "2", "-1", "-2", "3"))
        rhs = self.pick(("[]", "[9, 8]", "range(2)", "'xy'", "[a] * 3", "(7,)"))
        form = self.r.randint(0, 4)
        lines = ["%s = %s" % (v, self.pick(("list(d)", "list(range(6))", "list(c)", "d")))]
        if form == 0:
            lines.append("out.append((%s[%s:%s:%s], c[%s:%s:%s]))" % (v, b1, b2, st, b1, b2, st))
        elif form == 1:
            lines.append("%s[%s:%s:%s] = %s" % (v, b1, b2, st, rhs))
        elif form == 2:
            lines.append("del %s[%s:%s:%s]" % (v, b1, b2, st))
        elif form == 3:
            lines.append("del %s[%s]" % (v, self.pick(("0", "-1", "a", "-a"))))
        else:
            lines.append("%s[%s:%s] = %s" % (v, b1, b2, rhs))
        lines = ["try:"] + ["    " + x for x in lines] + \
            ["except (ValueError, IndexError, TypeError) as e:",
             "    out.append((type(e).__name__, str(e)))",
             "else:",
             "    out.append(%s)" % v]
        return lines

    def s_unpack(self):
        p, q, w = self.name("p"), self.name("q"), self.name("w")
        src = self.pick(("d", "c", "(a, b)", "range(a % 5)", "[a, [b, c]]", "zip(c, d)",
                         "c.split(',')", "divmod(a, 3)", "a", "b"))
        target = self.pick(("%s, *%s = " % (p, q), "*%s, %s = " % (q, p),
                            "%s, *%s, %s = " % (p, q, w), "%s, %s = " % (p, q),
                            "[%s, *%s] = " % (p, q), "%s, (%s, *%s) = " % (p, w, q)))
        names = [n for n in (p, q, w) if n in target]
        return ["try:",
                "    %s%s" % (target, src),
                "except (ValueError, TypeError) as e:",
                "    out.append(str(e))",
                "else:",
                "    out.append((%s))" % ", ".join(names + [""]),
                "for %s in %s:" % (self.pick(("%s, *%s" % (p, q), "(%s, %s)" % (p, q))),
                                   self.pick(("[(1, 2, 3), (4, 5)]", "zip(d, c)",
                                              "enumerate(c)", "[c[:2], 'xy']"))),
                "    out.append((%s, %s))" % (p, q)]

    def s_chain(self):
        ops = ("<", "<=", ">", ">=", "==", "!=", "in", "not in")
        x = lambda: self.pick(("a", "b", "len(c)", "len(d)", "0", "3", "-1", "2.5",
                               self.e("int")))
        form = self.r.randint(0, 2)
        if form == 0:
            return ["out.append(%s %s %s %s %s)" % (x(), self.pick(ops[:6]), x(),
                                                    self.pick(ops[:6]), x())]
        if form == 1:
            return ["out.append(%s %s d %s [d, 1])" % (x(), self.pick(("in", "not in")),
                                                       self.pick(("in", "not in", "==")))]
        return ["if %s < %s < %s:" % (x(), x(), x()), "    out.append('between')",
                "elif %s == %s != %s:" % (x(), x(), x()), "    out.append('eqne')"]

    def s_global(self):
        return ["global G_N, G_S",
                "G_N = %s" % self.pick(("a", "len(c)", "0")),
                "G_S = %s" % self.pick(("c", "''", "str(a)")),
                "for i in range(%s):" % self.pick(("3", "len(d)")),
                "    G_N += i",
                "    G_S = G_S + %s" % self.pick(("str(i)", "'-'", "c[:1]")),
                "out.append((G_N, G_S, %s()))" % self.pick(("g_read", "g_bump"))]

    def s_fmt(self):
        v = self.pick(("a", "b", "c", "len(d)", self.e("int"), self.e("float"), "d", "-a", "b * 3"))
        spec = self.pick((">5", "<6", "^7", ".3f", "+.2e", "!r", "!r:>10", ",", "08.3f",
                          "x", "#o", "_", "", ".1%", "=+8", "*^9", "g", ".0f", "d", "s",
                          ".2", "05d", "!s:<4"))
        form = self.r.randint(0, 3)
        if form == 0:
            return ["out.append(f'[{%s:%s}]')" % (v, spec) if spec and not spec.startswith("!")
                    else "out.append(f'[{%s%s}]')" % (v, spec)]
        if form == 1:
            # (a `*` width is never a: '%*d' % (2**62, 1) asks CPython for 2**62 characters)
            fmt = self.pick(("%5d|%-4s", "%.3f %r", "%x-%o", "%(k)s", "%s %s", "%+d%%", "%c%d",
                             "%*d %s"))
            return ["out.append('%s' %% %s)" % (fmt, self.pick(
                ("(a, c)", "(b, c)", "{'k': c}", "(a, a)", "(3, a)", "a", "(c, a)")
                if fmt != "%*d %s" else ("(a % 50, c)", "(-3, a)", "(b, a)", "(3, c)")))]
        if form == 2:
            return ["out.append(%s.format(%s))" % (
                self.pick(("'{} {}'", "'{0!r:>6}|{1}'", "'{1}{0}{1}'", "'{:^{}}'",
                           "'{x:.2f}'", "'{0[0]}'", "'{:{w}}'")),
                self.pick(("a, c", "c, a", "b, 8", "x=b", "d, w=5", "c, 3", "a, w=4, x=1")))]
        return ["w = %s" % self.pick(("3", "a % 9", "len(c)")),
                "out.append(f'{%s:{w}}|{%s!r:>{w}}|{c=}')" % (v, self.pick(("c", "a", "d")))]

    def s_builtins(self):
        return ["out.append(%s)" % self.pick((
            "isinstance(%s, %s)" % (self.pick(("a", "b", "c", "d", "out", "True")),
                                    self.pick(("int", "(str, list)", "bool", "float",
                                               "(int, float)", "object"))),
            "divmod(%s, %s)" % (self.pick(("a", "b", "-a", "len(c)")),
                                self.pick(("3", "-4", "b", "0.5", "len(d)"))),
            "pow(%s, %s, %s)" % (self.pick(("a", "3", "-a", "len(c)")),
                                 self.pick(("2", "a % 10", "-1", "0")),
                                 self.pick(("7", "-5", "a", "len(d) + 1", "1"))),
            "int(%s, %s)" % (self.pick(("c", "'ff'", "'0x1A'", "'-101'", "' 7 '", "'z'",
                                        "'1_0'", "'-9223372036854775809'", "'0x' + 'f' * 17",
                                        "'１２'", "b")),
                             self.pick(("16", "2", "0", "36", "a % 37", "1"))),
            "(int(%s), float(%s))" % ((self.pick(("'-0'", "'-9223372036854775809'", "'٣'",
                                                  "' -12 '", "c", "'9' * 25", "'+0'")),) * 2),
            "sorted(%s, key=%s, reverse=%s)" % (self.pick(("d", "c", "c.split()", "d + [a]")),
                                                self.pick(("None", "abs", "str", "len",
                                                           "lambda v: -len(str(v))", "ord")),
                                                self.pick(("True", "False", "a > 0"))),
            "[y for x in d if (y := x * 2) > %s]" % self.pick(SMALLN),
            "(n := len(c)) + n",
            "abs(-b) if (z := b) else z"))]

    # ---- harder flows ------------------------------------------------------------

    def s_exc_flow(self):
        k = self.r.randint(0, 9)
        v = self.name("v")
        if k == 0:      # bare raise after an inner handler re-raises the outer exception
            return ["try:",
                    "    try:",
                    "        %s" % self.pick(("1 // (a - a)", "[][a]", "{}[c]", "int(c + 'x')")),
                    "    except (ZeroDivisionError, LookupError, ValueError):",
                    "        try:",
                    "            %s" % self.pick(("d[100]", "int('q')", "pass", "1 / 0")),
                    "        except (IndexError, ValueError, ZeroDivisionError) as e2:",
                    "            out.append(repr(e2))",
                    "        raise",
                    "except Exception as e:",
                    "    out.append((type(e).__name__, str(e)))"]
        if k == 1:      # a raise with no exception being handled
            return ["try:",
                    "    if %s:" % self.cond(),
                    "        raise",
                    "except RuntimeError as e:",
                    "    out.append(str(e))"]
        if k == 2:      # the value returned is read before finally runs
            return ["def %s(x):" % v,
                    "    try:",
                    "        return x",
                    "    finally:",
                    "        x = %s" % self.pick(("x * 2", "None", "[x]")),
                    "        out.append(('fin', x))",
                    "out.append(%s(%s))" % (v, self.pick(("a", "c", "d")))]
        if k == 3:      # break / continue in finally swallow the exception
            return ["for i in range(3):",
                    "    try:",
                    "        out.append(%s)" % self.risky(),
                    "    finally:",
                    "        out.append(('f', i))",
                    "        %s" % self.pick(("break", "continue", "if i == 1: break"))]
        if k == 4:      # an exception raised in a handler or finally replaces the first
            return ["try:",
                    "    try:",
                    "        %s" % self.pick(("raise ValueError(a)", "1 / 0", "d[a]")),
                    "    %s" % self.pick(("finally:", "except Exception:")),
                    "        %s" % self.pick(("raise KeyError(c)", "[][0]", "int('z')",
                                              "raise TypeError")),
                    "except (KeyError, IndexError, ValueError, TypeError, ZeroDivisionError) as e:",
                    "    out.append((type(e).__name__, str(e), e.args))"]
            # (not e.__context__: not seen inside translated code, docs/translation.md,
            # "Missing versus issue 9")
        if k == 5:      # `as e` unbinds e after the handler
            return ["e = 'outer'",
                    "try:",
                    "    raise %s" % self.pick(("ValueError", "ValueError()", "KeyError(a, c)",
                                                "IndexError(None)", "TypeError('t', 1)")),
                    "except Exception as e:",
                    "    out.append((repr(e), str(e), e.args))",
                    "try:",
                    "    out.append(e)",
                    "except (NameError, UnboundLocalError) as e3:",
                    "    out.append((type(e3).__name__, str(e3)))"]
        if k == 6:      # assert
            return ["try:",
                    "    assert %s%s" % (self.cond(), self.pick(("", ", c", ", (a, 'm')",
                                                                  ", a"))),
                    "    out.append('ok')",
                    "except AssertionError as e:",
                    "    out.append(('assert', e.args))"]
        if k == 7:      # an exception out of a nested function through a loop
            return ["def %s(x):" % v,
                    "    if x %s:" % self.pick(("> 2", "< 0", "== 0")),
                    "        raise ValueError('bad %s' % x)",
                    "    return x * 2",
                    "%s = []" % (v + "r"),
                    "try:",
                    "    for x in %s:" % self.pick(("d", "range(a % 5)", "[1, 2, 3]")),
                    "        %s.append(%s(x))" % (v + "r", v),
                    "except ValueError as e:",
                    "    out.append(str(e))",
                    "finally:",
                    "    out.append(%s)" % (v + "r")]
        if k == 8:      # a return in finally discards the exception
            return ["def %s():" % v,
                    "    for i in range(3):",
                    "        try:",
                    "            %s" % self.risky(),
                    "        finally:",
                    "            if i == %s:" % self.pick(("0", "1", "2")),
                    "                return ('fin', i)",
                    "    return 'end'",
                    "try:",
                    "    out.append(%s())" % v,
                    "except Exception as e:",
                    "    out.append((type(e).__name__, str(e)))"]
        return ["try:",        # exceptions of builtins, their messages
                "    out.append(%s)" % self.pick((
                    "'-'.join(d)", "sorted([c, a, b])", "max([])", "next(iter([]))",
                    "d.index(-999)", "c.index('zz')", "int(b)", "[1][c]", "(1, 2)[a]",
                    "{'a': 1}[a]", "len(a)", "a(1)", "c[1.5]", "list(a)", "dict([c])",
                    "divmod(c, a)", "abs(c)", "range(b)", "chr(-a)", "ord(c)", "round(c)",
                    "hash([a])", "{[a]: 1}", "set([d])", "a + None", "c * b", "-c",
                    "d.pop(a)", "str.upper(a)", "c.split(a)", "int('')", "float('1e')",
                    "bin(b)", "min(a, c)", "sum([c])", "sum(d, c)", "pow(a, b, 3)",
                    "pow(b, 2, 3)", "int(c, 1)", "int('12', 40)", "divmod(a, 0)", "b % 0",
                    "a ** -3 if a else 0 ** -1", "isinstance(a, 3)", "d[::0]",
                    "d.insert()", "c.startswith(1)", "[].remove(1)", "(a).nope",
                    "(1, 2).index(a)", "(c, a).index(b)", "tuple(d).index(a, 1)",
                    "[*c, *a]", "(*b,)", "{*d, *a}", "{*c}", "[*d, *c]")),
                "except Exception as e:",
                "    out.append((type(e).__name__, str(e)))"]

    def s_gen2(self):
        g = self.name("gen")
        k = self.r.randint(0, 5)
        if k == 0:      # send, a return value (StopIteration's args: its .value is refused)
            return ["def %s(n):" % g,
                    "    got = []",
                    "    for i in range(n):",
                    "        x = yield i",
                    "        got.append(x)",
                    "    return got",
                    "it = %s(%s)" % (g, self.pick(("3", "a % 4", "len(d)"))),
                    "try:",
                    "    out.append(next(it))",
                    "    out.append(it.send(%s))" % self.pick(("'s'", "a", "None")),
                    "    out.append(it.send(%s))" % self.pick(("c", "b")),
                    "    out.append(next(it))",
                    "except StopIteration as e:",
                    "    out.append(('stop', e.args))"]
        if k == 1:      # throw into a generator with a handler
            return ["def %s():" % g,
                    "    try:",
                    "        yield 1",
                    "        yield 2",
                    "    except ValueError as e:",
                    "        yield ('caught', str(e))",
                    "    yield 3",
                    "it = %s()" % g,
                    "try:",
                    "    out.append(next(it))",
                    "    out.append(it.throw(%s))" % self.pick(("ValueError('t')", "ValueError",
                                                                 "KeyError('k')")),
                    "    out.append(list(it))",
                    "except KeyError as e:",
                    "    out.append(('k', str(e)))"]
        if k == 2:      # late binding of a generator expression's later parts
            v = self.name("k")
            return ["%s = 1" % v,
                    "ge = (x * %s for x in %s)" % (v, self.pick(("d", "range(3)", "c"))),
                    "%s = %s" % (v, self.pick(("10", "2", "'q'"))),
                    "out.append(list(ge))",
                    "out.append(list(ge))"]
        if k == 3:      # yield from a generator that returns
            return ["def %s_in(n):" % g,
                    "    for i in range(n):",
                    "        yield i",
                    "    return n * 10",
                    "def %s(n):" % g,
                    "    r = yield from %s_in(n)" % g,
                    "    yield ('r', r)",
                    "    r2 = yield from %s_in(r %% 3)" % g,
                    "    return r2",
                    "out.append(list(%s(%s)))" % (g, self.pick(("2", "a % 4", "len(c)")))]
        if k == 4:      # a generator raising midway, consumed by a builtin
            return ["def %s(xs):" % g,
                    "    for x in xs:",
                    "        yield 10 // x",
                    "try:",
                    "    out.append(%s(%s(d)))" % (self.pick(("sum", "list", "max", "sorted",
                                                              "tuple")), g),
                    "except (ZeroDivisionError, ValueError) as e:",
                    "    out.append(str(e))"]
        return ["def %s(n):" % g,      # a closure inside a generator, recursion
                "    if n > 0:",
                "        yield from %s(n - 1)" % g,
                "        yield n",
                "        yield from %s(n - 2)" % g,
                "out.append(list(%s(%s)))" % (g, self.pick(("3", "a % 6", "min(len(d), 6)")))]

    def s_closure2(self):
        k = self.r.randint(0, 4)
        o, m = self.name("outer"), self.name("mid")
        if k == 0:      # nonlocal two levels up
            return ["def %s():" % o,
                    "    x = %s" % self.pick(("a", "c", "0")),
                    "    def %s():" % m,
                    "        def inner():",
                    "            nonlocal x",
                    "            x = x * 2",
                    "            return x",
                    "        return inner() , inner()",
                    "    r = %s()" % m,
                    "    return r, x",
                    "out.append(%s())" % o]
        if k == 1:      # a free variable read before it is bound
            return ["def %s():" % o,
                    "    def get():",
                    "        return y",
                    "    try:",
                    "        r = get()",
                    "    except NameError as e:",
                    "        r = str(e)",
                    "    y = %s" % self.pick(("a", "c")),
                    "    return r, get()",
                    "out.append(%s())" % o]
        if k == 2:      # a mutable default shared by calls
            return ["def %s(x, acc=[]):" % o,
                    "    acc.append(x)",
                    "    return list(acc)",
                    "out.append((%s(1), %s(c), %s(2, [])))" % (o, o, o)]
        if k == 3:      # a recursive nested function
            return ["def %s(n):" % o,
                    "    return n if n < 2 else %s(n - 1) + %s(n - 2)" % (o, o),
                    "out.append([%s(i) for i in range(%s)])" % (o, self.pick(("8", "a % 10",
                                                                              "len(c) + 3")))]
        return ["def %s(*args, k=%s, **kw):" % (o, self.pick(("1", "c", "None"))),   # signatures
                "    return (args, k, sorted(kw.items()))",
                "try:",
                "    out.append(%s)" % self.pick((
                    "%s(a, c, k=2, z=3)" % o, "%s(*d, **{'q': a})" % o, "%s()" % o,
                    "%s(k=a, k2=c)" % o, "%s(1, *d, k=[])" % o)),
                "except TypeError as e:",
                "    out.append(str(e))"]

    def s_assign(self):
        v = self.name("A")
        k = self.r.randint(0, 6)
        if k == 0:      # swaps and subscript targets, left to right
            return ["%s = list(d) + [0, 0]" % v,
                    "%s[0], %s[-1] = %s[-1], %s[0]" % (v, v, v, v),
                    "i, %s[i] = 1, %s" % (v, self.pick(("a", "c", "'i'"))),
                    "out.append(%s)" % v]
        if k == 1:      # augmented assignment on items and slices
            return ["%s = {'n': 0, 'l': [1]}" % v,
                    "try:",
                    "    %s['n'] += %s" % (v, self.pick(("a", "1", "b"))),
                    "    %s['l'] += %s" % (v, self.pick(("d", "c", "[a]", "(1, 2)"))),
                    "    %s['l'][-1] *= %s" % (v, self.pick(("2", "a", "c"))),
                    "    %s[c] += 1" % v,
                    "except (KeyError, TypeError) as e:",
                    "    out.append((type(e).__name__, str(e)))",
                    "out.append(%s)" % v]
        if k == 2:      # aliasing through chained assignment
            return ["%s = %s = %s" % (v, v + "b", self.pick(("[]", "d", "{}"))),
                    "%s %s" % (v + "b", self.pick(("+= [1]", "*= 2", "+= 'ab'"
                                                   if False else "+= [c]"))),
                    "out.append((%s, %s))" % (v, v + "b")]      # (`is` of lists: refused)
        if k == 3:      # del of names, items, slices
            return ["%s = list(range(8))" % v,
                    "try:",
                    "    del %s[%s], %s[%s]" % (v, self.pick(("0", "-1", "a")), v,
                                                self.pick(("1::2", "::-3", ":a"))),
                    "except IndexError as e:",
                    "    out.append(str(e))",
                    "w = %s" % v,
                    "del w",
                    "try:",
                    "    out.append(w)",
                    "except UnboundLocalError as e:",
                    "    out.append(str(e))",
                    "out.append(%s)" % v]
        if k == 4:      # a for target that is a subscript
            return ["%s = [0, 0]" % v,
                    "for %s[%s] in %s:" % (v, self.pick(("0", "1", "-1")),
                                          self.pick(("d", "c", "range(3)"))),
                    "    out.append(list(%s))" % v]
        if k == 5:      # the loop variable rebound in the body, while with :=
            return ["for i in range(%s):" % self.pick(("3", "a % 5")),
                    "    i = i * 10",
                    "    out.append(i)",
                    "n = %s" % self.pick(("len(d)", "a % 6", "4")),
                    "while (n := n - 1) > 0:",
                    "    out.append(n)",
                    "out.append(n)"]
        return ["%s = %s" % (v, self.pick(("{}", "dict.fromkeys(d)"))),     # equal keys
                "%s[1] = 'int'" % v,
                "%s[1.0] = 'float'" % v,
                "%s[True] = 'bool'" % v,
                "%s[%s] = 'x'" % (v, self.pick(("a", "b", "c", "(a, c)", "-0.0", "0"))),
                "out.append((list(%s.items()), %s.pop(1), list(%s)))" % (v, v, v),
                "%s[1] = 'again'" % v,
                "out.append(list(%s.items()))" % v]

    def s_iter_mutate(self):
        v = self.name("M")
        k = self.r.randint(0, 3)
        if k == 0:
            return ["%s = {'a': 1, 'b': 2}" % v,
                    "try:",
                    "    for key in %s:" % v,
                    "        %s" % self.pick(("%s[key + 'x'] = 0" % v, "del %s[key]" % v,
                                              "%s[key] = 3" % v, "%s.pop('b', 0)" % v)),
                    "except RuntimeError as e:",
                    "    out.append(str(e))",
                    "out.append(%s)" % v]
        if k == 1:
            return ["%s = list(d)" % v,
                    "for x in %s:" % v,
                    "    if len(%s) < 8:" % v,
                    "        %s.append(x * 2)" % v,
                    "    %s" % self.pick(("pass", "%s.remove(x) if x in %s else None" % (v, v))),
                    "out.append(%s)" % v]
        if k == 2:      # accumulators crossing 64 bits and back
            return ["%s = %s" % (v, self.pick(("a", "1", "len(c)"))),
                    "for i in range(%s):" % self.pick(("5", "a % 7", "12")),
                    "    %s = %s" % (v, self.pick(("%s * 1000003 + i" % v, "%s * -%s + 1" % (v, v),
                                                  "(%s << 13) - %s" % (v, v),
                                                  "%s * 3 // 2 - 7" % v))),
                    "    %s = %s %% %s" % (v, v, self.pick(("(2 ** 64)", "(2 ** 63 + 5)",
                                                           "-(2 ** 61)", "97"))),
                    "out.append((%s, type(%s).__name__, %s > 2 ** 62))" % (v, v, v)]
        return ["%s = ''" % v,        # a string built up
                "for i, ch in enumerate(%s):" % self.pick(("c", "c * 2", "c[::-1]")),
                "    %s = %s" % (v, self.pick(("ch + %s" % v, "%s + ch.upper() * (i %% 2)" % v,
                                               "%s[1:] + ch" % v, "f'{%s}{i}{ch!r}'" % v))),
                "out.append((%s, len(%s), %s[::-2]))" % (v, v, v)]

    def s_lambda(self):
        return ["out.append(%s)" % self.pick((
            "sorted(%s, key=lambda p: (p[1], -p[0]))" % self.pick((
                "list(enumerate(c))", "list(zip(d, d[::-1]))", "[(1, 'b'), (2, 'a'), (0, 'b')]")),
            "max(%s, key=lambda s: s %% 3, default='none')" % self.pick(("d", "range(a % 9)")),
            "min(c.split() or ['-'], key=len)",
            "list(map(lambda x, y=2: x * y, %s))" % self.pick(("d", "c", "range(3)")),
            "list(filter(lambda x: x %% 2, %s))" % self.pick(("d", "range(7)")),
            "list(filter(None, %s))" % self.pick(("d", "c.split(',')", "[0, '', None, 1]")),
            "(lambda *xs, **kw: (xs, sorted(kw)))(a, c, z=1)",
            "[f(3) for f in [lambda x, k=k: x ** k for k in range(4)]]",
            "sorted(d + [a], key=lambda x: str(x), reverse=True)",
            "sorted([c, 'b', 'A', ''], key=str.lower)",
            "list(map(str, zip(d, c, range(9))))",
            "dict(zip(c, map(ord, c)))"))]

    # ---- random control flow ------------------------------------------------------

    def flow_block(self, depth, loops, infn):
        """Statements nested up to depth: loops (bounded), if, try with
        handlers/else/finally, break/continue (in loops), return (in the
        snippet's function), raise; each leaves a mark in out."""
        lines = []
        for _ in range(self.r.randint(1, 3)):
            self.n += 1
            mark = self.n
            self.budget -= 1        # (a flow stays small: compound statements while it lasts)
            k = self.r.randint(0, 9 if depth > 0 and self.budget > 0 else 4)
            if k == 0 or (k == 1 and not loops) or (k == 2 and not infn):
                lines.append("out.append(%d)" % mark)
            elif k == 1 and loops:
                lines += ["if %s:" % self.flow_cond(loops), "    %s" % self.pick(("break", "continue"))]
            elif k == 2 and infn:
                lines += ["if %s:" % self.flow_cond(loops),
                          "    return %s" % self.pick(("%d" % mark, "out[:]", "None", "len(out)"))]
            elif k == 3:
                lines += ["if %s:" % self.flow_cond(loops),
                          "    raise %s(%d)" % (self.pick(("ValueError", "KeyError", "TypeError")), mark)]
            elif k == 4:
                lines.append("out.append(%d // (%s))" % (mark, self.pick(("a % 3", "len(c) - 1", "1"))))
            elif k in (5, 6):     # a loop
                v = "i%d" % mark
                head = self.pick(("for %s in range(%s):" % (v, self.pick(("3", "a % 4", "len(c)"))),
                                  "for %s in %s:" % (v, self.pick(("d", "c", "[1, 2]"))),
                                  "%s = 0\nwhile %s < 3:" % (v, v)))
                head = head.split("\n")
                body = self.flow_block(depth - 1, loops + [v], infn)
                if head[-1].startswith("while"):
                    body = ["%s += 1" % v] + body
                lines += head + ["    " + x for x in body]
                if self.r.random() < 0.3:
                    lines += ["else:", "    out.append(('else', %d))" % mark]
            elif k == 7:
                lines += ["if %s:" % self.flow_cond(loops)] + \
                    ["    " + x for x in self.flow_block(depth - 1, loops, infn)]
                if self.r.random() < 0.5:
                    lines += ["else:"] + ["    " + x for x in self.flow_block(depth - 1, loops, infn)]
            else:                 # a try statement (k 8 or 9)
                lines += ["try:"] + ["    " + x for x in self.flow_block(depth - 1, loops, infn)]
                handlers = self.r.randint(0 if self.r.random() < 0.3 else 1, 2)
                for _ in range(handlers):
                    lines += ["except %s as e%d:" % (self.pick(("ValueError", "KeyError",
                                                                 "(TypeError, ZeroDivisionError)",
                                                                 "Exception", "LookupError")), mark),
                              "    out.append(('exc', %d, str(e%d)))" % (mark, mark)]
                    if self.r.random() < 0.4:
                        lines += ["    " + x for x in self.flow_block(depth - 1, loops, infn)]
                if handlers and self.r.random() < 0.3:
                    lines += ["else:"] + ["    " + x for x in self.flow_block(depth - 1, loops, infn)]
                if not handlers or self.r.random() < 0.5:
                    lines += ["finally:", "    out.append(('fin', %d))" % mark]
                    if self.r.random() < 0.4:
                        # simple statements only (break, return, raise ...): CPython
                        # copies a finally block for each way out of its try, and
                        # compound ones nested there grow its bytecode exponentially
                        lines += ["    " + x for x in self.flow_block(0, loops, infn)]
        return lines

    def flow_cond(self, loops):
        v = self.pick(loops) if loops and self.r.random() < 0.7 else None
        if v is not None:
            return self.pick(("%s == 1" % v, "str(%s) in '1b'" % v, "len(out) > 4",
                              "%s == a %% 3" % v))
        return self.pick(("a > 0", "len(out) % 2", "c", "not d", "len(out) > 3"))

    def s_flow(self):
        fn = self.name("flow")
        self.budget = 12
        body = self.flow_block(self.pick((2, 3)), [], True)
        return ["def %s():" % fn] + ["    " + x for x in body] + [
                "    return 'end'",
                "try:",
                "    out.append(('ret', %s()))" % fn,
                "except (ValueError, KeyError, TypeError, ZeroDivisionError) as e:",
                "    out.append(('raised', type(e).__name__, str(e)))"]

    def s_flow_gen(self):         # the same flow inside a generator
        fn = self.name("flowg")
        self.budget = 12
        body = self.flow_block(self.pick((2, 3)), [], True)
        body = [x.replace("out.append(", "yield (") if x.lstrip().startswith("out.append(")
                else x for x in body]
        # (a yield first: without one it is a function returning out[:] or
        # None, and `for v in out: out.append(v)` never ends)
        return ["def %s():" % fn, "    yield 0"] + ["    " + x for x in body] + [
                "    return 'end'",
                "try:",
                "    for v in %s():" % fn,
                "        out.append(v)",
                "except (ValueError, KeyError, TypeError, ZeroDivisionError) as e:",
                "    out.append(('raised', type(e).__name__, str(e)))"]

    SNIPPETS2 = ("s_exc_flow", "s_exc_flow", "s_exc_flow", "s_gen2", "s_gen2", "s_closure2",
                 "s_assign", "s_assign", "s_iter_mutate", "s_lambda", "s_flow", "s_flow",
                 "s_flow", "s_flow_gen", "s_flow_gen")

    SNIPPETS = ("s_try", "s_try", "s_reraise", "s_finally_return", "s_loop_try",
                "s_while_else", "s_for_else", "s_closure", "s_late", "s_gen", "s_genexp",
                "s_comp", "s_dict", "s_list", "s_slice", "s_unpack", "s_chain", "s_global",
                "s_fmt", "s_builtins")

    def wrap(self, body):
        """body as it is, or run twice by a loop, or inside a nested function,
        a generator function or a try statement."""
        k = self.r.random()
        ind = ["    " + x for x in body]
        if k < 0.1:
            return ["for rep in range(2):"] + ind
        if k < 0.18:
            w = self.name("w")
            return ["def %s():" % w] + ind + ["    return len(out)",
                                             "out.append(('w', %s()))" % w]
        if k < 0.26:
            w = self.name("wg")
            return ["def %s():" % w] + ind + ["    yield len(out)",
                                             "out.append(('wg', list(%s())))" % w]
        if k < 0.32:
            return ["try:"] + ind + ["except %s as e:" % self.pick(("Exception", "LookupError",
                                                                     "ValueError")),
                                     "    out.append(('wrap', type(e).__name__, str(e)))"]
        return body

    def function(self, name: str) -> str:
        self.n = 0
        lines = ["    out = []"]
        for _ in range(self.r.randint(1, 4)):
            body = getattr(self, self.pick(self.SNIPPETS + self.SNIPPETS2))()
            if body[0].startswith("global "):       # declared once, first
                if lines[0] != "    " + body[0]:
                    lines.insert(0, "    " + body[0])
                # (not wrapped: in a nested function G_N would be its local, and
                # g_bump() would see the module's from the previous call)
                body = body[1:]
            else:
                body = self.wrap(body)
                while self.r.random() < 0.25:       # wraps inside wraps
                    body = self.wrap(body)
            lines += ["    " + x for x in body]
        lines.append("    return out")
        return STMT_PRELUDE + "def %s(a, b, c, d):\n%s\n" % (name, "\n".join(lines))


# StmtGen's arguments: TypedGen's, and lists holding ints past 64 bits and a
# bool (Python objects reached through the host), a str with a newline,
# bytes for c (most str operations then raise CPython's TypeError)
STMT_ARGS = TYPED_ARGS + (
    (5, 0.25, "b,a\nc d", [2 ** 70, 0, -3, True]),
    (-1, -2.5, "AbC", [2 ** 64, -2 ** 64, 1]),
    (2, 1.0, b"a,b", [1, 2]),
)

# module-level helpers of the statement programs (the globals `global` writes)
STMT_PRELUDE = '''G_N = 0
G_S = ""

def g_read():
    return G_N

def g_bump():
    global G_N
    G_N += 100
    return G_N

'''

# ---- values passed in from Python -----------------------------------------------
# ObjGen (--objects): programs whose parameters are Python objects passed in
# (lists, dicts, tuples, sets, strs, ints past 64 bits, floats, bools, None
# and instances of the classes below), which translated code reaches through
# the bridge: indexing (literal, computed, negative keys), slices, len, in,
# iteration (for, items(), enumerate, zip, sorted, comprehensions), methods
# (list, dict, set, str), mutation (items, slices, del, augmented assignment
# on items and attributes), comparisons between passed-in and local values,
# truthiness, isinstance, str/repr, returning them or values built from them,
# and the exceptions of all that caught by try/except. Each call gets fresh,
# equal arguments from a factory (OBJ_ARGS) and run() compares their repr
# after the call too, so a change made to a copy instead of the original is
# seen. Kept out, as documented differences (docs/translation.md): a NaN
# passed in (its identity is not kept, and CPython's `in`, `count`,
# `remove`, list equality and dict/set lookups test identity first: `x in
# [x]` is True for CPython's NaN object), `is` between values other than
# None (refused at translation). No object of the fuzzer's classes is in a
# set passed in: its hash is its address, so the two runs' equal sets
# would iterate in different orders (sets the program makes of them are
# compared unordered).


class Rec:
    """A plain object: attributes of various types, a method, a property."""

    def __init__(self, x=1, name="r", items=None, opt=None):
        self.x = x
        self.name = name
        self.items = [1, 2] if items is None else items
        self.opt = opt

    def norm(self, k=1):
        return abs(self.x) * k + len(self.items)

    def tag(self, sep="-"):
        return "%s%s%s" % (self.name, sep, self.x)

    @property
    def total(self):
        return self.x + len(self.name)

    @reprlib.recursive_repr()       # o.peer = o
    def __repr__(self):
        return "%s(%s)" % (type(self).__name__,
                           ", ".join("%s=%r" % kv for kv in vars(self).items()))


class Seq(Rec):
    """A Rec with __eq__ and __lt__ (by x) and the sequence protocol over its
    items (unhashable, as any class defining __eq__ alone)."""

    def __eq__(self, other):
        return isinstance(other, Rec) and self.x == other.x

    def __lt__(self, other):
        if not isinstance(other, Rec):
            return NotImplemented
        return self.x < other.x

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __iter__(self):
        return iter(self.items)


class Old(Rec):
    """A Rec that is a sequence by the old protocol (__getitem__ and
    __len__, no __iter__), ordered by __gt__ alone, true by __bool__."""

    def __getitem__(self, i):
        return self.items[i]

    def __len__(self):
        return len(self.items)

    def __gt__(self, other):
        return isinstance(other, Rec) and self.x > other.x

    def __bool__(self):
        return self.x != 0

class Lvl(enum.IntEnum):
    """An int subclass's instances (a Python object in translated code) as
    ints: indices, slice bounds, range() arguments, counts (n and o.x of the
    last factory)."""
    ONE = 1
    TWO = 2


class Ix:
    """An object that is an index by __index__ alone (as numpy's integers),
    equal by its value (the two runs' objects are different ones)."""

    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v

    def __eq__(self, other):
        return isinstance(other, Ix) and other.v == self.v

    def __hash__(self):
        return hash(self.v)

    def __repr__(self):
        return "Ix(%d)" % self.v


# the parameters: a list, d dict, t tuple, s set, w str, n int (an IntEnum
# member in the last factory), x float/bool/None (an Ix in the last), o an
# object (o.peer another one or None)
OBJ_PARAMS = "a, d, t, s, w, n, x, o"
OBJ_ARGS = (
    lambda: ([3, 1, 2], {"a": 1, "b": 2}, (1, "x", None), {1, 2, 3}, "abc", 2 ** 70, 1.5,
             Rec(3, "r", [1, 2])),
    lambda: ([], {}, (), set(), "", 0, None, Seq(0, "", [])),
    lambda: (["b", "a", "c", "a"], {1: "one", 2: "two", "k": [1]}, ((1, 2), [3]), {"x", "y"},
             "Hello, World", -2 ** 64, True, Seq(-2, "s", [5, 6, 7], Rec(1))),
    lambda: ([[1, 2], [3], [], [1, 2]], {"x": {"y": 1}, "z": [1, 2], "a": 0}, (2 ** 65, -1),
             frozenset({1, 5}), " a b ", -3, -0.0, Rec(-1, "q", [], Seq(4, "p", [0]))),
    lambda: ([None, 0, "", 2 ** 64, -1.5, True], {"a": None, 2: 2 ** 70, "c": 1.5},
             (3, 1, 2), {2 ** 70, -1}, "a,b,,c", 7, 1e300, Old(2 ** 70, "big", [3], "o")),
    lambda: (list(range(8)), dict.fromkeys("abc", 0), ("a", "b"), {0, 1, -1}, "é€x", 2 ** 63,
             float("inf"), Seq(5, "five", ["p", "q"], Seq(5, "eq", [1]))),
    lambda: ([2 ** 63 - 1, -2 ** 63, 0], {(1, 2): "t", 1.5: 2, True: "one", "k": (3,)},
             ("😀a\n", b"by", 2 ** 63), frozenset(), "😀 b\nc", 2 ** 63 - 1, -2 ** 63,
             Rec([1, 2], "😀", (1, 2), {"k": 1})),
    lambda: ([Seq(2, "b"), Seq(-1, "a", [3]), Seq(2, "c")], {"r": Rec(0), "s": Seq(1), "l": [Rec(2)]},
             (Rec(1, "t"), [Seq(0)], Old(0, "old", [1])), {"e", 9, (1, 2)}, "x,y", 1, False,
             Seq(3, "w", [Seq(1), Seq(0, "z")], Rec(4, "peer", [[1], [2, 3]]))),
    lambda: ([5, 6, 7, 8], {"a": 1, 2: "b"}, ("p", "q", "r"), {3, 4}, "wxyz", Lvl.TWO, Ix(1),
             Rec(Lvl.ONE, "lv", [1, 2], Rec(Ix(2), "ix"))),
)

OBJ_EXCS = ("(IndexError, KeyError, AttributeError, TypeError, ValueError)",
            "LookupError", "(IndexError, TypeError)", "KeyError", "AttributeError",
            "Exception", "(TypeError, ValueError, ZeroDivisionError)")


class ObjGen:
    """Programs over objects passed in from Python; see the comment above."""

    PARAMS = ("a", "d", "t", "s", "w", "n", "x", "o")

    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.nv = 0

    def pick(self, seq):
        return self.r.choice(seq)

    def name(self, base):
        self.nv += 1
        return "%s%d" % (base, self.nv)

    # ---- pieces ---------------------------------------------------------------

    def idx(self):
        return self.pick(("0", "1", "-1", "2", "-2", "3", "5", "-6", "len(a) - 1", "n % 3",
                          "-len(a)", "True", "len(t) // 2", "o.x % 4", "2 ** 70", "n", "x",
                          "o.x"))

    def key(self):
        return self.pick(("'a'", "'b'", "'k'", "'z'", "'x'", "1", "2", "w", "n", "1.0", "True",
                          "(1, 2)", "None", "o.name"))

    def val(self):
        return self.pick(("0", "1", "-3", "'q'", "None", "n", "x", "w", "[1, 2]", "(3, 4)",
                          "2 ** 70", "True", "1.5", "o.x", "len(a)", "[]", "{'m': 1}",
                          "a[0] if a else 9", "t[-1] if t else 8"))

    def seq(self):
        return self.pick(("a", "a", "t", "t", "w", "s", "d", "o", "d.keys()", "d.values()",
                          "d.items()", "a[1:]", "list(t)", "o.items", "a[::-1]", "w.split()",
                          "range(len(a))", "sorted(s)"))

    def obj(self):
        return self.pick(self.PARAMS + ("o.x", "o.name", "o.items", "o.opt", "o.peer",
                                        "a[0]", "t[0]", "d.get('a')", "o.total", "a[-1]",
                                        "[a, t]", "(d, s)"))

    def elem(self):       # an expression about an element v of a sequence
        return self.pick(("v", "v", "str(v)", "repr(v)", "type(v).__name__", "v == 1",
                          "(v, v)", "bool(v)", "v * 2", "isinstance(v, int)", "[v]"))

    def sortkey(self):
        return self.pick(("", ", reverse=True", ", key=str", ", key=repr", ", key=len",
                          ", key=lambda v: -v", ", key=lambda v: (type(v).__name__, str(v))",
                          ", key=str, reverse=True", ", key=lambda r: r.x"))

    # ---- snippets: each returns lines for a function body ------------------------

    def s_index(self):
        k = self.r.randint(0, 6)
        if k == 0:
            return ["out.append(a[%s])" % self.idx()]
        if k == 1:
            return ["out.append(t[%s])" % self.idx()]
        if k == 2:
            return ["out.append(w[%s])" % self.idx()]
        if k == 3:
            return ["out.append(d[%s])" % self.key()]
        if k == 4:
            return ["out.append(o[%s])" % self.idx()]
        if k == 5:
            return ["out.append(%s[%s][%s])" % (self.pick(("a", "t", "d")),
                                                self.pick(("0", "-1", "'z'", "'x'", "1")),
                                                self.pick(("0", "-1", "'y'", "1")))]
        return ["out.append(o.items[%s])" % self.idx()]

    def s_slice(self):
        b = lambda: self.pick(("", "", "1", "-1", "2", "-3", "n", "len(a)", "x and 1", "x",
                               "o.x"))
        st = self.pick(("", "", ":2", ":-1", ":-2", ":0", ":n", ":x"))
        tgt = self.pick(("a", "t", "w", "o.items", "o"))
        k = self.r.randint(0, 4)
        if k <= 2:
            return ["out.append(%s[%s:%s%s])" % (tgt, b(), b(), st)]
        if k == 3:
            return ["a[%s:%s%s] = %s" % (b(), b(), st, self.pick(("[]", "[9]", "[7, 8, 9]",
                                                                   "t", "w", "a", "range(2)"))),
                    "out.append(len(a))"]
        return ["del a[%s:%s%s]" % (b(), b(), st), "out.append(a)"]

    def s_len_in(self):
        k = self.r.randint(0, 4)
        if k == 0:
            return ["out.append(len(%s))" % self.pick(self.PARAMS + ("o.items", "d.keys()",
                                                                     "o.peer"))]
        if k == 1:
            return ["out.append(%s %s %s)" % (self.val(), self.pick(("in", "not in")),
                                              self.seq())]
        if k == 2:
            return ["out.append(%s in d)" % self.key()]
        if k == 3:
            return ["if %s:" % self.obj(), "    out.append('yes')", "else:",
                    "    out.append('no')"]
        return ["out.append((not %s, bool(%s)))" % (self.obj(), self.obj())]

    def s_iter(self):
        k = self.r.randint(0, 11)
        if k == 0:
            return ["for v in %s:" % self.seq(), "    out.append(%s)" % self.elem()]
        if k == 1:
            return ["for kk, v in d.items():", "    out.append((kk, %s))" % self.elem()]
        if k == 2:
            return ["for i, v in enumerate(%s%s):" % (self.seq(), self.pick(("", ", 1", ", -2"))),
                    "    out.append((i, %s))" % self.elem()]
        if k == 3:
            return ["for p, q in zip(%s, %s):" % (self.seq(), self.seq()),
                    "    out.append((p, q))"]
        if k == 4:
            return ["out.append(sorted(%s%s))" % (self.seq(), self.sortkey())]
        if k == 5:
            return ["out.append([%s for v in %s%s])" % (self.elem(), self.seq(), self.pick(
                ("", " if v", " if v != 1", " if isinstance(v, str)")))]
        if k == 6:
            return ["out.append({kk: %s for kk, v in d.items()})" % self.elem()]
        if k == 7:
            return ["out.append({%s for v in %s})" % (self.pick(("v", "str(v)", "repr(v)")),
                                                    self.seq())]
        if k == 8:
            return ["out.append(%s(%s))" % (self.pick(("list", "tuple", "min", "max", "sum",
                                                       "any", "all", "len", "dict", "set",
                                                       "sorted", "frozenset")), self.seq())]
        if k == 9:
            return ["out.append(list(reversed(%s)))" % self.pick(("a", "t", "w", "d", "o",
                                                                  "o.items", "d.keys()"))]
        if k == 10:
            return ["for v in a:", "    if %s:" % self.pick(("v == 1", "not v", "v in t",
                                                             "v in d")),
                    "        out.append(('found', v))", "        break", "else:",
                    "    out.append('none')"]
        return ["out.append(sum(1 for v in %s if v))" % self.seq()]

    def s_list_meth(self):
        m = self.pick(("append(%s)" % self.val(), "pop()", "pop(%s)" % self.idx(),
                       "extend(%s)" % self.seq(), "insert(%s, %s)" % (self.idx(), self.val()),
                       "remove(%s)" % self.val(), "index(%s)" % self.val(),
                       "count(%s)" % self.val(), "sort(%s)" % self.sortkey()[2:],
                       "reverse()", "clear()", "copy()", "index(%s, 1)" % self.val()))
        tgt = self.pick(("a", "a", "a", "o.items", "d['z']", "t"))
        if tgt == "o.items" and m == "extend(o)":
            m = "extend(a)"     # o iterates o.items: extending it by o never ends
        return ["out.append(%s.%s)" % (tgt, m), "out.append(%s)" % tgt]

    def s_dict_meth(self):
        m = self.pick(("get(%s)" % self.key(), "get(%s, %s)" % (self.key(), self.val()),
                       "setdefault(%s, %s)" % (self.key(), self.val()),
                       "update(%s)" % self.pick(("{'a': 5}", "{1: 2, 'new': 3}", "d",
                                                 "[('p', 1)]", "zip(w, a)", "{}")),
                       "keys()", "values()", "items()", "pop(%s)" % self.key(),
                       "pop(%s, %s)" % (self.key(), self.val()), "popitem()", "copy()",
                       "clear()", "setdefault(%s)" % self.key()))
        return ["out.append(%s(d.%s))" % (self.pick(("", "list", "repr")), m),
                "out.append(d)"]

    def s_set(self):
        k = self.r.randint(0, 3)
        if k == 0:
            return ["out.append(s.%s)" % self.pick((
                "add(%s)" % self.val(), "discard(%s)" % self.val(), "remove(%s)" % self.val(),
                "issubset({1, 2, 3})", "isdisjoint(a)", "copy()", "union(t)", "pop()")),
                "out.append(sorted(s, key=repr))"]
        if k == 1:
            return ["out.append(s %s %s)" % (self.pick(("|", "&", "-", "^", "==", "<=", "<",
                                                        "!=")),
                                             self.pick(("{1, 2}", "set()", "s", "set(a)",
                                                        "frozenset({1})", "{'x'}")))]
        if k == 2:
            return ["s %s= %s" % (self.pick(("|", "&", "-")), self.pick(("{1}", "{'x', 9}",
                                                                         "set()"))),
                    "out.append(len(s))"]
        return ["out.append(sorted(v for v in s if v%s))" % self.pick(("", " != 1", " in a"))]

    def s_str(self):
        m = self.pick(("upper()", "split(',')", "split()", "strip()", "find('b')",
                       "replace('a', 'Z')", "startswith('a')", "join(%s)" % self.pick(
                           ("['1', '2']", "a", "t", "d", "sorted(s)", "w")),
                       "count('a')", "title()", "partition(',')", "index('l')",
                       "encode()", "center(9, '*')", "format(a)", "isalpha()",
                       "zfill(n % 8)", "rsplit(',', 1)", "zfill(min(n, 9))", "split(',', n)",
                       "replace('a', 'Z', x)", "find('x', n)", "rjust(x, '.')",
                       "splitlines(x)", "expandtabs(n)"))
        return ["out.append(w.%s)" % m]

    def s_mutate(self):
        k = self.r.randint(0, 12)
        if k == 0:
            return ["a[%s] = %s" % (self.idx(), self.val()), "out.append(a)"]
        if k == 1:
            return ["d[%s] = %s" % (self.key(), self.val()), "out.append(d)"]
        if k == 2:
            return ["del a[%s]" % self.idx(), "out.append(a)"]
        if k == 3:
            return ["del d[%s]" % self.key(), "out.append(d)"]
        if k == 4:
            return ["a[%s] %s= %s" % (self.idx(), self.pick(("+", "*", "-")),
                                      self.pick(("1", "2", "'s'", "[0]", "n"))),
                    "out.append(a)"]
        if k == 5:
            return ["d[%s] %s= %s" % (self.key(), self.pick(("+", "*", "-")),
                                      self.pick(("1", "2", "'s'", "[0]", "n"))),
                    "out.append(d)"]
        if k == 6:
            return ["o.%s = %s" % (self.pick(("x", "name", "items", "opt", "extra", "total")),
                                   self.val()), "out.append(repr(o))"]
        if k == 7:
            return ["o.%s %s= %s" % (self.pick(("x", "name", "items", "opt")),
                                     self.pick(("+", "*")), self.pick(("1", "'s'", "[0]", "2"))),
                    "out.append(o)"]
        if k == 8:
            return ["del o.%s" % self.pick(("opt", "x", "nope", "peer")), "out.append(o)"]
        if k == 9:
            return ["%s %s= %s" % (self.pick(("a", "t", "w", "n", "x")),
                                   self.pick(("+", "*")), self.pick(("[5]", "(6,)", "'z'", "2",
                                                                     "1", "a", "t"))),
                    "out.append((a, t, w, n, x))"]
        if k == 10:
            return ["d |= %s" % self.pick(("{'a': 7}", "{3: 4}", "d", "dict(zip(w, t))")),
                    "out.append(d)"]
        if k == 11:
            return ["o.items.append(%s)" % self.val(), "out.append(o.items)"]
        return ["setattr(o, %s, %s)" % (self.pick(("'x'", "'new'", "w")), self.val()),
                "out.append(getattr(o, %s, 'dflt'))" % self.pick(("'x'", "'new'", "'nope'"))]

    def s_compare(self):
        lhs = self.pick(("a", "t", "d", "s", "w", "n", "x", "o", "o.peer", "o.items", "a[0]"))
        rhs = self.pick(("[3, 1, 2]", "[]", "(1, 'x', None)", "()", "{'a': 1, 'b': 2}", "{}",
                         "{1, 2, 3}", "set()", "'abc'", "''", "2 ** 70", "0", "1.5", "None",
                         "list(t)", "tuple(a)", "dict(d)", "o", "o.peer", "[1, 2]", "a", "t",
                         "Rec(3)", "Seq(5)", "w.upper()", "n + 1"))
        op = self.pick(("==", "!=", "<", "<=", ">", ">=", "is", "is not"))
        if op.startswith("is"):     # `is` between values that may not be None is refused
            rhs = "None"
        return ["out.append(%s %s %s)" % (lhs, op, rhs)]

    def s_types(self):
        k = self.r.randint(0, 2)
        if k == 0:
            return ["out.append(isinstance(%s, %s))" % (self.obj(), self.pick(
                ("list", "dict", "tuple", "(set, frozenset)", "str", "int", "float", "bool",
                 "Rec", "Seq", "Old", "(list, tuple)", "type(None)", "object")))]
        if k == 1:
            return ["out.append(type(%s).__name__)" % self.obj()]
        return ["out.append(type(%s) is %s)" % (self.obj(), self.pick(("list", "dict", "int",
                                                                      "Rec", "Seq", "str")))]

    def s_repr(self):
        e = self.obj()
        return ["out.append(%s)" % self.pick(("str(%s)", "repr(%s)", 'f"{%s}"', 'f"{%s!r:>12}"',
                                              "'%%s' %% (%s,)", "'{}'.format(%s)",
                                              "'%%r' %% (%s,)")) % e]

    def s_obj(self):
        k = self.r.randint(0, 6)
        if k == 0:
            return ["out.append(o.%s)" % self.pick(("x", "name", "items", "opt", "total",
                                                    "peer", "nope", "norm()", "norm(2)",
                                                    "tag()", "tag(sep=':')", "norm(k=n)"))]
        if k == 1:
            return ["out.append(getattr(o, %s%s))" % (self.pick(("'x'", "'nope'", "'total'",
                                                                 "w")),
                                                      self.pick(("", ", None")))]
        if k == 2:
            return ["out.append(hasattr(o, %s))" % self.pick(("'x'", "'peer'", "'nope'",
                                                              "'norm'"))]
        if k == 3:
            return ["out.append(%s)" % self.pick(("len(o)", "list(o)", "o[0]", "o[-1]",
                                                  "1 in o", "sorted(o)", "o.peer.x",
                                                  "o.peer.norm()"))]
        if k == 4:
            return ["out.append(sorted([o, %s]%s))" % (self.pick(("o.peer", "Seq(2)", "Rec(0)",
                                                                  "o")),
                                                       self.pick(("", ", key=lambda r: r.x",
                                                                  ", key=lambda r: -r.x",
                                                                  ", reverse=True")))]
        if k == 5:
            return ["m = o.norm", "out.append(m(%s))" % self.pick(("", "2", "n"))]
        return ["r = %s(%s)" % (self.pick(("Rec", "Seq", "Old")), self.pick(("1", "n", "x", "w, 'nm'",
                                                                      "o.x, items=a"))),
                "out.append((r.x, r.total, r == o, repr(r)))"]

    def s_build(self):
        k = self.r.randint(0, 3)
        if k == 0:
            return ["out.append(%s)" % self.obj()]
        if k == 1:
            return ["out.append(%s)" % self.pick(("a + list(t)", "list(a) * 2", "t + (1,)",
                                                  "w + str(n)", "dict(d)", "{**d, 'q': 1}",
                                                  "[*a, *t]", "(*t, *w)", "set(a) | {1}",
                                                  "[a, a]", "{'a': a, 't': t}", "n * 2 + 1",
                                                  "x * 2", "n // 3", "-n", "n ** 2",
                                                  "str(n)", "float(n)"))]
        if k == 2:
            return ["b1 = a", "b1.append(%s)" % self.val(), "out.append((a, b1))"]
        return ["b2 = %s" % self.pick(("a[:]", "list(a)", "a.copy()", "dict(d)", "d.copy()")),
                "b2.clear()", "out.append((len(b2), a, d))"]

    def s_unpack(self):
        return [self.pick(("p, q, *r = %s" % self.seq(), "p, q = %s" % self.seq(),
                           "(p, q), r = %s" % self.pick(("t", "a", "d.items()", "[a, t]")),
                           "p, *q = r = %s" % self.seq(), "*p, q = %s" % self.seq(),
                           "a[0], d['a'] = d.get('a'), a[-1]", "p = q = r = %s" % self.obj())),
                "out.append((a, d))"]

    def s_loop_mutate(self):
        k = self.r.randint(0, 6)
        if k == 0:
            return ["for i in range(len(a)):", "    a[i] %s= %s" % (
                self.pick(("+", "*")), self.pick(("1", "2", "a[i]", "'s'"))), "out.append(a)"]
        if k == 1:
            return ["while %s:" % self.pick(("a", "len(a) > 1", "d", "s")),
                    "    out.append(%s)" % self.pick(("a.pop()", "a.pop(0)", "d.popitem()",
                                                      "s.pop()", "d.pop(next(iter(d)))")),
                    "    if len(out) > 20:", "        break"]
        if k == 2:
            return ["for i, v in enumerate(%s):" % self.pick(("a", "d", "s", "o.items")),
                    "    %s" % self.pick(("a.append(i)", "d[v] = i", "del a[0]", "s.add(i)",
                                          "d.pop(v)", "a.remove(v)", "o.items.append(v)")),
                    "    if i > 6:", "        break", "out.append((a, d))"]
        if k == 3:
            return ["for kk in d:", "    d[kk] = %s" % self.pick(("kk", "[kk]", "d[kk] * 2",
                                                                 "None")), "out.append(d)"]
        if k == 4:
            return ["for kk in list(d):", "    if %s:" % self.pick(("kk in a", "kk == 'a'",
                                                                    "not d[kk]", "True")),
                    "        del d[kk]", "out.append(d)"]
        if k == 5:
            return ["a[:] = sorted(a%s)" % self.sortkey(), "out.append(a)"]
        return ["a.sort(%s)" % self.sortkey()[2:], "out.append(a)"]

    def s_alias(self):
        b = self.pick(("a", "d", "t", "s", "w", "o.items", "o"))
        op = {"a": "+= [1]", "d": "|= {'n': 2}", "t": "+= (1,)", "s": "|= {4}", "w": "+= '!'",
              "o.items": "+= [0]", "o": ".x = 9"}[b]
        if b == "o":
            return ["al = o", "al.x = 9", "out.append((o.x, al is o, o))"]
        return ["al = %s" % b, "al %s" % op, "out.append((%s, al, al == %s))" % (b, b)]

    def s_hash(self):
        return ["out.append(%s)" % self.pick((
            "{%s: 1}" % self.obj(), "%s in d" % self.obj(), "d.get(%s)" % self.obj(),
            "hash(%s) == hash(%s)" % (self.obj(), self.obj()), "{%s, 1}" % self.obj(),
            "%s in s" % self.obj(), "dict.fromkeys(%s)" % self.seq(),
            "{t: 1, (1, 'x', None): 2}", "set(t) == set(list(t))"))]

    def s_errors(self):
        e = self.pick((
            "t[0] = 1", "w[0]", "s[0]", "len(n)", "n[0]", "o.nope", "o.nope()", "a.nope",
            "o.norm('x')", "o.tag(1, 2, 3)", "d.pop()", "a.index(None)", "w.index('Q')",
            "''.join(a)", "','.join(t)", "a[n]", "w * n", "a * n", "t.index(99)",
            "next(iter(s))", "o['x']", "int(w)", "float(w)", "a + t", "t + a", "w + n",
            "n + w", "d + d", "-w", "~x", "x + a", "max(d)", "min(s)", "sum(w)",
            "divmod(n, 0)", "a.pop(2 ** 70)", "d[a]", "{a: 1}", "s.add(a)",
            "a.insert(n, 1)", "abs(a)", "o()", "a.sort(key=1)", "sorted(a, reverse=w)"))
        return [e if "=" in e and "==" not in e else "out.append(%s)" % e]

    def s_num(self):
        return ["out.append(%s)" % self.pick((
            "n + 1", "n - 2 ** 64", "n * n", "n // 7", "n % 7", "-n", "abs(n)", "n >> 3",
            "n << 2", "n & 255", "n | 1", "n ^ -1", "n / 3", "n ** 2", "divmod(n, 9)",
            "hex(n)", "bin(n)", "str(n)", "float(n)", "n == 2 ** 70", "n > 2 ** 63",
            "n < x", "x > n", "x + n", "x * 2", "x / 3", "round(x)", "int(x)", "x // 1",
            "x == x", "n.bit_length()", "(n, x) < (0, 0)", "max(n, x, 0)", "min([n, 1])",
            "a[0] + n", "n + len(a)", "x or n", "x and n", "round(n, -3)", "pow(n, 2, 97)",
            "n * 0.5", "f'{n:,}'", "f'{n:x}'", "'%d' % n", "f'{x:.3f}'", "'%s|%r' % (n, x)"))]

    def s_fmt(self):
        return ["out.append(%s)" % self.pick((
            "f'{a}|{d}|{t}'", "f'{o!r}'", "f'{o.x:>5}'", "'{0.x}-{0.name}'.format(o)",
            "'{0[0]}'.format(a)", "'{0[a]}'.format(d)", "'%s %s' % (a, d)",
            "'%r' % (t,)", "'%(a)s' % d", "str(s)", "repr([o, a])", "str((a, o))",
            "f'{w!r:^12}'", "'{:>8}'.format(w)", "'%-6s|' % w", "f'{len(a):03d}'",
            "str(d)", "repr(d.items())", "str(d.keys())", "repr(o.peer)"))]

    def s_iter_proto(self):
        it = self.pick(("a", "d", "t", "s", "w", "o", "d.items()", "d.values()", "o.items"))
        return ["it = iter(%s)" % it,
                "out.append(next(it, 'end'))",
                "out.append(%s)" % self.pick(("next(it)", "list(it)", "next(it, None)",
                                              "sum(1 for _ in it)")),
                "out.append(list(it))"]

    def s_nested(self):
        k = self.r.randint(0, 3)
        if k == 0:
            return ["def h(lst, k):", "    lst.append(k)", "    return len(lst)",
                    "out.append(h(%s, %s))" % (self.pick(("a", "o.items", "d['z']")), self.val()),
                    "out.append(a)"]
        if k == 1:
            return ["g = lambda v: %s" % self.elem(),
                    "out.append(list(map(g, %s)))" % self.seq()]
        if k == 2:
            return ["def gen(src):", "    for v in src:", "        yield %s" % self.elem(),
                    "out.append(list(gen(%s)))" % self.seq()]
        return ["out.append(list(filter(%s, %s)))" % (self.pick(("None", "bool",
                                                                 "lambda v: v != 1")),
                                                      self.seq())]

    def s_more(self):
        return ["out.append(%s)" % self.pick((
            "a.sort(key=len)", "d.get('a', default=1)", "a.pop(index=0)", "o.norm(k=2)",
            "w.split(sep=',')", "w.split(',', maxsplit=1)", "sorted(d, key=d.get)",
            "max(a, key=str)", "min(d.items(), key=lambda kv: str(kv[1]))",
            "a.__getitem__(0)", "d.__contains__('a')", "a.__class__.__name__",
            "sorted(a, key=o.tag)", "getattr(o, 'norm')(2)", "type(o)(5)", "Rec(*t)",
            "Rec(**d)", "isinstance(o, (Rec, list))", "o.__class__.__name__",
            "o.__dict__", "vars(o)", "o.__dict__['x']", "', '.join(map(str, a))",
            "f'{o.x!s:>{n % 5}}'", "dict(d, extra=1)", "dict(**d)", "{**d}", "[*d]",
            "(*s,)", "[*a, *o]", "a[n % len(a)]", "any(v for v in a)",
            "all(isinstance(v, int) for v in a)", "sum(a, [])", "sum(t, ())",
            "list(zip(*a))", "list(zip(a, d.items()))", "list(enumerate(reversed(a)))",
            "a.count(a[0])", "d.items() & {('a', 1)}", "d.keys() == {'a', 'b'}",
            "d.keys() - {'a'}", "s == set(a)", "s < set(t)", "s | set(w)",
            "frozenset(s) in {frozenset({1, 5})}", "[o] == [o]", "o in a", "a.count(o)",
            "a.index(o)", "o in t", "o.peer in a", "(y := len(a)) + y",
            "[v for v in a if (z := v)]", "d.setdefault('nk', []).append(1)",
            "d.get('z', []).append(5)", "o.items.__len__()", "list(map(len, a))",
            "sorted(s, key=lambda v: (str(type(v)), str(v)))", "o.items * 2",
            "a == a[:]", "a[:] == list(a)", "t == tuple(t)", "d == dict(d)",
            "max(o)", "min(o.items)", "sum(o)", "dict(o.__dict__)", "[o.x for o in a]",
            "sorted(a, key=lambda r: r.x)", "sorted(a, key=lambda r: r.name, reverse=True)",
            "max(a)", "sorted(a)", "min(a, default=None)", "a.index(Seq(2))",
            "Seq(2) in a", "a.count(Seq(2))", "a.remove(Seq(-1))", "t[0].tag()",
            "d['r'].norm()", "d['l'][0].x", "o.items[0].x", "sorted([a, [1, 2], t])",
            "max([a, [5]])", "[a] < [[3]]", "(t, 1) < (t, 2)", "a < a[:]", "a[x]", "t[x]",
            "d.get('x', {}).get('y')", "n + 1", "n - 1", "-n", "n * 2", "abs(n)",
            "a[0] + 1", "a[1] - 1", "sum(a)", "w[-1]", "w[::-1]", "len(w)", "w.upper()",
            "list(w)", "w.split()", "w.encode()", "repr(w)", "t[0][::-1]", "t[1] * 2",
            "sorted(d, key=repr)", "d[(1, 2)]", "d[1.5]", "d[1]", "(1, 2) in d", "x * 1.5",
            "[v for v in t if isinstance(v, bytes)]", "sorted(t, key=type)"))] + \
            (["out.append((a, d, o))"] if self.r.random() < 0.5 else [])

    def s_nested_mut(self):
        return [self.pick((
            "del o.items[0]", "o.items[0] = 5", "o.items[1:] = []", "o.peer.x += 1",
            "d['z'].append(1)", "d['l'][0].x = 7", "t[1].append(2)", "a[0].items.append(1)",
            "a[0].x -= 1", "o.items[-1] += [0]", "d['z'][0] *= 3", "a.extend(a)", "a += a",
            "a[:] = a", "d.update(d)", "a[0][0] = 'q'", "o.peer.items.pop()",
            "o.peer = o", "o.items = o.items + [1]", "o.items += o.items")),
            "out.append((a, d, t, o))"]

    def s_raise(self):
        return ["if %s:" % self.pick(("a", "not d", "n > 0", "o.x", "len(t) > 1", "x")),
                "    raise %s(%s)" % (self.pick(("KeyError", "ValueError", "IndexError",
                                                 "TypeError", "AttributeError")),
                                      self.pick(("a", "d", "t", "o", "w", "n", "a, o", "'m'",
                                                 "", "o.items", "(1, a)")))]

    SNIPPETS = ("s_index", "s_slice", "s_len_in", "s_iter", "s_list_meth", "s_dict_meth",
                "s_set", "s_str", "s_mutate", "s_compare", "s_types", "s_repr", "s_obj",
                "s_build", "s_mutate", "s_index", "s_iter", "s_unpack", "s_loop_mutate",
                "s_alias", "s_hash", "s_errors", "s_num", "s_fmt", "s_iter_proto",
                "s_nested", "s_errors", "s_more", "s_more", "s_nested_mut", "s_raise")

    def function(self, name: str) -> str:
        lines = ["    out = []"]
        for _ in range(self.r.randint(1, 5)):
            body = getattr(self, self.pick(self.SNIPPETS))()
            if self.r.random() < 0.75:
                body = ["try:"] + ["    " + x for x in body] + [
                    "except %s as e:" % self.pick(OBJ_EXCS),
                    "    out.append(%s)" % self.pick((
                        "(type(e).__name__, str(e))", "(type(e).__name__, str(e))",
                        "repr(e)", "e.args", "(isinstance(e, LookupError), len(e.args))",
                        "(e.__class__.__name__, f'{e!r}', [e] == [e])",
                        "(type(e) is KeyError, {type(e): 1})"))]
            elif self.r.random() < 0.1:
                body = ["for rep in range(2):"] + ["    " + x for x in body]
            k = self.r.random()
            if k < 0.08:        # in a nested function (the arguments are free variables)
                w = self.name("w")
                body = ["def %s():" % w] + ["    " + x for x in body] + [
                    "    return len(out)", "out.append(('w', %s()))" % w]
            elif k < 0.16:      # in a generator function (host calls inside a coroutine)
                w = self.name("wg")
                body = ["def %s():" % w] + ["    " + x for x in body] + [
                    "    yield len(out)", "out.append(('wg', list(%s())))" % w]
            lines += ["    " + x for x in body]
        lines.append("    return %s" % self.pick(("out", "out", "out", "(out, a)", "(out, d, o)",
                                                  "a", "o")))
        return "def %s(%s):\n%s\n" % (name, OBJ_PARAMS, "\n".join(lines))


_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))


def _objnorm(v: Any, seen: Any = ()) -> Any:
    """v for same(): the fuzzer's objects replaced by their class name and
    attributes (equal objects of the two runs are different objects), sets
    by their items in iteration order (by their sorted reprs when they hold
    such objects, whose hash is their address: the two runs' equal sets may
    order them differently), a structure met again inside itself by a
    marker, the addresses in strings masked (_unaddr)."""
    if id(v) in seen:
        return ("<cycle>", type(v).__name__)
    if isinstance(v, Rec):
        seen = seen + (id(v),)
        return ("<%s>" % type(v).__name__, _objnorm(vars(v), seen))
    if type(v) in (list, tuple):
        seen = seen + (id(v),)
        return type(v)(_objnorm(x, seen) for x in v)
    if type(v) is dict:
        seen = seen + (id(v),)
        return ("<dict>", [(_objnorm(k, seen), _objnorm(x, seen)) for k, x in v.items()])
    if type(v) in _VIEWS:
        return ("<%s>" % type(v).__name__, [_objnorm(x, seen) for x in v])
    if type(v) in (set, frozenset):
        items = [_objnorm(x, seen) for x in v]
        if any(isinstance(x, Rec) for x in v):
            items.sort(key=repr)
        return ("<%s>" % type(v).__name__, items)
    return _unaddr(v)


def obj_outcome(f: Callable[..., Any], factory: Callable[[], tuple],
                keywords: bool = False) -> tuple:
    """("ok", value, state) or ("raise", type, message, state) of f on fresh
    arguments from factory (as keyword arguments with keywords); state: the
    arguments after the call (_objnorm)."""
    args = factory()
    try:
        value = f(**dict(zip(OBJ_PARAMS.split(", "), args))) if keywords else f(*args)
    except Exception as e:      # noqa: BLE001 — every exception is an outcome here
        return ("raise", type(e), str(e), _objnorm(args))
    return ("ok", value, _objnorm(args))


def obj_agree(native: tuple, translated: tuple) -> bool:
    """Two obj_outcome()s alike: value (_objnorm) or exception type and
    message, and the arguments after the call."""
    if native[0] == translated[0] == "ok":
        return same(_objnorm(native[1]), _objnorm(translated[1])) and \
            same(native[2], translated[2])
    return native[0] == translated[0] == "raise" and native[1] is translated[1] \
        and _unaddr(native[2]) == _unaddr(translated[2]) and same(native[3], translated[3])


def define(src: str, name: str, filename: str, ns: Any = None) -> Callable[..., Any]:
    """The function name of src, run as a module named filename (in ns, a
    dict of globals, or a new one)."""
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    ns = {} if ns is None else ns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        code = compile(src, filename, "exec")
    exec(code, ns)
    return ns[name]


ARGS = [(3, 4), (-7, 2), (0, 0), ("ab", "b"), ([1, 2], (3,)), (1.5, -0.0), (None, True),
        ({1: 2}, "x"), (2 ** 62, 2 ** 62)]


_ADDR = re.compile(r" at 0x[0-9a-f]+")


def _unaddr(v: Any) -> Any:
    """v with the addresses in its strings masked: the repr of an object
    without a value repr (`<reversed object at 0x...>`, formatted into a
    string) names an address CPython's run and the translation's do not
    share (docs/translation.md: addresses are not kept)."""
    if isinstance(v, str):
        return _ADDR.sub(" at 0x?", v)
    if type(v) in (list, tuple):
        return type(v)(_unaddr(x) for x in v)
    if type(v) is dict:
        return {_unaddr(k): _unaddr(x) for k, x in v.items()}
    if type(v) in (set, frozenset) and any(" at 0x" in repr(x) for x in v):
        # objects hashed by their address: the two runs' sets may order them
        # differently
        return ("set", sorted(repr(_unaddr(x)) for x in v))
    if not isinstance(v, (int, float, bytes, type(None))) and " at 0x" in repr(v):
        # an object without a value repr (a generator, a Python iterator a
        # Python dict's reversed() made), a translated generator's marked
        return ("object", _ADDR.sub(" at 0x?", repr(v)).replace(" (translated by tandem)", ""))
    return v


def _agree(native: Any, translated: Any, stmts: bool,
           norm: Callable[[Any], Any] = lambda v: v) -> bool:
    """The two outcomes are the same once norm is applied to their values
    (and, for the statement grammar, to the arguments after the call) or
    to their messages."""
    if native[0] == translated[0] == "ok":
        return same(norm(native[1]), norm(translated[1])) and \
            (not stmts or same(norm(native[2]), norm(translated[2])))
    return native[0] == translated[0] == "raise" and native[1] is translated[1] \
        and norm(native[2]) == norm(translated[2])


def run(n: int, seed: int, lua: Any = None, verbose: bool = True,
        typed: bool = False, stmts: bool = False, objects: bool = False) -> List[str]:
    """n random functions (typed: TypedGen's, run on every TYPED_ARGS set;
    stmts: StmtGen's, on every STMT_ARGS set, each call on its own copy of
    the arguments, which must also be alike after the call; objects:
    ObjGen's, on fresh arguments from each OBJ_ARGS factory, alike after the
    call too); the list of silent differences found."""
    import tandem
    from tandem import TranslationError
    lua = lua or tandem.LuaRuntime()
    rng = random.Random(seed)
    if objects:
        return _run_objects(n, seed, lua, rng, verbose)
    gen: Any = StmtGen(rng) if stmts else TypedGen(rng) if typed else Gen(rng)
    bad: List[str] = []
    stats = {"same": 0, "refused": 0, "notimpl": 0}
    for i in range(n):
        name = "f%d" % i
        src = gen.function(name)
        try:
            f = define(src, name, "<fuzz-%s%d-%d>" % ("s" if stmts else "t" if typed else "",
                                                      seed, i))
        except SyntaxError:     # e.g. := in a comprehension's iterable
            continue
        try:
            lf = lua.translate(f)
        except TranslationError:
            stats["refused"] += 1
            continue
        for args in (STMT_ARGS if stmts else TYPED_ARGS if typed else rng.sample(ARGS, 3)):
            native = outcome(f, args, copy_args=stmts)
            translated = outcome(lf, args, copy_args=stmts)
            if translated[0] == "raise" and translated[1] is NotImplementedError:
                stats["notimpl"] += 1
                continue
            # the same, or different only in an object's address
            if _agree(native, translated, stmts) or \
                    _agree(native, translated, stmts, _unaddr):
                stats["same"] += 1
                continue
            _difference(bad, verbose, src, args, native, translated)
    if verbose:
        print(stats, "differences:", len(bad))
    return bad


def _difference(bad: List[str], verbose: bool, src: str, args: Any, native: Any,
                translated: Any) -> None:
    """A program whose translation answered otherwise: kept in bad, and
    printed when verbose."""
    msg = "%s\nargs %r\n  CPython:    %r\n  translated: %r\n" % (src, args, native, translated)
    bad.append(msg)
    if verbose:
        print(msg)


def _run_objects(n: int, seed: int, lua: Any, rng: random.Random,
                 verbose: bool) -> List[str]:
    from tandem import TranslationError
    gen = ObjGen(rng)
    bad: List[str] = []
    stats = {"same": 0, "refused": 0, "notimpl": 0}
    for i in range(n):
        name = "f%d" % i
        src = gen.function(name)
        try:
            f = define(src, name, "<fuzz-o%d-%d>" % (seed, i),
                       {"Rec": Rec, "Seq": Seq, "Old": Old})
        except SyntaxError:
            continue
        try:
            lf = lua.translate(f)
        except TranslationError:
            stats["refused"] += 1
            continue
        for j, factory in enumerate(OBJ_ARGS):
            kw = (i + j) % 3 == 0           # keyword arguments cross too
            native = obj_outcome(f, factory, kw)
            translated = obj_outcome(lf, factory, kw)
            if translated[0] == "raise" and translated[1] is NotImplementedError:
                stats["notimpl"] += 1
                continue
            if obj_agree(native, translated):
                stats["same"] += 1
                continue
            _difference(bad, verbose, src, factory(), native, translated)
    if verbose:
        print(stats, "differences:", len(bad))
    return bad


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    typed = "--typed" in sys.argv
    stmts = "--stmts" in sys.argv
    objects = "--objects" in sys.argv
    argv = [a for a in sys.argv if a not in ("--typed", "--stmts", "--objects")]
    n = int(argv[1]) if len(argv) > 1 else 200
    seed = int(argv[2]) if len(argv) > 2 else 1
    sys.exit(1 if run(n, seed, typed=typed, stmts=stmts, objects=objects) else 0)
