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


class Task:
    def __init__(self, name, priority):
        self.name = name
        self.priority = priority


def make_tasks():
    return [Task("b", 2), Task("a", 3), Task("c", 1), Task("d", 2)]


def by_priority(a, b):
    """A comparator over Python objects' attributes (translated since the
    twentieth session: attribute access was refused)."""
    if a.priority != b.priority:
        return a.priority > b.priority
    return a.name < b.name


def bump(task, n):
    task.priority += n
    return type(task).__name__, task.priority, hasattr(task, "name"), getattr(task, "x", None)
