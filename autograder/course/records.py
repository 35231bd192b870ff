"""What grading one submission gives, as records that cross process boundaries.

The coordinator sends a Dask worker an :class:`ExecutionKit` (once per
assignment) and an :class:`ExecutionTask` (per submission) and gets an
:class:`ExecutionResult` back; these cross the network pickled by Dask,
between the grader's own processes only (what crosses into a student's
sandbox is :mod:`nndl.wire`'s plain data). :class:`Outcome` is a graded
submission on the coordinator, and the grading log stores
:class:`GradingRecord` as JSON. Nothing else describes a job or its outcome.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

GRADED, PARTIAL, FAILED = "graded", "partial", "failed"


@dataclass(frozen=True)
class Job:
    """One student's submission of one assignment."""

    assignment: str
    student: str

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.student}"


@dataclass(frozen=True)
class CellScore:
    """One graded cell of one submission, as stored in nbgrader's gradebook."""

    grade_id: str
    score: float
    max_score: float


@dataclass
class Outcome:
    """Worker to coordinator: what grading one :class:`Job` gave.

    ``status`` is :data:`GRADED` (nbgrader graded it normally), :data:`PARTIAL`
    (graded, but some cells scored 0 because of a timeout or a dead kernel)
    or :data:`FAILED` (nbgrader could not grade it: every automatic cell is 0).
    ``scores`` maps grade_id to ``(score, max_score)``; ``log`` is the tail of
    nbgrader's log for anything but a normal grading; ``sandboxed`` says
    whether the notebook ran in the sandbox, ``seed`` is the seed of its
    hidden draws, and ``worker`` the address of the Dask worker that ran it.
    """

    job: Job
    status: str
    reason: str = ""
    seconds: float = 0.0
    scores: dict = field(default_factory=dict)
    log: str = ""
    sandboxed: bool = True
    seed: int | None = None
    worker: str = ""


@dataclass(frozen=True)
class ExecutionKit:
    """What every task of one assignment needs besides the submission; sent to each worker once.

    ``tests`` maps each notebook's name (without ``.ipynb``) to its test
    cells' source code from the *source* notebook, visible and hidden, by
    grade_id; ``setup_code`` maps it to the import lines of the source
    notebook's given cells, which the checker runs before the tests.
    ``work_files`` maps a path relative to the notebook's folder to the
    file's bytes (the release's images and data, never a notebook);
    ``config`` is the course's nbgrader configuration as a plain nested dict
    (cell timeout, :class:`~autograder.course.config.CourseGrading` limits);
    ``secret_paths`` are the coordinator's folders that a message must not
    name; ``sandboxed`` False runs the kernels without bubblewrap
    (``--no-sandbox``); ``preload`` names the modules a worker's kernel
    template imports once (:mod:`autograder.engine.zygote`), empty for one
    ``bwrap`` and Python per kernel.
    """

    assignment: str
    tests: dict
    setup_code: dict
    work_files: dict
    config: dict
    secret_paths: tuple = ()
    sandboxed: bool = True
    preload: tuple = ()


@dataclass(frozen=True)
class ExecutionTask:
    """One submission to execute: coordinator to worker.

    ``notebooks`` maps a notebook's name (without ``.ipynb``) to its JSON
    text after nbgrader's sanitising steps (graded cells restored from the
    gradebook, the hidden tests included); ``seed`` is the seed of the
    hidden draws (:mod:`autograder.course.secret`).
    """

    job: Job
    notebooks: dict
    seed: int


@dataclass
class ExecutionResult:
    """What executing one :class:`ExecutionTask` gave: worker to coordinator.

    ``notebooks`` maps each notebook's name to the executed notebook's JSON
    text: a test cell holds its visible source, the kernel's output and, for
    a failed verdict, one error naming the cause. ``error`` is set (and
    ``notebooks`` may be incomplete) when the task could not finish: the
    reason in words. ``worker`` is the address of the worker that ran it.
    """

    job: Job
    notebooks: dict = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    worker: str = ""
    log: str = ""


@dataclass
class GradingRecord:
    """One entry of ``grading_log.json``: how a submission was last graded.

    ``status`` and ``reason`` as in :class:`Outcome`; ``fingerprint`` names the
    submitted files' sizes and times (a changed file is graded again);
    ``seed`` is the seed of its hidden draws, so a regrade can be checked
    against it; ``sandboxed`` is False for a grade made with ``--no-sandbox``.
    """

    assignment: str
    student: str
    status: str
    reason: str
    fingerprint: str
    recorded: str
    seed: int | None = None
    sandboxed: bool = True
    worker: str = ""

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.student}"

    def as_dict(self) -> dict:
        return asdict(self)
