"""The str, int and dict methods and the builtins of pyrt/strmeth.lua and
pyrt/nummeth.lua in a bare lua5.4 (no Python host behind them)."""

TABLE = "name\tqty\tprice\nwidget\t3\t2.50\r\ngadget\t12\t0.75\n"


def columns(text):
    rows = []
    for line in text.splitlines():
        name, qty, price = line.rsplit("\t", 2)
        rows.append(name.title().ljust(8, ".") + qty.rjust(4) + price.zfill(7).center(11))
    return rows


def parse(path):
    head, _, tail = path.rpartition("/")
    stem, dot, ext = tail.partition(".")
    return [head.removeprefix("/"), stem.removesuffix("_v2"), ext.upper(), dot]


def numbers(n):
    out = []
    for x in (n, -n, 2 ** 62, -(2 ** 62) * 2, True):
        out.append("%s %s %s %d %d" % (bin(x)[-6:], oct(x), hex(x), x.bit_length(),
                                       x.bit_count()))
    out.append(str([pow(3, 10, 7), pow(3, -1, 7), pow(2, 100, 2 ** 61 - 1), pow(7, 2, -5)]))
    out.append(str([(2.0).is_integer(), (2.5).is_integer()]))
    return out


def dicts():
    d = dict.fromkeys("abcab", 0)
    d["z"] = 1
    last = d.popitem()
    r = range(3, 30, 3)
    return [list(d.items()), last, r.index(12), r.count(13)]


if __name__ == "__main__":
    print("\n".join(columns(TABLE)), repr(TABLE.expandtabs(4)))
    print(parse("/srv/data/report_v2.tar.gz"), parse("plain"))
    print("\n".join(numbers(45)))
    print(dicts())
    print([w.swapcase() for w in "Hello World".rsplit(None, 1)], "a,b,,c".rsplit(",", 1),
          "ab cd".rfind("c"), "x1".isalnum(), " \t".isspace(), "Ab Cd".istitle())
    try:
        "abc".nosuch()
    except AttributeError as e:
        print("AttributeError:", e)
    try:
        pow(2, -1, 4)
    except ValueError as e:
        print("ValueError:", e)
