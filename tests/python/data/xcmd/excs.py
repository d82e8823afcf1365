"""Exceptions: caught, raised, finally, and one escaping at the end."""


FALLBACK = -1


def parse(s):
    try:
        return int(s)
    except ValueError as e:
        print("bad:", e)
        return None
    finally:
        print("parsed", repr(s))


def lookup(d, k):
    try:
        return d[k]
    except KeyError as e:
        raise LookupError("missing " + str(e)) from e


def check(n):
    if n < 0:
        raise ValueError("negative: %d" % n)
    assert n != 3, "three"
    return n


print(parse("12"), parse("x1"))
try:
    lookup({"a": 1}, "b")
except LookupError as e:
    print("lookup:", e)
for n in (1, -1, 3):
    try:
        print(check(n))
    except (ValueError, AssertionError) as e:
        print("error", e)
try:
    [1, 2][5]
except IndexError as e:
    print("index:", e)
print("before")
check(-5)
print("not reached")
