"""Autograde a class in parallel with nbgrader, losing no submission.

Each job is one student's submission of one assignment, graded by nbgrader's
own ``autograde`` (:meth:`nbgrader.apps.NbGraderAPI.autograde`) inside a
long-lived worker process. The workers are started once per run, so the
interpreter, nbgrader and nbconvert are imported once per worker rather than
once per student, and they grade in parallel (default: one per core). Their
kernels are forked from a process that has already imported what the
notebooks import (:mod:`autograder.kernel_fork`), and stopped as soon as the
notebook has run.

What can go wrong with a submission, and what is recorded:

==========================  ==================================================
kernel killed by a cell     cells before it keep their points; that cell and
                            every later one score 0 (:mod:`autograder.execute`)
one cell over the limit     nbgrader interrupts it; that cell scores 0
notebook over its limit     the worker and its kernel are killed; every
                            automatic cell scores 0
nbgrader fails (not JSON,   every automatic cell scores 0
truncated file, ...)
graded cell deleted         that cell scores 0
==========================  ==================================================

Each of these gets an entry with its reason in ``grading_failures.json`` in
the course folder, and a failed submission's reason is also written into its
gradebook comments, so every submitted notebook ends with a row per graded
cell in the gradebook.

Concurrent workers share the SQLite gradebook through
:mod:`autograder.gradebook_lock`.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

# grade_worker first: it keeps a slow optional import out of this process too
from autograder.grade_worker import Job, auto_grades, worker_main  # isort: skip
from autograder.course import CELL_TIMEOUT, Course, CourseError, validate_student_id

NOTEBOOK_TIMEOUT = 600  # seconds one submission may take in total
FAILURES_FILE = "grading_failures.json"
_RECORDING_TIMEOUT = 120  # seconds to write the zero scores of a failed submission


@dataclass
class Outcome:
    """What grading one :class:`Job` gave.

    ``status`` is ``"graded"`` (nbgrader graded it normally), ``"partial"``
    (graded, but some cells scored 0 because of a timeout or a dead kernel)
    or ``"failed"`` (nbgrader could not grade it: every automatic cell is 0).
    ``scores`` maps grade_id to ``(score, max_score)``.
    """

    job: Job
    status: str
    reason: str = ""
    seconds: float = 0.0
    scores: dict = field(default_factory=dict)


@dataclass
class GradeRun:
    """The outcome of :func:`grade_submissions`."""

    outcomes: list[Outcome]
    skipped: list[Job]
    seconds: float
    workers: int

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def partial(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "partial"]


# -- which submissions there are, and which are already graded ---------------

def _assignment_names(course: Course, assignments) -> list[str]:
    submitted = course.root / "submitted"
    source = course.root / "source"
    known = sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
    if not assignments:
        found = set()
        if submitted.is_dir():
            for student in submitted.iterdir():
                if student.is_dir():
                    found.update(p.name for p in student.iterdir() if p.is_dir())
        return sorted(found)
    unknown = [a for a in assignments if a not in known]
    if unknown:
        raise CourseError(
            f"unknown assignment(s) {', '.join(unknown)}: {source} has {', '.join(known) or 'none'}"
        )
    return list(assignments)


def submitted_jobs(course: Course, assignments=None, students=None) -> list[Job]:
    """Every ``submitted/<student>/<assignment>/`` folder, as jobs."""
    names = _assignment_names(course, assignments)
    wanted = set(students) if students else None
    jobs = []
    submitted = course.root / "submitted"
    if not submitted.is_dir():
        return jobs
    for student_dir in sorted(submitted.iterdir()):
        if not student_dir.is_dir() or (wanted and student_dir.name not in wanted):
            continue
        validate_student_id(student_dir.name)
        for assignment in names:
            if (student_dir / assignment).is_dir():
                jobs.append(Job(assignment, student_dir.name))
    return jobs


def submission_fingerprint(course: Course, job: Job) -> str:
    """A string that changes whenever the submitted files change."""
    folder = course.root / "submitted" / job.student / job.assignment
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            parts.append(f"{path.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def load_failures(course: Course) -> dict:
    """``grading_failures.json`` of the course as a dict keyed ``assignment/student``."""
    path = course.root / FAILURES_FILE
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text())
    except json.JSONDecodeError:
        return {}
    return {f"{e['assignment']}/{e['student']}": e for e in entries}


def _save_failures(course: Course, failures: dict) -> None:
    entries = sorted(failures.values(), key=lambda e: (e["assignment"], e["student"]))
    tmp = course.root / (FAILURES_FILE + ".tmp")
    tmp.write_text(json.dumps(entries, indent=1) + "\n")
    tmp.replace(course.root / FAILURES_FILE)


def _complete_in_gradebook(course: Course, jobs) -> set[Job]:
    """The jobs whose every automatically graded cell has a score in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    from autograder.gradebook_lock import gradebook_lock

    complete = set()
    if not (course.root / "gradebook.db").exists():
        return complete
    with gradebook_lock(course.db_url), Gradebook(course.db_url, "nndl") as gb:
        for job in jobs:
            try:
                submission = gb.find_submission(job.assignment, job.student)
            except MissingEntry:
                continue
            grades = [g for nb in submission.notebooks for g in auto_grades(nb)]
            if grades and all(g.auto_score is not None for g in grades):
                complete.add(job)
    return complete


