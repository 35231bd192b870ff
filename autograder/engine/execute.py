"""nbgrader's Execute step, rebuilt so that points come only from the checker's verdict.

nbgrader runs a submission's test cells in the learner's own kernel and
scores a cell by whether it raised. Here nbgrader's ``autograde`` is split
around the execution (:mod:`autograder.pipeline.record`): its sanitising
steps run on the coordinator (:func:`sanitize_steps`), the execution runs on
a Dask worker (:mod:`autograder.engine.task`), and nbgrader's own
``autograde`` records the executed notebook (:func:`recording_config`:
its score saving and late penalties untouched):

:class:`RestoreStructure` (first of the sanitising steps)
    Which graded cells exist, their points and ids come from the *source*
    notebook: the first cell carrying a source grade_id gets the source's
    metadata back; any other nbgrader metadata (a duplicated cell, an added
    cell claiming points, a re-pointed id) is removed, so the cell still runs
    but cannot score, and does not void the rest of the notebook.

:class:`SandboxedExecute` (in place of ``Execute``)
    The kernel runs in a bubblewrap sandbox (:mod:`autograder.engine.sandbox`).
    Ordinary cells run as usual. A test cell's visible part runs in the kernel,
    so the learner sees its output; then :class:`~autograder.engine.checker.CellChecker`
    computes the cell's verdict outside the kernel, from the source notebook's
    test code, visible and hidden, calling the learner's functions across the
    boundary. The cell's stored source is its visible part only, and its
    outputs are the kernel's printed output plus, for a failed verdict, one
    error naming the cause: nbgrader's ``SaveAutoGrades`` then scores exactly
    the verdict. A test cell whose visible part raised or wrote to stderr in
    the kernel fails as well, so nothing scores that the learner's own run
    does not show passing.

Faults cost only their own cells. A cell that outlives the cell limit is
interrupted; a kernel that then stays busy (SIGINT ignored), or that died
(``os._exit``, a kill, the memory limit), is replaced by a fresh sandboxed
kernel, the cells that ran before are run again in it, and grading goes on:
the faulty cell scores 0 and the later cells score what they earn. After
:data:`MAX_RESTARTS` replacements the remaining cells are not run.
"""

from __future__ import annotations

import copy
import time

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Any, Bool, Dict, Float, Int, List, Unicode

from autograder.assignments.cells import is_test_cell, nbgrader_meta, split_hidden
from autograder.engine.checker import CellChecker, KernelTrouble, RemoteKernel, Verdict
from autograder.engine.sandbox import Sandbox, SandboxedKernelManager, SandboxLimits

KERNEL_DIED = "KernelDied"
TIMED_OUT = "CellTimeoutError"  # the ename nbgrader's Execute gives a timed-out cell
CHECK_FAILED = "CheckFailed"
NOTEBOOK_TIMED_OUT = "NotebookTimeoutError"
MAX_RESTARTS = 3
_PROBE_SECONDS = 10  # how long an interrupted kernel has to answer again
_MAX_STREAM_BYTES = 2_000_000  # printed output kept per cell


