"""Sources for translation (issue 10, docs/translation.md "Where the source
comes from"): the texts of chunks tandem loads under a name that is not their
text (lua.execute/lua.eval with a name, tdm_exec, Lua code's own load with a
name or a reader) are recorded (adapters/lua/lsrcrec.c), so lua.translate
finds them; a chunk whose text tandem does not know is refused with a
TranslationError, never translated from another text. Native vs translated
for values and types."""

import os
import shutil
import subprocess

import pytest

import tandem

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, 'luaback', 'load_cases.lua')


def _same(lua_fn, pf, *args):
    native = lua_fn(*args)
    got = pf(*args)
    assert got == native and type(got) is type(native), (got, native)
    return got


def test_execute_with_names():
    lua = tandem.LuaRuntime()
    for name in ('=mychunk', 'custom name', '@no/such/file.lua', None):
        kw = {} if name is None else {'name': name}
        lua.execute('\nfunction f(a)\n  return a * 2, a // 3, #tostring(a)\nend\n', **kw)
        f = lua.globals().f
        assert _same(f, lua.translate(f), 7) == (14, 2, 1)
        assert _same(f, lua.translate(f), 7.5) == (15.0, 2.0, 3)


def test_eval_with_a_name():
    lua = tandem.LuaRuntime()
    f = lua.eval('function(s)\n return s .. "!", #s end', name='=expr')
    assert _same(f, lua.translate(f), 'hi') == ('hi!', 2)


def test_lua_load_with_a_name_and_a_reader():
    lua = tandem.LuaRuntime()
    f = lua.eval('load("return function(x)\\n return x + 0.5 end", "=named")()')
    assert _same(f, lua.translate(f), 1) == 1.5
    g = lua.execute('''
        local p, i = {"return function(x)\\n", "  return x * 3, math.type(x)\\n", "end"}, 0
        return load(function() i = i + 1 return p[i] end, "=reader")()''')
    assert _same(g, lua.translate(g), 4) == (12, 'integer')
    h = lua.execute('return load("return function(t) return #t end", "plainname")()')
    assert _same(h, lua.translate(h), lua.eval('{1, 2, 3}')) == 3


def test_python_translate_from_lua_of_a_named_chunk():
    lua = tandem.LuaRuntime()
    r = lua.execute('''
        local f = load("return function(a, b)\\n return a // b, a / b end", "=lua side")()
        local pf = python.translate(f)
        local t = pf(7, 2)
        local a, b = f(7, 2)
        return a, b, t[0], t[1], math.type(t[0]), math.type(b)''')
    assert r == (3, 3.5, 3, 3.5, 'integer', 'float')


def test_many_eval_chunks_beyond_the_old_limit():
    # lua.eval chunks past the 2,000 the runtime's own table keeps
    lua = tandem.LuaRuntime()
    fs = [lua.eval('function(x) return x + %d end' % i) for i in range(2600)]
    assert _same(fs[-1], lua.translate(fs[-1]), 1) == 2600


def test_a_name_with_two_texts_is_refused():
    lua = tandem.LuaRuntime()
    lua.execute('load("function h1() return 1 end", "=dup")() '
                'load("function h2() return 2 end", "=dup")()')
    for fn in ('h1', 'h2'):
        with pytest.raises(tandem.TranslationError, match="chunk name '=dup' was loaded"):
            lua.translate(lua.globals()[fn])
    # the same text twice under one name is no ambiguity
    lua.execute('for i = 1, 2 do load("function k() return 3 end", "=same")() end')
    assert lua.translate(lua.globals().k)() == 3


def test_forgotten_chunks_are_refused_not_misread():
    lua = tandem.LuaRuntime()
    lua.execute('load("function old(x) return x + 1 end", "=reused")()')
    old = lua.globals().old
    # 4,096 chunks later the first is forgotten (the record is bounded)
    lua.execute('for i = 1, 4100 do load("return " .. i, "=n" .. i) end')
    with pytest.raises(tandem.TranslationError, match='source not available'):
        lua.translate(old)
    # the name loaded again with another text: functions of the forgotten
    # text may exist, so the name's functions are refused
    lua.execute('load("function new(x) return x + 2 end", "=reused")()')
    with pytest.raises(tandem.TranslationError, match="'=reused'"):
        lua.translate(lua.globals().new)
    with pytest.raises(tandem.TranslationError):
        lua.translate(old)
    assert old(1) == 2 and lua.globals().new(1) == 3


def test_a_text_tandem_never_saw():
    lua = tandem.LuaRuntime()
    # a stripped binary chunk: its functions' source is "=?", a text tandem never saw
    f = lua.execute('return load(string.dump(load("return function(x) return x end", '
                    '"=gone")(), true), "=gone2", "b")')
    assert f(5) == 5
    with pytest.raises(tandem.TranslationError, match='source not available'):
        lua.translate(f)


@pytest.mark.skipif(shutil.which('lua5.4') is None, reason='needs lua5.4')
def test_load_behaves_as_lua54s():
    native = subprocess.run(['lua5.4', CASES], capture_output=True, text=True, timeout=60)
    assert native.returncode == 0, native.stderr
    lua = tandem.LuaRuntime()
    out = []
    lua.globals().print = lambda *a: out.append(' '.join(str(x) for x in a))
    with open(CASES) as fh:
        lua.execute(fh.read(), name='@' + CASES)
    assert '\n'.join(out) == native.stdout.rstrip('\n')


def test_a_reader_text_too_long_to_keep_is_refused():
    # past 1 MiB from a reader function the text is not kept (an endless
    # comment must not fill memory); the name's functions are refused
    lua = tandem.LuaRuntime()
    f = lua.execute('''
        local parts, i = {"return function(x)\\n", "--" .. ("x"):rep(5 << 20) .. "\\n",
                          " return x end"}, 0
        return load(function() i = i + 1 return parts[i] end, "=big")()''')
    assert f(3) == 3
    with pytest.raises(tandem.TranslationError, match="'=big'"):
        lua.translate(f)
