"""Differential fuzzing of the Lua -> Python translator
(tests/python/luaback_fuzz.py): random small Lua functions run natively and
through lua.translate must give the same values and types, or the same
error message, or refuse (TranslationError). A fixed sample of seeds, each
in a child process with an address-space cap; the script runs more."""
import os
import subprocess
import sys

import pytest


def _limited() -> None:
    # a generated program may ask for much memory: 3 GB of address space
    # (not under ASan, which reserves its shadow memory up front; its own
    # max_allocation_size_mb caps it instead, see _env)
    if not os.environ.get("TANDEM_SANITIZER"):
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.abspath(__file__))] + sys.path))
    if env.get("TANDEM_SANITIZER"):
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":max_allocation_size_mb=3072"
    return env


@pytest.mark.parametrize("n, seed", [(50, s) for s in (1, 2, 3, 4, 5, 6)])
def test_no_silent_difference(n, seed):
    code = ("import luaback_fuzz\nbad = luaback_fuzz.run(%d, %d, verbose=False)\n"
            "print('\\n'.join(bad[:3]))\nprint('BAD', len(bad))\n" % (n, seed))
    r = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                       text=True, timeout=600, preexec_fn=_limited)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.rstrip().endswith("BAD 0"), r.stdout[-4000:]
