"""The student package must work where the instructor package is absent.

A student environment installs only ``nndl``; nothing in it may import (or
even name) the instructor package, which holds the reference solutions.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nndl

INSTRUCTOR_PACKAGE = "autograder"
PACKAGE_ROOT = Path(nndl.__file__).resolve().parent

# Runs in a fresh interpreter where any import of the instructor package fails,
# either through sys.modules (None there blocks an import) or through a
# meta-path hook that also records the attempt, in case some code swallowed
# the ImportError.
PROBE = r"""
import importlib, json, pkgutil, sys

BLOCKED, MODE = sys.argv[1], sys.argv[2]
attempts = []

class Block:
    def find_spec(self, name, path=None, target=None):
        if name == BLOCKED or name.startswith(BLOCKED + "."):
            attempts.append(name)
            raise ImportError(f"{name} is not available to students")
        return None

for name in [m for m in sys.modules if m == BLOCKED or m.startswith(BLOCKED + ".")]:
    del sys.modules[name]
if MODE == "hook":
    sys.meta_path.insert(0, Block())
else:
    sys.modules[BLOCKED] = None

import nndl
modules = ["nndl"] + sorted(m.name for m in pkgutil.walk_packages(nndl.__path__, "nndl."))
for name in modules:
    importlib.import_module(name)

from nndl.data import load_planar_dataset
X, Y = load_planar_dataset()
loaded = sorted(m for m, module in sys.modules.items() if m.startswith(BLOCKED) and module is not None)
print(json.dumps({"modules": modules, "attempts": attempts, "X": list(X.shape), "Y": list(Y.shape),
                  "loaded": loaded}))
"""


@pytest.mark.parametrize("mode", ["hook", "sys.modules"])
def test_every_nndl_module_imports_without_the_instructor_package(mode):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, INSTRUCTOR_PACKAGE, mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, f"importing nndl without {INSTRUCTOR_PACKAGE} failed:\n{result.stderr}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["attempts"] == [], f"nndl tried to import {report['attempts']}"
    assert report["loaded"] == [], f"modules of the instructor package got loaded: {report['loaded']}"
    for expected in ("nndl.data", "nndl.plots", "nndl.images", "nndl.cifar", "nndl.__main__"):
        assert expected in report["modules"], f"{expected} was not imported by the probe"
    assert report["X"] == [2, 400] and report["Y"] == [1, 400]


def test_no_nndl_source_file_names_the_instructor_package():
    sources = sorted(PACKAGE_ROOT.rglob("*.py"))
    assert len(sources) >= 5, f"expected the nndl sources under {PACKAGE_ROOT}, found {sources}"
    offenders = [str(p) for p in sources if INSTRUCTOR_PACKAGE in p.read_text(encoding="utf-8")]
    assert offenders == [], f"these student files mention {INSTRUCTOR_PACKAGE!r}: {offenders}"


def test_nndl_does_not_depend_on_the_instructor_package():
    pyproject = (PACKAGE_ROOT.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "nndl"' in pyproject
    assert INSTRUCTOR_PACKAGE not in pyproject and "nndl-autograder" not in pyproject
