"""Attributes and types in a bare lua5.4 (pyrt/types.lua with no Python host
behind it): data attributes, bound and unbound methods, type(), getattr and
friends, chained assignment, and CPython's AttributeError/TypeError messages."""

WORDS = ["pear", "Apple", "fig", "banana", "Cherry"]


def kinds(values):
    names = {int: "int", float: "float", str: "str", type(None): "none", list: "list"}
    out = []
    for v in values:
        t = type(v)
        out.append("%s:%s:%s" % (names.get(t, t.__name__), t is int or t is bool,
                                 isinstance(v, (int, type(None)))))
    return out


def methods():
    out = []
    add = out.append
    for w in sorted(WORDS, key=str.lower):
        add(w.upper() if callable(w.upper) else w)
    first = last = out[0]
    counts = dict.fromkeys(map(str.lower, WORDS), 0)
    return [out, first == last, list(counts), int.bit_length(300), add == out.append]


def numbers(x):
    return [x.real, x.imag, (7).numerator, (7).denominator, True.real,
            range(2, 20, 3).step, getattr(x, "real"), getattr(x, "nope", "-"),
            hasattr(x, "imag"), hasattr(x, "append")]


def errors():
    out = []
    for attempt in (lambda: [].nope, lambda: None.x, lambda: str.lower(3),
                    lambda: getattr(1, 2), lambda: setattr([], "append", 1),
                    lambda: setattr(int, "x", 1), lambda: type(1, 2)):
        try:
            attempt()
        except (AttributeError, TypeError) as e:
            out.append("%s: %s" % (type(e).__name__, e))
    return out


def exc_details():
    try:
        raise KeyError("k", 2)
    except LookupError as e:
        return [e.args, type(e).__name__, e.__class__ is KeyError, repr(type(e))]


if __name__ == "__main__":
    print(kinds([1, 2.5, "s", None, [1], True, (2,), range(3)]))
    print(methods())
    print(numbers(2.5), numbers(-4))
    print("\n".join(errors()))
    print(exc_details(), repr(int), repr(type(None)), type(type(3)) is type)
