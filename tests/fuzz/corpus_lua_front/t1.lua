local x <const> = 10
local t = {}
local function fib(n)
  if n < 2 then return n end
  return fib(n-1) + fib(n-2)
end
function t.m:go(a, ...)
  for i = 1, 3 do local y = i; t[i] = function() return y + x end end
  local x = 0x10 .. "a\0\xff\u{48}"
  ::l1:: goto l1
end
