-- The chunk's _ENV assigned (a sandbox, then nil): every global name is a
-- field of the current _ENV, read through the chunk's upvalue
local print, setmetatable, pcall, G = print, setmetatable, pcall, _G
x = 1
local function f() return x end
print(f())
_ENV = setmetatable({x = 2}, {__index = G})
print(f(), x, type(string))
y = 5
function g(n) return n + y end
print(G.y, y, g(1), G.g)
_ENV.z = 7
print(z, rawget(_ENV, "z"))
local saved = _ENV
_ENV = nil
print(pcall(f))
_ENV = saved
print(f(), g(2))
