-- integer and float semantics
print(7 // 2, 7.0 // 2, -7 // 2, 7 % 3, -7 % 3, 7 % -3, -7.5 % 2, 5.3 % -2)
print(3 / 2, 4 / 2, 2^10, 2^0.5, 10 // 0.0, -10 % math.huge, 1 / 0 > math.maxinteger)
print(math.maxinteger + 1 == math.mininteger, math.maxinteger * 2, math.mininteger // -1, math.mininteger % -1)
print(1e15, 1e16, 2^63, -2^63, 123.0, -0.0, 0.1 + 0.2, 100000000000000, 1e300 * 1e10)
print(math.type(1), math.type(1.0), math.type("1"), math.tointeger(3.0), math.tointeger(3.5), math.tointeger("8"))
print(3 == 3.0, math.ult(1, -1), 1 < 1.5, -1 < -0.5, math.maxinteger + 0.0 == math.maxinteger)
print(5 & 3, 5 | 3, 5 ~ 3, ~0, 1 << 62, 1 << 63, 1 << 64, -1 >> 1, 2.0 | 1)
print(math.floor(3.7), math.ceil(3.2), math.floor(-3.5), math.abs(-4), math.max(3, 7.5, 2), math.min(4, 2))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3.5), math.modf(3.7), math.modf(-3.7))
print(math.sqrt(16), math.exp(0), math.log(8, 2), math.log(100, 10), math.log(1))
print(string.format("%.3f %.0f %5.2f %g %g", 2/3, 2.5, math.pi, 1e-5, 123456789))
print(tostring(0/0) == tostring(0/0), 0/0 ~= 0/0, math.huge, -math.huge)
print(8 // 3 * 3 + 8 % 3, 2^-1, (-2)^2, -2^2, 10 - 2 - 3, 2^3^2)
local total = 0
for i = 1, 100 do total = total + i end
local ftotal = 0
for x = 0, 1, 0.25 do ftotal = ftotal + x end
print(total, ftotal)
for i = 10, 1, -3 do io.write(i, " ") end
for i = math.maxinteger - 2, math.maxinteger do io.write(i, " ") end
print()
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
print(pcall(function() return 1.5 | 0 end))
print(pcall(function() return "a" + 1 end))
print(string.format("%d", 3.0), pcall(string.format, "%d", 3.5))
print(tostring(1e100), 2^53 + 1, math.tointeger(2^53), 9007199254740993)
print(#tostring(12345), tostring(12345.0), 255 // 16, 0x10, 0xff, 0x7fffffffffffffff, 0xffffffffffffffff)
io.write(1.0, " ", -0.0, " ", 1e15, " ", 1/0, " ", 2^63, " ", 0.1, " ", 3, " ", tostring(0/0 ~= 0/0), "\n")
for x = 1.0, 3 do io.write(x, " ") end
print(1.0, 2^53)
print(math.deg(1), math.rad(180), math.deg(-0.5), math.rad(1e308), math.deg(math.rad(30)) == 30)
print(math.cosh(1), math.sinh(-1000), math.tanh(0.5), math.pow(2, 0.5), math.log10(1e-3))
print(math.frexp(12.5))
print(math.ldexp(0.75, 4), math.ldexp(1, 2^32 + 1), math.atan2(1, -1))
