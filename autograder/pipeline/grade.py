"""Autograde a class in parallel with nbgrader, losing no submission.

Each job is one student's submission of one assignment, graded by nbgrader's
own ``autograde`` (:meth:`nbgrader.apps.NbGraderAPI.autograde`) inside a
long-lived worker process. The workers are started once per run, so the
interpreter, nbgrader and nbconvert are imported once per worker rather than
once per student, and they grade in parallel (default: one per core). Each
notebook runs in a sandboxed kernel, and its test cells score the verdict
computed outside it (:mod:`autograder.engine.execute`).

What can go wrong with a submission, and what is recorded:

==========================  ==================================================
kernel killed by a cell     a fresh kernel runs the earlier cells again and
                            grading goes on: that cell scores 0, the others
                            what they earn (:mod:`autograder.engine.execute`)
one cell over the limit     interrupted (or its kernel replaced); that cell
                            scores 0
notebook over its limit     the worker and its kernel are killed; every
                            automatic cell scores 0
nbgrader fails (not JSON,   every automatic cell scores 0
truncated file, ...)
graded cell deleted         that cell scores 0
==========================  ==================================================

Each of these gets its reason in the entry of ``grading_log.json`` in the
course folder (which has one for every submission graded), and a failed submission's reason is also written into its
gradebook comments, so every submitted notebook ends with a row per graded
cell in the gradebook.

Concurrent workers share the SQLite gradebook through
:mod:`autograder.course.gradebook_lock`.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

# the worker module first: it keeps a slow optional import out of this process too
from autograder.engine.worker import worker_main  # isort: skip
from autograder.course import Course, CourseError, validate_student_id
from autograder.course.config import grading_settings
from autograder.course.gradebook import GradingLog
from autograder.course.records import FAILED, PARTIAL, GradeRequest, Job, Outcome, WorkerBroken, WorkerReady

_RECORDING_TIMEOUT = 120  # seconds to write the zero scores of a failed submission


@dataclass
class GradeRun:
    """The outcome of :func:`grade_submissions`."""

    outcomes: list[Outcome]
    skipped: list[Job]
    seconds: float
    workers: int

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def partial(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == PARTIAL]


# -- which submissions there are, and which are already graded ---------------


def _assignment_names(course: Course, assignments) -> list[str]:
    source = course.paths.source_root
    known = sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
    if not assignments:
        return course.paths.assignments()
    unknown = [a for a in assignments if a not in known]
    if unknown:
        raise CourseError(f"unknown assignment(s) {', '.join(unknown)}: {source} has {', '.join(known) or 'none'}")
    return list(assignments)


def submitted_jobs(course: Course, assignments=None, students=None) -> list[Job]:
    """Every ``submitted/<student>/<assignment>/`` folder, as jobs."""
    names = _assignment_names(course, assignments)
    wanted = set(students) if students else None
    return [
        Job(assignment, student)
        for student in course.paths.students()
        if not wanted or student in wanted
        for assignment in names
        if course.paths.submitted(student, assignment).is_dir()
    ]


def submission_fingerprint(course: Course, job: Job) -> str:
    """A string that changes whenever the submitted files change."""
    folder = course.paths.submitted(job.student, job.assignment)
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            parts.append(f"{path.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def already_graded(course: Course, jobs, log: dict) -> set[Job]:
    """The jobs whose current submission was graded (or failed) before.

    A submission counts as graded when its autograded folder holds the same
    ``timestamp.txt`` and a notebook for each submitted one, written after the
    newest submitted file, and the gradebook has a score for every automatic
    cell. A submission that could not be graded counts as done while its
    files are unchanged since the failure was recorded.
    """
    candidates = []
    done = set()
    for job in jobs:
        record = log.get(job.key)
        if record and record.status == FAILED:
            if record.fingerprint == submission_fingerprint(course, job):
                done.add(job)
            continue
        sub = course.paths.submitted(job.student, job.assignment)
        auto = course.paths.autograded(job.student, job.assignment)
        if not auto.is_dir():
            continue
        stamp_sub, stamp_auto = sub / "timestamp.txt", auto / "timestamp.txt"
        if stamp_sub.exists() != stamp_auto.exists():
            continue
        if stamp_sub.exists() and stamp_sub.read_text().strip() != stamp_auto.read_text().strip():
            continue
        notebooks = list(sub.glob("*.ipynb"))
        graded = [auto / nb.name for nb in notebooks]
        if not notebooks or not all(p.exists() for p in graded):
            continue
        newest_submitted = max(p.stat().st_mtime for p in sub.rglob("*") if p.is_file())
        if min(p.stat().st_mtime for p in graded) < newest_submitted:
            continue
        candidates.append(job)
    return done | course.gradebook.complete(candidates)


# -- the parent: a pool of workers that can be killed one at a time ------------


class _Worker:
    def __init__(self, ctx, course: Course, overrides: dict, quiet: bool, sandboxed: bool = True):
        parent_conn, child_conn = ctx.Pipe()
        self.conn = parent_conn
        self.process = ctx.Process(
            target=worker_main,
            args=(child_conn, str(course.root), course.settings_from, overrides, quiet, sandboxed),
            daemon=True,
        )
        self.process.start()
        child_conn.close()
        self.job: Job | None = None
        self.started = 0.0
        self.ready = False
        # while a worker writes the zero scores of a killed job: the reason, and the try
        self.recording: str | None = None
        self.attempts = 0

    def send(self, message) -> None:
        self.conn.send(message)

    def kill(self) -> None:
        """Kill the worker and every process below it (its kernel, the kernel's children)."""
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            family = root.children(recursive=True) + [root]
        except psutil.NoSuchProcess:
            family = []
        for proc in family:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(family, timeout=10)
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.kill()


def _order_for_balance(course: Course, jobs: list[Job]) -> list[Job]:
    """Largest submissions first, so the last job to finish is a short one."""

    def size(job):
        return sum(p.stat().st_size for p in course.paths.submitted(job.student, job.assignment).glob("*.ipynb"))

    return sorted(jobs, key=size, reverse=True)


def run_jobs(
    course: Course,
    jobs: list[Job],
    *,
    workers: int,
    overrides: dict | None = None,
    progress: bool = True,
    quiet: bool = True,
    sandboxed: bool = True,
    on_outcome=None,
) -> list[Outcome]:
    """Grade ``jobs`` with ``workers`` worker processes; one :class:`Outcome` per job.

    A worker that passes ``notebook_timeout`` on one job, or dies, is killed
    with its kernel and replaced; the job is then handed to a worker as a
    failure to record (zero scores and the reason), so it still ends with
    its gradebook rows.
    """
    from tqdm import tqdm

    overrides = overrides or {}
    notebook_timeout = grading_settings(course.config).notebook_timeout
    ctx = multiprocessing.get_context("spawn")
    pending = deque(_order_for_balance(course, jobs))
    to_record: deque = deque()  # (job, reason, attempts) of jobs whose worker was killed
    outcomes: list[Outcome] = []
    pool = [_Worker(ctx, course, overrides, quiet, sandboxed) for _ in range(max(1, min(workers, len(jobs))))]
    bar = tqdm(total=len(jobs), unit="nb", desc="grading", disable=not progress, dynamic_ncols=True)
    n_failed = 0

    def finish(outcome: Outcome) -> None:
        nonlocal n_failed
        outcomes.append(outcome)
        n_failed += outcome.status == FAILED
        bar.set_postfix_str(
            f"done={len(outcomes)} failed={n_failed} remaining={len(jobs) - len(outcomes)}", refresh=False
        )
        bar.update(1)
        if on_outcome is not None:
            on_outcome(outcome)

    def lost(i: int, reason: str) -> None:
        """Replace worker ``i``; its job becomes a failure to record."""
        w = pool[i]
        job, recording, attempts = w.job, w.recording, w.attempts
        w.kill()
        pool[i] = _Worker(ctx, course, overrides, quiet, sandboxed)
        if job is None:
            return
        if recording is None:
            to_record.append((job, reason, 1))
        elif attempts < 2:
            to_record.append((job, recording, attempts + 1))
        else:  # even writing the zeros keeps failing: report it, do not loop
            finish(Outcome(job, FAILED, f"{recording} (the zero scores could not be written)", notebook_timeout))

    try:
        while pending or to_record or any(w.job for w in pool):
            for w in pool:
                if not w.ready or w.job is not None:
                    continue
                if to_record:
                    w.job, w.recording, w.attempts = to_record.popleft()
                    w.send(GradeRequest(w.job, failure=w.recording))
                elif pending:
                    w.job, w.recording, w.attempts = pending.popleft(), None, 0
                    w.send(GradeRequest(w.job))
                w.started = time.monotonic()
            ready = wait([w.conn for w in pool], timeout=0.5)
            for i, w in enumerate(pool):
                if w.conn in ready:
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):
                        if not w.ready:
                            raise CourseError("a grading worker exited while starting up") from None
                        lost(i, "the grading process died while grading this notebook")
                        continue
                    if isinstance(message, WorkerReady):
                        w.ready = True
                        continue
                    if isinstance(message, WorkerBroken):
                        raise CourseError(f"a grading worker could not start:\n{message.traceback}")
                    recording = w.recording
                    w.job = w.recording = None
                    if recording:
                        message.seconds = notebook_timeout
                    finish(message)
                elif w.job and time.monotonic() - w.started > (
                    notebook_timeout if w.recording is None else _RECORDING_TIMEOUT
                ):
                    lost(i, f"grading took longer than the {notebook_timeout:g} s limit for one notebook")
    finally:
        bar.close()
        for w in pool:
            w.stop()
    return outcomes


