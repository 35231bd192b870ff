"""Build student submissions from the release and source notebooks.

The course's grading tests and the demo class both need submissions that a
real student could have written: the full solution, a blank notebook, and the
typical mistakes of each assignment. A :class:`Mistake` is an edit of one or
more solution cells (found by their nbgrader ``grade_id``) plus the graded
test cells that must lose their points because of it. Each assignment lists
its mistakes in the ``mistakes`` module of its package, found with
:func:`autograder.assignments.package_for`.

Mistakes of the same kind have the same name in every assignment (the demo
uses the name as the student id): ``hard_coded_visible_answers`` for typing
in the visible checks' expected values, ``<function>_in_place`` for updating
an input array in place, ``<quantity>_without_<term>`` for a missing factor,
term or transpose, ``<function>_wrong_axis``, ``<function>_wrong_order``,
``<quantity>_wrong_sign``, ``predict_greater_equal``.
"""
from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass, field

import nbformat

from autograder.assignments import package_for


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` with ``new`` in the solution cell ``grade_id``.

    With ``old=None`` the whole cell source becomes ``new``. The edit fails
    loudly when ``old`` does not occur exactly once, so a mistake never
    silently stops applying after the notebook changes.
    """

    grade_id: str
    old: str | None
    new: str


@dataclass(frozen=True)
class Mistake:
    """A typical student mistake and the test cells it must fail.

    Attributes
    ----------
    name : str
        Short identifier, also used as the demo student's id.
    description : str
        What the student did wrong, in a sentence.
    edits : tuple of Edit
        The changes to the full solution that produce the mistake.
    loses : frozenset of str
        grade_ids of the graded test cells that must score 0; every other
        graded cell keeps full points.
    visible_passes : bool
        True for submissions built to pass every visible check (the
        hard-coded answers): the release's visible test cells must then run
        without error, and the points are lost only in the hidden part.
    """

    name: str
    description: str
    edits: tuple[Edit, ...]
    loses: frozenset[str]
    visible_passes: bool = False
    tags: tuple[str, ...] = field(default=())


def module_for(assignment: str):
    """The ``mistakes`` module of the package that declares ``assignment`` (e.g. ``01_numpy_basics``).

    Raises :class:`autograder.assignments.UnknownAssignmentError` for an
    assignment no package declares.
    """
    return importlib.import_module(f"{package_for(assignment).__name__}.mistakes")


def mistakes_for(assignment: str) -> list[Mistake]:
    """Every typical mistake recorded for ``assignment`` (hard-coded ones included)."""
    return list(module_for(assignment).MISTAKES)


def _nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(nb: nbformat.NotebookNode) -> dict:
    """Map grade_id to cell for the solution cells of ``nb``."""
    return {
        _nbgrader_meta(c)["grade_id"]: c
        for c in nb.cells
        if _nbgrader_meta(c).get("solution") and "grade_id" in _nbgrader_meta(c)
    }


def graded_test_ids(nb: nbformat.NotebookNode) -> dict[str, float]:
    """grade_id -> points of every autograded test cell of ``nb``."""
    return {
        _nbgrader_meta(c)["grade_id"]: float(_nbgrader_meta(c).get("points", 0))
        for c in nb.cells
        if _nbgrader_meta(c).get("grade") and not _nbgrader_meta(c).get("solution")
    }


def full_solution(release_nb: nbformat.NotebookNode, source_nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The release notebook with every solution cell filled from the source.

    The ``### BEGIN/END SOLUTION`` marker lines are dropped so the result
    looks like what a student who solved everything would hand in.
    """
    answers = solution_cells(source_nb)
    nb = copy.deepcopy(release_nb)
    for grade_id, cell in solution_cells(nb).items():
        if grade_id not in answers:
            raise KeyError(f"solution cell {grade_id!r} of the release is missing from the source")
        lines = answers[grade_id].source.splitlines()
        cell.source = "\n".join(l for l in lines if l.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return nb


def apply_mistake(nb: nbformat.NotebookNode, mistake: Mistake) -> nbformat.NotebookNode:
    """A copy of ``nb`` with ``mistake``'s edits applied to its solution cells."""
    out = copy.deepcopy(nb)
    cells = solution_cells(out)
    for edit in mistake.edits:
        if edit.grade_id not in cells:
            raise KeyError(f"mistake {mistake.name!r}: no solution cell {edit.grade_id!r}")
        cell = cells[edit.grade_id]
        if edit.old is None:
            cell.source = edit.new
            continue
        count = cell.source.count(edit.old)
        if count != 1:
            raise ValueError(
                f"mistake {mistake.name!r}: {edit.old!r} occurs {count} times in cell "
                f"{edit.grade_id!r}, expected exactly once"
            )
        cell.source = cell.source.replace(edit.old, edit.new)
    return out
