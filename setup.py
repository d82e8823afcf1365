"""pip install .: the tandem package, its extension built by the Makefile.

The extension module is not compiled by setuptools: `make` builds it (with
the flags, the libraries and the checks the rest of the project uses) and
this file copies build/python/tandem/_tandem*.so (and _probe*.so, the check
tandem/__init__.py makes before loading it) where setuptools expects them.
Metadata lives in pyproject.toml.
"""
import glob
import os
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class MakeBuildExt(build_ext):
    def build_extension(self, ext: Extension) -> None:
        subprocess.check_call(["make", "-C", ROOT, "python-module"])
        name = ext.name.rsplit(".", 1)[1]
        built = glob.glob(os.path.join(ROOT, "build", "python", "tandem", name + "*.so"))
        if len(built) != 1:
            raise RuntimeError("make did not build exactly one extension: %r" % built)
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


setup(ext_modules=[Extension("tandem._tandem", sources=[]),
                   Extension("tandem._probe", sources=[])],
      cmdclass={"build_ext": MakeBuildExt},
      options={"build": {"build_base": os.path.join("build", "setuptools")}})
