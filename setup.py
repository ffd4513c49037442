"""Ship the default models inside the wheel.

``models.lock`` and ``models/`` live at the top of the repository (where users
and ``termtrans models lock`` edit them). A wheel has no repository, so the
build copies them into the package as ``translate/_shipped/``; at run time the
toolkit uses the checkout's copy when there is one (an editable install) and
the shipped one otherwise (``pip install``, ``pipx``, Docker images).
Everything else is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithModels(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:           # an editable install reads the checkout directly
            return
        target = Path(self.build_lib) / "translate" / "_shipped"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copyfile(ROOT / "models.lock", target / "models.lock")
        shutil.copytree(ROOT / "models", target / "models")


setup(cmdclass={"build_py": BuildWithModels})
