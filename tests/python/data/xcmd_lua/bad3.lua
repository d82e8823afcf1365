-- three constructs a standalone Python module cannot resolve
local lfs = require "lfs"
local line = io.popen("echo hi"):read("l")
print(lfs, line)
local n = compute_answer(6, 7)
print(n)
