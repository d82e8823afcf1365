-- library fields read per call site through a cache: globals and library
-- fields replaced, removed and restored between calls, one global table
local yield, floor, co, m = coroutine.yield, math.floor, coroutine, math

local function gen(n)
  local out = {}
  for v in coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) do
    out[#out + 1] = v
  end
  return table.concat(out, ",")
end

local function floors(n)
  local s = 0
  for i = 1, n do s = s + math.floor(i / 2) end
  return s
end

print(gen(4), floors(5))
coroutine.yield = function(x) return yield(x * 10) end
print(gen(4))
coroutine.yield = yield
coroutine = {yield = function(x) return yield(-x) end, wrap = co.wrap}
print(gen(3))
coroutine = nil
print(pcall(gen, 3))
coroutine = setmetatable({}, {__index = co})
print(gen(3))
coroutine = co
print(gen(2))
math.floor = function() return 100 end
print(floors(2))
math.floor = nil
print(pcall(floors, 2))
setmetatable(math, {__index = {floor = function() return 7 end}})
print(floors(2))
setmetatable(math, nil)
math.floor = floor
print(floors(5))
math = nil
print(pcall(floors, 1))
_G.math = m
print(floors(5))
-- a global written in a loop next to cached reads
count = 0
for i = 1, 10 do count = count + math.floor(i / 3) end
print(count)
