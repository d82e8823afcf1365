"""Dicts keep insertion order, sets CPython's table order (ints)."""


def invert(d):
    return {v: k for k, v in d.items()}


def setops():
    a = {5, 3, 9, 1, 33, 17}
    b = set(range(0, 40, 3))
    a.add(100)
    a.discard(3)
    return a, b, a & b, a | b, a - b, a ^ b


d = {"one": 1, "two": 2, "three": 3}
d["zero"] = 0
del d["two"]
d.update({"four": 4})
print(d, list(d.keys()), list(d.values()))
print(invert(d))
for s in setops():
    print(s, len(s))
s = {10, 2, 33, 4}
print(s.pop(), s, sorted(s, reverse=True), 33 in s, 10 in s)
print({1: "a", 1.0: "b", True: "c"}, dict(zip("abc", range(3))))
print({(1, 2): "t"}[(1, 2)], {x % 5 for x in range(20)})
words = set("the quick brown fox jumps over the lazy dog".split())
words.discard("the")
print(words, "fox" in words, "cat" in words, sorted(words)[:3])
print(" ".join({"é", "ü€", "😀", "a"}), hash("tandem"), hash(""))
