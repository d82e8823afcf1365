"""A metamethod that cannot be called (luart _core.mcall): Lua's error names
the metamethod ('attempt to call a number value (metamethod 'add')'); each
natively and translated in separate runtimes. Before, translated code named
the operand instead ('(local 'a')'), or nothing (errors.lua 126-133)."""

import pytest

from test_luaback_fast import both

EVENTS = {
    'add': "a + 1", 'sub': "a - 1", 'mul': "1 * a", 'div': "a / 2", 'mod': "a % 2",
    'pow': "a ^ 2", 'idiv': "a // 2", 'unm': "-a", 'band': "a & 1", 'bor': "1 | a",
    'bxor': "a ~ 1", 'shl': "a << 1", 'shr': "a >> 1", 'bnot': "~a", 'concat': "a .. 'x'",
    'len': "#a", 'lt': "a < a", 'le': "a <= a", 'eq': "a == setmetatable({}, getmetatable(a))",
}


@pytest.mark.parametrize('ev', sorted(EVENTS))
@pytest.mark.parametrize('value', ['34', '{}', "'str'"])
def test_uncallable_metamethod(ev, value):
    both("return function()\n local a = setmetatable({}, {__%s = %s})\n return %s\nend"
         % (ev, value, EVENTS[ev]), calls=[()], separate=True)


def test_callable_table_metamethod():
    both("return function()\n local a = setmetatable({}, {__add = setmetatable({}, "
         "{__call = function(self, x, y) return 7 end})})\n return a + 1\nend",
         calls=[()], separate=True)