def _error(ename: str, message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def _source_notebook(config, resources) -> nbformat.NotebookNode:
    from autograder.course.paths import CoursePaths

    info = resources["nbgrader"]
    path = CoursePaths(config).source(info["assignment"]) / f"{info['notebook']}.ipynb"
    return nbformat.read(str(path), as_version=4)


class RestoreStructure(NbGraderPreprocessor):
    """Give graded cells the source notebook's metadata; strip it from every other cell."""

    def preprocess(self, nb, resources):
        source = _source_notebook(self.config, resources)
        known = {nbgrader_meta(c)["grade_id"]: c for c in source.cells if nbgrader_meta(c).get("grade_id")}
        seen = set()
        for cell in nb.cells:
            gid = nbgrader_meta(cell).get("grade_id")
            original = known.get(gid)
            if original is not None and gid not in seen and original.cell_type == cell.cell_type:
                seen.add(gid)
                cell.metadata["nbgrader"] = copy.deepcopy(original.metadata["nbgrader"])
                if nbgrader_meta(original).get("locked"):
                    cell.source = original.source
            else:
                cell.metadata.pop("nbgrader", None)
        return nb, resources


class SandboxedExecute(Execute):
    """``Execute`` with a sandboxed kernel and verdicts computed outside it (see the module docstring).

    It needs no course folder: the test code, the checker's import lines and
    the release's files come with it (:class:`~autograder.course.records.ExecutionKit`),
    so it runs the same on the grading machine and on a Dask worker.
    """

    sandboxed = Bool(True, help="run the kernel in the bubblewrap sandbox").tag(config=True)
    seed = Int(None, allow_none=True, help="the submission's seed for the hidden draws").tag(config=True)
    tests = Dict(help="test cells' source (visible and hidden) from the source notebook, by grade_id")
    setup_code = Unicode("", help="the source notebook's import lines, run by the checker first")
    work_files = Dict(help="files copied beside the notebook: relative path -> bytes")
    secret_paths = List(Unicode(), help="the grader's folders that a message must not name")
    notebook_timeout = Float(0, help="seconds the whole notebook may take; 0 for no limit")
    zygote = Any(None, help="this worker's KernelZygote to fork the kernel from, or None")

    def preprocess(self, nb, resources=None, km=None):
        from autograder.course.config import grading_settings

        settings = grading_settings(self.config)
        self._tests = dict(self.tests)
        self._checker = CellChecker(self.setup_code, secret_paths=list(self.secret_paths))
        self._sandbox = Sandbox(
            SandboxLimits.of(settings), work_files=self.work_files, isolate=self.sandboxed, zygote=self.zygote
        )
        self._replay: list[str] = []
        self._restarts = 0
        self._gave_up = False
        self._out_of_time = False
        self._deadline = time.monotonic() + self.notebook_timeout if self.notebook_timeout else None
        self._stream_bytes = 0
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            self._sandbox.cleanup()

    def create_kernel_manager(self):
        self.km = SandboxedKernelManager(
            sandbox=self._sandbox, kernel_name=self.kernel_name or "python3", config=self.config
        )
        return self.km

    # -- running code in the kernel -------------------------------------------------
    def _execute(self, cell, index) -> str | None:
        """Run ``cell`` in the kernel; None, or why the kernel is unusable now ("died", "busy")."""
        self._stream_bytes = 0
        try:
            super().preprocess_cell(cell, self.resources, index)
        except DeadKernelError:
            return "died"
        except CellTimeoutError:  # no reply at all, not even to the interrupt
            cell.outputs = list(cell.get("outputs", [])) + [
                _error(TIMED_OUT, f"the cell ran past the {self.timeout} s limit")
            ]
            return None if self._responds() else "busy"
        if any(o.get("output_type") == "error" and o.get("ename") == TIMED_OUT for o in cell.outputs):
            return None if self._responds() else "busy"
        return None

    def _run_aside(self, code: str, timeout: int | None = None) -> NotebookNode:
        """Run ``code`` in the kernel outside the notebook (nothing is written into it); its cell.

        Raises ``DeadKernelError`` when the kernel dies.
        """
        cell = nbformat.v4.new_code_cell(code)
        notebook, self.nb = self.nb, nbformat.v4.new_notebook(cells=[cell])
        saved_timeout = self.timeout
        if timeout is not None:
            self.timeout = timeout
        try:
            run_sync(self.async_execute_cell)(cell, 0, store_history=False)
        finally:
            self.nb, self.timeout = notebook, saved_timeout
        return cell

    def _responds(self) -> bool:
        try:
            probe = self._run_aside("pass", _PROBE_SECONDS)
        except (DeadKernelError, CellTimeoutError):
            return False
        return not any(o.get("output_type") == "error" for o in probe.outputs)

    def _run_for_checker(self, code: str) -> None:
        try:
            call = self._run_aside(code)
        except DeadKernelError:
            raise KernelTrouble("the kernel died while the grader called your function") from None
        except CellTimeoutError:
            raise KernelTrouble(f"your function ran past the {self.timeout} s limit", usable=self._responds()) from None
        for output in call.outputs:
            if output.get("output_type") == "error" and output.get("ename") == TIMED_OUT:
                raise KernelTrouble(f"your function ran past the {self.timeout} s limit", usable=self._responds())

    def _restart(self) -> bool:
        """A fresh sandboxed kernel with the earlier cells run again; False when out of restarts."""
        if self._restarts >= MAX_RESTARTS:
            self._gave_up = True
            return False
        self._restarts += 1
        self.log.warning("Replacing the kernel (%d of %d)", self._restarts, MAX_RESTARTS)
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            run_sync(self.km.restart_kernel)(now=True)
            run_sync(self.async_start_new_kernel_client)()
        except Exception as exc:  # the sandbox could not come back: the rest cannot run
            self.log.error("The kernel could not be restarted: %s", exc)
            self._gave_up = True
            return False
        for source in self._replay:
            try:
                self._run_aside(source)
            except (DeadKernelError, CellTimeoutError):
                self._gave_up = True
                return False
        return True

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            self._stream_bytes += len(msg["content"].get("text", ""))
            if self._stream_bytes > _MAX_STREAM_BYTES:
                return None
        return super().output(outs, msg, display_id, cell_index)

    # -- cells -----------------------------------------------------------------------
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._deadline is not None and time.monotonic() > self._deadline:
            self._out_of_time = True
        if self._out_of_time:
            return self._not_run(
                cell, NOTEBOOK_TIMED_OUT, f"the notebook ran past its {self.notebook_timeout:g} s limit"
            ), resources
        if self._gave_up:
            return self._not_run(cell, KERNEL_DIED, f"the kernel failed {MAX_RESTARTS + 1} times before this cell"), (
                resources
            )
        if is_test_cell(cell):
            return self._test_cell(cell, resources, index), resources
        trouble = self._execute(cell, index)
        if trouble is None:
            self._replay.append(cell.source)
        else:
            self._note_trouble(cell, trouble)
            self._restart()
        return cell, resources

    def _not_run(self, cell, ename: str, why: str):
        """``cell``, not run because ``why``: one error, and only the visible part of a test cell's source."""
        cell.outputs = [_error(ename, f"not run: {why}")]
        if is_test_cell(cell):
            cell.source = split_hidden(self._tests.get(nbgrader_meta(cell)["grade_id"], cell.source))[0]
        return cell

    def _note_trouble(self, cell, trouble: str) -> None:
        if trouble == "died":
            cell.outputs = list(cell.get("outputs", [])) + [
                _error(KERNEL_DIED, "the kernel died while running this cell")
            ]
        elif not any(o.get("ename") == TIMED_OUT for o in cell.outputs):
            cell.outputs.append(_error(TIMED_OUT, f"the cell ran past the {self.timeout} s limit"))

    def _test_cell(self, cell, resources, index):
        from autograder.assignments.draws import submission_draws

        gid = nbgrader_meta(cell)["grade_id"]
        visible, _ = split_hidden(self._tests.get(gid, cell.source))
        cell.source = visible
        trouble = self._execute(cell, index)
        kernel_outputs = list(cell.outputs)
        errors = [o for o in kernel_outputs if o.get("output_type") == "error"]
        timed_out = any(o.get("ename") == TIMED_OUT for o in errors)
        kernel_error = errors[0] if errors else None
        verdict: Verdict
        if trouble is not None:
            verdict = Verdict(
                False,
                "the kernel died while running this cell"
                if trouble == "died"
                else f"the cell ran past the {self.timeout} s limit",
            )
        elif timed_out:
            trouble = "slow"
            verdict = Verdict(False, f"the cell ran past the {self.timeout} s limit")
        elif kernel_error is not None:  # already failing in the learner's own run: no call can change that
            verdict = Verdict(
                False,
                f"the visible checks failed in your notebook: "
                f"{kernel_error.get('ename')}: {kernel_error.get('evalue')}",
            )
        else:
            remote = RemoteKernel(self._sandbox.channel, self._run_for_checker)
            try:
                with submission_draws(self.seed):
                    verdict = self._checker.verdict(self._tests.get(gid, ""), remote)
            except KernelTrouble as exc:
                trouble = None if exc.usable else "died"
                verdict = Verdict(False, f"{exc}: {remote.last_call or ''}".rstrip(": "))
        outputs = []
        for output in kernel_outputs:
            if output.get("output_type") == "error":
                continue
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                if verdict.passed:
                    first = (output.get("text") or "").strip().splitlines()[:1]
                    verdict = Verdict(
                        False,
                        "the cell wrote to stderr, which costs its points "
                        f"(a warning counts): {first[0] if first else ''}",
                    )
                outputs.append(NotebookNode(output_type="stream", name="stdout", text=output.get("text", "")))
                continue
            if output.get("output_type") == "execute_result":  # never partial credit from a printed value
                output = NotebookNode(
                    output_type="display_data", data=output.get("data", {}), metadata=output.get("metadata", {})
                )
            outputs.append(output)
        if not verdict.passed:
            ename = KERNEL_DIED if trouble == "died" else TIMED_OUT if trouble in ("busy", "slow") else CHECK_FAILED
            outputs.append(_error(ename, verdict.message))
        cell.outputs = outputs
        if trouble in ("died", "busy"):
            self._restart()
        return cell


def sanitize_steps() -> list:
    """The preprocessors that prepare a submission for execution, in order (run on the coordinator).

    :class:`RestoreStructure`, then nbgrader's own sanitising steps
    (clearing outputs, restoring locked and test cells from the gradebook,
    checking cell metadata).
    """
    from nbgrader.converters import Autograde

    return [RestoreStructure, *Autograde.class_traits()["sanitize_preprocessors"].default()]


class UseExecuted(NbGraderPreprocessor):
    """Replace the submission by its executed version, computed elsewhere (a Dask worker).

    ``notebooks`` maps a notebook's name to the executed notebook's JSON text.
    """

    notebooks = Dict(help="notebook name -> executed notebook JSON").tag(config=True)

    def preprocess(self, nb, resources):
        name = resources["nbgrader"]["notebook"]
        if name not in self.notebooks:
            raise KeyError(f"no executed version of notebook {name!r} was received")
        return nbformat.reads(self.notebooks[name], as_version=4), resources


def recording_config(config, executed: dict):
    """A copy of the nbgrader ``config`` that records already executed notebooks.

    nbgrader's own ``autograde`` then runs as usual (copying the submission,
    creating its gradebook rows, limiting output, saving the scores,
    applying late penalties), with :class:`UseExecuted` as its only
    sanitising step and no ``Execute``: the scores are those of the
    verdicts in ``executed`` (notebook name -> JSON text).
    """
    from nbgrader.converters import Autograde
    from traitlets.config import Config

    c = Config()
    c.merge(config)
    c.Autograde.sanitize_preprocessors = [UseExecuted]
    c.Autograde.autograde_preprocessors = [
        p for p in Autograde.class_traits()["autograde_preprocessors"].default() if p is not Execute
    ]
    c.UseExecuted.notebooks = dict(executed)
    return c
