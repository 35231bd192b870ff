"""The Validate button's report: a failed check is shown by the message that names the mistake.

nbgrader's Validate dialog (and ``nbgrader validate``) shows each failed test
cell's whole source and then its error. The source of a test cell is a dozen
lines of check calls, and the error is a traceback through
:mod:`nndl.expect` whose last line, the ``AssertionError`` message, is the
one thing that says what is wrong. :class:`MessageFirstValidator` reports a
failed cell by that message in the place of its source; the traceback, which
quotes the failing line of the cell, stays below it.

nbgrader 0.9 has no setting for this: its validate handler and its
``validate`` command build ``nbgrader.validator.Validator`` by name. The
student package's ``nbgrader_config.py``, which both of them read before they
build it, calls :func:`show_messages_first` to make them build this subclass.
This module is only imported from that file, so by a process that runs
nbgrader.
"""

from __future__ import annotations

import sys
import textwrap

from nbconvert.filters import strip_ansi
from nbformat.notebooknode import NotebookNode
from nbgrader.validator import Validator

__all__ = ["MessageFirstValidator", "failure_message", "show_messages_first"]

# The modules of nbgrader that construct a Validator: the Validate button's handler and `nbgrader validate`.
_VALIDATOR_USERS = (
    "nbgrader.server_extensions.validate_assignment.handlers",
    "nbgrader.apps.validateapp",
)


def failure_message(cell: NotebookNode, width: int = 90) -> str | None:
    """``ename: evalue`` of the first error in ``cell``'s outputs, wrapped to ``width``; None without an error."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        if output.get("evalue"):
            text = f"{output.get('ename', 'Error')}: {output['evalue']}"
        else:  # a timeout: nbgrader puts its message only in the traceback
            text = (output.get("traceback") or [output.get("ename", "Error")])[-1]
        lines = strip_ansi(text).strip().splitlines()
        return "\n".join(textwrap.fill(line, width=width) if line else line for line in lines)
    return None


class MessageFirstValidator(Validator):
    """nbgrader's Validator, reporting a failed cell by its error message instead of its source.

    Everything else (which cells fail, the checks of changed cells, the
    traceback under ``error``) is nbgrader's. A failed cell without an error
    (a partial score, or only text on stderr) keeps its source.
    """

    def _get_failed_cells(self, nb: NotebookNode) -> list[NotebookNode]:
        self._failed_cells = super()._get_failed_cells(nb)
        return self._failed_cells

    def validate(self, filename: str) -> dict:
        self._failed_cells: list[NotebookNode] = []
        results = super().validate(filename)
        # nbgrader lists the failed cells in the order _get_failed_cells returned them.
        for entry, cell in zip(results.get("failed", []), self._failed_cells):
            # Room for the indent nbgrader adds when it prints the report, and its "..." cut.
            message = failure_message(cell, width=self.width - len(self.indent) - 3)
            if message:
                entry["source"] = message
        return results


def show_messages_first() -> None:
    """Make the nbgrader modules loaded in this process build :class:`MessageFirstValidator`."""
    for name in _VALIDATOR_USERS:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "Validator", None) is Validator:
            module.Validator = MessageFirstValidator
