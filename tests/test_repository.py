"""Habits of the repository that keep it in one shape.

Notebooks are committed without outputs; nbgrader's folder names are spelled
only by the path module and its gradebook is opened only by the gradebook
module; the architecture map names every module of the instructor package.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = ROOT / "autograder"


def _tracked(pattern: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines() if line]


def test_notebooks_are_committed_without_outputs():
    notebooks = _tracked("*.ipynb")
    assert len(notebooks) >= 13, f"expected the assignments, their releases and the lectures, found {len(notebooks)}"
    dirty = []
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
                dirty.append(f"{path.relative_to(ROOT)} cell [{index}]")
    assert not dirty, f"notebooks committed with outputs (clear them): {dirty[:10]}"


def _python_files():
    return sorted(AUTOGRADER.rglob("*.py"))


def test_course_folder_names_are_spelled_only_by_the_path_module():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files()
        if path.name != "paths.py" and re.search(r"[\"']submitted[\"']", path.read_text())
    ]
    assert not offenders, f"build submitted/ paths with autograder.course.paths, not by hand: {offenders}"


def test_the_gradebook_is_opened_in_one_module():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files()
        if path.name != "gradebook.py" and re.search(r"(?<!Course)Gradebook\(", path.read_text())
    ]
    assert not offenders, f"open nbgrader's Gradebook through autograder.course.gradebook: {offenders}"


def test_the_architecture_map_names_every_module():
    map_text = (AUTOGRADER / "__init__.py").read_text()
    missing = []
    for path in _python_files():
        rel = path.relative_to(AUTOGRADER)
        if path.name == "__init__.py" or rel.parts[0] in ("reference", "datasets") or len(rel.parts) > 2:
            continue  # packages whose own docstrings list their modules
        if f"``{path.name}``" not in map_text:
            missing.append(str(rel))
    assert not missing, f"autograder/__init__.py does not describe: {missing}"
