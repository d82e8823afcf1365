"""python_site.py PREFIX -- print the directory where `make install` puts the
Python package for the Python that runs this script.

A site directory this Python already searches that lies under PREFIX wins
(Debian's /usr/bin/python3 searches /usr/local/lib/python3.X/dist-packages,
so PREFIX=/usr/local needs no PYTHONPATH; in a venv, PREFIX=$VIRTUAL_ENV
gives the venv's site-packages). Otherwise the standard layout under PREFIX
(posix_prefix: PREFIX/lib/python3.X/site-packages), which the user adds to
PYTHONPATH.
"""
import os
import site
import sys
import sysconfig


def site_dir(prefix: str) -> str:
    prefix = os.path.normpath(os.path.abspath(prefix))
    searched = [os.path.normpath(p) for p in site.getsitepackages()]
    on_path = [os.path.normpath(p) for p in sys.path]
    for path in searched:
        rel = os.path.relpath(path, prefix).split(os.sep)
        if rel[0] in ("lib", "lib64") and path in on_path:
            return path
    return sysconfig.get_path("purelib", "posix_prefix",
                              vars={"base": prefix, "platbase": prefix})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python_site.py PREFIX")
    print(site_dir(sys.argv[1]))
