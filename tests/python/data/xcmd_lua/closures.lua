-- closures, upvalues, varargs, recursion, goto continue, coroutines
local function counter(start)
  local n = start
  return function(step) n = n + (step or 1); return n end, function() return n end
end
local inc, get = counter(10)
inc(); inc(5)
print(get(), inc(-20), get())
local fns = {}
for i = 1, 3 do fns[i] = function() return i * 10 end end
print(fns[1](), fns[2](), fns[3]())
local function sum(...)
  local total = 0
  for _, v in ipairs({...}) do total = total + v end
  return total, select("#", ...)
end
print(sum(1, 2, 3), sum(), (sum(4, 5)))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
local memo = setmetatable({}, {__mode = "k"})
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20), fact(21), fact(25))
for i = 1, 10 do
  if i % 3 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i, i * i) end
  end)
end
for a, b in gen(4) do io.write(a, "^2=", b, " ") end
print()
local co = coroutine.create(function(x, y)
  local z = coroutine.yield(x + y)
  local w = coroutine.yield(z * 2)
  return w, "done"
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "last"))
print(coroutine.resume(co), coroutine.status(co))
local function compose(f, g) return function(...) return f(g(...)) end end
local add1 = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
print(compose(add1, dbl)(5), compose(dbl, add1)(5))
local a, b, c = (function() return 1, 2, 3 end)()
local x, y = 1
print(a, b, c, x, y)
local i = 1
repeat local sq = i * i; i = i + 1 until sq > 50
print(i)
do
  local acc = {}
  local k = 0
  while true do
    k = k + 1
    if k > 5 then break end
    acc[#acc + 1] = k
  end
  print(table.concat(acc, "+"))
end
do
  -- a state machine of gotos, backward and forward
  local n, out = 0, {}
  ::again::
  n = n + 1
  if n % 2 == 0 then goto even end
  out[#out + 1] = "odd" .. n
  if n < 5 then goto again end
  goto done
  ::even::
  out[#out + 1] = "even" .. n
  goto again
  ::done::
  print(table.concat(out, " "))
end
