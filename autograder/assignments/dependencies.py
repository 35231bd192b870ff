"""Which graded test cells of a source notebook depend on which solution cells.

A typical mistake edits some solution cells; the graded test cells it must
lose follow from the notebook itself. This module reads the source notebook
once into a :class:`CellGraph`:

- for each solution cell, the functions it defines;
- for each function defined in any code cell, the names its body uses, so
  that a function calling a broken one is broken too (``model`` calls
  ``optimize``, which calls ``propagate``);
- for each graded test cell, the names used by its visible part and by its
  hidden part (``check_sigmoid(sigmoid)``).

A test cell depends on an edited solution cell when it uses, directly or
through that call graph, a function the edited cell defines. Cells are read
with ``ast`` after IPython's ``TransformerManager`` has turned magics and
shell escapes into plain Python, so a ``%matplotlib inline`` does not stop
the parse.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from autograder.assignments.cells import nbgrader_meta, parse_cell, split_hidden


def names_used(tree: ast.AST) -> frozenset[str]:
    """Every name read anywhere in ``tree`` (calls, arguments, ``check_f(f)``)."""
    return frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


def functions_defined(tree: ast.Module) -> dict[str, frozenset[str]]:
    """Top-level function name -> the names its body (defaults and decorators included) uses."""
    return {
        node.name: names_used(node) for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


@dataclass(frozen=True)
class TestUses:
    """The names a graded test cell uses, in the part students see and in the hidden part."""

    visible: frozenset[str]
    hidden: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.visible | self.hidden


@dataclass(frozen=True)
class CellGraph:
    """The dependencies of a source notebook's graded test cells on its solution cells.

    Attributes
    ----------
    defines : dict of str to frozenset of str
        Solution cell grade_id -> the functions it defines.
    calls : dict of str to frozenset of str
        Function name -> the names its body uses, for the functions of every
        code cell (solution cells and the notebook's own helpers).
    tests : dict of str to TestUses
        Graded test cell grade_id -> the names it uses, in notebook order.
    """

    defines: dict[str, frozenset[str]]
    calls: dict[str, frozenset[str]]
    tests: dict[str, TestUses]

    @classmethod
    def from_notebook(cls, nb) -> CellGraph:
        """Read the solution cells, the functions and the graded test cells of ``nb``."""
        defines: dict[str, frozenset[str]] = {}
        calls: dict[str, frozenset[str]] = {}
        tests: dict[str, TestUses] = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            meta = nbgrader_meta(cell)
            if meta.get("grade") and not meta.get("solution"):
                visible, hidden = split_hidden(cell.source)
                tests[meta["grade_id"]] = TestUses(names_used(parse_cell(visible)), names_used(parse_cell(hidden)))
                continue
            functions = functions_defined(parse_cell(cell.source))
            calls.update(functions)
            if meta.get("solution") and "grade_id" in meta:
                defines[meta["grade_id"]] = frozenset(functions)
        return cls(defines, calls, tests)

    def affected_functions(self, edited: frozenset[str] | set[str]) -> frozenset[str]:
        """The functions of the edited solution cells and every function that calls one, transitively."""
        unknown = sorted(set(edited) - set(self.defines))
        if unknown:
            raise KeyError(f"no solution cell {unknown} in the notebook; solution cells: {sorted(self.defines)}")
        affected = set().union(*(self.defines[grade_id] for grade_id in edited))
        grew = True
        while grew:
            callers = {f for f, used in self.calls.items() if f not in affected and used & affected}
            affected |= callers
            grew = bool(callers)
        return frozenset(affected)

    def tests_using(self, edited: frozenset[str] | set[str], part: str = "all") -> frozenset[str]:
        """grade_ids of the graded test cells whose ``part`` (all, visible, hidden) uses an affected function."""
        affected = self.affected_functions(edited)
        return frozenset(t for t, uses in self.tests.items() if getattr(uses, part) & affected)
