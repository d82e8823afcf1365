-- a script: arg and ... as lua5.4 gives them, os.exit with a status
print(#arg, select("#", ...), ...)
for i = 1, #arg do io.write("[", arg[i], "]") end
print()
print(type(arg[0]), type(arg[-1]), arg[#arg + 1])
local total = 0
for i = 1, #arg do total = total + (tonumber(arg[i]) or 0) end
print("total", total, math.type(total))
io.write("no newline at the end; exit status 3")
os.exit(3)
