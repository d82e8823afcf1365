"""Several Python threads on one runtime."""
import threading

import tandem


def test_two_threads_one_runtime(lua):
    lua.execute("function work(f, n) local s = 0 for i = 1, n do s = s + f(i) end return s end")
    work = lua.globals().work
    results, errors = [], []

    def run():
        try:
            for _ in range(50):
                results.append(work(lambda i: i, 100))
        except BaseException as e:      # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert results == [5050] * 200


def test_proxies_released_from_other_threads(lua):
    tables = [lua.eval("{}") for _ in range(200)]

    def drop():
        tables.clear()

    t = threading.Thread(target=drop)
    t.start()
    t.join()
    lua.gccollect()
    assert lua.eval("1") == 1


def test_gil_released_while_lua_runs(lua):
    f = lua.eval("function() local x = 0 for i = 1, 3e7 do x = x + i end return x end")
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    f()
    stop.set()
    t.join()
    assert len(ticks) > 3
