"""Closures: counters, late binding, nonlocal, lambdas, defaults."""


def counter(start=0):
    n = start

    def inc(step=1):
        nonlocal n
        n += step
        return n
    return inc


def adders():
    fs = [lambda x: x + i for i in range(3)]
    gs = [lambda x, i=i: x + i for i in range(3)]
    return [f(10) for f in fs], [g(10) for g in gs]


def compose(*fs):
    def run(x):
        for f in reversed(fs):
            x = f(x)
        return x
    return run


def apply_all(items, key=None, **opts):
    return sorted(items, key=key, reverse=opts.get("reverse", False))


c = counter(5)
print(c(), c(), c(10))
print(adders())
print(compose(lambda x: x * 2, lambda x: x + 1)(5))
print(apply_all(["bb", "a", "ccc"], key=len, reverse=True))
print(list(map(lambda x: x * x, filter(lambda x: x % 2, range(8)))))
