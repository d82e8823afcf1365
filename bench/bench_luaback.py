"""Lua -> Python translation benchmark (issue 10), ratios in one run.

Until the C front end (TDM_OP_SOURCEIR) is merged, the translated functions
are compiled from hand-written IR texts (what the front end must produce for
the Lua source shown); with the front end present the same numbers come from
lua.translate(). Kernels: a Lua comparator under sorted(cmp_to_key) across
the bridge / translated / hand-written Python, and recursive fib(27).
Run: PYTHONPATH=build/python /usr/bin/python3 bench/bench_luaback.py
(`... bench_luaback.py coroutines`: only the coroutine kernel's rows).
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

# function(n) local is = {} for i = 1, n do is[i] = true end local c = 0
#   for i = 2, n do if is[i] then c = c + 1 for j = i * i, n, i do is[j] = false end end end
#   return c end
SIEVE_IR = ('(module "k.lua" (lang lua) (func sieve 1 (params n) (defaults) (vars n is i c i2 j) '
            '(cells) (free) (globals) (flags) (block (local 1 (is) (attribs _) ((table))) '
            '(fornum 1 i (int 1) (local n) _ (block (set 1 ((index (local is) (local i))) '
            '((true))))) (local 1 (c) (attribs _) ((int 0))) (fornum 1 i2 (int 2) (local n) _ '
            '(block (if 1 (index (local is) (local i2)) (block (set 1 ((local c)) ((lbin add '
            '(local c) (int 1)))) (fornum 1 j (lbin mul (local i2) (local i2)) (local n) '
            '(local i2) (block (set 1 ((index (local is) (local j))) ((false)))))) (block)))) '
            '(return 1 (local c)))))')
# function(n) local t = {} for i = 1, n do t[#t + 1] = tostring(i) .. "," end
#   return #table.concat(t) end
CONCAT_IR = ('(module "k.lua" (lang lua) (func build 1 (params n) (defaults) (vars n t i) '
             '(cells) (free) (globals) (flags) (block (local 1 (t) (attribs _) ((table))) '
             '(fornum 1 i (int 1) (local n) _ (block (set 1 ((index (local t) (lbin add (lun len '
             '(local t)) (int 1)))) ((lbin concat (call (global tostring) (local i)) '
             '(str ",")))))) (return 1 (lun len (call (index (global table) (str "concat")) '
             '(local t)))))))')
# function(s) local c = {} for w in s:gmatch("%a+") do c[w] = (c[w] or 0) + 1 end
#   local n = 0 for _ in pairs(c) do n = n + 1 end return n, c.the end
WC_IR = ('(module "k.lua" (lang lua) (func wc 1 (params s) (defaults) (vars s c w n _) (cells) '
         '(free) (globals) (flags) (block (local 1 (c) (attribs _) ((table))) (forin 1 (w) '
         '((method (local s) "gmatch" (str "%a+"))) (block (set 1 ((index (local c) (local w))) '
         '((lbin add (paren (or (index (local c) (local w)) (int 0))) (int 1)))))) '
         '(local 1 (n) (attribs _) ((int 0))) (forin 1 (_) ((call (global pairs) (local c))) '
         '(block (set 1 ((local n)) ((lbin add (local n) (int 1)))))) (return 1 (local n) '
         '(index (local c) (str "the"))))))')
# function(n) local s = 0 for v in coroutine.wrap(function() for i = 1, n do
#   coroutine.yield(i) end end) do s = s + v end return s end
CO_IR = ('(module "k.lua" (lang lua) (func cogen 1 (params n) (defaults) (vars n s v) (cells n) '
         '(free) (globals) (flags) (block (local 1 (s) (attribs _) ((int 0))) (forin 1 (v) '
         '((call (index (global coroutine) (str "wrap")) (lambda (func anon 1 (params) (defaults)'
         ' (vars i) (cells) (free n) (globals) (flags) (block (fornum 1 i (int 1) (free n) _ '
         '(block (expr 1 (call (index (global coroutine) (str "yield")) (local i)))))))))) '
         '(block (set 1 ((local s)) ((lbin add (local s) (local v)))))) (return 1 (local s)))))')


def py_sieve(n):
    is_ = [None] * (n + 1)
    for i in range(1, n + 1):
        is_[i] = True
    c = 0
    for i in range(2, n + 1):
        if is_[i]:
            c += 1
            for j in range(i * i, n + 1, i):
                is_[j] = False
    return c


def py_concat(n):
    t = []
    for i in range(1, n + 1):
        t.append(str(i) + ',')
    return len(''.join(t))


def py_wc(s):
    import re
    c = {}
    for w in re.findall('[A-Za-z]+', s):
        c[w] = c.get(w, 0) + 1
    return len(c), c.get('the')


def py_cogen(n):
    def gen():
        for i in range(1, n + 1):
            yield i
    s = 0
    for v in gen():
        s += v
    return s


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
    text = ' '.join(random.choice(['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy',
                                   'dog', 'a%d' % i]) for i in range(200000))
    for name, ir, py, arg, targ in (
            ('sieve 1e6', SIEVE_IR, py_sieve, 10**6, 10**6),
            ('table.concat 2e5', CONCAT_IR, py_concat, 200000, 200000),
            ('gmatch word count', WC_IR, py_wc, text.encode(), text),
            ('coroutine generator 1e6', CO_IR, py_cogen, 10**6, 10**6)):
        f, _ = _luaback.compile_ir(ir)
        ta, ra = timed(lambda: f(targ if isinstance(targ, int) else arg))
        tb, rb = timed(lambda: py(targ))
        ra = tuple(ra) if isinstance(ra, tuple) else ra
        assert ra == rb, (name, ra, rb)
        print('%s: translated %.3fs  hand-written %.3fs  ratio %.2fx' % (name, ta, tb, ta / tb))


# The coroutine kernel through lua.translate (the C front end), three ways
# of driving a generator of n values; kept apart from main()'s rows.
CO_WRAP_LUA = """function(n)
  local s = 0
  for v in coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) do
    s = s + v
  end
  return s
