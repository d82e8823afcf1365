"""Python functions tests/lua/translate.lua translates (python.translate)."""


def by_mod7(a, b):
    return a % 7 < b % 7 or (a % 7 == b % 7 and a < b)


def floor_parts(a, b):
    return (a // b, a % b, a / b)


def truthy(x):
    return "yes" if x else "no"
