-- closes.lua — to-be-closed variables and coroutines (issue 10): __close
-- handlers that yield (Lua 5.4.4 lets them, when the block exits inside a
-- coroutine) on every exit of the block (end, return, break, goto, an
-- error caught by a pcall inside the coroutine), nested variables closed in
-- reverse order, handlers yielding several times; errors leaving a
-- coroutine (its values stay open until coroutine.close, or the wrap
-- function's reset, where a yield is an error); the generic for's
-- to-be-closed value; __len's arguments. Each function of M runs natively
-- and translated (tests/python/test_luaback_close.py).
local M = {}

-- a closable value whose handler logs, yields twice (the resume values
-- are logged) and returns
local function mk(log, name)
  return setmetatable({}, {__close = function (_, e)
    log[#log + 1] = name .. " closing " .. tostring(e)
    local r = coroutine.yield("y1:" .. name)
    log[#log + 1] = name .. " got " .. tostring(r)
    local r2, r3 = coroutine.yield("y2:" .. name)
    log[#log + 1] = name .. " got " .. tostring(r2) .. "," .. tostring(r3)
    return "ignored"
  end})
end

-- resume co (a wrap function) until it returns a value that is not a
-- string starting with "y", passing 1, 2, ...: what every call gave
local function drive(co, ...)
  local out = {}
  local r = table.pack(co(...))
  local i = 0
  while type(r[1]) == "string" and r[1]:sub(1, 1) == "y" and i < 50 do
    out[#out + 1] = r[1]
    i = i + 1
    r = table.pack(co(i, i * 10))
  end
  for j = 1, r.n do out[#out + 1] = tostring(r[j]) end
  return table.concat(out, " ")
end

function M.end_of_block()
  local log = {}
  local co = coroutine.wrap(function ()
    do
      local a <close> = mk(log, "a")
      log[#log + 1] = "body"
    end
    log[#log + 1] = "after"
    return "done"
  end)
  return drive(co), table.concat(log, "; ")
end

function M.return_values_nested()
  -- the return values are computed first; b closes before a
  local log = {}
  local co = coroutine.wrap(function (x)
    local a <close> = mk(log, "a")
    local b <close> = mk(log, "b")
    local c <close> = nil          -- nil and false are not closed
    local d <close> = false
    log[#log + 1] = "body " .. x
    return x + 1, "two", nil
  end)
  return drive(co, 41), table.concat(log, "; ")
end

function M.break_and_loops()
  local log = {}
  local co = coroutine.wrap(function ()
    for i = 1, 3 do
      local a <close> = mk(log, "for" .. i)
      if i == 2 then break end
      log[#log + 1] = "iter " .. i
    end
    local n = 0
    while true do
      n = n + 1
      local w <close> = mk(log, "while" .. n)
      if n == 2 then break end
    end
    repeat
      local r <close> = mk(log, "repeat")
      local stop = true
    until stop
    return n
  end)
  return drive(co), table.concat(log, "; ")
end

function M.goto_exits()
  local log = {}
  local co = coroutine.wrap(function ()
    local i = 0
    ::again::
    do
      i = i + 1
      local a <close> = mk(log, "g" .. i)
      if i < 3 then goto again end
      log[#log + 1] = "last " .. i
    end
    for k = 1, 3 do
      local c <close> = mk(log, "c" .. k)
      if k % 2 == 1 then goto continue end
      log[#log + 1] = "even " .. k
      ::continue::
    end
    return i
  end)
  return drive(co), table.concat(log, "; ")
end

function M.error_caught_inside()
  -- the handlers get the error value, in reverse order, and yield; pcall
  -- answers after them
  local log = {}
  local co = coroutine.wrap(function ()
    local ok, e = pcall(function ()
      local a <close> = mk(log, "a")
      local b <close> = mk(log, "b")
      error({code = 7})
    end)
    local ok2, e2 = pcall(function ()
      local c <close> = mk(log, "c")
      error("plain", 0)
    end)
    return ok, type(e), e.code, ok2, e2
  end)
  return drive(co), (table.concat(log, "; "):gsub("table: 0x%x+", "TABLE"))
end

function M.error_in_handler()
  -- a handler that yields and then raises replaces the error; the next
  -- handler gets the new one
  local log = {}
  local co = coroutine.wrap(function ()
    local ok, e = pcall(function ()
      local a <close> = mk(log, "a")
      local h <close> = setmetatable({}, {__close = function (_, e)
        log[#log + 1] = "h got " .. tostring(e)
        coroutine.yield("yh")
        error("in handler", 0)
      end})
      local b <close> = mk(log, "b")
      error("orig", 0)
    end)
    local ok2, e2 = pcall(function ()
      local h <close> = setmetatable({}, {__close = function ()
        coroutine.yield("yh2")
        error("on normal exit", 0)
      end})
      return "not this"
    end)
    return ok, e, ok2, e2
  end)
  return drive(co), table.concat(log, "; ")
end

function M.xpcall_inside()
  local log = {}
  local co = coroutine.wrap(function ()
    return xpcall(function ()
      local a <close> = mk(log, "a")
      error("x", 0)
    end, function (m) log[#log + 1] = "handler " .. m; return "handled " .. m end)
  end)
  return drive(co), table.concat(log, "; ")
end

function M.resume_values_and_status()
  -- values pass both ways through a handler's yields; inside it the
  -- coroutine is running and yieldable
  local log = {}
  local co
  co = coroutine.create(function ()
    local a <close> = setmetatable({}, {__close = function ()
      log[#log + 1] = coroutine.status(co) .. " " .. tostring(coroutine.isyieldable())
      local x, y = coroutine.yield("from close", 1, nil, 3)
      log[#log + 1] = "got " .. tostring(x) .. " " .. tostring(y)
    end})
    return "ret"
  end)
  local r1 = table.pack(coroutine.resume(co))
  local st = coroutine.status(co)
  local r2 = table.pack(coroutine.resume(co, "p", "q"))
  return r1.n, r1[1], r1[2], r1[3], r1[4], r1[5], st, r2.n, r2[1], r2[2],
         coroutine.status(co), table.concat(log, "; ")
end

function M.deep_handler()
  -- the handler yields from a nested call, and itself has a <close>
  -- variable whose handler yields
  local log = {}
  local function inner(tag)
    local z <close> = mk(log, "inner-" .. tag)
    coroutine.yield("y-inner " .. tag)
  end
  local co = coroutine.wrap(function ()
    do
      local a <close> = setmetatable({}, {__close = function () inner("a") end})
    end
    return "end"
  end)
  return drive(co), table.concat(log, "; ")
end

function M.close_yield_callable_table()
  -- the __close metamethod is a table with a __call that yields
  local log = {}
  local handler = setmetatable({}, {__call = function (self, v, e)
    log[#log + 1] = "called " .. tostring(e)
    coroutine.yield("ycall")
  end})
  local co = coroutine.wrap(function ()
    do local a <close> = setmetatable({}, {__close = handler}) end
    return "end"
  end)
  return drive(co), table.concat(log, "; ")
end

function M.error_leaving_resume()
  -- an error leaving the coroutine leaves its values open; coroutine.close
  -- closes them (no yield there) and answers false and the error, once
  local log = {}
  local function quiet(name)
    return setmetatable({}, {__close = function (_, e)
      log[#log + 1] = name .. " closed " .. tostring(e)
    end})
  end
  local c = coroutine.create(function ()
    local a <close> = quiet("a")
    local b <close> = quiet("b")
    coroutine.yield("before")
    error("boom")
  end)
  local r1 = table.pack(coroutine.resume(c))
  local r2 = table.pack(coroutine.resume(c))
  local l1 = table.concat(log, "; ")
  local st = coroutine.status(c)
  local c1 = table.pack(coroutine.close(c))
  local c2 = table.pack(coroutine.close(c))
  return r1[2], r2[1], r2[2], l1, st, c1.n, c1[1], c1[2], c2.n, c2[1],
         table.concat(log, "; ")
end

function M.error_leaving_resume_yielding_handler()
  -- ... and a handler that yields there fails (its error replaces boom)
  local log = {}
  local c = coroutine.create(function ()
    local a <close> = mk(log, "a")
    local q <close> = setmetatable({}, {__close = function (_, e)
      log[#log + 1] = "q closed " .. tostring(e)
    end})
    error("boom", 0)
  end)
  local r = table.pack(coroutine.resume(c))
  local l1 = table.concat(log, "; ")
  local c1 = table.pack(coroutine.close(c))
  return r[1], r[2], l1, c1[1], c1[2], table.concat(log, "; ")
end

function M.error_leaving_wrap()
  -- a wrap function closes at once (no yield: the handler's yield is the
  -- error the wrap call raises)
  local log = {}
  local co = coroutine.wrap(function ()
    local q <close> = setmetatable({}, {__close = function (_, e)
      log[#log + 1] = "q closed " .. tostring(e)
    end})
    error("boom", 0)
  end)
  local ok, e = pcall(co)
  local co2 = coroutine.wrap(function ()
    local a <close> = mk(log, "a")
    error("boom2", 0)
  end)
  local ok2, e2 = pcall(co2)
  local co3 = coroutine.wrap(function ()
    local a <close> = mk(log, "a3")
    error("boom3")
  end)
  local ok3, e3 = pcall(function () return co3() end)
  return ok, e, ok2, e2, ok3, e3, table.concat(log, "; ")
end

function M.close_suspended()
  -- coroutine.close of a suspended coroutine: handlers get nil and cannot
  -- yield
  local log = {}
  local c = coroutine.create(function ()
    local q <close> = setmetatable({}, {__close = function (_, e)
      log[#log + 1] = "q closed " .. tostring(e)
    end})
    coroutine.yield("susp")
  end)
  coroutine.resume(c)
  local c1 = table.pack(coroutine.close(c))
  local d = coroutine.create(function ()
    local a <close> = mk(log, "a")
    local q <close> = setmetatable({}, {__close = function (_, e)
      log[#log + 1] = "q2 closed " .. tostring(e)
    end})
    coroutine.yield("susp")
  end)
  coroutine.resume(d)
  local d1 = table.pack(coroutine.close(d))
  return c1.n, c1[1], d1[1], d1[2], coroutine.status(d), table.concat(log, "; ")
end

function M.close_suspended_in_handler()
  -- closing a coroutine suspended inside a __close handler's yield
  local log = {}
  local c = coroutine.create(function ()
    local a <close> = mk(log, "a")
    local b <close> = mk(log, "b")
  end)
  local r1 = table.pack(coroutine.resume(c))
  local c1 = table.pack(coroutine.close(c))
  return r1[2], c1[1], c1[2], coroutine.status(c), table.concat(log, "; ")
end

function M.outside_coroutine()
  -- a handler that yields outside a coroutine: Lua's error, after logging
  local log = {}
  local ok, e = pcall(function ()
    local a <close> = mk(log, "main")
    return 1
  end)
  local co = coroutine.wrap(function ()
    -- a C function (gsub) between: no yield across it
    return pcall(string.gsub, "a", "a", function ()
      local z <close> = mk(log, "z")
      return "b"
    end)
  end)
  local ok2, e2 = co()
  return ok, e, ok2, e2, table.concat(log, "; ")
end

function M.for_closing_value()
  -- the generic for's to-be-closed value: its __close yields when the loop
  -- ends, breaks, or an error leaves it (caught inside the coroutine)
  local log = {}
  local function it(s, i) if i < 3 then return i + 1 end end
  local function yit(s, i)
    coroutine.yield("yit " .. i)
    if i < 2 then return i + 1 end
  end
  local co = coroutine.wrap(function ()
    for i in it, nil, 0, mk(log, "f") do log[#log + 1] = "i" .. i end
    for i in it, nil, 0, mk(log, "g") do if i == 2 then break end end
    local ok, e = pcall(function ()
      for i in it, nil, 0, mk(log, "h") do error("body " .. i, 0) end
    end)
    for i in yit, nil, 0, mk(log, "k") do log[#log + 1] = "k" .. i end
    local function ret()
      for i in it, nil, 0, mk(log, "r") do if i == 2 then return "r" .. i end end
    end
    return ok, e, ret()
  end)
  return drive(co), table.concat(log, "; ")
end

function M.plain_for_closing_value()
  -- outside coroutines: the value closes with the body's error, at a break
  -- and at a return, at once
  local log = {}
  local function closing()
    local i = 0
    return function () i = i + 1; if i <= 3 then return i end end, nil, nil,
      setmetatable({}, {__close = function (_, e) log[#log + 1] = "closed " .. tostring(e) end})
  end
  local ok, e = pcall(function () for i in closing() do if i == 2 then error("body", 0) end end end)
  log[#log + 1] = "|"
  for i in closing() do if i == 2 then break end end
  log[#log + 1] = "|"
  for i in closing() do end
  log[#log + 1] = "|"
  local function ret() for i in closing() do if i == 2 then return "r" end end end
  local r = ret()
  log[#log + 1] = "|"
  local f, s, c, cl = closing()
  local ok2, e2 = pcall(function () for i in f, s, c, cl do local y = i .. {} end end)
  return ok, e, r, ok2, e2, table.concat(log, " ")
end

function M.plain_close_errors()
  -- outside coroutines: a handler error, and errors through several levels
  local log = {}
  local function quiet(name)
    return setmetatable({}, {__close = function (_, e)
      log[#log + 1] = name .. " " .. tostring(e)
    end})
  end
  local ok, e = pcall(function ()
    local a <close> = quiet("a")
    local b <close> = setmetatable({}, {__close = function () error("b failed", 0) end})
    local c <close> = quiet("c")
    error("orig", 0)
  end)
  local function lvl2() local x <close> = quiet("x") error({}) end
  local ok2, e2 = pcall(function () local y <close> = quiet("y") lvl2() end)
  return ok, e, ok2, type(e2), (table.concat(log, "; "):gsub("table: 0x%x+", "T"))
end

function M.pcall_in_coroutine_levels()
  -- an error caught by a pcall several calls up, inside the coroutine: the
  -- values between close then (with yields), the others stay open
  local log = {}
  local function deep(n)
    local v <close> = mk(log, "d" .. n)
    if n == 0 then error("deep", 0) end
    deep(n - 1)
  end
  local co = coroutine.wrap(function ()
    local outer <close> = mk(log, "outer")
    local ok, e = pcall(deep, 2)
    log[#log + 1] = "pcall " .. tostring(ok) .. " " .. e
    return "end"
  end)
  return drive(co), table.concat(log, "; ")
end
-- xpcall's message handler runs where the error is raised: before any
-- value closes, and again for an error raised by a __close
function M.xp_plain()
  local log = {}
  local r = table.pack(xpcall(function()
    local a <close> = setmetatable({}, {__close=function(_, e) log[#log+1] = "a " .. tostring(e) end})
    local b <close> = setmetatable({}, {__close=function(_, e) log[#log+1] = "b " .. tostring(e); error("berr", 0) end})
    error("x", 0)
  end, function(m) log[#log+1] = "h " .. tostring(m); return "H(" .. tostring(m) .. ")" end))
  return r[1], r[2], table.concat(log, "; ")
end
function M.xp_normal_exit_err()
  local log = {}
  local r = table.pack(xpcall(function()
    local b <close> = setmetatable({}, {__close=function(_, e) log[#log+1] = "b " .. tostring(e); error("berr", 0) end})
    return 1
  end, function(m) log[#log+1] = "h " .. tostring(m); return "H(" .. tostring(m) .. ")" end))
  return r[1], r[2], table.concat(log, "; ")
end
function M.xp_nested_pcall()
  local log = {}
  local r = table.pack(xpcall(function()
    local a <close> = setmetatable({}, {__close=function(_, e) log[#log+1] = "a " .. tostring(e) end})
    local ok, e = pcall(function()
      local b <close> = setmetatable({}, {__close=function(_, e) log[#log+1] = "b " .. tostring(e) end})
      error("inner", 0)
    end)
    log[#log+1] = "pcall " .. tostring(e)
    error("outer", 0)
  end, function(m) log[#log+1] = "h " .. tostring(m); return "H(" .. tostring(m) .. ")" end))
  return r[1], r[2], table.concat(log, "; ")
end

function M.wrap_for_error()
  -- for ... in coroutine.wrap(f) when f raises: the wrap function closes
  -- f's values at once (a yield there is the error), fast and slow paths
  local log = {}
  local function quiet(name)
    return setmetatable({}, {__close = function (_, e) log[#log + 1] = name .. " " .. tostring(e) end})
  end
  local ok, e = pcall(function ()
    for v in coroutine.wrap(function ()
      local q <close> = quiet("q")
      coroutine.yield(1)
      error("in gen", 0)
    end) do log[#log + 1] = "v" .. v end
  end)
  local ok2, e2 = pcall(function ()
    for v, w in coroutine.wrap(function (x)
      local a <close> = mk(log, "a")
      coroutine.yield(1, 2)
      error("in gen2", 0)
    end) do log[#log + 1] = "v" .. v .. w end
  end)
  return ok, e, ok2, e2, table.concat(log, "; ")
end

-- a generic for whose iterator cannot be called closes its value with
-- Lua's error; a non-closable value is refused
function M.bad_iter_close()
  local log = {}
  local co = coroutine.wrap(function ()
    local ok, e = pcall(function ()
      for i in 5, nil, nil, setmetatable({}, {__close = function (_, e) log[#log + 1] = "closed " .. tostring(e) end}) do end
    end)
    coroutine.yield(1)
    return ok, e, table.concat(log, ";")
  end)
  co()
  return co()
end
function M.bad_iter_close_plain()
  local log = {}
  local ok, e = pcall(function ()
    for i in 5, nil, nil, setmetatable({}, {__close = function (_, e) log[#log + 1] = "closed " .. tostring(e) end}) do end
  end)
  return ok, e, table.concat(log, ";")
end
function M.bad_close_value()
  local ok, e = pcall(function () local x <close> = 5 end)
  local co = coroutine.wrap(function () local ok, e = pcall(function () local x <close> = {} end) coroutine.yield() return ok, e end)
  co()
  local ok2, e2 = co()
  return ok, e, ok2, e2
end
function M.len_arguments()
  -- __len gets the operand twice, as Lua calls it
  local t = setmetatable({}, {__len = function (...)
    local a, b = ...
    return select('#', ...) * 10 + (rawequal(a, b) and 1 or 0)
  end})
  local co = coroutine.wrap(function ()
    local u = setmetatable({}, {__len = function (...)
      local n = select('#', ...)
      local r = coroutine.yield("ylen " .. n)
      return n + r
    end})
    return #u
  end)
  local n0 = co()
  return #t, n0, co(100)
end

return M
