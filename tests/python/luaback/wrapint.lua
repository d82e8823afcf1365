-- The integer version of a wrap-for (docs/translation.md "Fast paths of the
-- generated Python", "Integer version of a wrap-for"): while the values are
-- integers and the locals the body assigns are, the body runs with them
-- known; the first other value goes on in the general loop with the same
-- coroutine. Each function runs natively and translated
-- (test_luaback_wrapint), compared for values, types and error messages.
local M = {}

local function gen(list)
  return coroutine.wrap(function()
    for i = 1, #list do coroutine.yield(list[i]) end
  end)
end

local function show(s)
  return tostring(s) .. ":" .. (math.type(s) or type(s))
end

function M.all_ints(n)
  local s = 0
  for v in coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) do
    s = s + v
  end
  return show(s)
end

function M.float_midway()
  local s, c = 0, 0
  for v in gen({1, 2, 3, 2.5, 4, 5}) do
    s = s + v
    c = c + 1
  end
  return show(s) .. " " .. show(c)
end

function M.string_midway()
  local s = 0
  for v in gen({1, 2, "10", 4, "0x10", 1}) do
    s = s + v
  end
  return show(s)
end

function M.table_midway()
  local mt = {__add = function(a, b)
    local x = type(a) == "table" and a.x or a
    local y = type(b) == "table" and b.x or b
    return x + y + 0.5
  end}
  local s = 0
  for v in gen({1, 2, setmetatable({x = 100}, mt), 3}) do
    s = s + v
  end
  return show(s)
end

function M.wraps_midway()
  local s = 0
  for v in gen({math.maxinteger, 1, 1, math.mininteger, -1}) do
    s = s + v
  end
  return show(s)
end

function M.several_values()
  local s = 0
  for v in coroutine.wrap(function()
    coroutine.yield(1)
    coroutine.yield(2, 20)
    coroutine.yield(3)
  end) do
    s = s + v
  end
  return show(s)
end

function M.nil_ends()
  local s, after = 0, "not yet"
  local co = coroutine.wrap(function()
    coroutine.yield(1)
    coroutine.yield(2)
    coroutine.yield(nil)
    after = "resumed after nil"
    coroutine.yield(3)
  end)
  for v in co do s = s + v end
  return show(s) .. " " .. after .. " " .. show(co())
end

function M.break_inside(limit)
  local s = 0
  for v in gen({1, 2, 3, 4, 5, 6}) do
    if v > limit then break end
    s = s + v
  end
  return show(s)
end

function M.break_after_switch()
  local s = 0
  for v in gen({1, 2.0, 3, 4, 5}) do
    if v == 4 then break end
    s = s + v
  end
  return show(s)
end

function M.float_start()
  local s = 0.5
  for v in gen({1, 2, 3}) do s = s + v end
  return show(s)
end

function M.two_locals()
  local s, sq, n = 0, 0, 0
  for v in gen({3, 4, 5, 6}) do
    n = n + 1
    sq = sq + v * v
    s = s - v + n
  end
  return show(s) .. " " .. show(sq) .. " " .. show(n)
end

function M.not_an_int_expression()
  -- s is assigned a division: no integer version for s, the loop runs as
  -- written
  local s = 0
  for v in gen({1, 2, 3}) do s = s + v / 2 end
  return show(s)
end

function M.boolean_value()
  local s = 0
  for v in gen({1, 2, true, 4}) do s = s + v end
  return show(s)
end

function M.error_inside()
  local s = 0
  for v in gen({1, 2, 3, 4}) do
    if v == 3 then error("stop at " .. s) end
    s = s + v
  end
  return show(s)
end

function M.overflow_then_float()
  local s = 0
  for v in gen({math.maxinteger, 1, 0.5, 2}) do s = s + v end
  return show(s)
end

function M.resumed_from_body()
  -- the body resumes the same coroutine itself: every other value is taken
  -- by the body's call
  local s, t = 0, 0
  local g = coroutine.wrap(function()
    for i = 1, 10 do coroutine.yield(i) end
  end)
  for v in g do
    s = s + v
    t = t + (g() or 0)
  end
  return show(s) .. " " .. show(t)
end

function M.goto_body()
  -- a goto in the body: no integer version, the loop runs as written
  local s = 0
  for v in gen({1, 2, 3, 4}) do
    if v % 2 == 0 then goto continue end
    s = s + v
    ::continue::
  end
  return show(s)
end

function M.nested_loops()
  local s = 0
  for v in gen({1, 2, 3}) do
    for w in gen({10, 20}) do
      s = s + v * w
    end
  end
  return show(s)
end

function M.local_in_body()
  local s = 0
  for v in gen({1, 2, 3, 1.5}) do
    local d = v * 2
    s = s + d
  end
  return show(s)
end

function M.outer_local_of_the_same_name()
  -- the loop's variable takes each value, a float and a nil included; the
  -- outer local of the same name is another variable and keeps its value
  local v = "outer"
  local s = 0
  for v in gen({1, 2, 2.5, 3, "4"}) do
    s = s + v
  end
  local t = 0
  for v in coroutine.wrap(function()
      coroutine.yield(1) coroutine.yield(2) coroutine.yield(nil) coroutine.yield(5)
    end) do
    t = t + v
  end
  return show(s) .. " " .. show(t) .. " " .. v
end

function M.switch_then_break()
  -- the first non-integer leaves the integer loop, the general loop ends at
  -- a break on it: nothing of it survives the loop
  local s, last = 0, nil
  for v in gen({3, 4, "x", 5}) do
    if type(v) == "string" then last = v break end
    s = s + v
  end
  return show(s) .. " " .. tostring(last)
end

return M
