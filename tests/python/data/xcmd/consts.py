"""Module constants of every supported kind, used by functions."""

N = 3
RATE = 2.5
NAME = "tandem"
NOTHING = None
FLAG = True
PAIR = (1, "two")
PRIMES = [2, 3, 5, 7]
TABLE = {"a": 1, "b": (2, 3)}
DIGITS = {3, 1, 2}
SCALED = [p * N for p in PRIMES]


def describe():
    return "%s x%d at %.1f: %s %s %s" % (NAME, N, RATE, NOTHING, FLAG, PAIR)


def lookup(k):
    return TABLE.get(k, NOTHING)


def bump():
    global N
    N += 1
    return N


print(describe(), lookup("b"), lookup("z"), SCALED, sorted(DIGITS))
print(bump(), bump(), describe())
