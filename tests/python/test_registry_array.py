"""The refs a program makes first sit in the registry's array part (issue 14,
adapters/lua/lstate.c `presize_registry`): a new runtime's registry is filled
as an array of 64 slots before anything else goes there, the slots are freed,
and luaL_ref hands them out lowest first. A ref in the array part is read
with one indexed load on every crossing; in the hash part it costs a hash
chain walk (docs/performance.md). Lua shows the registry through
`debug.getregistry`, so where each handle's value sits is checked from Lua.
"""
import gc

import pytest

import tandem

ARRAY = 64

INSPECT = """
local reg = debug.getregistry()
return function(v)
    -- the integer key holding v, or nil
    for k, x in pairs(reg) do
        if x == v and math.type(k) == "integer" then return k end
    end
end, function()
    -- the free list's head (luaL_ref's slot LUA_RIDX_LAST + 1) and the border
    return reg[3], rawlen(reg)
end
"""


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


def inspect(lua):
    return lua.execute(INSPECT)


def test_new_registry_is_an_array_of_64(lua):
    _, freelist = inspect(lua)
    head, border = freelist()
    assert border >= ARRAY
    assert isinstance(head, int) and 3 < head < 16


def test_first_refs_are_the_lowest_free_slots(lua):
    where, _ = inspect(lua)
    tables = [lua.eval("{}") for _ in range(20)]
    keys = []
    for t in tables:
        k = where(t)
        assert k is not None
        keys.append(k)
    assert max(keys) < ARRAY
    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)            # handed out lowest first


def test_refs_freed_and_made_again_stay_in_the_array(lua):
    where, freelist = inspect(lua)
    for _ in range(5):
        batch = [lua.eval("{}") for _ in range(30)]
        assert all(where(t) < ARRAY for t in batch)
        del batch
        gc.collect()
    head, border = freelist()
    assert head < ARRAY and border >= ARRAY


def test_past_the_array_refs_still_work(lua):
    # more refs than the presized array: Lua grows the registry as usual
    where, _ = inspect(lua)
    tables = [lua.eval("{n = %d}" % i) for i in range(500)]
    assert [t.n for t in tables] == list(range(500))
    assert len({where(t) for t in tables}) == 500


def test_a_memory_limit_does_not_count_the_presized_slots():
    lua = tandem.LuaRuntime(max_memory=64 * 1024)
    assert lua.eval("1 + 1") == 2
    t = lua.eval("{1, 2, 3}")
    assert list(t.values()) == [1, 2, 3]


def test_strings_crossing_take_array_slots(lua):
    # the string cache keeps each cached string by a ref too
    where, _ = inspect(lua)
    f = lua.eval("function(s) return s end")
    assert f("abcdefghij") == "abcdefghij"
    k = where("abcdefghij")
    assert k is not None and k < ARRAY
