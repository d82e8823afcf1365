"""Proxies in both directions are released when unreachable."""
import gc
import os
import resource

import tandem


def rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_million_crossings_memory_flat(lua):
    ident = lua.eval("function(x) return x end")
    mk = lua.eval("function() return {} end")
    for _ in range(100_000):            # warm up
        ident(mk())
    lua.gccollect()
    before_lua = lua.get_memory_used()
    before = rss_kb()
    obj = object()
    for i in range(1_000_000):
        ident(mk() if i % 2 else obj)
    gc.collect()
    lua.gccollect()
    assert lua.get_memory_used() < before_lua + 200_000
    if not os.environ.get("TANDEM_SANITIZER"):
        # ASan keeps freed memory in quarantine by design: RSS is not a
        # leak signal there (Lua's own count above still is)
        assert rss_kb() < before + 50_000


def test_python_objects_released_by_lua(lua):
    import weakref

    class O:
        pass

    o = O()
    ref = weakref.ref(o)
    lua.globals().keep = o
    del o
    assert ref() is not None
    lua.execute("keep = nil")
    lua.gccollect()
    gc.collect()
    lua.eval("1")       # drains queued releases
    assert ref() is None


def test_proxy_dealloc_releases_lua_object(lua):
    lua.execute("weak = setmetatable({}, {__mode = 'v'})")
    t = lua.eval("{}")
    lua.globals().weak[1] = t
    del t
    gc.collect()
    lua.gccollect()
    assert lua.eval("weak[1]") is None


def test_runtime_collected_with_proxies_alive():
    rt = tandem.LuaRuntime()
    t = rt.eval("{x = 1}")
    del rt
    gc.collect()
    assert t.x == 1         # the proxy keeps its runtime alive


# ---- cycles that run through Lua -------------------------------------------

def _cycle_through_lua():
    """A LuaRuntime whose Lua state holds a Python function that refers back
    to the runtime; returns a weak reference to a witness object also held
    only by Lua."""
    import weakref
    class Witness:
        pass
    rt = tandem.LuaRuntime()
    w = Witness()
    rt.globals()["witness"] = w
    rt.globals()["back"] = lambda: rt.eval("1 + 1")       # closes over rt
    assert rt.eval("back()") == 2
    return weakref.ref(w)


def test_cycle_through_lua_is_collected():
    import gc
    ref = _cycle_through_lua()
    gc.collect()
    assert ref() is None


def test_cycles_through_lua_leave_object_count_flat():
    import gc
    for _ in range(5):
        _cycle_through_lua()
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(100):
        _cycle_through_lua()
    gc.collect()
    assert len(gc.get_objects()) - before < 20


def test_objects_held_only_by_lua_survive_collection():
    import gc
    rt = tandem.LuaRuntime()
    try:
        class Node:
            pass
        n = Node()
        n.me = n                              # a cycle of its own, held by Lua
        rt.globals()["keep"] = n
        rt.globals()["fn"] = lambda: rt       # and a cycle through the runtime
        del n
        for _ in range(3):
            gc.collect()
        kept = rt.globals()["keep"]
        assert kept.me is kept
        assert rt.eval("fn()") is rt
    finally:
        rt.close()


def test_runtime_reachable_through_a_proxy_is_not_collected():
    import gc
    rt = tandem.LuaRuntime()
    rt.globals()["back"] = (lambda r: lambda: r)(rt)    # Lua -> function -> runtime
    t = rt.eval("{x = 1, f = back}")
    del rt
    gc.collect()
    assert t.x == 1                                # the proxy keeps it alive
    assert isinstance(t.f(), tandem.LuaRuntime)


