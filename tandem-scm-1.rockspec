-- luarocks make: builds and installs the Lua module `tandem` (require "tandem"
-- starts CPython; require "tandem.ffi" is in the same library) for Lua 5.4.
-- The Makefile builds it (Debian: lua5.4, liblua5.4-dev, python3-dev, libffi-dev).
rockspec_format = "3.0"
package = "tandem"
version = "scm-1"
source = {
    url = "git+file:///dev/null",       -- luarocks make builds the checkout it runs in
}
description = {
    summary = "Lua 5.4 and CPython in one process as equals",
    detailed = "require 'tandem' gives lunatic-python's API (CPython inside Lua) on " ..
               "tandem's neutral core; require 'tandem.ffi' a LuaJIT-style FFI.",
    license = "MIT",
}
dependencies = {
    "lua >= 5.4, < 5.5",
}
build = {
    type = "command",
    build_command = "make lua-module",
    install = {
        lib = { ["tandem"] = "build/lua/tandem.so" },
    },
}
