"""tools/check_layers.sh refuses a call from one adapter into another.

The script is run on a scratch object tree holding one small object per
layer; a call into the other adapter must fail the check, the same tree
without it must pass, and the registry (adapters/langs.o) may name both.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "check_layers.sh"
CC = shutil.which("cc") or shutil.which("gcc")

pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


def obj(tree: Path, rel: str, source: str) -> None:
    src = tree / (rel + ".c")
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(source)
    subprocess.run([CC, "-c", str(src), "-o", str(tree / (rel + ".o"))], check=True)


def make_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "obj"
    obj(tree, "bridge/core", "int tdmR_core(void); int tdmR_core(void) { return 0; }\n")
    obj(tree, "adapters/lua/lfine",
        "int tdmR_open_lang(void); int tdmL_own(void);\n"
        "int f(void); int f(void) { return tdmR_open_lang() + tdmL_own(); }\n")
    obj(tree, "adapters/python/pfine",
        "int tdmR_control(void); int tdmP_own(void);\n"
        "int g(void); int g(void) { return tdmR_control() + tdmP_own(); }\n")
    # every layer folder has an object (the script refuses an empty layer)
    obj(tree, "ffi/ctypes", "int tdmF_t(void); int tdmF_t(void) { return 0; }\n")
    obj(tree, "adapters/c/clang", "int tdmR_attach(void);\n"
        "int c(void); int c(void) { return tdmR_attach(); }\n")
    obj(tree, "adapters/lua/ffi/lffi", "int tdmL_own(void);\n"
        "int lf(void); int lf(void) { return tdmL_own(); }\n")
    obj(tree, "adapters/python/ffi/pffi", "int tdmP_own(void);\n"
        "int pf(void); int pf(void) { return tdmP_own(); }\n")
    obj(tree, "adapters/langs",
        "extern int tdmL_lang, tdmP_lang;\n"
        "int *h(int); int *h(int i) { return i ? &tdmL_lang : &tdmP_lang; }\n")
    return tree


def run(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(SCRIPT), str(tree)], capture_output=True, text=True,
                          timeout=60)


def test_clean_tree_passes(tmp_path):
    r = run(make_tree(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "ok" in r.stdout


@pytest.mark.parametrize("rel, call, what", [
    ("adapters/lua/lbad", "tdmP_boot", "Lua adapter calls into the Python adapter"),
    ("adapters/python/pbad", "tdmL_global_symbols_are_ours",
     "Python adapter calls into the Lua adapter"),
    ("adapters/python/ffi/pbad", "tdmL_control", "Python adapter calls into the Lua adapter"),
    ("adapters/embed/ebad", "tdmL_open", "embedding layer calls an adapter"),
    ("adapters/embed/ebad", "tdmP_detach", "embedding layer calls an adapter"),
    ("bridge/bbad", "tdmP_lang_thing", "core calls an adapter"),
    ("adapters/lua/ffi/lbad", "tdmP_boot", "Lua adapter calls into the Python adapter"),
    ("adapters/c/cbad", "tdmL_open", "C data's language table calls an adapter"),
])
def test_call_into_another_adapter_fails(tmp_path, rel, call, what):
    tree = make_tree(tmp_path)
    obj(tree, rel, f"int {call}(void);\nint bad(void); int bad(void) {{ return {call}(); }}\n")
    r = run(tree)
    assert r.returncode != 0
    assert call in r.stderr and what in r.stderr, r.stderr


def test_including_the_other_adapters_header_fails(tmp_path):
    tree = make_tree(tmp_path)
    (tree / "adapters/lua/linc.d").write_text(
        "x.o: adapters/lua/linc.c adapters/python/padapter.h\n")
    r = run(tree)
    assert r.returncode != 0
    assert "includes a Python adapter header" in r.stderr, r.stderr
