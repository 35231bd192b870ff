"""What grading one submission gives, as records that cross process boundaries.

The coordinator and the grading workers exchange exactly these dataclasses
(pickled by :mod:`multiprocessing` over a pipe), and the grading log stores
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


@dataclass(frozen=True)
class GradeRequest:
    """Coordinator to worker: grade ``job``, or (with ``failure``) record it as failed for that reason."""

    job: Job
    failure: str | None = None


@dataclass
class Outcome:
    """Worker to coordinator: what grading one :class:`Job` gave.

    ``status`` is :data:`GRADED` (nbgrader graded it normally), :data:`PARTIAL`
    (graded, but some cells scored 0 because of a timeout or a dead kernel)
    or :data:`FAILED` (nbgrader could not grade it: every automatic cell is 0).
    ``scores`` maps grade_id to ``(score, max_score)``; ``log`` is the tail of
    nbgrader's log for anything but a normal grading; ``sandboxed`` says
    whether the notebook ran in the sandbox, and ``seed`` is the seed of its
    hidden draws.
    """

    job: Job
    status: str
    reason: str = ""
    seconds: float = 0.0
    scores: dict = field(default_factory=dict)
    log: str = ""
    sandboxed: bool = True
    seed: int | None = None


@dataclass(frozen=True)
class WorkerReady:
    """Worker to coordinator: started, nbgrader imported, waiting for requests."""

    pid: int


@dataclass(frozen=True)
class WorkerBroken:
    """Worker to coordinator: the worker could not start; ``traceback`` says why."""

    traceback: str


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

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.student}"

    def as_dict(self) -> dict:
        return asdict(self)
