"""Tiny nbgrader course folders for the pipeline tests.

The pipeline tests must not depend on the real assignments, so they grade
two-exercise notebooks written here: fast to run, and with scores known in
advance. ``tiny_source()`` is an nbgrader source notebook with cell metadata
exactly as the course's assignments carry it.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.assignments.submissions import full_solution
from autograder.course import Course

NOTEBOOK = "tiny.ipynb"
POINTS = {"square_test": 2.0, "cube_test": 3.0}


def _meta(**flags) -> dict:
    base = {"schema_version": 3, "solution": False, "grade": False, "locked": False}
    base.update(flags)
    return {"nbgrader": base}


def solution_cell(grade_id: str, source: str):
    return new_code_cell(source, metadata=_meta(solution=True, grade_id=grade_id))


def graded_cell(grade_id: str, points, source: str, locked: bool = True):
    return new_code_cell(source, metadata=_meta(grade=True, locked=locked, grade_id=grade_id, points=points))


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    return nb


def tiny_source() -> nbformat.NotebookNode:
    """Two graded exercises (2 and 3 points), with maths in the markdown."""
    return notebook(
        [
            new_markdown_cell("# Powers\n\nThe square is $x^2$ and the cube is $$x^3 = x \\cdot x^2.$$"),
            new_code_cell("import math"),
            solution_cell("square", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"),
            graded_cell(
                "square_test",
                2,
                "assert square(3) == 9, 'square(3) should be 9'\n"
                "### BEGIN HIDDEN TESTS\nassert square(-4) == 16\n### END HIDDEN TESTS",
            ),
            solution_cell("cube", "def cube(x):\n    ### BEGIN SOLUTION\n    return x ** 3\n    ### END SOLUTION"),
            graded_cell("cube_test", 3, "assert cube(2) == 8, 'cube(2) should be 8'"),
        ]
    )


def write_source(root: Path, assignment: str, nb: nbformat.NotebookNode | None = None) -> Path:
    folder = Path(root) / "source" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NOTEBOOK
    nbformat.write(nb if nb is not None else tiny_source(), str(path))
    return path


class TinyCourse:
    """A course folder with one generated tiny assignment and helpers to submit to it."""

    def __init__(self, root: Path, assignment: str = "tiny", *, cell_timeout: int = 30):
        self.root = Path(root)
        self.assignment = assignment
        write_source(self.root, assignment)
        self.course = Course(self.root, {"Execute": {"timeout": cell_timeout}})
        self.course.generate(assignment)
        self.release = nbformat.read(str(self.course.paths.release(assignment) / NOTEBOOK), as_version=4)
        self.full = full_solution(self.release, tiny_source())

    def variant(self, *, square: str | None = None, cube: str | None = None) -> nbformat.NotebookNode:
        """The full solution with the body of ``square`` and/or ``cube`` replaced."""
        nb = copy.deepcopy(self.full)
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid == "square" and square is not None:
                cell.source = f"def square(x):\n    {square}"
            if gid == "cube" and cube is not None:
                cell.source = f"def cube(x):\n    {cube}"
        return nb

    def submit(self, student: str, nb, *, timestamp: dt.datetime | None = None) -> Path:
        return self.course.submit(self.assignment, student, nb, notebook_name=NOTEBOOK, timestamp=timestamp)

    def submit_raw(self, student: str, text: str) -> Path:
        """Submit a file with arbitrary text in place of a notebook."""
        folder = self.course.paths.submitted(student, self.assignment)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / NOTEBOOK).write_text(text)
        (folder / "timestamp.txt").write_text("2030-01-01 12:00:00.000000 UTC")
        return folder / NOTEBOOK

    def copy_to(self, dest: Path) -> Path:
        shutil.copytree(self.root, dest)
        return Path(dest)
