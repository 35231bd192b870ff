"""The worker side of :mod:`autograder.pipeline.grade`: nbgrader, loaded once, grading one job at a time.

A worker process receives ``("grade", assignment, student)`` or
``("fail", assignment, student, reason)`` on its pipe and answers with
``("done", result)``; ``None`` stops it. Results are plain dicts so they
cross the process boundary as they are.
"""

from __future__ import annotations

import sys

# jsonschema (imported by nbformat) loads rfc3987-syntax when it is
# installed, only to check "iri" string formats; that package compiles a
# grammar at import, about 2 s of CPU in every process. nbformat's notebook
# schema has no such formats, so the grading processes go without it.
sys.modules.setdefault("rfc3987_syntax", None)

import os  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from autograder.course import Course  # noqa: E402
from autograder.course.config import blas_environment  # noqa: E402
from autograder.course.records import (  # noqa: E402
    FAILED,
    GRADED,
    PARTIAL,
    Job,
    Outcome,
    WorkerBroken,
    WorkerReady,
)

_LOCKED_RETRIES = 3  # attempts for a job that hit "database is locked"
UNSANDBOXED_NOTE = (
    "Graded WITHOUT the sandbox (--no-sandbox): the notebook ran with the grader's own "
    "rights and could have read or changed the course's files."
)