end"""
CO_RESUME_LUA = """function(n)
  local co = coroutine.create(function() for i = 1, n do coroutine.yield(i) end end)
  local s = 0
  while true do
    local ok, v = coroutine.resume(co)
    if v == nil then break end
    s = s + v
  end
  return s
end"""
CO_CALL_LUA = """function(n)
  local g = coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
  local s = 0
  for _ = 1, n do s = s + g() end
  return s
end"""


def py_co_resume(n):
    def gen():
        for i in range(1, n + 1):
            yield i
    g = gen()
    s = 0
    while True:
        v = next(g, None)
        if v is None:
            break
        s += v
    return s


def py_co_call(n):
    def gen():
        for i in range(1, n + 1):
            yield i
    g = gen().__next__
    s = 0
    for _ in range(n):
        s += g()
    return s


def coroutine_rows(n=10**6):
    lua = tandem.LuaRuntime()
    for name, src, py in (('coroutine.wrap in a generic for', CO_WRAP_LUA, py_cogen),
                          ('coroutine.resume in a loop', CO_RESUME_LUA, py_co_resume),
                          ('a coroutine.wrap function called', CO_CALL_LUA, py_co_call)):
        f = lua.translate(lua.eval(src))
        ta, ra = timed(lambda: f(n))
        tb, rb = timed(lambda: py(n))
        assert ra == rb, (name, ra, rb)
        print('%s 1e6: translated %.3fs  hand-written %.3fs  ratio %.2fx' % (name, ta, tb, ta / tb))


if __name__ == '__main__':
    import sys
    if sys.argv[1:] == ['coroutines']:
        coroutine_rows()
    else:
        main()
        coroutine_rows()
