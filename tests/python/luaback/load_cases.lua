-- `load` as tandem installs it (adapters/lua/lsrcrec.c: Lua's own, plus the
-- record of chunk texts) against lua5.4's: tests/python/test_luaback_sources.py
-- prints these lines from both and compares them.
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do
    local v = t[i]
    t[i] = type(v) == 'function' and 'function' or tostring(v)
  end
  return table.concat(t, ' ')
end
print(show(load("x = ", "=bad")))
print(show(pcall(load, {})))
print(show(pcall(load)))
print(show(pcall(load, "return 1", "n", 5)))
print(show(pcall(load, "return 1", {})))
local n = 0
print(show(pcall(load, function() n = n + 1 if n < 3 then return 1 end end)))
print(show(pcall(load, function() return {} end)))
print(show(load(function() return nil end)))
local e = {y = 5}
print(show(load("return y", "c", "t", e)()))
print(show(load("return y", "c", "t", nil)))
print(show(pcall(load("return y", "c", "t", nil))))
print(show(pcall(load, function() error("rd") end)))
print(show(load("\27Lua", "b", "t")))
print(show(load(string.dump(function() return 7 end), "d", "b")()))
print(show(load(12)))
local parts, i = {"return ", "4", "2"}, 0
print(show(load(function() i = i + 1 return parts[i] end, "=pieces")()))
print(show(select('#', load("return 1"))))
