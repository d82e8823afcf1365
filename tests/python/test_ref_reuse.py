"""Released refs are kept for the adapter's next ones (adapters/lua/lstate.c
`unref`, `tdmL_ref`): a freed ref's registry slot holds false and the next
ref made by tandem takes it with one write, instead of a trip through
luaL_ref's free list. luaL_ref stays usable on the same registry by other
code (tandem's own string cache uses it): it must never hand out a slot
tandem keeps, and no value may land in another's slot.
"""
import gc

import pytest

import tandem

INSPECT = """
local reg = debug.getregistry()
return function(v)
    -- the integer key holding v, or nil
    for k, x in pairs(reg) do
        if rawequal(x, v) and math.type(k) == "integer" then return k end
    end
end, function(k) return reg[k] end, function(n) return {n = n} end
"""


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


def test_a_released_ref_is_the_next_one_made(lua):
    where, slot, mk = lua.execute(INSPECT)
    # tables made by a call (lua.eval would also ref its chunk meanwhile)
    keep = [mk(i) for i in range(5)]
    t = mk(-1)
    k = where(t)
    assert isinstance(k, int)
    del t
    gc.collect()
    assert slot(k) is False                 # kept by tandem, not luaL_ref's
    u = mk(-2)
    assert where(u) == k
    assert u.n == -2
    assert all(where(x) not in (None, k) for x in keep)


def test_cycles_of_proxies_do_not_grow_the_registry(lua):
    _, _, mk = lua.execute(INSPECT)
    border = lua.eval("function() return rawlen(debug.getregistry()) end")
    for _ in range(3):
        batch = [mk(i) for i in range(300)]
        assert [t.n for t in batch] == list(range(300))    # "n" cached too
        del batch
        gc.collect()
    before = border()
    for _ in range(20):
        batch = [mk(i) for i in range(300)]
        assert [t.n for t in batch] == list(range(300))
        del batch
        gc.collect()
    assert border() == before


def test_luaL_ref_users_never_get_a_kept_slot(lua):
    # tandem's string cache takes its slots with luaL_ref: interleave it
    # with proxies made and released, then check every value in its place
    where, slot, mk = lua.execute(INSPECT)
    echo = lua.eval("function(s) return s end")
    tables = [mk(i) for i in range(200)]
    kept = set(where(t) for t in tables[::2])
    del tables[::2]
    gc.collect()
    assert all(slot(k) is False for k in kept)
    strings = ["str-%04d" % i for i in range(3000)]       # cache refs (luaL_ref)
    for s in strings:
        assert echo(s) == s
    for k in kept:
        assert slot(k) is False                # luaL_ref did not take them
    again = [mk(1000 + i) for i in range(300)]
    assert [t.n for t in tables] == list(range(1, 200, 2))
    assert [t.n for t in again] == [1000 + i for i in range(300)]
    keys = [where(t) for t in tables + again]
    assert len(set(keys)) == len(keys)
    assert kept <= set(keys)                   # the kept slots were reused
    for s in strings[-50:]:
        assert echo(s) == s


def test_released_in_another_order_than_made(lua):
    where, _, mk = lua.execute(INSPECT)
    ts = [mk(i) for i in range(64)]
    for i in [5, 60, 0, 33, 17, 63, 1]:
        ts[i] = None
    gc.collect()
    fresh = [mk(100 + i) for i in range(10)]
    alive = [t for t in ts if t is not None]
    assert sorted(t.n for t in alive) == sorted(set(range(64)) - {5, 60, 0, 33, 17, 63, 1})
    assert [t.n for t in fresh] == list(range(100, 110))
    keys = [where(t) for t in alive + fresh]
    assert len(set(keys)) == len(keys)


def test_functions_and_coroutines_reuse_slots_too(lua):
    for _ in range(50):
        f = lua.eval("function(x) return x + 1 end")
        co = lua.eval("coroutine.create(function(a) coroutine.yield(a * 2) return a end)")
        assert f(41) == 42
        assert lua.eval("function(co) return coroutine.resume(co, 4) end")(co) == (True, 8)
        del f, co
        gc.collect()
