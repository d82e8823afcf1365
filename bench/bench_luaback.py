"""Lua -> Python translation benchmark (issue 10), ratios in one run.

Until the C front end (TDM_OP_SOURCEIR) is merged, the translated functions
are compiled from hand-written IR texts (what the front end must produce for
the Lua source shown); with the front end present the same numbers come from
lua.translate(). Kernels: a Lua comparator under sorted(cmp_to_key) across
the bridge / translated / hand-written Python, and recursive fib(27).
Run: PYTHONPATH=build/python /usr/bin/python3 bench/bench_luaback.py
"""

import functools
import random
import time

import tandem
from tandem import _luaback

CMP_LUA = "function(a, b) if a < b then return -1 elseif a > b then return 1 end return 0 end"
CMP_IR = ('(module "cmp.lua" (lang lua) (func cmp 1 (params a b) (defaults) (vars a b) (cells) '
          '(free) (globals) (flags) (block (if 1 (lbin lt (local a) (local b)) (block (return 1 '
          '(int -1))) (block (if 1 (lbin gt (local a) (local b)) (block (return 1 (int 1))) '
          '(block)))) (return 1 (int 0)))))')
FIB_IR = ('(module "fib.lua" (lang lua) (func fib 1 (params n) (defaults) (vars n) (cells) '
          '(free fib) (globals) (flags) (block (if 2 (lbin lt (local n) (int 2)) (block (return 2 '
          '(local n))) (block)) (return 3 (lbin add (call (free fib) (lbin sub (local n) (int 1)))'
          ' (call (free fib) (lbin sub (local n) (int 2))))))))')


def py_cmp(a, b):
    if a < b:
        return -1
    elif a > b:
        return 1
    return 0


def py_fib(n):
    if n < 2:
        return n
    return py_fib(n - 1) + py_fib(n - 2)


def timed(f):
    t = time.perf_counter()
    r = f()
    return time.perf_counter() - t, r


def main():
    lua = tandem.LuaRuntime()
    data = [random.random() for _ in range(100000)]
    native = lua.eval(CMP_LUA)
    tr = _luaback.wrap_translated(lua, native, CMP_IR, None, {}, tandem.LuaError)
    tb, rb = timed(lambda: sorted(data, key=functools.cmp_to_key(native)))
    tt, rt = timed(lambda: sorted(data, key=functools.cmp_to_key(tr)))
    th, rh = timed(lambda: sorted(data, key=functools.cmp_to_key(py_cmp)))
    assert rb == rt == rh
    # the luart function itself (no bridge conversions per call) for a Python caller
    raw = tr.__luart__
    tr2, _ = timed(lambda: sorted(data, key=functools.cmp_to_key(raw)))
    print('sort 1e5 cmp_to_key: bridge %.3fs  translated %.3fs (%.2fx)  translated, no '
          'boundary %.3fs (%.2fx)  hand-written %.3fs' % (tb, tt, tt / th, tr2, tr2 / th, th))
    cell = [None]
    fib, _ = _luaback.compile_ir(FIB_IR, uv=lambda i, *v: cell[0])
    cell[0] = fib
    tf, r1 = timed(lambda: fib(27))
    tp, r2 = timed(lambda: py_fib(27))
    assert r1 == r2
    print('fib(27): translated %.3fs  hand-written %.3fs  ratio %.2fx' % (tf, tp, tf / tp))


if __name__ == '__main__':
    main()