def test_collection_while_another_thread_runs_lua():
    import gc
    import threading
    rt = tandem.LuaRuntime()
    try:
        churn = rt.eval("""function(make, n)
            local kept = 0
            for i = 1, n do
                local o = make()
                if i % 100 == 0 then collectgarbage() end
                kept = kept + 1
            end
            return kept end""")
        stop = threading.Event()
        results = []

        def worker():
            while not stop.is_set():
                results.append(churn(lambda: [1, 2, 3], 500))

        t = threading.Thread(target=worker)
        t.start()
        for _ in range(200):
            gc.collect()
        stop.set()
        t.join()
        assert results and all(r == 500 for r in results)
    finally:
        rt.close()


def _statm_rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


class _Counted:
    """Counts the live instances of its subclasses' objects and their peak."""
    live = 0
    peak = 0

    @classmethod
    def born(cls):
        _Counted.live += 1
        _Counted.peak = max(_Counted.peak, _Counted.live)

    def __del__(self):
        _Counted.live -= 1


class _Raised(_Counted, Exception):
    def __init__(self, *args):
        Exception.__init__(self, *args)
        self.born()


class _Held(_Counted):
    def __init__(self, size):
        self.payload = bytearray(size)
        self.born()


def _reset_counts():
    gc.collect()
    _Counted.live = _Counted.peak = 0


def test_exceptions_held_by_lua_are_collected_as_they_come(lua):
    # each exception caught by pcall is a userdata of a few bytes to Lua but
    # keeps its traceback and frames alive; Lua's collector must be told
    def cb(i):
        scratch = [i] * 256         # a frame with locals worth keeping alive
        raise _Raised(i, scratch)

    run = lua.eval("""function(cb, n)
        local caught = 0
        for i = 1, n do
            if not pcall(cb, i) then caught = caught + 1 end
        end
        return caught
    end""")
    lua.gccollect()
    _reset_counts()
    assert run(cb, 20_000) == 20_000
    assert _Counted.peak < 2_000, f"{_Counted.peak} exceptions alive at once"
    lua.gccollect()
    lua.eval("1")
    assert _Counted.live == 0


def test_plain_objects_held_by_lua_keep_memory_bounded(lua):
    samples = []

    def make(i):
        if i % 500 == 0:
            samples.append(_statm_rss_kb())
        return _Held(16 * 1024)

    run = lua.eval("""function(make, n)
        for i = 1, n do local o = make(i) end
    end""")
    lua.gccollect()
    _reset_counts()
    before = _statm_rss_kb()
    run(make, 20_000)               # 320 MB if nothing were collected
    assert _Counted.peak < 4_000, f"{_Counted.peak} objects alive at once"
    if not os.environ.get("TANDEM_SANITIZER"):
        assert max(samples) - before < 100_000, f"RSS grew {max(samples) - before} KiB"
    lua.gccollect()
    lua.eval("1")
    assert _Counted.live == 0


def test_stopped_lua_collector_stays_stopped(lua):
    # the charge for held objects never restarts a collector the program stopped
    run = lua.eval("""function(make, n)
        collectgarbage("stop")
        for i = 1, n do local o = make(i) end
        local running = collectgarbage("isrunning")
        collectgarbage("restart")
        return running
    end""")
    _reset_counts()
    assert run(lambda i: _Held(16), 5_000) is False
    assert _Counted.peak == 5_000           # nothing was collected meanwhile
    lua.gccollect()
    lua.eval("1")
    assert _Counted.live == 0


def test_objects_made_by_lua_finalizers_are_charged_and_released():
    # a Lua finalizer that takes in Python objects charges Lua's collector
    # from inside a collection (and while the state closes): the step is
    # skipped there, and every object is still released
    rt = tandem.LuaRuntime()
    rt.globals().mk = lambda: _Held(64)
    _reset_counts()
    rt.execute("""
        local function fin() for j = 1, 100 do local o = mk() end end
        for i = 1, 500 do setmetatable({}, {__gc = fin}) end
        collectgarbage()
        for i = 1, 50 do setmetatable({}, {__gc = fin}) end
    """)
    rt.close()
    gc.collect()
    assert _Counted.peak > 0
    assert _Counted.live == 0
