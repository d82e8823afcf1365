"""What the translation tests share: `same()`, the value comparison that says
whether a translated function gave CPython's answer, `outcome()`, a call's
result or exception, `check_outcome()`, the asserts on two outcomes, and
`recursion_threshold()`, where a recursion starts raising RecursionError.

Not a test file (no test_ prefix): pytest does not rewrite its asserts, so
their messages are the plain ones given here. tests/python/test_xlate_same.py
tests same() itself.
"""

import copy
import linecache
import math
import types

_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_NESTED = (list, tuple, dict, set, frozenset, BaseException) + _VIEWS


def same(a, b, _path=((), ())):
    """True when a and b are equal in value and type, recursively.

    - types must be identical at every level: 1 vs 1.0, True vs 1, [] vs (),
      a dict vs a dict subclass all differ;
    - floats: NaN equals NaN, and 0.0 differs from -0.0;
    - lists and tuples: item by item;
    - dicts: the same keys in the same order, key types alike, and values;
    - sets and frozensets: the same items in the same iteration order;
    - dict views: the same items in the same order;
    - exceptions: the same type and the same args;
    - iterators (anything with __next__): the same type giving the same items
      (both are consumed);
    - a structure met again inside itself compares by repr().
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if not isinstance(a, _NESTED) and (not hasattr(a, "__next__") or
                                       isinstance(a, (type, types.GenericAlias))):
        return a == b       # (enumerate[1] and a type: __next__ found on the type)
    pa, pb = _path
    if id(a) in pa or id(b) in pb:      # a structure that contains itself
        return repr(a) == repr(b)
    path = (pa + (id(a),), pb + (id(b),))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y, path) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            same(k1, k2, path) and same(a[k1], b[k2], path) for k1, k2 in zip(a, b))
    if isinstance(a, BaseException):
        return same(a.args, b.args, path)
    if isinstance(a, (set, frozenset) + _VIEWS):
        la, lb = list(a), list(b)       # in iteration order
        return la == lb and same(la, lb, path)
    # iterators: the same type giving the same items
    return same(list(a), list(b), path)


def run_source(src, filename, ns=None):
    """Run src as a module named filename, its source registered in linecache
    (so that the translator finds it); its namespace (ns, or a new dict)."""
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    ns = {} if ns is None else ns
    exec(compile(src, filename, "exec"), ns)
    return ns


def outcome(f, args, kwargs=None, copy_args=False):
    """("ok", value) or ("raise", exception type, message) of f(*args, **kwargs).

    With copy_args, f runs on a deep copy of args (so that the case's own
    arguments are not changed for the next run), and the ok outcome is
    ("ok", value, the copied args after the call).
    """
    if copy_args:
        args = copy.deepcopy(args)
    try:
        value = f(*args, **(kwargs or {}))
    except Exception as e:      # noqa: BLE001 — every exception is an outcome here
        return ("raise", type(e), str(e))
    return ("ok", value, args) if copy_args else ("ok", value)


def check_outcome(native, translated, args_too=False, message_too=True):
    """Assert that the translated outcome is the native one: a same() value
    (with args_too, also same() arguments after the call), or the identical
    exception type with the same message (the type only when not
    message_too)."""
    if native[0] == "ok":
        assert translated[0] == "ok", (native, translated)
        assert same(native[1], translated[1]), (native[1], translated[1])
        if args_too:
            assert same(native[2], translated[2]), (native[2], translated[2])
    else:
        assert translated[0] == "raise", (native, translated)
        assert translated[1] is native[1], (native, translated)
        if message_too:
            assert translated[2] == native[2], (native, translated)


def check(lua, f, args, args_too=False):
    """Run f natively and translated by lua on copies of args; check_outcome()."""
    native = outcome(f, args, copy_args=True)
    translated = outcome(lua.translate(f), args, copy_args=True)
    check_outcome(native, translated, args_too)


def check_case(lua, case, message_too=True):
    """check_outcome() of an (f, args) case run natively, then translated by
    lua (on the case's own args)."""
    f, args = case
    native = outcome(f, args)
    translated = outcome(lua.translate(f), args)
    check_outcome(native, translated, message_too=message_too)


def case_id(case):
    """The test id of an (f, args) case: f's name and the args. (The copies
    this replaces meant to cut it at 60 or 70 characters but sliced the
    (name, args) pair instead: the ids were never cut, and are not.)"""
    f, args = case
    return "%s%r" % (f.__name__, args)


def raises_recursion(run, n):
    """Does run(n) raise RecursionError?"""
    try:
        run(n)
    except RecursionError:
        return True
    return False


def recursion_threshold(run, hi):
    """The smallest n for which run(n) raises RecursionError (run(0) must not,
    run(hi) must), by bisection."""
    lo = 0
    assert raises_recursion(run, hi) and not raises_recursion(run, lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if raises_recursion(run, mid):
            hi = mid
        else:
            lo = mid
    return hi


def count_host_ops(run):
    """The host operations translated code asked while run() ran, by name
    (a Counter; the stateless ones, tandem._translate._PURE_OPS, are not
    counted)."""
    import collections
    from tandem import _translate
    cnt = collections.Counter()
    orig = _translate._Hooks._op

    def op(self, o, *a):
        cnt[o] += 1
        return orig(self, o, *a)
    _translate._Hooks._op = op
    try:
        run()
    finally:
        _translate._Hooks._op = orig
    return cnt


def limit_memory(gigabytes: int) -> None:
    """Cap this process's address space: a generated program may ask for
    gigabytes ([x] * 10**8 is legal in both languages). Not under the
    sanitizers: ASan reserves terabytes of shadow memory up front, and
    fuzz_child caps its allocations instead."""
    import os
    import resource
    if not os.environ.get("TANDEM_SANITIZER"):
        resource.setrlimit(resource.RLIMIT_AS, (gigabytes << 30, gigabytes << 30))


def fuzz_child(code: str, gigabytes: int, timeout: int = 600):
    """Run `code` in a child Python with tests/python importable and its
    memory capped at `gigabytes` (limit_memory; ASan's own
    max_allocation_size_mb under the sanitizers): the fuzzers' seeds in
    make test. The CompletedProcess, output as text."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.abspath(__file__))] + sys.path))
    if env.get("TANDEM_SANITIZER"):
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "")
                               + ":max_allocation_size_mb=%d" % (gigabytes << 10))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=timeout,
                          preexec_fn=lambda: limit_memory(gigabytes))
