-- Library fields read per call site through a cache (docs/translation.md
-- "Fast paths of the generated Python", lib.name): every replacement of the
-- library table or of its field must be seen by the next call. Each case
-- restores what it replaced (luart's library tables are shared).
local M = {}

-- what the cases replace, read when a case runs (an upvalue read when the
-- chunk loads would hold Lua's own library, not the translation's)
local function save()
  return {co = coroutine, math = math, yield = coroutine.yield, floor = math.floor,
          sub = string.sub, insert = table.insert}
end

local function restore(L)
  coroutine = L.co
  math = L.math
  coroutine.yield, math.floor, string.sub, table.insert = L.yield, L.floor, L.sub, L.insert
  setmetatable(math, nil)
end

-- replacements made by other functions (translated apart from the caller)
local swaps = {
  yield = function(L) coroutine.yield = function(x) return L.yield(x * 10) end end,
  yield_nil = function() coroutine.yield = nil end,
  yield_rawset = function(L) rawset(coroutine, "yield", function(x) return L.yield(-x) end) end,
  yield_alias = function(L)
    local c = coroutine; c.yield = function(x) return L.yield(x + 100) end
  end,
  floor = function() math.floor = function(x) return -1 end end,
  floor_meta = function()
    math.floor = nil
    setmetatable(math, {__index = {floor = function(x) return 42 end}})
  end,
  sub = function() string.sub = function(s, i, j) return "<" .. s .. ">" end end,
  insert = function() table.insert = function(t, v) rawset(t, #t + 1, v * 1000) end end,
}

local function run(body)
  local L = save()
  local ok, a, b = pcall(body, L)
  restore(L)
  return ok, a, b
end

-- the wrap-for kernel. At i == 3 the coroutine calls swap, a replacement
-- made by another function (translated apart from this one), or makes
-- replacement `how` itself: the global rebound in the function with the yield
-- site (a translated function has its own global table, docs/translation.md
-- "Globals and upvalues": another function's `coroutine = t` writes that
-- one's), put back at i == 4
local function wrapfor(n, swap, how)
  return run(function(L)
    local s = {}
    for v in coroutine.wrap(function()
      for i = 1, n do
        if i == 3 and swap then
          swap(L)
        elseif i == 3 and how == 1 then
          coroutine = {yield = function(x) return L.yield(x * 2) end}
        elseif i == 3 and how == 2 then
          _G.coroutine = {yield = function(x) return L.yield(x * 3) end}
        elseif i == 3 and how == 3 then
          coroutine = setmetatable({}, {__index = {yield = function(x) return L.yield(x - 1) end}})
        elseif i == 4 and how then
          coroutine = L.co
        end
        coroutine.yield(i)
      end
    end) do
      s[#s + 1] = v
    end
    return table.concat(s, ",")
  end)
end

function M.yield_replaced(n) return wrapfor(n, swaps.yield) end
function M.yield_nil(n) return wrapfor(n, swaps.yield_nil) end
function M.yield_rawset(n) return wrapfor(n, swaps.yield_rawset) end
function M.yield_alias(n) return wrapfor(n, swaps.yield_alias) end
function M.coroutine_replaced(n) return wrapfor(n, nil, 1) end
function M.coroutine_via_G(n) return wrapfor(n, nil, 2) end
function M.coroutine_with_index(n) return wrapfor(n, nil, 3) end

-- the replacement made in the same function, between two yields
function M.yield_replaced_inline(n)
  return run(function(L)
    local s = {}
    for v in coroutine.wrap(function()
      for i = 1, n do
        if i == 2 then coroutine.yield = function(x) return L.yield(x .. "!") end end
        coroutine.yield(i)
      end
    end) do
      s[#s + 1] = v
    end
    return table.concat(s, ",")
  end)
end

-- the replacement made by the loop's body (the consumer), while the
-- coroutine is suspended at its yield: by a function that yields (the
-- translated one, in the translation), or by a plain function that does not
-- (the coroutine then runs on to the next yield), put back by the body at
-- v == 4 or by the coroutine at i == 5 (a plain yield never gets back to the body)
local function bodyswap(n, plain)
  return run(function(L)
    local s, seen = {}, {}
    for v in coroutine.wrap(function()
      for i = 1, n do
        if i == 5 then coroutine.yield = L.yield end
        coroutine.yield(i)
      end
    end) do
      s[#s + 1] = v
      if v == 2 and plain then
        coroutine.yield = function(x) seen[#seen + 1] = x end
      elseif v == 2 then
        coroutine.yield = function(x) return L.yield(x * 7) end
      elseif v == 4 then
        coroutine.yield = L.yield
      end
    end
    return table.concat(s, ","), table.concat(seen, ",")
  end)
end

function M.yield_replaced_in_body(n) return bodyswap(n, false) end
function M.yield_plain_in_body(n) return bodyswap(n, true) end

-- a yield site that is not the kernel's: two values, none, nil, a table and
-- a float, with coroutine.yield replaced between them and put back
function M.yield_kinds(n)
  return run(function(L)
    local s = {}
    local co = coroutine.wrap(function()
      for i = 1, n do
        coroutine.yield(i, i * 2)
        coroutine.yield()
        if i == 2 then coroutine.yield = function(...) return L.yield("r", ...) end end
        coroutine.yield(nil)
        coroutine.yield({i})
        if i == 3 then coroutine.yield = L.yield end
        coroutine.yield(i + 0.5)
      end
      return "end"
    end)
    while true do
      local a, b = co()
      if a == "end" then break end
      local function show(x) return type(x) == "table" and "t" .. x[1] or tostring(x) end
      s[#s + 1] = show(a) .. "/" .. show(b)
    end
    return table.concat(s, ",")
  end)
end

-- coroutine.resume and wrap called as functions, the yield replaced then restored
function M.resume_replaced(n)
  return run(function(L)
    local co = coroutine.create(function()
      for i = 1, n do
        if i == 2 then swaps.yield(L) end
        if i == 4 then coroutine.yield = L.yield end
        coroutine.yield(i)
      end
    end)
    local s = {}
    while true do
      local ok, v = coroutine.resume(co)
      if v == nil then break end
      s[#s + 1] = tostring(v)
    end
    return table.concat(s, ",")
  end)
end

-- other library calls in loops, replaced at i == 3
local function calls(n, swap)
  return run(function(L)
    local r = {}
    for i = 1, n do
      if i == 3 then swap(L) end
      r[#r + 1] = tostring(math.floor(i + 0.5))
      r[#r + 1] = string.sub("abcdef", i, i + 1)
    end
    local t = {}
    for i = 1, n do
      if i == 3 then swap(L) end
      table.insert(t, i)
    end
    return table.concat(r, ","), table.concat(t, ",")
  end)
end

function M.floor_replaced(n) return calls(n, swaps.floor) end
function M.floor_from_meta(n) return calls(n, swaps.floor_meta) end
function M.sub_replaced(n) return calls(n, swaps.sub) end
function M.insert_replaced(n) return calls(n, swaps.insert) end
function M.unchanged(n) return calls(n, function() end) end

-- a field the library does not have, added later
function M.field_added(n)
  return run(function()
    local r = {}
    for i = 1, n do
      if i == 3 then math.twice = function(x) return 2 * x end end
      r[#r + 1] = tostring(math.twice ~= nil and math.twice(i))
    end
    math.twice = nil
    return table.concat(r, ",")
  end)
end

-- a global that is not a library table (a table of the program's own)
function M.own_table(n)
  return run(function()
    mylib = {f = function(x) return x + 1 end}
    local r = {}
    for i = 1, n do
      if i == 3 then mylib.f = function(x) return x * 100 end end
      if i == 4 then mylib = {f = function(x) return -x end} end
      r[#r + 1] = mylib.f(i)
    end
    mylib = nil
    return table.concat(r, ",")
  end)
end

return M
