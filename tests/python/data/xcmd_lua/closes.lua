-- to-be-closed values and coroutines in a standalone module: __close
-- handlers that yield, an error leaving a coroutine (closed by
-- coroutine.close), xpcall's handler before the closes, __len's arguments
local function mk(log, name)
  return setmetatable({}, {__close = function (_, e)
    log[#log + 1] = name .. " closing " .. tostring(e)
    local r = coroutine.yield("y1:" .. name)
    log[#log + 1] = name .. " got " .. tostring(r)
  end})
end
local log = {}
local co = coroutine.wrap(function (x)
  local a <close> = mk(log, "a")
  local b <close> = mk(log, "b")
  return x + 1
end)
print(co(1), co(2), co(3))
local c = coroutine.create(function ()
  local q <close> = setmetatable({}, {__close = function (_, e) log[#log + 1] = "q " .. tostring(e) end})
  error("boom", 0)
end)
print(coroutine.resume(c))
print(#log, coroutine.close(c))
local t = setmetatable({}, {__len = function (...) return select('#', ...) end})
print(#t)
print(table.concat(log, "; "))
local xlog = {}
print(xpcall(function ()
  local a <close> = setmetatable({}, {__close = function (_, e) xlog[#xlog + 1] = "a " .. tostring(e) end})
  error("x", 0)
end, function (m) xlog[#xlog + 1] = "h " .. m; return "H" .. m end))
print(table.concat(xlog, "; "))
