"""Differential fuzzing of the Python -> Lua translator: random small
functions over ints, floats, strs, bools, None, lists, tuples and dicts, run
by CPython and translated; the translation must give the same value and type,
or raise the same exception type with the same message, or refuse
(TranslationError at translation, NotImplementedError at run time). Anything
else is a silently different answer.

    PYTHONPATH=build/python /usr/bin/python3 tests/python/xlate_fuzz.py [N] [SEED] [--typed]

Two grammars: Gen (any expression over any value) and TypedGen (--typed:
expressions built by type, with statements).

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
            fn = r.choice(["max", "min", "divmod", "round", "isinstance", "pow", "zip",
                           "enumerate"])
            # (pow's exponent never an argument: CPython's pow(2**62, 2**62) never ends)
            return "%s(%s, %s)" % (fn, self.expr(depth + 1),
                                   r.choice(["int", "str", "1", "2", "-1", "(int, str)"]
                                            + (["x", "y"] if fn != "pow" else [])))
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


def run(n: int, seed: int, lua: Any = None, verbose: bool = True,
        typed: bool = False) -> List[str]:
    """n random functions (typed: TypedGen's, run on every TYPED_ARGS set);
    the list of silent differences found."""
    import tandem
    from tandem import TranslationError
    lua = lua or tandem.LuaRuntime()
    rng = random.Random(seed)
    gen: Any = TypedGen(rng) if typed else Gen(rng)
    bad: List[str] = []
    stats = {"same": 0, "refused": 0, "notimpl": 0}
    for i in range(n):
        name = "f%d" % i
        src = gen.function(name)
        try:
            f = define(src, name, "<fuzz-%s%d-%d>" % ("t" if typed else "", seed, i))
        except SyntaxError:     # e.g. := in a comprehension's iterable
            continue
        try:
            lf = lua.translate(f)
        except TranslationError:
            stats["refused"] += 1
            continue
        for args in (TYPED_ARGS if typed else rng.sample(ARGS, 3)):
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
    typed = "--typed" in sys.argv
    argv = [a for a in sys.argv if a != "--typed"]
    n = int(argv[1]) if len(argv) > 1 else 200
    seed = int(argv[2]) if len(argv) > 2 else 1
    sys.exit(1 if run(n, seed, typed=typed) else 0)
