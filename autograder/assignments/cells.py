"""What a cell of an nbgrader notebook is, in one place: its metadata, its kind, its hidden part.

nbgrader marks cells with ``metadata.nbgrader`` (``solution``, ``grade``,
``locked``, ``grade_id``, ``points``). A *test cell* is a graded code cell
that is not a solution; its source may end with a hidden part between the
markers below, which nbgrader removes from the student version. Cell sources
are notebook code: :func:`to_python` turns IPython's magics into plain
Python before :mod:`ast` reads them.
"""

from __future__ import annotations

import ast

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def nbgrader_meta(cell) -> dict:
    """The ``nbgrader`` metadata of a cell, empty for a cell nbgrader does not manage."""
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    """A graded code cell that is not a solution: nbgrader scores it by running it."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def is_given_code(cell) -> bool:
    """A code cell the instructor wrote and nbgrader does not grade (imports, helpers, demonstrations)."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and not meta.get("grade") and not meta.get("solution")


def split_hidden(source: str) -> tuple[str, str]:
    """``(visible, hidden)`` parts of a test cell's source, the hidden one without its marker lines."""
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN_HIDDEN:
            inside = True
        elif marker == END_HIDDEN:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return "\n".join(visible), "\n".join(hidden)


def to_python(source: str) -> str:
    """A cell's source as plain Python (IPython magics and shell escapes turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def parse_cell(source: str) -> ast.Module:
    """The ``ast`` of a notebook cell."""
    return ast.parse(to_python(source))
