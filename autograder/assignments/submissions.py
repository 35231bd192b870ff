"""Build student submissions from the release and source notebooks.

The course's grading tests and the demo class both need submissions that a
real student could have written: the full solution, a blank notebook, and the
typical mistakes of each assignment. A :class:`Mistake` is an edit of one or
more solution cells (found by their nbgrader ``grade_id``). The graded test
cells it must lose are not listed by hand: :func:`losses` derives them from
the source notebook (see :mod:`autograder.assignments.dependencies`), and a
mistake states only where the truth differs from that derivation, with its
reason. Each assignment lists its mistakes in the ``mistakes`` module of its
package, found with :func:`autograder.assignments.package_for`.

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
from autograder.assignments.cells import BEGIN_SOLUTION, END_SOLUTION, nbgrader_meta
from autograder.assignments.dependencies import CellGraph


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
    """A typical student mistake: what it is and how to make it.

    The graded cells it loses are derived by :func:`losses`: every test cell
    that uses, directly or through the functions that call it, a function
    defined in an edited cell. ``spares`` and ``also_loses`` correct that
    derivation where the checks see less or more than the call graph (a
    mistake that only shows under inputs the callers never pass); ``reason``
    then says why, in a line.

    Attributes
    ----------
    name : str
        Short identifier, also used as the demo student's id; the same kind
        of mistake has the same name in every assignment.
    description : str
        What the student did wrong, in a sentence.
    edits : tuple of Edit
        The changes to the full solution that produce the mistake.
    spares : frozenset of str
        grade_ids of test cells the derivation would lose but that keep
        their points.
    also_loses : frozenset of str
        grade_ids of test cells the derivation would keep but that score 0.
    reason : str
        Why ``spares`` or ``also_loses`` is needed; required with either.
    visible_passes : bool
        True for submissions built to pass every visible check (the
        hard-coded answers): the release's visible test cells must then run
        without error, and the points are lost only in the hidden part.
    """

    name: str
    description: str
    edits: tuple[Edit, ...]
    spares: frozenset[str] = field(default=frozenset())
    also_loses: frozenset[str] = field(default=frozenset())
    reason: str = ""
    visible_passes: bool = False

    def __post_init__(self):
        if (self.spares or self.also_loses) and not self.reason:
            raise ValueError(f"mistake {self.name!r}: say in reason= why the derived losses are corrected")
        if self.spares & self.also_loses:
            raise ValueError(f"mistake {self.name!r} both spares and loses {sorted(self.spares & self.also_loses)}")

    @property
    def edited_cells(self) -> frozenset[str]:
        """grade_ids of the solution cells the mistake edits."""
        return frozenset(edit.grade_id for edit in self.edits)


def losses(mistake: Mistake, graph: CellGraph) -> frozenset[str]:
    """grade_ids of the graded test cells ``mistake`` must score 0 in; all others keep full points.

    ``graph`` is the assignment's source notebook read once with
    ``CellGraph.from_notebook``. A correction that no longer corrects
    anything (sparing a cell the derivation keeps anyway, or naming an
    unknown cell) raises ``ValueError``, so it cannot silently go stale.
    """
    derived = graph.tests_using(mistake.edited_cells)
    unknown = sorted((mistake.spares | mistake.also_loses) - set(graph.tests))
    if unknown:
        raise ValueError(f"mistake {mistake.name!r} names unknown test cells {unknown}")
    if not mistake.spares <= derived:
        raise ValueError(
            f"mistake {mistake.name!r} spares {sorted(mistake.spares - derived)}, "
            f"which it does not reach anyway (derived: {sorted(derived)})"
        )
    if mistake.also_loses & derived:
        raise ValueError(
            f"mistake {mistake.name!r} also_loses {sorted(mistake.also_loses & derived)}, which it reaches anyway"
        )
    return (derived - mistake.spares) | mistake.also_loses


def module_for(assignment: str):
    """The ``mistakes`` module of the package that declares ``assignment`` (e.g. ``01_numpy_basics``).

    Raises :class:`autograder.assignments.UnknownAssignmentError` for an
    assignment no package declares.
    """
    return importlib.import_module(f"{package_for(assignment).__name__}.mistakes")


def mistakes_for(assignment: str) -> list[Mistake]:
    """Every typical mistake recorded for ``assignment`` (hard-coded ones included)."""
    return list(module_for(assignment).MISTAKES)


def solution_cells(nb: nbformat.NotebookNode) -> dict:
    """Map grade_id to cell for the solution cells of ``nb``."""
    return {
        nbgrader_meta(c)["grade_id"]: c
        for c in nb.cells
        if nbgrader_meta(c).get("solution") and "grade_id" in nbgrader_meta(c)
    }


def graded_test_ids(nb: nbformat.NotebookNode) -> dict[str, float]:
    """grade_id -> points of every autograded test cell of ``nb``."""
    return {
        nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c).get("points", 0))
        for c in nb.cells
        if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
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
        cell.source = "\n".join(l for l in lines if l.strip() not in (BEGIN_SOLUTION, END_SOLUTION))
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
