"""tandem.FFI against cffi's API (issue 13): methods and behaviour cffi users rely on."""
import pytest

import tandem


def test_init_once_runs_once_per_tag():
    ffi = tandem.FFI()
    calls = []

    def init():
        calls.append(1)
        return len(calls) * 10

    assert ffi.init_once(init, "tag") == 10
    assert ffi.init_once(init, "tag") == 10
    assert calls == [1]
    assert ffi.init_once(init, "other") == 20
    # a tag is per FFI object
    assert tandem.FFI().init_once(lambda: "fresh", "tag") == "fresh"


def test_init_once_retries_after_an_exception():
    ffi = tandem.FFI()
    state = {"n": 0}

    def init():
        state["n"] += 1
        if state["n"] == 1:
            raise ValueError("first try fails")
        return "ok"

    with pytest.raises(ValueError, match="first try fails"):
        ffi.init_once(init, "t")
    assert ffi.init_once(init, "t") == "ok"
    assert state["n"] == 2


def test_init_once_bad_arguments():
    ffi = tandem.FFI()
    with pytest.raises(TypeError):
        ffi.init_once(lambda: 1)
    with pytest.raises(TypeError):
        ffi.init_once(42, "t")          # not callable
    with pytest.raises(TypeError):
        ffi.init_once(lambda: 1, [])    # unhashable tag
