-- One integer yielded bare (docs/translation.md "Coroutines"): a yield of a
-- single value the back end proves an integer passes the int itself, not a
-- one-value tuple; every consumer (resume, a wrap call, the fast generic
-- for with one and with several variables, a resume from elsewhere while
-- the fast for iterates, nested yielding calls) must see exactly what Lua
-- gives. Each function runs natively and translated (test_luaback_cobare).
local M = {}

local function show(...)
  local out = {tostring(select('#', ...))}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    out[#out + 1] = math.type(v) or type(v)
    out[#out + 1] = tostring(v)
  end
  return table.concat(out, ' ')
end

-- the integers i, then values of every other shape
local function body(n)
  return function()
    for i = 1, n do coroutine.yield(i) end
    coroutine.yield(2.5)
    coroutine.yield(math.mininteger)
    coroutine.yield(n * 1000)
    coroutine.yield("x", 4)
    coroutine.yield({})
    coroutine.yield(nil, 7)
    return "done"
  end
end

function M.resumes(n)
  local co = coroutine.create(body(n))
  local out = {}
  while true do
    local r = table.pack(coroutine.resume(co))
    local parts = {}
    for i = 1, r.n do parts[#parts + 1] = type(r[i]) == "table" and "table" or tostring(r[i]) .. ":" .. (math.type(r[i]) or type(r[i])) end
    out[#out + 1] = table.concat(parts, ",")
    if coroutine.status(co) == "dead" then break end
  end
  return table.concat(out, " ; ")
end

function M.wrap_calls(n)
  local g = coroutine.wrap(body(n))
  local out = {}
  for _ = 1, n + 7 do
    local r = table.pack(g())
    out[#out + 1] = r.n .. "=" .. (type(r[1]) == "table" and "table" or tostring(r[1])) .. ":" .. (math.type(r[1]) or type(r[1]))
  end
  return table.concat(out, " ")
end

function M.for_one(n)
  local s, out = 0, {}
  for v in coroutine.wrap(body(n)) do
    out[#out + 1] = type(v) == "table" and "table" or tostring(v) .. ":" .. (math.type(v) or type(v))
    if math.type(v) then s = s + v end
  end
  return s, math.type(s), table.concat(out, " ")
end

function M.for_two(n)
  local out = {}
  for a, b in coroutine.wrap(body(n)) do
    out[#out + 1] = show(a == nil and "nil" or type(a) == "table" and "table" or a, b)
  end
  return table.concat(out, " | ")
end

function M.wraparound()
  local s = math.maxinteger - 3
  for v in coroutine.wrap(function() for i = 1, 6 do coroutine.yield(i) end end) do
    s = s + v
  end
  return s, math.type(s)
end

function M.float_loop()
  -- a float loop variable is not an integer: yielded as a tuple
  local out = {}
  for v in coroutine.wrap(function() for x = 1.0, 3 do coroutine.yield(x) end end) do
    out[#out + 1] = tostring(v) .. ":" .. math.type(v)
  end
  return table.concat(out, " ")
end

function M.nested(n)
  local function inner(k) for i = 1, k do coroutine.yield(i * 10) end end
  local s = 0
  for v in coroutine.wrap(function() inner(n); inner(2) end) do s = s + v end
  return s, math.type(s)
end

function M.values_back(n)
  local log = {}
  local co = coroutine.create(function()
    for i = 1, n do
      local a, b = coroutine.yield(i)
      log[#log + 1] = show(a, b)
    end
  end)
  for i = 1, n + 1 do
    log[#log + 1] = show(coroutine.resume(co, i * 2, "z"))
  end
  return table.concat(log, " ; ")
end

function M.foreign_resume()
  local co
  local log = {}
  for v in coroutine.wrap(function()
    co = coroutine.running()
    for i = 1, 6 do
      local a = coroutine.yield(i)
      log[#log + 1] = "r" .. i .. "=" .. tostring(a)
    end
  end) do
    log[#log + 1] = "v=" .. v .. ":" .. math.type(v)
    if v == 2 then
      log[#log + 1] = "resume " .. show(coroutine.resume(co, "A"))
      log[#log + 1] = "resume " .. show(coroutine.resume(co, "C"))
    end
  end
  return table.concat(log, ";")
end

function M.yield_replaced(n)
  -- coroutine.yield replaced between two integer yields: the next call
  -- reaches the replacement (whose own yield sends a tuple)
  local saved = coroutine.yield
  local ok, r = pcall(function()
    local out = {}
    for v in coroutine.wrap(function()
      for i = 1, n do
        if i == 3 then coroutine.yield = function(x) return saved(x, -x) end end
        coroutine.yield(i)
      end
    end) do
      out[#out + 1] = tostring(v)
    end
    return table.concat(out, " ")
  end)
  coroutine.yield = saved
  return ok, r
end

return M
