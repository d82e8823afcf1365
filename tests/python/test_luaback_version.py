"""Loop versioning of numeric for loops over private tables (the back end,
docs/translation.md "Fast paths of the generated Python"): one guard before
the loop, then plain list indexing or a slice assignment; the general loop
when the guard fails. Each case runs natively in Lua and translated, values
and types compared (errors by message), and the generated source checked
for whether the versioned loop was emitted."""

from test_luaback_fast import both

FAST = 'in the list'        # the guard's comment in the generated source


def first(src):
    """The first function of the generated source (the plain one; the
    coroutine and entry versions follow)."""
    return src.split('\ndef ')[0]


def test_sieve_fast_path_and_values():
    src, _ = both("""return function(n)
        local is = {}
        for i = 1, n do is[i] = true end
        local c = 0
        for i = 2, n do
          if is[i] then
            c = c + 1
            for j = i * i, n, i do is[j] = false end
          end
        end
        local p = {}
        for i = 1, n do if is[i] then p[#p + 1] = i end end
        return c, p, is[n], is[n + 1]
      end""", calls=[(0,), (1,), (2,), (10,), (97,), (1000,), (-3,)])
    assert first(src).count(FAST) >= 3
    assert '] = [True] * (' in src and '] = [False] * len(range(' in src
    assert 'for L_i__2 in range(' in src


def test_guard_fails_index_past_the_end():
    src, _ = both("""return function(n, m)
        local t = {}
        for i = 1, n do t[i] = i end
        local c = 0
        for i = 1, m do if t[i] then c = c + 1 end end
        for i = 1, m, 2 do t[i] = 'x' end
        return c, t[m - 1], t[1], t[2], t[m], t[m + 1]
      end""", calls=[(5, 8), (5, 5), (5, 0), (0, 3), (3, 4)])
    assert FAST in src


def test_append_slice_only_when_the_dict_holds_no_key_past_the_list():
    both("""return function(n)
        local t = {}
        t[n + 2] = 'gap'
        for i = 1, n do t[i] = 0 end
        local a = #t
        for i = 1, n + 3 do t[i] = 1 end
        return a, #t, t[n + 2], t[n + 3]
      end""", calls=[(0,), (4,)])
    both("""return function(n)
        local t = {}
        t.x = 'k'
        for i = 1, n do t[i] = false end
        return #t, t[1], t[n], t.x
      end""", calls=[(0,), (3,)])
    both("""return function(a, b)
        local t = {1, 2, 3}
        for i = a, b do t[i] = 'v' end
        return #t, t[0], t[1], t[3], t[4], t[b]
      end""", calls=[(2, 5), (4, 6), (5, 6), (0, 2), (-1, 1), (3, 1), (1, 0)])


def test_nil_assignment_takes_the_general_loop():
    src, _ = both("""return function(n)
        local t = {}
        for i = 1, n do t[i] = true end
        for i = 2, n, 2 do t[i] = nil end
        local c = 0
        for i = 1, n do if t[i] == nil then c = c + 1 end end
        return c, t[1], t[2], t[n]
      end""", calls=[(0,), (6,), (7,)])
    assert first(src).count(FAST) == 2          # the fill and the count, not the nil loop


def test_false_and_nil_stay_apart():
    both("""return function(n)
        local t = {}
        for i = 1, n do t[i] = false end
        local f, z = 0, 0
        for i = 1, n + 2 do
          if t[i] == false then f = f + 1 end
          if t[i] == nil then z = z + 1 end
        end
        return f, z, t[1], t[n + 1]
      end""", calls=[(0,), (4,)])


def test_negative_and_variable_steps():
    src, _ = both("""return function(n, s)
        local t = {}
        for i = 1, n do t[i] = i end
        local acc = 0
        for i = n, 1, -1 do acc = acc * 3 + t[i] end
        for i = n, 1, s do t[i] = 0 end
        local z = 0
        for i = 1, n do if t[i] == 0 then z = z + 1 end end
        return acc, z
      end""", calls=[(0, -1), (5, -2), (5, 2), (6, 1), (6, -7), (4, 10)])
    assert first(src).count(FAST) >= 4
    both("return function() local t = {1} for i = 1, 1, 0 do t[i] = 2 end end", calls=[()])


def test_float_string_and_huge_bounds():
    both("""return function(a, b, c)
        local t = {}
        for i = 1, 4 do t[i] = 'a' end
        for i = a, b, c do t[i] = 'b' end
        return #t, t[1], t[2], t[3], t[4], t[5], math.type(next(t))
      end""", calls=[(1.0, 3, 1), (1, 3.5, 1), (1, 3, 1.0), (2, 4, 0.5),
                     (1, '3', 1), ('1', 3, 1), (1, 3, '1')])
    both("""return function()
        local t = {}
        for i = 1, 3 do t[i] = 1 end
        local c = 0
        for i = math.maxinteger - 2, math.maxinteger do t[i] = 2; c = c + 1 end
        for i = math.mininteger, math.mininteger + 2 do t[i] = 3; c = c + 1 end
        for i = 1, math.maxinteger, math.maxinteger do t[i] = 4; c = c + 1 end
        for i = 3, math.mininteger, math.mininteger do t[i] = 5; c = c + 1 end
        for i = math.maxinteger, math.maxinteger - 1 do t[i] = 6; c = c + 1 end
        return c, #t, t[1], t[3], t[math.maxinteger], t[math.mininteger]
      end""", calls=[()])