def already_graded(course: Course, jobs, failures: dict) -> set[Job]:
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
        record = failures.get(job.key)
        if record and record.get("status") == "failed":
            if record.get("fingerprint") == submission_fingerprint(course, job):
                done.add(job)
            continue
        sub = course.root / "submitted" / job.student / job.assignment
        auto = course.root / "autograded" / job.student / job.assignment
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
    return done | _complete_in_gradebook(course, candidates)


# -- the parent: a pool of workers that can be killed one at a time ------------

class _Worker:
    def __init__(self, ctx, root: Path, cell_timeout: int, quiet: bool, preload=None):
        parent_conn, child_conn = ctx.Pipe()
        self.conn = parent_conn
        self.process = ctx.Process(target=worker_main,
                                   args=(child_conn, str(root), cell_timeout, quiet, preload), daemon=True)
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
        folder = course.root / "submitted" / job.student / job.assignment
        return sum(p.stat().st_size for p in folder.glob("*.ipynb"))
    return sorted(jobs, key=size, reverse=True)


def run_jobs(course: Course, jobs: list[Job], *, workers: int, cell_timeout: int,
             notebook_timeout: float, progress: bool = True, quiet: bool = True,
             preload=None, on_outcome=None) -> list[Outcome]:
    """Grade ``jobs`` with ``workers`` worker processes; one :class:`Outcome` per job.

    A worker that passes ``notebook_timeout`` on one job, or dies, is killed
    with its kernel and replaced; the job is then handed to a worker as a
    failure to record (zero scores and the reason), so it still ends with
    its gradebook rows.
    """
    from tqdm import tqdm

    ctx = multiprocessing.get_context("spawn")
    pending = deque(_order_for_balance(course, jobs))
    to_record: deque = deque()  # (job, reason, attempts) of jobs whose worker was killed
    outcomes: list[Outcome] = []
    pool = [_Worker(ctx, course.root, cell_timeout, quiet, preload) for _ in range(max(1, min(workers, len(jobs))))]
    bar = tqdm(total=len(jobs), unit="nb", desc="grading", disable=not progress, dynamic_ncols=True)
    n_failed = 0

    def finish(outcome: Outcome) -> None:
        nonlocal n_failed
        outcomes.append(outcome)
        n_failed += outcome.status == "failed"
        bar.set_postfix_str(f"done={len(outcomes)} failed={n_failed} remaining={len(jobs) - len(outcomes)}",
                            refresh=False)
        bar.update(1)
        if on_outcome is not None:
            on_outcome(outcome)

    def lost(i: int, reason: str) -> None:
        """Replace worker ``i``; its job becomes a failure to record."""
        w = pool[i]
        job, recording, attempts = w.job, w.recording, w.attempts
        w.kill()
        pool[i] = _Worker(ctx, course.root, cell_timeout, quiet, preload)
        if job is None:
            return
        if recording is None:
            to_record.append((job, reason, 1))
        elif attempts < 2:
            to_record.append((job, recording, attempts + 1))
        else:  # even writing the zeros keeps failing: report it, do not loop
            finish(Outcome(job, "failed", f"{recording} (the zero scores could not be written)",
                           notebook_timeout))

    try:
        while pending or to_record or any(w.job for w in pool):
            for w in pool:
                if not w.ready or w.job is not None:
                    continue
                if to_record:
                    w.job, w.recording, w.attempts = to_record.popleft()
                    w.send(("fail", w.job.assignment, w.job.student, w.recording))
                elif pending:
                    w.job, w.recording, w.attempts = pending.popleft(), None, 0
                    w.send(("grade", w.job.assignment, w.job.student))
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
                    if message[0] == "ready":
                        w.ready = True
                        continue
                    if message[0] == "broken":
                        raise CourseError(f"a grading worker could not start:\n{message[1]}")
                    job, recording, message = w.job, w.recording, message[1]
                    w.job = w.recording = None
                    seconds = notebook_timeout if recording else message["seconds"]
                    finish(Outcome(job, message["status"], message["reason"], seconds,
                                   {k: tuple(v) for k, v in message["scores"].items()}))
                elif w.job and time.monotonic() - w.started > (notebook_timeout if w.recording is None
                                                               else _RECORDING_TIMEOUT):
                    lost(i, f"grading took longer than the {notebook_timeout:g} s limit for one notebook")
    finally:
        bar.close()
        for w in pool:
            w.stop()
    return outcomes


