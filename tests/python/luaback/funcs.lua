-- Functions translated by tests/python/test_luaback_front.py (each is run
-- natively and translated from the C front end's IR; compared).
local M = {}
local counter = 0

function M.swap(a, b)
  local x, y = a, b
  x, y = y, x
  return x, y
end

function M.multi()
  local function three() return 1, 2, 3 end
  local t = {three(), three()}
  local a, b, c, d = three(), 10
  return #t, a, b, c, d, (three())
end

function M.varargs(...)
  local n = select('#', ...)
  local t = table.pack(...)
  return n, t.n, select(-1, ...), ...
end

function M.fornum()
  local s, out = 0, {}
  for i = 10, 1, -3 do out[#out + 1] = i end
  for x = 1.0, 2.0, 0.25 do s = s + x end
  for i = math.maxinteger - 1, math.maxinteger do s = s + 1 end
  return table.concat(out, ','), s
end

function M.closures()
  local fs = {}
  for i = 1, 3 do
    local j = i * 10
    fs[i] = function() j = j + 1; return i, j end
  end
  local a, b = fs[1]()
  local c, d = fs[1]()
  local e, f = fs[3]()
  return a, b, c, d, e, f
end

function M.shared()
  local n = 0
  local function inc() n = n + 1 end
  local function get() return n end
  inc(); inc()
  return get()
end

function M.continue_and_break()
  local s = 0
  for i = 1, 20 do
    if i % 3 == 0 then goto continue end
    if i > 14 then break end
    s = s + i
    ::continue::
  end
  local k = 0
  while true do
    k = k + 1
    for j = 1, 10 do
      if j > 2 then break end
      s = s + j
    end
    if k >= 3 then break end
  end
  return s, k
end

function M.repeat_locals()
  local i, out = 0, {}
  repeat
    local sq = i * i
    out[#out + 1] = sq
    i = i + 1
  until sq >= 16
  return table.concat(out, ' ')
end

function M.generic_for()
  local t = {10, 20, 30, x = 'a', y = 'b'}
  local keys, sum = 0, 0
  for k, v in pairs(t) do keys = keys + 1 end
  for i, v in ipairs(t) do sum = sum + v * i end
  local function iter(s, c) if c < s then return c + 1, c * c end end
  local sq = {}
  for a, b in iter, 4, 0 do sq[#sq + 1] = a .. ':' .. b end
  return keys, sum, table.concat(sq, ' ')
end

function M.methods()
  local obj = {n = 0}
  function obj:add(k) self.n = self.n + k; return self end
  local calls = 0
  local function get() calls = calls + 1; return obj end
  get():add(2):add(3)
  return obj.n, calls, ('x'):rep(3, '-')
end

function M.meta()
  local V = {}
  V.__index = V
  V.__add = function(a, b) return setmetatable({v = a.v + b.v}, V) end
  V.__eq = function(a, b) return a.v == b.v end
  V.__lt = function(a, b) return a.v < b.v end
  V.__le = function(a, b) return a.v <= b.v end
  V.__len = function(a) return a.v end
  V.__concat = function(a, b) return 'V' .. (type(a) == 'table' and a.v or a) .. (type(b) == 'table' and b.v or b) end
  V.__call = function(self, x) return self.v * x end
  V.__tostring = function(self) return 'V(' .. self.v .. ')' end
  V.__unm = function(a) return setmetatable({v = -a.v}, V) end
  function V.new(v) return setmetatable({v = v}, V) end
  function V:get() return self.v end
  local a, b = V.new(2), V.new(5)
  local c = a + b
  return c:get(), a == V.new(2), a < b, b <= a, #c, a .. '!', c(3), tostring(-c), rawequal(a, a)
end

function M.newindex()
  local log = {}
  local proxy = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end})
  proxy.a = 1
  proxy.a = 2
  proxy.b = 3
  return table.concat(log, ','), proxy.a, rawget(proxy, 'b')
end

function M.close()
  local log = {}
  do
    local x <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = 'closed ' .. tostring(e) end})
    log[#log + 1] = 'body'
  end
  local ok, err = pcall(function()
    local y <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = 'err ' .. tostring(e):match('boom') end})
    error('boom')
  end)
  return table.concat(log, ';'), ok
end

function M.errors(t)
  local ok1, e1 = pcall(function() return t.x.y end)
  local ok2, e2 = pcall(function() return undefined_global.x end)
  local ok3, e3 = pcall(function() local s = 'a'; return s + {} end)
  local ok4, e4 = pcall(error, {code = 7})
  local ok5, e5 = pcall(function() error('lvl2', 2) end)
  local ok6, e6 = pcall(function() t:nomethod() end)
  local ok7, e7 = pcall(function() counter() end)
  local ok8, e8 = pcall(function() local up = t; return up.q.r end)
  return e1, e2, e3, e4.code, e5, e6, e7, e8
end

function M.upvalue()
  counter = counter + 1
  return counter
end

function M.strings(s)
  local words = {}
  for w in s:gmatch('%a+') do words[#words + 1] = w:upper() end
  local r, n = s:gsub('(%w+)', '<%1>')
  return table.concat(words, '|'), r, n, s:find('o', 1, true), string.format('%5.1f|%q', 3.14159, 'a\n'),
    s:byte(1, 3), s:sub(-3, -1)
end

function M.sorting()
  local t = {5, 3, 9, 1, 7}
  table.sort(t, function(a, b) return a > b end)
  table.insert(t, 1, 0)
  table.insert(t, 4)
  local r = table.remove(t, 2)
  return table.concat(t, ','), r, table.unpack(t, 1, 2)
end

function M.coroutines()
  local function gen(n)
    for i = 1, n do coroutine.yield(i) end
  end
  local co = coroutine.create(function(a)
    local b = coroutine.yield(a + 1)
    gen(2)
    return b * 2
  end)
  local r = {}
  local ok, v = coroutine.resume(co, 10); r[#r + 1] = v
  ok, v = coroutine.resume(co, 7); r[#r + 1] = v
  ok, v = coroutine.resume(co); r[#r + 1] = v
  ok, v = coroutine.resume(co); r[#r + 1] = v
  r[#r + 1] = coroutine.status(co)
  local ok2, err = coroutine.resume(co)
  local w = {}
  for x in coroutine.wrap(function() gen(3) end) do w[#w + 1] = x end
  return table.concat(r, ','), ok2, err, table.concat(w, ',')
end

function M.class(class, None)
  local def, pass, lambda = 1, 2, 3
  return class, None, def + pass + lambda
end

function M.intdiv()
  return 7 // 2, -7 // 2, 7 % -3, -7.5 % 2, 3 / 2, 2^10, math.fmod(-7, 3), 1e15, 2^63, -0.0
end

function M.returns_table()
  return {1, 2, 3, name = 'x', nested = {4, 5}}
end

return M
