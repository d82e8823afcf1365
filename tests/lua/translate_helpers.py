"""Python functions tests/lua/translate.lua translates (python.translate)."""


def by_mod7(a, b):
    return a % 7 < b % 7 or (a % 7 == b % 7 and a < b)


def floor_parts(a, b):
    return (a // b, a % b, a / b)


def truthy(x):
    return "yes" if x else "no"


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)
