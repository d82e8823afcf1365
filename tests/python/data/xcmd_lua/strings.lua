-- string library: format, patterns, bytes, coercions
local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower():sub(5, 9), s:sub(-3), s:sub(0), s:sub(10, 5) == "")
print(s:find("o"), s:find("o", 20), s:find("(%a+) (%a+)$"), s:find(".", 1, true))
print(s:match("(%a+) fox"), s:match("^(%w+)"), s:match("%d"))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w:reverse() end
print(table.concat(words, ","))
print(s:gsub("o", "0"), (s:gsub("%w+", function(w) return #w > 4 and w:upper() or nil end)))
print(("x = $x, y = $y"):gsub("%$(%w+)", {x = 10, y = "yes"}))
print(string.format("%5d|%-5d|%05.1f|%x|%X|%o|%e|%g|%g", 42, 42, 3.14159, 255, 255, 8, 12345.678, 1e20, 0.1))
print(string.format("%q", "a\nb\0c\"d\\"), string.format("%q", 1/3), string.format("%s %s %s", nil, true, 12))
print(string.format("%10.3s|%-10s|%c%c%c", "abcdef", "hi", 72, 105, 33))
print(s:byte(1, 5), string.char(76, 117, 97), ("abc"):rep(3, "-"), ("x"):rep(0))
print("10" + 5, "3" * "4", 10 .. 20, 1.5 .. "", -0.0 .. "", 2^53 .. "", 1e100 .. "")
print(tostring(1/0), tostring(-1/0), math.pi, -math.pi, 100 // 1.0, 1e15, 1e16, 123456789012345678)
print(("%d items"):format(3), ("[%s]"):rep(2):format("a", "b"))
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|", ("key=value"):match("(%w+)=(%w+)"))
print(("hello world from lua"):gsub("(%w+) (%w+)", "%2 %1"))
print(string.find("a.b.c", ".", 1, true), string.find("abc", "b", -1), ("%bxy"):len())
print(("f(a(b)c)d"):match("%b()"), ("THE (quick) fox"):find("%f[%a]%a+%f[%A]", 5))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häé"), #utf8.char(8364))
for p, c in utf8.codes("hé") do io.write(p, ":", c, " ") end
print()
print(tostring(nil), tostring(false), tonumber("0x1F"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("abc"), tonumber("10", 2))
print(string.pack(">i4", 1000):byte(1, -1))
print(("abc"):upper():lower() == "abc", "a" < "b", "Z" < "a", "abc" < "abd", "" < "a")
