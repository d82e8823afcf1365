-- The coroutine kernel (issue 10): `for ... in coroutine.wrap(f)` iterated
-- directly, lazy status and running coroutine. Each M function runs natively
-- and translated (tests/python/test_luaback_cofast.py), compared.
local M = {}

local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  return table.concat(t, ' ', 1, t.n)
end

function M.sum(n)
  local s = 0
  for v in coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) do
    s = s + v
  end
  return s, math.type(s)
end

function M.yield_results()
  local log = {}
  for v in coroutine.wrap(function()
    for i = 1, 3 do
      local a, b, c = coroutine.yield(i * 10)
      log[#log + 1] = show(a, b, c)
    end
  end) do
    log[#log + 1] = 'got ' .. v
  end
  return table.concat(log, ';')
end

function M.several_values()
  local out = {}
  for a, b, c in coroutine.wrap(function()
    coroutine.yield(1, 2)
    coroutine.yield(3, nil, 'x')
    coroutine.yield(4.5, 'y', 'z', 'extra')
  end) do
    out[#out + 1] = show(a, b, c)
  end
  return table.concat(out, ';')
end

function M.first_nil_stops()
  local co
  local out = {}
  for v in coroutine.wrap(function()
    co = coroutine.running()
    coroutine.yield(1)
    coroutine.yield(nil, 2)
    coroutine.yield(3)
  end) do
    out[#out + 1] = v
  end
  return table.concat(out, ','), coroutine.status(co), coroutine.resume(co)
end

function M.returns_values()
  local out = {}
  local ok, err = pcall(function()
    for v in coroutine.wrap(function() coroutine.yield(1) return 5, 6 end) do
      out[#out + 1] = v
    end
  end)
  return table.concat(out, ','), ok, err
end

function M.error_inside()
  local out = {}
  local ok, err = pcall(function()
    for v in coroutine.wrap(function() coroutine.yield(1) error('boom') end) do
      out[#out + 1] = v
    end
  end)
  return table.concat(out, ','), ok, err
end

function M.error_value_inside()
  local ok, err = pcall(function()
    for v in coroutine.wrap(function() coroutine.yield(1) error({code = 7}) end) do end
  end)
  return ok, type(err), err.code
end

function M.error_level0_inside()
  local ok, err = pcall(function()
    for v in coroutine.wrap(function() error('plain', 0) end) do end
  end)
  return ok, err
end

function M.error_in_loop_body()
  local co
  local ok, err = pcall(function()
    for v in coroutine.wrap(function() co = coroutine.running() coroutine.yield(1) end) do
      error('in the loop ' .. v)
    end
  end)
  return ok, err, coroutine.status(co)
end

function M.status_inside()
  local co
  local log = {}
  for v in coroutine.wrap(function()
    co = coroutine.running()
    local me, main = coroutine.running()
    log[#log + 1] = show(coroutine.status(me), main, coroutine.isyieldable())
    coroutine.yield(1)
    coroutine.yield(2)
  end) do
    log[#log + 1] = show(v, coroutine.status(co), coroutine.isyieldable(),
                         select(2, coroutine.running()))
  end
  log[#log + 1] = coroutine.status(co)
  return table.concat(log, ';')
end

function M.normal_status()
  local outer
  local log = {}
  for v in coroutine.wrap(function()
    outer = coroutine.running()
    local inner = coroutine.create(function()
      log[#log + 1] = show(coroutine.status(outer), coroutine.status(coroutine.running()))
    end)
    coroutine.resume(inner)
    coroutine.yield(coroutine.status(inner))
  end) do
    log[#log + 1] = v
  end
  return table.concat(log, ';')
end

function M.foreign_resume()
  local co
  local log = {}
  for v in coroutine.wrap(function()
    co = coroutine.running()
    local i = 0
    while true do
      i = i + 1
      local a, b = coroutine.yield('y' .. i)
      log[#log + 1] = 'r' .. i .. '=' .. show(a, b)
      if i == 6 then return end
    end
  end) do
    log[#log + 1] = 'v=' .. v
    if v == 'y2' then
      log[#log + 1] = 'resume ' .. show(coroutine.resume(co, 'A', 'B'))
      log[#log + 1] = 'resume ' .. show(coroutine.resume(co, 'C'))
    end
  end
  return table.concat(log, ';')
end

function M.close_from_loop()
  local co
  local out = {}
  local ok, err = pcall(function()
    for v in coroutine.wrap(function()
      co = coroutine.running()
      coroutine.yield(1) coroutine.yield(2) coroutine.yield(3)
    end) do
      out[#out + 1] = v
      if v == 2 then out[#out + 1] = tostring(coroutine.close(co)) end
    end
  end)
  return table.concat(out, ','), ok, err, coroutine.status(co)
end

function M.finished_by_foreign_resume()
  local co
  local out = {}
  local ok, err = pcall(function()
    for v in coroutine.wrap(function()
      co = coroutine.running()
      coroutine.yield(1)
    end) do
      out[#out + 1] = v
      out[#out + 1] = show(coroutine.resume(co))
    end
  end)
  return table.concat(out, ','), ok, err
end

function M.nested_wraps()
  local out = {}
  for a in coroutine.wrap(function()
    for b in coroutine.wrap(function()
      for i = 1, 3 do coroutine.yield(i) end
    end) do
      coroutine.yield(b * 10)
    end
  end) do
    out[#out + 1] = a
  end
  return table.concat(out, ',')
end

function M.nested_calls()
  local function deeper(x)
    coroutine.yield(x)
    coroutine.yield(x + 1)
  end
  local function deep(x)
    deeper(x)
    return coroutine.yield(x * 100)
  end
  local out = {}
  for v in coroutine.wrap(function() for i = 1, 2 do out[#out + 1] = show(deep(i)) end end) do
    out[#out + 1] = v
  end
  return table.concat(out, ',')
end

function M.break_then_resume()
  local co
  local out = {}
  for v in coroutine.wrap(function()
    co = coroutine.running()
    local x = coroutine.yield(1)
    out[#out + 1] = show(x)
    local y, z = coroutine.yield(2)
    out[#out + 1] = show(y, z)
  end) do
    out[#out + 1] = v
    if v == 2 then break end
  end
  out[#out + 1] = coroutine.status(co)
  out[#out + 1] = show(coroutine.resume(co, 'late', 'value'))
  out[#out + 1] = coroutine.status(co)
  return table.concat(out, ',')
end

function M.arguments()
  local out = {}
  for v in coroutine.wrap(function(...)
    coroutine.yield(select('#', ...))
    coroutine.yield(show(...))
  end) do
    out[#out + 1] = v
  end
  return table.concat(out, ',')
end

function M.wrap_in_local(started)
  local g = coroutine.wrap(function() for i = 1, 4 do coroutine.yield(i) end end)
  if started then g() end
  local out = {}
  for v in g do out[#out + 1] = v end
  return table.concat(out, ','), pcall(g)
end

function M.with_state()
  local out = {}
  for a, b in coroutine.wrap(function(s, c)
    local x, y = coroutine.yield(1, s)
    coroutine.yield(2, show(x, y))
  end), 'S', 'C' do
    out[#out + 1] = show(a, b)
  end
  return table.concat(out, ';')
end

function M.resume_loop(n)
  local co = coroutine.create(function(a)
    local s = a
    for i = 1, n do s = s + coroutine.yield(i) end
    return 'sum', s
  end)
  local total = 0
  local ok, v = coroutine.resume(co, 100)
  while coroutine.status(co) == 'suspended' do
    total = total + v
    ok, v = coroutine.resume(co, v * 2)
  end
  return total, ok, v, select(3, coroutine.resume(co, 1)), coroutine.resume(co)
end

function M.wrap_calls()
  local g = coroutine.wrap(function(a)
    local b = coroutine.yield(a + 1)
    local c, d = coroutine.yield(b * 2)
    return c .. d
  end)
  return g(1), g(10), g('x', 'y'), pcall(g)
end

function M.yield_outside()
  return pcall(coroutine.yield, 1)
end

function M.foreign_resume_statement_yields()
  -- yield statements of plain locals (an int yielded bare, then two values)
  -- while a resume from elsewhere comes in: the loop's next value is the
  -- one the foreign resume took over
  local co
  local log = {}
  for v, w in coroutine.wrap(function()
    co = coroutine.running()
    for i = 1, 4 do
      local s = "y" .. i
      coroutine.yield(i)
      coroutine.yield(s, i)
    end
  end) do
    log[#log + 1] = show(v, w)
    if v == 2 or v == "y3" then
      log[#log + 1] = "resume " .. show(coroutine.resume(co, "A"))
    end
  end
  return table.concat(log, ";")
end

return M
