"""String arguments of a Python -> Lua call pushed from the string cache.

The call's argument loop pushes a string that sits first in its cache set
without leaving the loop (lops.c push_args_raw, ladapter.h tdmL_strfirst);
the second slot of a set, a miss and a string too long for the cache take
the general path. Every case here must give Lua exactly the bytes Python
passed, whichever path ran.
"""
import tandem

SETS = 2048 // 2            # ladapter.h TDML_STRCACHE, sets of two


def cache_set(s):
    """The set tandem's cache uses for a Python str (bridge/intern.h
    tdmI_slot on the object's address)."""
    h = id(s)
    h ^= h >> 17
    h = (h * 0x9E3779B97F4A7C15) & (2 ** 64 - 1)
    return (h >> 40) & (SETS - 1)


def by_cache_set(strings):
    """The strings grouped by the cache set each lands in (the caller keeps
    them alive: a set is chosen by the object's address)."""
    groups = {}
    for s in strings:
        groups.setdefault(cache_set(s), []).append(s)
    return groups


def three_sharing_a_set(strings):
    """Three of the strings whose identities land in one cache set."""
    return next(g[:3] for g in by_cache_set(strings).values() if len(g) >= 3)


def echo(lua):
    return lua.eval("function(a, s, x) return s, #s, a end")


def test_hot_string_argument_arrives_exactly():
    lua = tandem.LuaRuntime()
    f = echo(lua)
    s = "abcdefghij"
    for i in range(200):
        assert f(i, s, 1.5) == (s, 10, i)


def test_strings_sharing_a_set_each_arrive_as_themselves():
    # three live strings whose identities land in one set: the calls
    # alternate them, so each is found first, second, or evicted in turn
    lua = tandem.LuaRuntime()
    f = echo(lua)
    pool = ["s%05d-%s" % (i, "x" * (i % 7)) for i in range(20000)]
    same = three_sharing_a_set(pool)
    for rnd in range(50):
        for s in same:
            assert f(rnd, s, 0.0) == (s, len(s), rnd)
        for s in reversed(same):
            assert f(rnd, s, 0.0) == (s, len(s), rnd)


def test_a_dead_strings_address_reused_by_another_string():
    # the cache keys a string by its source's identity: a new str at the
    # address of a dead one must arrive with its own bytes
    lua = tandem.LuaRuntime()
    f = echo(lua)
    seen = {}
    reused = 0
    for i in range(3000):
        s = "".join(["k", str(i).zfill(9)])     # a fresh object each time
        assert f(i, s, 2.5) == (s, 10, i)
        if id(s) in seen:           # the number only: s itself must die
            reused += 1
        seen[id(s)] = i
        del s
    assert reused > 0       # the case was exercised, not assumed


def test_long_non_ascii_and_empty_strings():
    lua = tandem.LuaRuntime()
    f = echo(lua)
    cases = ["", "a", "\u00e9t\u00e9", "\u6f22\u5b57" * 3, "x" * 256, "y" * 257,
             "z" * 5000, "nul\x00inside", "\U0001f600 smile"]
    for _ in range(3):
        for s in cases:
            got = f(1, s, 0.5)
            assert got == (s, len(s.encode("utf-8")), 1)


def test_table_reads_by_string_key_find_the_right_entry():
    # t.name / t[name] from Python: the key pushed from the cache inline
    # (lops.c tdmL_peek); keys sharing a set, and a table with a metatable
    # (the general path, whose __index must run)
    lua = tandem.LuaRuntime()
    pool = ["f%05d" % i for i in range(20000)]
    same = three_sharing_a_set(pool)
    t = lua.table_from({k: i for i, k in enumerate(same)})
    for _ in range(50):
        for i, k in enumerate(same):
            assert t[k] == i
        for i, k in reversed(list(enumerate(same))):
            assert t[k] == i
    assert t["absent"] is None
    t2 = lua.eval("{x = 7, y = 'why'}")
    for _ in range(20):
        assert (t2.x, t2.y, t2["x"], t2.z) == (7, "why", 7, None)
    m = lua.eval("setmetatable({}, {__index = function(t, k) return k .. '!' end})")
    for _ in range(20):
        assert m.x == "x!"
        assert m["x"] == "x!"


def test_table_from_string_keys_sharing_a_set_and_reused_addresses():
    lua = tandem.LuaRuntime()
    keys = ["g%05d" % i for i in range(20000)]
    crowded = [g for g in by_cache_set(keys).values() if len(g) >= 3][:20]
    d = {k: j for g in crowded for j, k in enumerate(g)}
    for _ in range(5):
        t = lua.table_from(d)
        assert dict(t.items()) == d
    # fresh key objects each round, the old ones dead: their addresses come back
    for r in range(30):
        fresh = {"".join(["h", str(r * 100 + i).zfill(6)]): i for i in range(100)}
        t = lua.table_from(fresh)
        assert dict(t.items()) == fresh
        assert lua.eval("function(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end")(t) == 100
