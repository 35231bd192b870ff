"""Autograde a class on Dask, losing no submission.

Each job is one student's submission of one assignment. This process (the
coordinator) prepares it with nbgrader's sanitising steps, sends it as one
Dask task to a worker, which runs it in a sandboxed kernel with the
checker's verdicts computed beside it (:mod:`autograder.engine.task`), and
records the result with nbgrader's own ``autograde`` as soon as it arrives
(:mod:`autograder.pipeline.record`). With no scheduler given, the workers
are an embedded ``LocalCluster`` on this machine, one per core; with
``--scheduler`` they are an existing cluster's (:mod:`autograder.engine.cluster`).
Only this process opens the gradebook.

What can go wrong with a submission, and what is recorded:

==========================  ==================================================
kernel killed by a cell     a fresh kernel runs the earlier cells again and
                            grading goes on: that cell scores 0, the others
                            what they earn (:mod:`autograder.engine.execute`)
one cell over the limit     interrupted (or its kernel replaced); that cell
                            scores 0
notebook over its limit     the cells not yet run score 0; those that ran
                            keep their scores
not a notebook (not JSON,   every automatic cell scores 0
truncated, wrong name)
graded cell deleted         that cell scores 0
worker lost mid-task        Dask runs the task again on another worker
task fails on every worker  every automatic cell scores 0
==========================  ==================================================

Each of these gets its reason in the entry of ``grading_log.json`` in the
course folder (which has one for every submission graded), and a failed
submission's reason is also written into its gradebook comments, so every
submitted notebook ends with a row per graded cell in the gradebook. A
submission is recorded when its task finishes: an interrupted run keeps
what it finished, and the next run grades only the rest.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from autograder.course import Course, CourseError, validate_student_id
from autograder.course.config import grading_settings
from autograder.course.gradebook import GradingLog
from autograder.course.records import FAILED, PARTIAL, Job, Outcome

# seconds without any worker able to grade before a run gives up: a worker that
# restarts, or the scheduler's view of the workers lagging, must not end it
_NO_WORKER_GRACE = 60


@dataclass
class GradeRun:
    """The outcome of :func:`grade_submissions`."""

    outcomes: list[Outcome]
    skipped: list[Job]
    seconds: float
    workers: int  # worker threads of the cluster that graded (0 when nothing needed grading)
    scheduler: str = ""
    coordinator_seconds: float = 0.0  # this process's own time: preparing and recording the submissions

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


# -- the coordinator: tasks out to Dask, results recorded as they come -----------


def _order_for_balance(course: Course, jobs: list[Job]) -> list[Job]:
    """Largest submissions first, so the last task to finish is a short one."""

    def size(job):
        return sum(p.stat().st_size for p in course.paths.submitted(job.student, job.assignment).glob("*.ipynb"))

    return sorted(jobs, key=size, reverse=True)


def _task_failure(exc: BaseException, notebook_timeout: float) -> str:
    """A task that raised instead of returning a result, in words."""
    name = type(exc).__name__
    if name == "KilledWorker":
        return "the grading worker died every time it ran this notebook (Dask gave up on it)"
    if name == "FutureCancelledError":
        return "the task was cancelled by the Dask scheduler"
    return f"the grading task failed: {name}: {exc}"[:300]


def run_jobs(
    course: Course,
    jobs: list[Job],
    cluster,
    *,
    progress: bool = True,
    sandboxed: bool = True,
    on_outcome=None,
    clock: dict | None = None,
) -> list[Outcome]:
    """Grade ``jobs`` on ``cluster`` (:class:`autograder.engine.cluster.GradingCluster`); one :class:`Outcome` each.

    Each job is prepared here, executed as one Dask task, and recorded
    here as soon as its result arrives, so an interrupted run keeps every
    submission it finished. At most twice as many tasks as the workers
    can run at once are out at a time: the others wait here, unprepared,
    and hold no memory in the scheduler. ``clock``, when given, gets the
    coordinator's own seconds (preparing and recording) under ``"coordinator"``.
    """
    from distributed import wait
    from tqdm import tqdm

    from autograder.engine.task import SandboxUnavailable, execute_submission
    from autograder.pipeline.record import NotGradable, Recorder, course_preload, make_kit

    settings = grading_settings(course.config)
    notebook_timeout = settings.notebook_timeout
    # a template per worker pays for itself from the second kernel on
    preload = (
        course_preload(course, [job.assignment for job in jobs])
        if sandboxed and settings.fork_kernels and len(jobs) > 1
        else ()
    )
    recorder = Recorder(course, sandboxed=sandboxed)
    client = cluster.client
    pending = deque(_order_for_balance(course, jobs))
    kits: dict = {}  # assignment -> the future holding its ExecutionKit
    in_flight: dict = {}  # future -> (job, seed, tries)
    outcomes: list[Outcome] = []
    refused = dict(cluster.refused)
    clock = clock if clock is not None else {}
    clock.setdefault("coordinator", 0.0)
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

    def kit_for(assignment: str):
        if assignment not in kits:
            kit = make_kit(course, assignment, sandboxed=sandboxed, preload=preload)
            # a task, not scattered data: the scheduler can compute it again if its worker is lost
            kits[assignment] = client.submit(_identity, kit, key=f"nndl-kit-{assignment}-{uuid.uuid4().hex[:8]}")
        return kits[assignment]

    def send(job: Job, task, seed: int, tries: int) -> None:
        future = client.submit(
            execute_submission,
            task,
            kit_for(job.assignment),
            key=f"nndl-grade-{job.key}-{uuid.uuid4().hex[:8]}",
            pure=False,
            **cluster.task_options(),
        )
        in_flight[future] = (job, task, seed, tries)

    alone_since = None  # since when no worker could take the tasks in flight
    try:
        while pending or in_flight:
            while pending and len(in_flight) < 2 * cluster.slots():
                job = pending.popleft()
                started = time.perf_counter()
                try:
                    task = recorder.prepare(job)
                except NotGradable as exc:
                    finish(recorder.record_failure(job, str(exc)))
                    continue
                finally:
                    clock["coordinator"] += time.perf_counter() - started
                send(job, task, task.seed, 0)
            try:
                done, _ = wait(list(in_flight), timeout=2, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished in 2 s: see that some worker can still take the work
                done = set()
            for future in done:
                job, task, seed, tries = in_flight.pop(future)
                if future.status == "error":
                    exc = future.exception()
                    if isinstance(exc, SandboxUnavailable) and tries < 2:
                        refused.setdefault(str(exc).split(" refuses", 1)[0], str(exc))
                        send(job, task, seed, tries + 1)  # the gate should keep it off that worker now
                        continue
                    finish(recorder.record_failure(job, _task_failure(exc, notebook_timeout)))
                    continue
                if future.cancelled():
                    finish(recorder.record_failure(job, "the grading task was cancelled"))
                    continue
                started = time.perf_counter()
                outcome = recorder.record(future.result(), seed)
                clock["coordinator"] += time.perf_counter() - started
                finish(outcome)
                future.release()
            if done or not in_flight or cluster.able_workers():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            if alone_since is not None and time.monotonic() - alone_since > _NO_WORKER_GRACE:
                raise CourseError(
                    f"no Dask worker at {cluster.address} can grade now"
                    + (f": {'; '.join(refused.values())}" if refused else " (all of them left)")
                )
    finally:
        bar.close()
        for future in in_flight:
            future.cancel()
        for future in kits.values():
            future.cancel()
    return outcomes


def _identity(value):
    return value


def grade_submissions(
    root: Path,
    assignments=None,
    *,
    students=None,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    cell_timeout: int | None = None,
    notebook_timeout: float | None = None,
    progress: bool = True,
    sandboxed: bool = True,
    out=None,
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
        Worker processes of the embedded Dask cluster; default ``os.cpu_count()``.
    scheduler : str, optional
        A Dask scheduler's address (``tcp://host:8786``): the submissions
        execute on its workers instead. Default: the course's
        ``c.CourseGrading.scheduler``, else an embedded cluster.
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
    out : callable, optional
        Where to print the cluster's address, its dashboard and any worker
        that refuses to grade (default: stderr).
    """
    root = Path(root)
    if not root.is_dir():
        raise CourseError(f"course folder {root} does not exist")
    overrides = {"Execute": {"timeout": cell_timeout}, "CourseGrading": {"notebook_timeout": notebook_timeout}}
    course = Course(root, overrides)
    scheduler = scheduler or grading_settings(course.config).scheduler or None
    if sandboxed and not scheduler:
        from autograder.engine.sandbox import sandbox_problem, unsandboxed_exposure

        problem = sandbox_problem()
        if problem:
            raise CourseError(
                f"refusing to grade without the sandbox: {problem}. Without it, {unsandboxed_exposure()} "
                "Fix that, or pass --no-sandbox to grade anyway (recorded with every grade)."
            )
    if not course.paths.submitted_root.is_dir():
        raise CourseError(f"{root} has no submitted/ folder: run `collect` first")
    for student in students or []:
        validate_student_id(student)
    jobs = submitted_jobs(course, assignments, students)
    for assignment in sorted({j.assignment for j in jobs}):
        course.ensure_registered(assignment)

    log = GradingLog(course.root)
    records = log.load()
    skipped = [] if force else sorted(already_graded(course, jobs, records), key=lambda j: j.key)
    todo = [j for j in jobs if j not in set(skipped)]
    n = workers or os.cpu_count() or 1
    if out is None:

        def out(line: str) -> None:
            print(line, file=sys.stderr)

    saved = [time.monotonic()]

    def remember(outcome: Outcome, *, last: bool = False) -> None:
        # the whole file is rewritten at most once a second (and at the end): with thousands
        # of submissions, once per submission would cost more than the grading
        if outcome is not None:
            records[outcome.job.key] = log.record(outcome, submission_fingerprint(course, outcome.job))
        if last or time.monotonic() - saved[0] >= 1.0:
            log.save(records)
            saved[0] = time.monotonic()

    start = time.perf_counter()
    if not todo:
        return GradeRun([], skipped, time.perf_counter() - start, 0)
    from autograder.engine.cluster import grading_cluster

    with grading_cluster(scheduler, min(n, len(todo)), sandboxed=sandboxed) as cluster:
        where = f"Dask scheduler {cluster.address}" + ("" if scheduler else " (embedded)")
        out(f"grading on the {where}, {cluster.slots()} worker thread(s); dashboard: {cluster.dashboard or 'none'}")
        for message in cluster.refused.values():
            out(f"WARNING: {message}")
        clock: dict = {}
        try:
            outcomes = run_jobs(
                course, todo, cluster, progress=progress, sandboxed=sandboxed, on_outcome=remember, clock=clock
            )
        finally:  # interrupted too: every submission recorded so far is in the log
            remember(None, last=True)
        slots = cluster.slots()
    seconds = time.perf_counter() - start
    return GradeRun(outcomes, skipped, seconds, slots, cluster.address, clock["coordinator"])