def grade_submissions(root: Path, assignments=None, *, students=None, workers: int | None = None,
                      force: bool = False, cell_timeout: int = CELL_TIMEOUT,
                      notebook_timeout: float = NOTEBOOK_TIMEOUT, progress: bool = True,
                      forked_kernels: bool = True) -> GradeRun:
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
    cell_timeout, notebook_timeout : seconds
        Limits for one cell and for one whole submission.
    progress : bool
        Show a tqdm progress bar on stderr.
    forked_kernels : bool
        Fork each kernel from a per-worker process that has already
        imported the modules the source notebooks import
        (:mod:`autograder.kernel_fork`), instead of starting a new Python.
    """
    root = Path(root)
    if not root.is_dir():
        raise CourseError(f"course folder {root} does not exist")
    if not (root / "submitted").is_dir():
        raise CourseError(f"{root} has no submitted/ folder: run `collect` first")
    course = Course(root, cell_timeout=cell_timeout)
    for student in students or []:
        validate_student_id(student)
    jobs = submitted_jobs(course, assignments, students)
    for assignment in sorted({j.assignment for j in jobs}):
        course.ensure_registered(assignment)

    failures = load_failures(course)
    skipped = [] if force else sorted(already_graded(course, jobs, failures), key=lambda j: j.key)
    todo = [j for j in jobs if j not in set(skipped)]
    n = workers or os.cpu_count() or 1

    def remember(outcome: Outcome) -> None:
        key = outcome.job.key
        if outcome.status == "graded":
            failures.pop(key, None)
        else:
            failures[key] = {
                "assignment": outcome.job.assignment,
                "student": outcome.job.student,
                "status": outcome.status,
                "reason": outcome.reason,
                "fingerprint": submission_fingerprint(course, outcome.job),
                "recorded": time.strftime("%Y-%m-%d %H:%M:%S"),
            }
        _save_failures(course, failures)

    start = time.perf_counter()
    preload = None
    if forked_kernels:
        from autograder.kernel_fork import course_preload

        preload = course_preload(root, sorted({j.assignment for j in todo}))
    outcomes = run_jobs(course, todo, workers=n, cell_timeout=cell_timeout,
                        notebook_timeout=notebook_timeout, progress=progress,
                        preload=preload, on_outcome=remember) if todo else []
    return GradeRun(outcomes, skipped, time.perf_counter() - start, min(n, len(todo)))
