"""Recursion: one counter for every function (mutual recursion across the
file's functions), RecursionError past the limit, the counter back after it,
and a generator recursing through its callers."""


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


def down(n):
    if n == 0:
        return 0
    return down(n - 1) + 1


def walk(n):
    if n > 0:
        yield n
        yield from walk(n - 1)


def main():
    print(is_even(300), is_odd(301), is_even(7))
    print(down(400))
    try:
        down(100000)
    except RecursionError:
        print("RecursionError (down)")
    try:
        is_even(100000)
    except RecursionError:
        print("RecursionError (mutual)")
    print(down(400), is_odd(299))
    print(sum(walk(50)))


main()
