-- gotos.lua — goto and labels as Lua 5.4 runs them (most cases from Lua's
-- own testes/goto.lua, turned into functions returning what they saw).
-- tests/python/test_luaback_goto.py runs each natively and translated.
local M = {}

function M.simple()
  local x
  do
    local y = 12
    goto l1
    ::l2:: x = x + 1; goto l3
    ::l1:: x = y; goto l2
  end
  ::l3:: ::l3_1:: return x
end

function M.over_local_to_end()
  local x = 1
  do
    goto l1
    local a = 23
    x = a
    ::l1::;
  end
  while true do
    goto l4
    goto l1
    local y = 45
    ::l1:: ;;;
  end
  ::l4:: return x
end

function M.order()
  local a, twice = {}, false
  goto l3
  ::l1:: a[#a + 1] = 1; goto l2;
  ::l2:: a[#a + 1] = 2; goto l5;
  ::l3::
  ::l3a:: a[#a + 1] = 3; goto l1;
  ::l4:: a[#a + 1] = 4; goto l6;
  ::l5:: a[#a + 1] = 5; goto l4;
  ::l6:: if not twice then twice = true; goto l3a end   -- do it twice
  return table.concat(a, ",")
end

function M.fresh_local()
  local x
  local seen = {}
  ::L1::
  local y
  seen[#seen + 1] = tostring(y)
  y = true
  if x == nil then
    x = 1
    goto L1
  else
    x = x + 1
  end
  return x, y, table.concat(seen, ",")
end

function M.into_if()
  local first = true
  local a = false
  if true then
    goto LBL
    ::loop::
    a = true
    ::LBL::
    if first then
      first = false
      goto loop
    end
  end
  return a
end

function M.closures(n)
  -- which variables the closures share: each closure bumps its a, b, c, d
  local t = {}
  do
    local i = 1
    local a, b, c, d = 0, 0, 0, 0
    t[1] = function () a = a + 1; b = b + 10; c = c + 100; d = d + 1000
                        return a + b + c + d end
    ::l1::
    local b = 0
    do
      local c = 0
      t[#t + 1] = function () a = a + 1; b = b + 10; c = c + 100; d = d + 1000
                              return a + b + c + d end
      if i > n then goto l2 end
      do
        local d = 0
        t[#t + 1] = function () a = a + 1; b = b + 10; c = c + 100; d = d + 1000
                                return a + b + c + d end
        i = i + 1
        local a
        goto l1
      end
    end
  end
  ::l2::
  local out = {}
  for round = 1, 2 do
    for j = 1, #t do out[#out + 1] = t[j]() end
  end
  return #t, table.concat(out, " ")
end

function M.testG(a)
  if a == 1 then
    goto l1
    error("should never be here!")
  elseif a == 2 then goto l2
  elseif a == 3 then goto l3
  elseif a == 4 then
    goto l1  -- go to inside the block
    error("should never be here!")
    ::l1:: a = a + 1   -- must go to 'if' end
  else
    goto l4
    ::l4a:: a = a * 2; goto l4b
    error("should never be here!")
    ::l4:: goto l4a
    error("should never be here!")
    ::l4b::
  end
  do return a end
  ::l2:: do return "2" end
  ::l3:: do return "3" end
  ::l1:: return "1"
end

function M.close_back()
  local X
  local log = {}
  goto L1
  ::L2:: goto L3
  ::L1:: do
    local a <close> = setmetatable({}, {__close = function () X = true end})
    log[#log + 1] = tostring(X)
    if a then goto L2 end   -- jumping back out of scope of 'a'
  end
  ::L3:: log[#log + 1] = tostring(X)
  return table.concat(log, ",")
end

function M.close_loop(n)
  -- a backward goto out of the scope of a <close> variable closes it each time
  local log = {}
  local i = 0
  ::again::
  do
    i = i + 1
    local v <close> = setmetatable({}, {__close = function (_, e) log[#log + 1] = "c" .. i end})
    log[#log + 1] = "b" .. i
    if i < n then goto again end
  end
  return table.concat(log, " ")
end

function M.close_then_label(n)
  -- a label inside the scope of a <close> variable, a goto back to it
  local log = {}
  do
    local v <close> = setmetatable({}, {__close = function () log[#log + 1] = "closed" end})
    local i = 0
    ::top::
    i = i + 1
    log[#log + 1] = i
    if i < n then goto top end
  end
  return table.concat(log, " ")
end

function M.state_machine(s)
  -- a tokenizer as a goto state machine
  local i, out, cur = 1, {}, ""
  ::start::
  if i > #s then goto finish end
  do
    local c = s:sub(i, i)
    i = i + 1
    if c:match("%d") then cur = cur .. c; goto number end
    if c == " " then goto start end
    out[#out + 1] = "op:" .. c
    goto start
  end
  ::number::
  do
    if i <= #s and s:sub(i, i):match("%d") then
      cur = cur .. s:sub(i, i)
      i = i + 1
      goto number
    end
    out[#out + 1] = "num:" .. cur
    cur = ""
    goto start
  end
  ::finish::
  return table.concat(out, " ")
end

function M.nested_break(n)
  -- goto out of two loops, break inside a goto-dispatched block
  local hits = {}
  for i = 1, n do
    for j = 1, n do
      if i * j == 6 then goto found end
      if j > i then break end
    end
  end
  do return "none" end
  ::found::
  local k = 0
  while true do
    ::retry::
    k = k + 1
    if k % 2 == 1 then goto retry end
    hits[#hits + 1] = k
    if k > 6 then break end
  end
  return table.concat(hits, ",")
end

function M.outer_continue(n)
  -- goto continue of the outer loop from an inner loop
  local out = {}
  for i = 1, n do
    for j = 1, n do
      if j == i then goto continue end
      if j > 3 then goto continue end
      out[#out + 1] = i .. j
    end
    out[#out + 1] = "|"
    ::continue::
  end
  return table.concat(out, " ")
end

function M.repeat_continue(n)
  -- a label before `until` (which sees the body's locals)
  local out, i = {}, 0
  repeat
    i = i + 1
    local stop = i >= n
    if i % 2 == 0 then goto cont end
    out[#out + 1] = i
    ::cont::
  until stop
  return table.concat(out, ",")
end

function M.while_labels(n)
  -- labels in the middle of a loop body and goto continue from inside them
  local out, i = {}, 0
  while i < n do
    i = i + 1
    if i % 3 == 0 then goto three end
    out[#out + 1] = "x" .. i
    goto continue
    ::three::
    out[#out + 1] = "t" .. i
    if i > 5 then break end
    ::continue::
  end
  return table.concat(out, " "), i
end

function M.in_closure(n)
  -- gotos inside a nested function, and the enclosing one's own
  local function count(k)
    local c = 0
    ::loop::
    if k <= 0 then return c end
    c = c + k
    k = k - 1
    goto loop
  end
  local s = 0
  local i = 0
  ::again::
  i = i + 1
  s = s + count(i)
  if i < n then goto again end
  return s
end

function M.coroutine_goto(n)
  -- a goto loop that yields (a generator in the translation)
  local co = coroutine.wrap(function ()
    local i = 0
    ::next::
    i = i + 1
    if i > n then return "done" end
    coroutine.yield(i * i)
    goto next
  end)
  local out = {}
  for _ = 1, n + 1 do out[#out + 1] = tostring(co()) end
  return table.concat(out, " ")
end

function M.error_in_goto_loop(n)
  local i = 0
  ::top::
  i = i + 1
  if i == n then
    local t = nil
    return t.field       -- an error with this line
  end
  goto top
end

function M.infinite_guarded()
  -- compiling infinite loops (never run)
  goto escape
  ::a:: goto a
  ::b:: goto c
  ::c:: goto b
  ::escape::
  return "escaped"
end

function M.close_jumps()
  -- break, goto continue and return leave the scope of a <close> variable:
  -- each closes it (return after computing its values)
  local log = {}
  local function mk(n)
    return setmetatable({}, {__close = function () log[#log + 1] = n end})
  end
  for i = 1, 3 do
    local x <close> = mk("f" .. i)
    if i == 2 then break end
  end
  for i = 1, 2 do
    local y <close> = mk("g" .. i)
    if i == 1 then goto continue end
    log[#log + 1] = "body" .. i
    ::continue::
  end
  local function ret()
    local z <close> = mk("r")
    return #log
  end
  local n = ret()
  return n, table.concat(log, ",")
end

return M
