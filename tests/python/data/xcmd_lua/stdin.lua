-- Reading the standard input (io.read's formats, io.lines over it, the
-- default input): run by lua5.4 and, translated, by plain python3 with the
-- same bytes on stdin; the outputs must be equal.
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  print(table.concat(t, " | "))
end
show(io.read("n", "l"))
show(io.read("L"))
show(io.read(5, 0))
show(io.stdin:read("n", "n"))
show(io.read())
local n = 0
for l in io.lines() do
  n = n + 1
  if l == "stop" then break end
  io.write("<", l, ">")
end
print(n)
for a, b in io.stdin:lines(1, "n") do show(a, b) end
show(io.read("a"), io.read(0), io.read("l"), io.read("a"))
show(io.type(io.stdin), io.stdin:close())
