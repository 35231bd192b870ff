"""nbgrader's Execute step, made to survive a submission that kills its kernel.

With the stock ``Execute`` preprocessor a kernel that dies (a cell calling
``os._exit``, a segfault, the out-of-memory killer) aborts the whole
notebook: nbgrader records nothing for it and the cells that had already
passed are lost. :class:`KernelDeathTolerantExecute` instead marks the cell
that was running and every code cell after it with an error output
(``ename`` :data:`KERNEL_DIED`), so nbgrader's own ``SaveAutoGrades`` scores
those cells 0 and keeps the points of the cells that ran before.

It is used by listing it in place of ``Execute`` in
``Autograde.autograde_preprocessors`` (see :func:`grading_config`).
"""
from __future__ import annotations

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool

KERNEL_DIED = "KernelDied"
TIMED_OUT = "CellTimeoutError"  # the ename nbgrader's Execute gives a timed-out cell


def _kernel_died_output(message: str) -> NotebookNode:
    return NotebookNode(
        output_type="error",
        ename=KERNEL_DIED,
        evalue=message,
        traceback=[f"{KERNEL_DIED}: {message}"],
    )


class KernelDeathTolerantExecute(Execute):
    """``Execute`` that scores the cells after a kernel death 0 instead of failing.

    With ``forked_kernels`` its kernels are forked from a process that has
    the notebooks' modules imported already (:mod:`autograder.engine.kernel_fork`).
    """

    forked_kernels = Bool(False, help="fork kernels from a preloaded template process").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.forked_kernels:
            from autograder.engine.kernel_fork import ForkingKernelManager

            self.kernel_manager_class = ForkingKernelManager

    def preprocess(self, nb, resources=None, km=None):
        self._dead_at = None
        return super().preprocess(nb, resources, km=km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, self.resources
        if self._dead_at is not None:
            cell.outputs = [_kernel_died_output(
                f"not run: the kernel died in an earlier cell (cell {self._dead_at})")]
            return cell, self.resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead_at = index
            self.log.error("The kernel died while running cell %d", index)
            cell.outputs = list(cell.get("outputs", [])) + [
                _kernel_died_output("the kernel died while running this cell")]
            return cell, self.resources


def grading_config(config, *, forked_kernels: bool = False):
    """A copy of the nbgrader ``config`` set up for batch grading.

    The kernel-death tolerant ``Execute`` replaces nbgrader's, and the kernel
    is stopped at once when the notebook is done (its outputs are already
    collected) instead of being asked to exit and waited for. With
    ``forked_kernels`` the kernels are forked from a preloaded template.
    """
    from nbgrader.converters import Autograde
    from traitlets.config import Config

    c = Config()
    c.merge(config)
    c.Autograde.autograde_preprocessors = [
        KernelDeathTolerantExecute if p is Execute else p
        for p in Autograde.class_traits()["autograde_preprocessors"].default()
    ]
    c.KernelDeathTolerantExecute.shutdown_kernel = "immediate"
    c.KernelDeathTolerantExecute.forked_kernels = forked_kernels
    return c
