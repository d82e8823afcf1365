-- tables and the table library
local t = {10, 20, 30, nil, 50}
print(#{1, 2, 3}, #"", select("#", table.unpack({1, 2, 3})))
local list = {}
for i = 1, 10 do table.insert(list, i * i) end
table.insert(list, 1, 0)
print(table.remove(list), table.remove(list, 1), #list, table.concat(list, " "))
table.sort(list, function(a, b) return a > b end)
print(table.concat(list, ","))
local names = {"pear", "apple", "fig", "banana", "cherry", "date"}
table.sort(names)
print(table.concat(names, " "), table.concat(names, ", ", 2, 4))
table.sort(names, function(a, b) if #a ~= #b then return #a < #b end return a < b end)
print(table.concat(names, " "))
local packed = table.pack(1, nil, 3)
print(packed.n, packed[1], packed[2], packed[3])
print(table.unpack({1, 2, 3}, 2), table.unpack({1, 2, 3}, 2, 5))
local moved = table.move({1, 2, 3, 4, 5}, 2, 4, 1)
print(table.concat(moved, ","))
local d = {a = 1, b = 2, c = 3, [1] = "one", [2] = "two"}
local keys = {}
for k, v in pairs(d) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
for i, v in ipairs({"x", "y", nil, "z"}) do io.write(i, v, ";") end
print()
local nested = {point = {x = 1, y = {z = "deep"}}, [true] = "yes", [1.0] = "float key one", [2.5] = "float"}
print(nested.point.y.z, nested[true], nested[1], nested[2.5], rawlen(nested), rawget(nested, 1))
local count = 0
for k in pairs(t) do count = count + 1 end
print(count, t[5], next({}), type(next({5})))
local grid = {}
for r = 1, 3 do
  grid[r] = {}
  for c = 1, 3 do grid[r][c] = r * c end
end
print(grid[2][3], #grid, #grid[1], table.concat(grid[3], " "))
local stack = {}
for w in ("a b c d"):gmatch("%a") do stack[#stack + 1] = w end
while #stack > 0 do io.write(table.remove(stack)) end
print()
print(pcall(table.insert, {}, 5, 1), pcall(table.concat, {1, {}, 3}))
print(select(-1, 1, 2, 3), select(2, "a", "b", "c"))