def _quiet_process_output() -> None:
    """Send this process's (and its kernels') stdout/stderr to /dev/null.

    Kernels inherit the worker's file descriptors and print start-up
    warnings; nbgrader's own log is captured per job and returned instead.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def worker_main(conn, root: str, settings_from, overrides: dict, quiet: bool, sandboxed: bool = True) -> None:
    """Grade jobs received on ``conn`` until it sends ``None``.

    ``sandboxed`` False grades without the bubblewrap sandbox (``--no-sandbox``).
    """
    if quiet:
        _quiet_process_output()
    try:
        from autograder.course.gradebook_lock import serialise_gradebook_access

        serialise_gradebook_access()
        worker = Grader(Course(Path(root), overrides, settings_from=settings_from), sandboxed)
        # Several kernels share the cores: a multi-threaded BLAS in each would
        # only make them fight over the same cores.
        for var, value in blas_environment(worker.course.config).items():
            os.environ.setdefault(var, value)
    except Exception:
        import traceback

        conn.send(WorkerBroken(traceback.format_exc()))
        return
    conn.send(WorkerReady(os.getpid()))
    _serve(conn, worker)


def _serve(conn, worker: Grader) -> None:
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        job = message.job
        try:
            outcome = worker.grade(job) if message.failure is None else worker.record_failure(job, message.failure)
        except Exception as exc:  # report it and keep serving: the batch goes on
            outcome = Outcome(job, FAILED, f"the grader itself failed: {type(exc).__name__}: {exc}")
        conn.send(outcome)


class Grader:
    """nbgrader, loaded once, grading one submission at a time (in a worker)."""

    def __init__(self, course: Course, sandboxed: bool = True):
        from nbgrader.apps import NbGraderAPI  # noqa: F401 - imported once, before the first job

        from autograder.course.secret import course_secret

        self.course = course
        self.base_config = course.config
        self.sandboxed = sandboxed
        self.secret = course_secret(course.root)
        self.cell_timeout = self.course.cell_timeout

    def _seed(self, job: Job) -> int:
        """The hidden draws' seed of this submission's files (:mod:`autograder.course.secret`)."""
        from autograder.course.secret import file_checksum, submission_seed

        folder = self.course.paths.submitted(job.student, job.assignment)
        checksum = "".join(file_checksum(p) for p in sorted(folder.glob("*.ipynb")))
        return submission_seed(self.secret, job.student, job.assignment, checksum)

    def grade(self, job: Job) -> Outcome:
        from autograder.course.gradebook_lock import release_leftover_locks
        from autograder.engine.execute import grading_config

        start = time.perf_counter()
        seed = self._seed(job)
        self.course.config = grading_config(self.base_config, sandboxed=self.sandboxed, seed=seed)
        result = {}
        for _attempt in range(_LOCKED_RETRIES):
            try:
                result = self.course.autograde(job.assignment, job.student, force=True)
            except Exception as exc:  # nbgrader normally reports failures in its result
                result = {"success": False, "error": f"{type(exc).__name__}: {exc}", "log": ""}
            finally:
                release_leftover_locks()
            text = f"{result.get('error', '')}\n{result.get('log', '')}"
            if result.get("success") or "database is locked" not in text:
                break
            time.sleep(1.0)
        if result.get("success"):
            reasons = self._incidents(job) + self._fill_missing(job, "is missing from the submission")
            status = PARTIAL if reasons else GRADED
            reason = "; ".join(reasons)
        else:
            status = FAILED
            reason = _failure_reason(result)
            self.record_failure(job, reason)
        if not self.sandboxed:
            self.course.gradebook.note(job, UNSANDBOXED_NOTE)
        return Outcome(
            job,
            status,
            reason,
            time.perf_counter() - start,
            self._scores(job),
            "" if status == GRADED else _tail(result.get("log", ""), 4000),
            sandboxed=self.sandboxed,
            seed=seed,
        )

    def _incidents(self, job: Job) -> list[str]:
        """Cells that scored 0 because the kernel died or a cell ran too long."""
        import nbformat

        from autograder.engine.execute import KERNEL_DIED, TIMED_OUT

        found = []
        folder = self.course.paths.autograded(job.student, job.assignment)
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            for index, cell in enumerate(nb.cells):
                names = {o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"}
                label = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index}"
                if TIMED_OUT in names:
                    found.append(f"{path.stem}: {label} ran past the {self.cell_timeout} s cell limit")
                if KERNEL_DIED in names:
                    found.append(f"{path.stem}: the kernel died in {label}; a fresh kernel ran the earlier cells again")
        return found

    def _fill_missing(self, job: Job, why: str) -> list[str]:
        """Give a 0 to any automatic cell left without a score; say which."""
        return self.course.gradebook.fill_missing(job, why)

    def record_failure(self, job: Job, reason: str) -> Outcome:
        """Zero every automatic cell of a submission nbgrader could not grade.

        Whatever a killed run left in ``autograded/`` is removed, so no stale
        notebook is mistaken for a graded one later.
        """
        import shutil

        shutil.rmtree(self.course.paths.autograded(job.student, job.assignment), ignore_errors=True)
        stamp = self.course.paths.submitted(job.student, job.assignment) / "timestamp.txt"
        timestamp = stamp.read_text().strip() if stamp.exists() else None
        self.course.gradebook.zero_fill(job, reason, timestamp or None)
        return Outcome(job, FAILED, reason, 0.0, self._scores(job))

    def _scores(self, job: Job) -> dict:
        return {k: (v.score, v.max_score) for k, v in self.course.scores(job.assignment, job.student).items()}


def _tail(text: str, limit: int) -> str:
    return text if len(text) <= limit else "..." + text[-limit:]


_EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit)): (.+)$")


def _failure_reason(result: dict) -> str:
    """The most telling line of a failed nbgrader run, in words where it is a known case."""
    text = f"{result.get('log', '')}\n{result.get('error', '')}"
    hints = [
        ("NotJSONError", "the notebook is not valid JSON"),
        ("JSONDecodeError", "the notebook is not valid JSON (truncated or corrupted file)"),
        ("Notebook does not appear to be JSON", "the notebook is not valid JSON"),
        ("ValidationError", "the file does not follow the notebook format"),
        ("No notebooks found", "no notebook with the assignment's name was submitted"),
        ("database is locked", "the gradebook stayed locked"),
    ]
    for needle, reason in hints:
        if needle in text:
            return reason
    exceptions = [
        m.group(0).strip()
        for m in map(_EXCEPTION_LINE.match, text.splitlines())
        if m and "NbGraderException" not in m.group(1)
    ]
    if exceptions:
        return f"nbgrader could not grade the notebook: {exceptions[-1]}"[:300]
    return "nbgrader could not grade the notebook"
