"""Standalone sample: the exception being handled, decorated nested defs,
round() and zip() keywords (the twenty-ninth session)."""
import sys


def reraise():
    raise


def bare_raise_in_helper(x):
    out = []
    for d in (x, x + 1):
        try:
            try:
                out.append(10 // d)
            except ZeroDivisionError:
                reraise()
        except ZeroDivisionError as e:
            out.append("re-raised: " + str(e))
    return out


def context_of(x):
    try:
        try:
            [][x]
        except IndexError as first:
            raise KeyError(str(first)) from None
    except KeyError as e:
        return type(e.__context__).__name__, e.__cause__, e.__suppress_context__


def twice(fn):
    def w(y):
        return fn(fn(y))
    return w


def decorated(x):
    @twice
    def inc(y):
        return y + x
    return inc(1), inc.__name__, inc.__qualname__


def keywords(n):
    return round(n / 7, ndigits=3), list(zip(range(n), "abc"[:n], strict=True))


def strict_mismatch(n):
    try:
        return list(zip(range(n), "abc", strict=True))
    except ValueError as e:
        return str(e)


if __name__ == "__main__":
    n = int(sys.argv[1])
    print(bare_raise_in_helper(0))
    print(context_of(0))
    print(decorated(n))
    print(keywords(n))
    print(strict_mismatch(n + 1))
    print(strict_mismatch(2))
    try:
        reraise()
    except RuntimeError as e:
        print("runtime:", e)