def grade_submissions(
    root: Path,
    assignments=None,
    *,
    students=None,
    workers: int | None = None,
    force: bool = False,
    cell_timeout: int | None = None,
    notebook_timeout: float | None = None,
    progress: bool = True,
    sandboxed: bool = True,
) -> GradeRun:
    """Autograde every submission of ``assignments`` (default: all submitted) in ``root``.

    Parameters
    ----------
    root : path
        The nbgrader course folder (holding ``source/`` and ``submitted/``).
    assignments : list of str, optional
        Assignment names; all that have submissions when omitted.
    students : list of str, optional
        Only these students.
    workers : int, optional
        Parallel worker processes; default ``os.cpu_count()``.
    force : bool
        Regrade submissions that are already graded.
    cell_timeout, notebook_timeout : seconds, optional
        Limits for one cell and for one whole submission; when omitted, the
        course's ``nbgrader_config.py`` (``c.Execute.timeout``,
        ``c.CourseGrading.notebook_timeout``) or the course's defaults.
    progress : bool
        Show a tqdm progress bar on stderr.
    sandboxed : bool
        Run every notebook in the bubblewrap sandbox. Where the sandbox
        cannot be made, grading refuses (a :class:`CourseError` saying why)
        unless this is False (``--no-sandbox``); every grade made without it
        says so in its gradebook comments.
    """
    root = Path(root)
    if not root.is_dir():
        raise CourseError(f"course folder {root} does not exist")
    if sandboxed:
        from autograder.engine.sandbox import sandbox_problem, unsandboxed_exposure

        problem = sandbox_problem()
        if problem:
            raise CourseError(
                f"refusing to grade without the sandbox: {problem}. Without it, {unsandboxed_exposure()} "
                "Fix that, or pass --no-sandbox to grade anyway (recorded with every grade)."
            )
    overrides = {"Execute": {"timeout": cell_timeout}, "CourseGrading": {"notebook_timeout": notebook_timeout}}
    course = Course(root, overrides)
    if not course.paths.submitted_root.is_dir():
        raise CourseError(f"{root} has no submitted/ folder: run `collect` first")
    for student in students or []:
        validate_student_id(student)
    jobs = submitted_jobs(course, assignments, students)
    for assignment in sorted({j.assignment for j in jobs}):
        course.ensure_registered(assignment)

    from autograder.course.secret import course_secret

    course_secret(course.root)  # made here once, before the workers read it
    log = GradingLog(course.root)
    records = log.load()
    skipped = [] if force else sorted(already_graded(course, jobs, records), key=lambda j: j.key)
    todo = [j for j in jobs if j not in set(skipped)]
    n = workers or os.cpu_count() or 1

    def remember(outcome: Outcome) -> None:
        records[outcome.job.key] = log.record(outcome, submission_fingerprint(course, outcome.job))
        log.save(records)

    start = time.perf_counter()
    outcomes = (
        run_jobs(
            course, todo, workers=n, overrides=overrides, progress=progress, sandboxed=sandboxed, on_outcome=remember
        )
        if todo
        else []
    )
    return GradeRun(outcomes, skipped, time.perf_counter() - start, min(n, len(todo)))