def test_error_inside_the_loop_at_its_line():
    both("""return function(n, x)
        local t = {}
        for i = 1, n do t[i] = 1 end
        local s = 0
        for i = 1, n do
          s = s + t[i]
          s = s + x
        end
        return s
      end""", calls=[(3, 1), (3, None), (3, 'z'), (0, None)])


def test_grows_while_read_break_and_return():
    both("""return function(n)
        local t = {}
        for i = 1, n do t[i] = i % 3 == 0 end
        local c = 0
        for i = 1, n do
          if t[i] then t[#t + 1] = false; c = c + 1 end
          if i > 7 then break end
        end
        for i = 1, #t do
          if t[i] == false and i > 9 then return c, i, #t end
        end
        return c, #t
      end""", calls=[(0,), (5,), (12,), (30,)])


def test_not_versioned_when_unsafe():
    src, _ = both("""return function(n)
        local t = {}
        for i = 1, n do t[i] = i end
        local fs = {}
        for i = 1, n do fs[i] = function() return t[i] + i end end
        local s = 0
        for i = 1, n do s = s + fs[i]() end
        for i = 1, n do t[i] = tostring(t[i]) end
        for i = 1, n do t[i] = i; i = i + 1 end
        local u = {}
        for i = 1, n do u[i] = t[i] end
        return s, t[1], u[n], #u
      end""", calls=[(0,), (4,)])
    # none: t is captured by the closures (not private); the others call,
    # assign the loop variable, or store values that may be nil (u[i] = t[i])
    assert first(src).count(FAST) == 0


def test_table_with_metatable_is_not_versioned():
    src, _ = both("""return function(n)
        local t = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end,
                                    __index = function(t, k) return -k end})
        for i = 1, n do t[i] = i end
        local s = 0
        for i = 1, n + 2 do s = s + t[i] end
        return s, rawlen(t)
      end""", calls=[(0,), (5,)])
    assert FAST not in src


def test_nested_loops_two_tables():
    src, _ = both("""return function(n)
        local a = {}
        local b = {}
        for i = 1, n do a[i] = i end
        for i = 1, n do b[i] = 0 end
        for i = 1, n do
          for j = i, n do
            if a[j] > a[i] then b[j] = 1 end
          end
        end
        local c = 0
        for i = 1, n do if b[i] == 1 then c = c + 1 end end
        return c
      end""", calls=[(0,), (1,), (6,)])
    assert first(src).count(FAST) >= 4


def test_stored_values_that_may_be_nil_take_the_general_loop():
    src, _ = both("""return function(n)
        local t = {}
        for i = 1, n do t[i] = i * 2 end
        local v
        if n > 100 then v = 1 end
        for i = 1, n do t[i] = v end
        local w = 0
        for i = 1, n do w = w + 1; t[i] = w end
        return #t, t[1], t[n]
      end""", calls=[(0,), (3,), (101,)])
    # the first loop (integers) and the last (w only ever holds integers);
    # not the loop storing v, which may be nil (line 6)
    fast = {ln.rsplit('# lua ', 1)[1] for ln in src.splitlines() if FAST in ln}
    assert fast == {'3', '8'}


def test_errors_on_the_values_read_in_a_versioned_loop():
    src, _ = both("""return function(n, bad)
        local t = {}
        for i = 1, n do t[i] = i end
        t[2] = bad
        local s = 0
        for i = 1, n do
          if t[i] < 100 then
            s = s + t[i]
          end
        end
        return s
      end""", calls=[(3, 7), (3, 'x'), (3, '5'), (3, True), (3, 1.5), (3, None)])
    assert FAST in first(src)


def test_bounds_evaluated_once_in_order():
    src, _ = both("""return function(n)
        local t = {}
        for i = 1, n do t[i] = 0 end
        local k = 0
        local log = {}
        local function nx(v) k = k + 1; log[#log + 1] = v; return v end
        for i = nx(2), nx(n), nx(2) do t[i] = true end
        for i = nx(n), nx(1), nx(-1) do t[i] = 'x' end
        local c = 0
        for i = 1, n do if t[i] == true then c = c + 1 end end
        return k, c, t[1], t[2], table.concat(log, ',')
      end""", calls=[(0,), (5,), (6,)])
    fast = {ln.rsplit('# lua ', 1)[1] for ln in src.splitlines() if FAST in ln}
    assert {'3', '7', '8', '10'} <= fast
