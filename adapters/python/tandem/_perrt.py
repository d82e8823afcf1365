"""Per-runtime state of the translation layers, kept on the runtime.

A module-level ``WeakKeyDictionary`` keyed by the runtime never frees the
runtime once a value refers back to it (a Lua function proxy, a Boundary, a
translated function: each holds the runtime), and the dictionary is a root.
``PerRuntime`` is the same mapping stored in the runtime's own ``_state``
dict instead, which the runtime's garbage-collector traversal visits: the
runtime, its translations and their caches are one cycle the collector
frees when nothing else holds them.
"""

from typing import Any


class PerRuntime:
    """A map runtime -> value whose entries live in ``runtime._state``."""

    __slots__ = ('key',)

    def __init__(self, name: str) -> None:
        self.key = name

    def get(self, lua: Any, default: Any = None) -> Any:
        return lua._state.get(self.key, default)

    def __getitem__(self, lua: Any) -> Any:
        return lua._state[self.key]

    def __setitem__(self, lua: Any, value: Any) -> None:
        lua._state[self.key] = value

    def __contains__(self, lua: Any) -> bool:
        return self.key in lua._state

    def __repr__(self) -> str:
        return 'PerRuntime(%r)' % self.key
