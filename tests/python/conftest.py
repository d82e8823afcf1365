"""pytest set-up: the freshly built package in build/python comes first."""
import os
import sys

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_BUILD = os.environ.get("TANDEM_BUILD", os.path.join(_ROOT, "build"))
sys.path.insert(0, os.path.join(_BUILD, "python"))


@pytest.fixture
def lua():
    import tandem
    rt = tandem.LuaRuntime()
    yield rt
    rt.close()
