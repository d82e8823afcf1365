-- yields.lua — coroutine.yield reached through values (issue 10): a
-- yielding function called from a table field, a parameter, an alias of
-- coroutine.yield, an upvalue, a global, through pcall. Each function of M
-- runs natively and translated (tests/python/test_luaback_yield.py); the
-- functions of D are the documented differences (loud errors in the
-- translation where Lua 5.4 would yield).
local M, D = {}, {}

local function gen(x)
  coroutine.yield(x)
  coroutine.yield(x * 2)
end

function emit_global(x)
  coroutine.yield("g" .. x)
end

local function drain(co, n)
  local out = {}
  for _ = 1, n do out[#out + 1] = tostring(co()) end
  return table.concat(out, " ")
end

function M.via_table()
  local helpers = {}
  function helpers.emit(x) coroutine.yield(x * 10) end
  local co = coroutine.wrap(function ()
    helpers.emit(1)
    helpers.emit(2)
    return "end"
  end)
  return drain(co, 3)
end

function M.via_param()
  local function walk(t, visit)
    for i = 1, #t do visit(t[i]) end
    return #t
  end
  local co = coroutine.wrap(function ()
    return walk({3, 4, 5}, function (v) coroutine.yield(v + 100) end)
  end)
  return drain(co, 4)
end

function M.via_alias()
  local y = coroutine.yield
  local co = coroutine.wrap(function (a)
    local b = y(a + 1)
    local c = y(b + 1)
    return a + b + c
  end)
  return co(1), co(10), co(100)
end

function M.via_pcall()
  local function boom(x)
    coroutine.yield(x)
    error("boom " .. x)
  end
  local co = coroutine.wrap(function ()
    local ok, e = pcall(boom, 7)
    coroutine.yield(tostring(ok))
    return e
  end)
  return drain(co, 3)
end

function M.via_xpcall()
  local function boom(x)
    local got = coroutine.yield(x)
    error({code = got})
  end
  local co = coroutine.wrap(function ()
    local ok, e = xpcall(boom, function (err) return "handled " .. err.code end, 3)
    coroutine.yield(tostring(ok))
    local ok2, e2 = pcall(xpcall, boom)          -- no handler: Lua's argument error
    return e .. " / " .. tostring(ok2) .. " " .. e2
  end)
  return co(), co(42), co()
end

function M.pcall_no_argument()
  local co = coroutine.wrap(function ()
    coroutine.yield(1)
    return pcall()
  end)
  co()
  return pcall(co)
end

function M.via_call_metamethod()
  -- a callable table whose __call yields
  local obj = setmetatable({k = 3}, {__call = function (self, x)
    local got = coroutine.yield(self.k * x)
    return got + 1
  end})
  local co = coroutine.wrap(function () return obj(2) end)
  return co(), co(10)
end

function M.via_upvalue()
  -- gen is a local function of the chunk: reached as an upvalue
  local co = coroutine.wrap(function () gen(1); gen(5); return "done" end)
  return drain(co, 5)
end

function M.via_global()
  local co = coroutine.wrap(function () emit_global(1); emit_global(2) end)
  return drain(co, 3)
end

function M.both_ways()
  -- values passed into resume reach the yield inside the called function
  local function ask(q) return coroutine.yield(q) end
  local ops = {ask = ask}
  local co = coroutine.create(function (first)
    local a = ops.ask("a?" .. first)
    local b = ops.ask("b?" .. a)
    return a .. "+" .. b
  end)
  local out = {}
  local ok, v = coroutine.resume(co, "x")
  out[#out + 1] = tostring(ok) .. ":" .. tostring(v)
  ok, v = coroutine.resume(co, "1")
  out[#out + 1] = tostring(ok) .. ":" .. tostring(v)
  ok, v = coroutine.resume(co, "2")
  out[#out + 1] = tostring(ok) .. ":" .. tostring(v) .. ":" .. coroutine.status(co)
  return table.concat(out, " ")
end

function M.status_inside()
  local function where()
    local co, main = coroutine.running()
    coroutine.yield(coroutine.status(co), main, coroutine.isyieldable())
  end
  local t = {where = where}
  local co = coroutine.wrap(function () t.where(); return "end" end)
  local a, b, c = co()
  return a, b, c, co()
end

function M.deep_chain(n)
  -- a yield n calls deep, every call through a table
  local t = {}
  function t.down(k)
    if k == 0 then return coroutine.yield("bottom") end
    return t.down(k - 1) .. "<"
  end
  local co = coroutine.wrap(function () return t.down(n) end)
  return co(), co("up")
end

function M.outside_coroutine()
  -- a yield reached through a value outside any coroutine
  local t = {y = function () coroutine.yield(1) end}
  t.y()
end

function M.sort_comparator()
  -- table.sort is a C function in Lua too: yielding inside it is an error
  local co = coroutine.wrap(function ()
    local t = {3, 1, 2}
    table.sort(t, function (a, b) coroutine.yield(); return a < b end)
  end)
  return co()
end

function M.via_index_metamethod()
  -- an __index function that yields (a field read and a method call)
  local t = setmetatable({}, {__index = function (_, k) return coroutine.yield(k) end})
  local co = coroutine.wrap(function ()
    local a = t.x
    local b = t:m(1)
    return a, b
  end)
  return co(), co(5), co(function (self, v) return v + 1 end)
end

function M.metamethod()
  -- Lua 5.4 yields across an __add function, and so does the translation
  local t = setmetatable({}, {__add = function (_, k) return coroutine.yield(k) end})
  local co = coroutine.wrap(function () return t + 1 end)
  return co(), co(5)
end

function M.metamethods()
  -- every operator event whose function yields, inside a coroutine
  local log = {}
  local function y(tag) return function (a, b)
    local r = coroutine.yield(tag)
    log[#log + 1] = tag .. ':' .. tostring(r)
    return r
  end end
  local mt = {__add = y('add'), __sub = y('sub'), __mul = y('mul'), __div = y('div'),
              __mod = y('mod'), __pow = y('pow'), __idiv = y('idiv'), __band = y('band'),
              __bor = y('bor'), __bxor = y('bxor'), __shl = y('shl'), __shr = y('shr'),
              __concat = y('concat'), __unm = y('unm'), __len = y('len'), __bnot = y('bnot'),
              __eq = y('eq'), __lt = y('lt'), __le = y('le')}
  local a, b = setmetatable({}, mt), setmetatable({}, mt)
  local co = coroutine.wrap(function ()
    local out = {}
    out[#out + 1] = a + 1
    out[#out + 1] = 2 - a
    out[#out + 1] = a * b
    out[#out + 1] = a / 2
    out[#out + 1] = a % 3
    out[#out + 1] = a ^ 2
    out[#out + 1] = a // 2
    out[#out + 1] = a & 1
    out[#out + 1] = a | 1
    out[#out + 1] = a ~ 1
    out[#out + 1] = a << 1
    out[#out + 1] = a >> 1
    out[#out + 1] = a .. 'x'
    out[#out + 1] = 'x' .. a
    out[#out + 1] = -a
    out[#out + 1] = #a
    out[#out + 1] = ~a
    out[#out + 1] = tostring(a == b)
    out[#out + 1] = tostring(a ~= b)
    out[#out + 1] = tostring(a < b)
    out[#out + 1] = tostring(a > 1)
    out[#out + 1] = tostring(a <= b)
    out[#out + 1] = tostring(1 >= a)
    if a < b then out[#out + 1] = 'then' end
    return table.concat(out, ',')
  end)
  local got = {co()}
  local i = 0
  while type(got[1]) == 'string' and i < 40 do
    i = i + 1
    local v = ({add = 10, sub = 11, mul = 12, div = 13, mod = 14, pow = 15, idiv = 16,
                band = 17, bor = 18, bxor = 19, shl = 20, shr = 21, concat = 'c', unm = 22,
                len = 23, bnot = 24, eq = false, lt = 1, le = nil})[got[1]]
    if got[1] == 'eq' then v = (i % 2 == 0) end
    local r = {co(v)}
    if type(r[1]) == 'string' and r[1]:find(',') then return r[1], table.concat(log, ' ') end
    got = r
  end
  return 'stopped', table.concat(log, ' ')
end

function M.index_chain_and_newindex()
  -- an __index function reached through an __index table, a __newindex
  -- function reached directly and through a table: both yield
  local log = {}
  local base = setmetatable({}, {__index = function (t, k) return coroutine.yield('get ' .. k) end})
  local mid = setmetatable({}, {__index = base})
  local obj = setmetatable({}, {__index = mid})
  local sink = setmetatable({}, {__newindex = function (t, k, v)
    log[#log + 1] = k .. '=' .. tostring(coroutine.yield('set ' .. k))
    rawset(t, k, v)
  end})
  local via = setmetatable({}, {__newindex = sink})
  function base.m(self, x) return 'm' .. x end
  local co = coroutine.wrap(function ()
    local a = obj.x
    local b = obj:m(1)
    sink.y = 5
    via.z = 6
    via[1] = 7
    return a, b, rawget(sink, 'y'), rawget(sink, 'z'), rawget(sink, 1), table.concat(log, ';')
  end)
  return co(), co('X'), co('ack1'), co('ack2'), co('ack3')
end

function M.closing_iterator()
  -- a generic for whose iterator yields and that has a to-be-closed value
  local log = {}
  local function iter(s, i)
    local r = coroutine.yield('step ' .. i)
    if i < 3 then return i + 1, r end
  end
  local function closing()
    return iter, nil, 0, setmetatable({}, {__close = function (_, e)
      log[#log + 1] = 'closed ' .. tostring(e)
    end})
  end
  local co = coroutine.wrap(function (brk)
    for i, r in closing() do
      log[#log + 1] = i .. ':' .. tostring(r)
      if brk and i == 2 then break end
    end
    local ok, e = pcall(function ()
      for i in closing() do error('boom', 0) end
    end)
    log[#log + 1] = tostring(ok) .. ' ' .. tostring(e)
    return table.concat(log, ',')
  end)
  return co(false), co('a'), co('b'), co('c'), co('d'), co('e')
end

function M.iterator()
  -- an iterator function that yields, called by a generic for
  local function it(_, i)
    coroutine.yield(i)
    if i < 2 then return i + 1 end
  end
  local iters = {it = it}
  local co = coroutine.wrap(function ()
    local seen = {}
    for i in iters.it, nil, 0 do seen[#seen + 1] = i end
    for a, b in coroutine.yield, "s" do         -- coroutine.yield as the iterator
      seen[#seen + 1] = a .. b
      if #seen > 3 then break end
    end
    return table.concat(seen, ",")
  end)
  return co(), co(), co(), co(), co("x", "y"), co("z", "w")
end

function M.loops_in_generators()
  -- plain iterators in a yielding function: break, to-be-closed values
  local log = {}
  local function closing()
    local i = 0
    return function () i = i + 1; if i <= 3 then return i end end, nil, nil,
      setmetatable({}, {__close = function () log[#log + 1] = "closed" end})
  end
  local co = coroutine.wrap(function ()
    local t = {10, 20, 30, x = 1}
    local n = 0
    for k, v in pairs(t) do n = n + v end
    coroutine.yield(n)
    for i, v in ipairs(t) do
      if i == 2 then break end
      coroutine.yield(v)
    end
    for i in closing() do
      coroutine.yield("c" .. i)
      if i == 2 then break end
    end
    return table.concat(log, ",")
  end)
  return co(), co(), co(), co(), co()
end

-- more metamethods that yield inside a coroutine (Lua 5.4 allows it where
-- Lua code calls them): a callable table through pcall, as a generic for's
-- iterator and as a method; operands mixing numbers and strings with a
-- table; __index chains of functions; the string metatable's __index;
-- __eq in a condition
local function ytag(tag) return function(...) local r = coroutine.yield(tag) return r end end
local function drive_y(co, ...)
  local out = {}
  local r = table.pack(co(...))
  local i = 0
  while type(r[1]) == "string" and r[1]:sub(1, 1) == "y" and i < 50 do
    out[#out + 1] = r[1]; i = i + 1
    r = table.pack(co(i))
  end
  for j = 1, r.n do out[#out + 1] = tostring(r[j]) end
  return table.concat(out, " ")
end
function M.pcall_callable_table()
  local t = setmetatable({}, {__call = function(self, a) local r = coroutine.yield("ycall " .. a) return r * 2 end})
  local co = coroutine.wrap(function() return pcall(t, 5) end)
  return drive_y(co)
end
function M.for_callable_table_iterator()
  local t = setmetatable({}, {__call = function(self, s, i) coroutine.yield("yit " .. i) if i < 2 then return i + 1 end end})
  local co = coroutine.wrap(function() local n = 0 for i in t, nil, 0 do n = n + i end return n end)
  return drive_y(co)
end
function M.method_callable_field()
  local obj = {m = setmetatable({}, {__call = function(self, o, a) return coroutine.yield("ym " .. a) end})}
  local co = coroutine.wrap(function() return obj:m(3) end)
  return drive_y(co)
end
function M.mixed_operands()
  local mt = {__add = ytag("yadd"), __lt = ytag("ylt"), __le = ytag("yle"), __concat = ytag("ycat"), __index = ytag("yidx")}
  local t = setmetatable({}, mt)
  local co = coroutine.wrap(function()
    local a = 1 + t
    local b = "s" .. t
    local c = 1 < t
    local d = t <= 2
    local e = "a" .. "b" .. t .. "c"
    local f = t.x
    return a, b, c, d, e, f
  end)
  return drive_y(co)
end
function M.nested_index()
  local inner = setmetatable({}, {__index = function(_, k) return coroutine.yield("yin " .. k) end})
  local outer = setmetatable({}, {__index = function(_, k) coroutine.yield("yout " .. k) return inner end})
  local co = coroutine.wrap(function() return outer.a.b end)
  return drive_y(co)
end
function M.string_index_meta()
  local smt = getmetatable("")
  local old = smt.__index
  local co = coroutine.wrap(function() local s = "abc" return s.foo, s:upper() end)
  smt.__index = function(s, k) if k == "foo" then return coroutine.yield(1) end return old[k] end
  local a = co()
  smt.__index = old
  local b, c = co(7)
  return a, b, c
end
function M.close_in_pcall_callable()
  local log = {}
  local t = setmetatable({}, {__call = function(self)
    local x <close> = setmetatable({}, {__close = function() coroutine.yield("yclose") log[#log+1] = "closed" end})
    return "r"
  end})
  local co = coroutine.wrap(function() return pcall(t) end)
  return drive_y(co), table.concat(log)
end
function M.eq_yields()
  local mt = {__eq = function(a, b) return coroutine.yield("yeq") end}
  local a, b = setmetatable({}, mt), setmetatable({}, mt)
  local co = coroutine.wrap(function() local r = {} r[1] = a == b r[2] = a ~= b if a == b then r[3] = "t" end return r[1], r[2], r[3] end)
  return drive_y(co)
end
function M.pairs_meta_yields()
  -- Lua 5.4 calls __pairs with lua_callk: it may yield (nextvar.lua 785)
  local t = setmetatable({10, 20, 30}, {__pairs = function(t)
    local inc = coroutine.yield("ypairs")
    return function(t, i)
      if i > 1 then return i - inc, t[i - inc] else return nil end
    end, t, #t + 1
  end})
  local co = coroutine.wrap(function()
    local res = {}
    for i, p in pairs(t) do res[#res + 1] = p end
    return table.concat(res, ",")
  end)
  return drive_y(co)
end

-- metamethods run by library functions (C functions in Lua: no yield across
-- them there either; the translation gives Lua's error)
local function in_co(body)
  local co = coroutine.create(body)
  local ok, err = coroutine.resume(co)
  return ok, err, coroutine.status(co)
end

function M.lib_tostring_meta()
  return in_co(function ()
    return tostring(setmetatable({}, {__tostring = function () coroutine.yield(1); return "x" end}))
  end)
end

function M.lib_sort_lt_meta()
  return in_co(function ()
    local mt = {__lt = function (a, b) coroutine.yield("lt"); return a.v < b.v end}
    local t = {setmetatable({v = 2}, mt), setmetatable({v = 1}, mt), setmetatable({v = 3}, mt)}
    table.sort(t)
    return t[1].v
  end)
end

function M.lib_concat_index_meta()
  return in_co(function ()
    local t = setmetatable({}, {__index = function (_, i) coroutine.yield(i); return "v" end,
                                __len = function () return 2 end})
    return table.concat(t, ",")
  end)
end

function M.lib_ipairs_index_meta()
  return in_co(function ()
    local t = setmetatable({}, {__index = function (_, i)
      if i < 3 then coroutine.yield(i); return i end
    end})
    local n = 0
    for _, v in ipairs(t) do n = n + v end
    return n
  end)
end

-- a __close handler that yields (Lua 5.4.4): the translation yields too
-- (more cases in closes.lua)
function M.close_handler()
  local log = {}
  local co = coroutine.wrap(function ()
    do
      local x <close> = setmetatable({}, {__close = function ()
        log[#log + 1] = "closing"
        coroutine.yield("in close")
        log[#log + 1] = "closed"
      end})
      log[#log + 1] = "body"
    end
    return table.concat(log, ",")
  end)
  return co(), co()
end

-- a stripped binary chunk: no source tandem saw (a named text chunk would be
-- recorded and translated: tests/python/test_luaback_sources.py)
D.nosource = load(string.dump(function (x) coroutine.yield(x) end, true), "=nosource", "b")
function D.no_source()
  -- a Lua function without source stays a bridged native function
  local f = D.nosource
  local co = coroutine.wrap(function () f(1) return "end" end)
  return co(), co()
end

return M, D
