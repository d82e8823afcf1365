"""Keyword colouring of Python and Lua source for a colour terminal (ANSI),
plain text otherwise."""
from __future__ import annotations

import keyword
import re

_LUA_KEYWORDS = frozenset(
    "and break do else elseif end false for function goto if in local nil not or repeat "
    "return then true until while".split())
_PY_KEYWORDS = frozenset(keyword.kwlist)
_STRINGS = r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
_LUA_TOKEN = re.compile(r"--[^\n]*|" + _STRINGS + r"|\b\w+\b")
_PY_TOKEN = re.compile(r"#[^\n]*|" + _STRINGS + r"|\b\w+\b")
_KEY, _COMMENT, _STRING, _RESET = "\033[1;34m", "\033[2m", "\033[32m", "\033[0m"


def _paint(text: str, token: "re.Pattern[str]", words: frozenset, comment: str) -> str:
    def one(m: "re.Match[str]") -> str:
        tok = m.group(0)
        if tok.startswith(comment):
            return _COMMENT + tok + _RESET
        if tok[0] in "\"'":
            return _STRING + tok + _RESET
        if tok in words:
            return _KEY + tok + _RESET
        return tok
    return token.sub(one, text)


def lua(text: str, color: bool) -> str:
    return _paint(text, _LUA_TOKEN, _LUA_KEYWORDS, "--") if color else text


def python(text: str, color: bool) -> str:
    return _paint(text, _PY_TOKEN, _PY_KEYWORDS, "#") if color else text
