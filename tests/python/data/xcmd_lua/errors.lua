-- errors: pcall, error levels and values, xpcall, assert, library messages
local function lvl1() error("level one") end
local function lvl2() error("level two", 2) end
local function caller() lvl2() end
print(pcall(lvl1))
print(pcall(caller))
print(pcall(error, "no position", 0))
print(pcall(error))
local ok, e = pcall(error, {code = 42})
print(ok, type(e), e.code)
print(xpcall(function() error("inner") end, function(m) return "handled: " .. m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(pcall(assert, false))
print(pcall(assert, nil, "custom message"))
print(pcall(assert, 1, 2, 3))
print(pcall(string.rep))
print(pcall(string.sub, "abc", "x"))
print(pcall(("abc").rep, "x", -1))
print(pcall(setmetatable, 1, {}))
print(pcall(function() local t = nil; return t.x end))
print(pcall(function() undefined_global_fn_value = nil; return #undefined_global_fn_value end))
print(pcall(function() local s = "abc"; return s.x.y end))
print(pcall(function() return ("x"):bad() end))
print(select("#", pcall(error)))
local function thrower(kind)
  if kind == 1 then error("string error")
  elseif kind == 2 then error(setmetatable({}, {__tostring = function() return "custom object" end}))
  else error(kind) end
end
for _, k in ipairs({1, 2, 3.5}) do
  local ok2, err = pcall(thrower, k)
  print(ok2, tostring(err))
end
print(tostring(nil) .. "", pcall(function() return "a" .. {} end))
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() return math.floor("x") end))
print(pcall(next, {}, "nokey"))
print(pcall(function() return 1 < "2" end))
error("fatal: " .. 42)
