"""The coordinator's half of grading one submission: before and after its execution.

Grading a submission is three steps, and only the middle one runs student code:

1. :func:`prepare` (here): read the submitted notebooks and run nbgrader's
   sanitising steps on them (:func:`autograder.engine.execute.sanitize_steps`:
   graded cells and their points restored from the source and the
   gradebook), and derive the seed of the hidden draws. The result is an
   :class:`~autograder.course.records.ExecutionTask` of plain text.
2. :func:`autograder.engine.task.execute_submission`, on a Dask worker: the
   notebooks run in the sandbox and the checker computes each test cell's
   verdict beside it.
3. :meth:`Recorder.record` (here): nbgrader's own ``autograde`` writes the
   executed notebooks into ``autograded/`` and their scores into the
   gradebook (:func:`autograder.engine.execute.recording_config`): its
   cell restoring, score saving and late penalties, untouched.

Only this process opens the gradebook, so there is one writer.
A submission that cannot be graded at all gets zero scores and the reason
(:meth:`Recorder.record_failure`), so it still has its rows.
"""

from __future__ import annotations

import re
import shutil
import time

import nbformat

from autograder.course import Course
from autograder.course.records import (
    FAILED,
    GRADED,
    PARTIAL,
    ExecutionKit,
    ExecutionResult,
    ExecutionTask,
    Job,
    Outcome,
)

UNSANDBOXED_NOTE = (
    "Graded WITHOUT the sandbox (--no-sandbox): the notebook ran with the grader's own "
    "rights and could have read or changed the course's files."
)


class NotGradable(Exception):
    """A submission that cannot be executed at all; the message is the reason, in words."""


_READING_HINTS = (
    ("NotJSONError", "the notebook is not valid JSON"),
    ("JSONDecodeError", "the notebook is not valid JSON (truncated or corrupted file)"),
    ("Notebook does not appear to be JSON", "the notebook is not valid JSON"),
    ("ValidationError", "the file does not follow the notebook format"),
)


