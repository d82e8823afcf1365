"""Differential fuzzing of the Lua -> Python translator
(tests/python/luaback_fuzz.py): random small Lua functions run natively and
through lua.translate must give the same values and types, or the same
error message, or refuse (TranslationError). A fixed sample of seeds, each
in a child process with an address-space cap; the script runs more. With
objects, the programs also get Python objects, a Lua table and a string
made outside them (--objects)."""
import pytest

from xlate_same import fuzz_child


@pytest.mark.parametrize("n, seed, objects", [(50, s, False) for s in (1, 2, 3, 4, 5, 6)]
                         + [(40, s, True) for s in (1, 5, 6)])
def test_no_silent_difference(n, seed, objects):
    code = ("import luaback_fuzz\nbad = luaback_fuzz.run(%d, %d, verbose=False, objects=%r)\n"
            "print('\\n'.join(bad[:3]))\nprint('BAD', len(bad))\n" % (n, seed, objects))
    r = fuzz_child(code, 3)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.rstrip().endswith("BAD 0"), r.stdout[-4000:]
