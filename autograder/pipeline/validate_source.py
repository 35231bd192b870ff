"""Check the nbgrader metadata of source notebooks before nbgrader sees them.

nbgrader stops at the first problem with a traceback; an author fixing a
notebook wants every problem at once, each with the cell it is in. The
checks:

- the file is a readable notebook;
- every graded, solution or locked cell has a ``grade_id``, and no
  ``grade_id`` is used twice in the notebook;
- every graded cell has points, a number above 0;
- every test cell (graded, not a solution) is locked, so a student cannot
  edit the test that grades them;
- every code solution cell has ``### BEGIN SOLUTION`` / ``### END SOLUTION``,
  in that order, and nothing but solution cells does;
- hidden-test regions (``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN
  TESTS``) open and close in pairs, in order, and only in test cells.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.assignments.cells import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (``cell`` is the 0-based index, -1 for the whole notebook)."""

    path: Path
    cell: int
    grade_id: str | None
    message: str

    def __str__(self) -> str:
        where = "notebook" if self.cell < 0 else f"cell {self.cell}"
        if self.grade_id:
            where += f" ({self.grade_id})"
        return f"{self.path}: {where}: {self.message}"


def _markers(lines: list[str], begin: str, end: str) -> str | None:
    """None if the ``begin``/``end`` markers pair up in order, else what is wrong."""
    depth = 0
    for line in lines:
        text = line.strip()
        if text == begin:
            if depth:
                return f"'{begin}' opened again before '{end}'"
            depth = 1
        elif text == end:
            if not depth:
                return f"'{end}' without a '{begin}' before it"
            depth = 0
    return f"'{begin}' is never closed by '{end}'" if depth else None


def source_problems(path: Path) -> list[Problem]:
    """Every metadata problem of the source notebook at ``path``."""
    path = Path(path)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        return [Problem(path, -1, None, f"not a readable notebook: {exc}")]
    except Exception as exc:  # nbformat raises several kinds for a broken file
        return [Problem(path, -1, None, f"not a readable notebook: {type(exc).__name__}: {exc}")]

    problems: list[Problem] = []
    first_use: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade, solution, locked = bool(meta.get("grade")), bool(meta.get("solution")), bool(meta.get("locked"))
        gid = meta.get("grade_id")
        lines = cell.get("source", "").splitlines()

        def report(message: str) -> None:
            problems.append(Problem(path, index, gid, message))

        if (grade or solution or locked) and not gid:
            report("graded, solution or locked cell without a grade_id")
        if gid:
            if gid in first_use:
                report(f"grade_id {gid!r} is also used by cell {first_use[gid]}")
            else:
                first_use[gid] = index
        if grade:
            points = meta.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)):
                report(f"graded cell without points (points={points!r})")
            elif points <= 0:
                report(f"graded cell worth {points} points: give it more than 0")
        if grade and not solution and cell.cell_type == "code" and not locked:
            report("test cell is not locked: a student could edit the test that grades them")

        has_solution_markers = any(l.strip() in (BEGIN_SOLUTION, END_SOLUTION) for l in lines)
        if solution and cell.cell_type == "code":
            if not has_solution_markers:
                report(f"solution cell without '{BEGIN_SOLUTION}' / '{END_SOLUTION}'")
            else:
                wrong = _markers(lines, BEGIN_SOLUTION, END_SOLUTION)
                if wrong:
                    report(wrong)
        elif has_solution_markers and not solution:
            report("solution markers in a cell that is not a solution cell: they would reach students")

        has_hidden = any(l.strip() in (BEGIN_HIDDEN, END_HIDDEN) for l in lines)
        if has_hidden:
            wrong = _markers(lines, BEGIN_HIDDEN, END_HIDDEN)
            if wrong:
                report(wrong)
            if not grade or solution:
                report("hidden tests in a cell that is not a test cell")
    return problems


def check_assignment(folder: Path) -> list[Problem]:
    """Every problem of the notebooks in an assignment's source folder."""
    folder = Path(folder)
    notebooks = sorted(p for p in folder.glob("*.ipynb"))
    if not notebooks:
        return [Problem(folder, -1, None, "no notebook in the assignment folder")]
    return [p for nb in notebooks for p in source_problems(nb)]


def check_sources(source_dir: Path, assignments=None) -> list[Problem]:
    """Every problem of the named (default: all) assignments under ``source_dir``."""
    source_dir = Path(source_dir)
    names = list(assignments) if assignments else sorted(p.name for p in source_dir.iterdir() if p.is_dir())
    problems = []
    for name in names:
        folder = source_dir / name
        if not folder.is_dir():
            problems.append(Problem(folder, -1, None, "no such assignment folder"))
            continue
        problems.extend(check_assignment(folder))
    return problems