def _reading_reason(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    for needle, reason in _READING_HINTS:
        if needle in text:
            return reason
    return f"the file is not a readable notebook ({text[:200]})"


def make_kit(course: Course, assignment: str, *, sandboxed: bool, preload: tuple = ()) -> ExecutionKit:
    """What every task of ``assignment`` needs: the source's tests and imports, the release's files, the settings.

    ``preload``: the modules of the workers' kernel templates (:func:`course_preload`), or none.
    """
    from autograder.assignments.cells import is_given_code, is_test_cell, nbgrader_meta
    from autograder.engine.checker import import_lines
    from autograder.engine.sandbox import release_files

    tests, setup_code = {}, {}
    for path in course.paths.source_notebooks(assignment):
        source = nbformat.read(str(path), as_version=4)
        tests[path.stem] = {nbgrader_meta(c)["grade_id"]: c.source for c in source.cells if is_test_cell(c)}
        setup_code[path.stem] = import_lines([c.source for c in source.cells if is_given_code(c)])
    return ExecutionKit(
        assignment=assignment,
        tests=tests,
        setup_code=setup_code,
        work_files=release_files(course.paths.release(assignment)),
        config=_plain_config(course.config),
        secret_paths=(str(course.root),),
        sandboxed=sandboxed,
        preload=tuple(preload),
    )


def course_preload(course: Course, assignments) -> tuple:
    """The modules the source notebooks of ``assignments`` import (for the workers' kernel templates)."""
    from autograder.engine.zygote import notebook_imports

    paths = [p for a in sorted(set(assignments)) for p in course.paths.source_notebooks(a)]
    return tuple(notebook_imports(paths))


def _plain_config(config) -> dict:
    """The settings a worker uses (cell limits, sandbox limits), as plain nested dicts."""
    sections = ("Execute", "SandboxedExecute", "CourseGrading", "ExecutePreprocessor", "NotebookClient")
    return {name: dict(config[name]) for name in sections if name in config}


class Recorder:
    """Prepares submissions and records their results, for one course folder (coordinator only)."""

    def __init__(self, course: Course, *, sandboxed: bool = True):
        from autograder.course.gradebook import share_engines
        from autograder.course.secret import course_secret

        share_engines()
        self.course = course
        self.base_config = course.config
        self.sandboxed = sandboxed
        self.secret = course_secret(course.root)

    # -- before ------------------------------------------------------------
    def seed(self, job: Job) -> int:
        """The hidden draws' seed of this submission's files (:mod:`autograder.course.secret`)."""
        from autograder.course.secret import file_checksum, submission_seed

        folder = self.course.paths.submitted(job.student, job.assignment)
        checksum = "".join(file_checksum(p) for p in sorted(folder.glob("*.ipynb")))
        return submission_seed(self.secret, job.student, job.assignment, checksum)

    def prepare(self, job: Job) -> ExecutionTask:
        """The sanitised notebooks of ``job`` and its seed, ready to execute.

        Raises
        ------
        NotGradable
            When a notebook of the assignment is missing from the submission,
            is not a notebook, or nbgrader's sanitising steps reject it.
        """
        from autograder.engine.execute import sanitize_steps

        folder = self.course.paths.submitted(job.student, job.assignment)
        names = [p.stem for p in self.course.paths.source_notebooks(job.assignment)]
        submitted = sorted(p.name for p in folder.glob("*.ipynb"))
        notebooks = {}
        for name in names:
            path = folder / f"{name}.ipynb"
            if not path.is_file():
                found = ", ".join(submitted) or "no notebook at all"
                raise NotGradable(f"no notebook named {name}.ipynb was submitted (found: {found})")
            try:
                nb = nbformat.read(str(path), as_version=4)
            except Exception as exc:  # every way a file can fail to be a notebook
                raise NotGradable(_reading_reason(exc)) from None
            resources = {
                "nbgrader": {
                    "student": job.student,
                    "assignment": job.assignment,
                    "notebook": name,
                    "db_url": self.course.db_url,
                },
                "metadata": {"path": str(folder)},
            }
            try:
                for step in sanitize_steps():
                    nb, resources = step(config=self.base_config)(nb, resources)
            except Exception as exc:
                raise NotGradable(
                    f"nbgrader could not prepare {name}.ipynb: {type(exc).__name__}: {exc}"[:300]
                ) from None
            notebooks[name] = nbformat.writes(nb)
        return ExecutionTask(job, notebooks, self.seed(job))

    # -- after -------------------------------------------------------------
    def record(self, result: ExecutionResult, seed: int | None) -> Outcome:
        """Write an executed submission into ``autograded/`` and the gradebook with nbgrader; its outcome."""
        from autograder.engine.execute import recording_config

        job = result.job
        start = time.perf_counter()
        if result.error:
            outcome = self.record_failure(job, result.error)
            outcome.seed, outcome.log, outcome.worker = seed, result.log, result.worker
            return outcome
        self.course.config = recording_config(self.base_config, result.notebooks)
        try:
            done = self.course.autograde(job.assignment, job.student, force=True)
        except Exception as exc:  # nbgrader normally reports failures in its result
            done = {"success": False, "error": f"{type(exc).__name__}: {exc}", "log": ""}
        finally:
            self.course.config = self.base_config
        if done.get("success"):
            reasons = self._incidents(job) + self.course.gradebook.fill_missing(job, "is missing from the submission")
            status, reason = (PARTIAL if reasons else GRADED), "; ".join(reasons)
            if not self.sandboxed:
                self.course.gradebook.note(job, UNSANDBOXED_NOTE)
        else:
            status, reason = FAILED, _nbgrader_failure(done)
            self.record_failure(job, reason)
        return Outcome(
            job,
            status,
            reason,
            result.seconds + time.perf_counter() - start,
            self.scores(job),
            "" if status == GRADED else _tail(f"{result.log}\n{done.get('log', '')}".strip(), 4000),
            sandboxed=self.sandboxed,
            seed=seed,
            worker=result.worker,
        )

    def _incidents(self, job: Job) -> list[str]:
        """Cells that scored 0 because the kernel died or a cell or the notebook ran too long."""
        from autograder.engine.execute import KERNEL_DIED, NOTEBOOK_TIMED_OUT, TIMED_OUT

        found = []
        notebook_limit = None
        folder = self.course.paths.autograded(job.student, job.assignment)
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            for index, cell in enumerate(nb.cells):
                names = {o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"}
                label = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index}"
                if TIMED_OUT in names:
                    found.append(f"{path.stem}: {label} ran past the {self.course.cell_timeout} s cell limit")
                if KERNEL_DIED in names:
                    found.append(f"{path.stem}: the kernel died in {label}; a fresh kernel ran the earlier cells again")
                if NOTEBOOK_TIMED_OUT in names and notebook_limit is None:
                    notebook_limit = f"{path.stem}: grading took longer than the {self._notebook_timeout():g} s limit "
                    notebook_limit += f"for one notebook; {label} and the cells after it were not run"
        return found + ([notebook_limit] if notebook_limit else [])

    def _notebook_timeout(self) -> float:
        from autograder.course.config import grading_settings

        return grading_settings(self.base_config).notebook_timeout

    def record_failure(self, job: Job, reason: str) -> Outcome:
        """Zero every automatic cell of a submission that could not be graded; its outcome.

        Whatever an earlier run left in ``autograded/`` is removed, so no stale
        notebook is mistaken for a graded one later.
        """
        shutil.rmtree(self.course.paths.autograded(job.student, job.assignment), ignore_errors=True)
        stamp = self.course.paths.submitted(job.student, job.assignment) / "timestamp.txt"
        timestamp = stamp.read_text().strip() if stamp.exists() else None
        self.course.gradebook.zero_fill(job, reason, timestamp or None)
        if not self.sandboxed:
            self.course.gradebook.note(job, UNSANDBOXED_NOTE)
        return Outcome(job, FAILED, reason, 0.0, self.scores(job), sandboxed=self.sandboxed)

    def scores(self, job: Job) -> dict:
        """grade_id -> (score, max_score) of ``job`` in the gradebook."""
        return {k: (v.score, v.max_score) for k, v in self.course.scores(job.assignment, job.student).items()}


def _tail(text: str, limit: int) -> str:
    return text if len(text) <= limit else "..." + text[-limit:]


_EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit)): (.+)$")


def _nbgrader_failure(result: dict) -> str:
    """The most telling line of a failed nbgrader run."""
    text = f"{result.get('log', '')}\n{result.get('error', '')}"
    exceptions = [
        m.group(0).strip()
        for m in map(_EXCEPTION_LINE.match, text.splitlines())
        if m and "NbGraderException" not in m.group(1)
    ]
    if exceptions:
        return f"nbgrader could not record the notebook: {exceptions[-1]}"[:300]
    return "nbgrader could not record the notebook"
