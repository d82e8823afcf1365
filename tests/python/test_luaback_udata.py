"""A userdata of the runtime in Lua -> Python translation (tandem/_luaudata.py,
docs/translation.md "Values at the boundary"): io's files reached by
translated code are userdata whose metatable is the view of their own, so
type, io.type, tostring, methods, operators' errors and getmetatable are
native Lua's; the io library and print run natively (the runtime's files and
default streams). Each case natively and translated in separate runtimes,
compared by value and type (errors by message). Before, such a userdata
reached translated code as the bridge's raw proxy: type() gave 'function',
io.type nil, and `io.stdout:write(...)` raised."""

import os

import pytest

import tandem

from test_luaback_fast import both


CASES = {
    'type': "return function() return type(io.stdout), io.type(io.stdout), "
            "tostring(io.stdout):sub(1, 6) end",
    'method_returns_itself': "return function() return io.stdout:write('') == io.stdout end",
    'identity': "return function() local t = {} t[io.stdout] = 1\n"
                "return t[io.stdout], rawequal(io.stdout, io.stdout), io.stdout == io.stderr end",
    'metatable': "return function() local m = getmetatable(io.stdout)\n"
                 "return m.__name, m == getmetatable(io.stderr), type(m.__index.write) end",
    'arith_error': "return function() return io.stdout + 1 end",
    'bitwise_error': "return function() return ~io.stdout end",
    'compare_error': "return function() return io.stdout < 1 end",
    'concat_error': "return function() return 'a' .. io.stdout end",
    'call_error': "return function() return io.stdout() end",
    'for_error': "return function() for i = io.stdout, 2 do end end",
    'missing_method': "return function() return io.stdout:nope() end",
    'len_error': "return function() return #io.stdout end",
    'index_field': "return function() return io.stdout.write == io.stderr.write end",
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_userdata(name):
    both(CASES[name], calls=[()], separate=True)


def test_a_file_opened_written_and_read(tmp_path):
    path = str(tmp_path / 'f.txt')
    both("""return function(path)
      local f = assert(io.open(path, 'w'))
      local t1 = io.type(f)
      f:write('one\\n', 2, '\\n')
      f:close()
      local t2 = io.type(f)
      local ok, err = pcall(f.write, f, 'x')
      local lines = {}
      for l in io.lines(path) do lines[#lines + 1] = l end
      local g = io.open(path)
      local n = g:seek('end')
      g:close()
      return t1, t2, ok, err, table.concat(lines, '|'), n
    end""", calls=[(path,)], separate=True)


def test_native_io_output_is_translated_io_write(tmp_path):
    # the default output is the runtime's: io.output() natively moves the
    # output of translated io.write too
    path = str(tmp_path / 'out.txt')
    lua = tandem.LuaRuntime()
    w = lua.translate(lua.eval("function(s) io.write(s) return io.output() == io.stdout end"))
    lua.globals().io.output(path)
    assert w('from translated ') is False
    lua.execute("io.write('from native') io.output():close() io.output(io.stdout)")
    with open(path) as f:
        assert f.read() == 'from translated from native'


def test_print_and_io_write_interleave_with_native_output(capfd):
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.eval("function(x) print('translated', x) io.write('w', x, '\\n') end"))
    lua.execute("print('native 1')")
    pf(1)
    lua.execute("print('native 2') io.write('nw\\n')")
    pf(2)
    lua.execute("io.stdout:flush()")
    out = capfd.readouterr().out
    assert out == "native 1\ntranslated\t1\nw1\nnative 2\nnw\ntranslated\t2\nw2\n"


@pytest.mark.parametrize('setup, expr, why', [
    # a native coroutine: translated code's coroutines are luart's
    ("CO = coroutine.create(function() end)", "type(CO)", 'a Lua coroutine of the runtime'),
    # no debug library: a userdata's metatable cannot be read
    ("debug = nil", "type(io.stdout)", 'without the debug library'),
])
def test_refused_at_run_time(setup, expr, why):
    lua = tandem.LuaRuntime()
    lua.execute(setup)
    f = lua.translate(lua.eval("function() return %s end" % expr))
    with pytest.raises(NotImplementedError) as e:
        f()
    assert why in str(e.value)


def test_one_wrapper_class_per_metatable():
    from tandem import _luaudata
    lua = tandem.LuaRuntime()
    f = lua.translate(lua.eval("function() return io.stdout == io.stderr, io.stdin end"))
    assert f()[0] is False
    assert len(_luaudata.classes_of(lua)) == 1
    assert os.path.exists('/dev/null')


# Errors of bridged functions at the caller's position (Boundary.raised_by):
# a C function's luaL_error and a Lua function's error(msg, 2) are at the
# translated caller's line, with the name Lua gives; before, at the call
# helper's ('<lua:4>:3: bad argument #1 to 'f' ...').
BRIDGED_ERRORS = {
    'c_function': "io.write({})",
    'c_function_no_argument': "io.open()",
    'c_method': "io.stdout:write({})",
    'c_method_option': "io.stdout:seek('bad')",
    'c_error_message': "io.lines('/nonexistent/x')",
    'c_pcall_qualified': "return pcall(io.write, {})",
    'c_pcall_closed_file': "local f = io.tmpfile() f:close() return pcall(f.write, f, 'x')",
    # (not `return lvl2()`: a tail call, whose caller Lua's levels skip)
    'lua_level_2': "local r = lvl2() return r",
    'lua_level_2_pcall': "return pcall(lvl2)",
}

# lvl2 is bridged, not translated: it reaches a <const> Lua folds (an and/or: the front end does not)
LVL2 = ("load('local Z <const> = 1 and 0 function lvl2(x) if not x then error(\"need x\", 2) end "
        "return x or Z end')()\n")


@pytest.mark.parametrize('name', sorted(BRIDGED_ERRORS))
def test_bridged_error_position(name):
    both(LVL2 + "return function()\n " + BRIDGED_ERRORS[name] + "\nend", calls=[()],
         separate=True)

