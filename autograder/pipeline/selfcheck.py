"""Grade one notebook for a self-learner: ``make check NB=path/to/notebook.ipynb``.

The notebook is autograded by nbgrader against the hidden tests, exactly as
an instructor's run would, in a throw-away course folder built from
``source/``. The result is a per-exercise table on the terminal (with the
error a failed test raised) and nbgrader's HTML feedback written next to
the notebook as ``<name>.feedback.html``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import SOURCE_DIR, Course, CourseError, available_assignments
from autograder.pipeline.export import format_table

STUDENT = "self"


@dataclass
class ExerciseResult:
    grade_id: str
    score: float
    max_score: float
    error: str = ""


@dataclass
class CheckResult:
    assignment: str
    notebook: Path
    feedback: Path
    status: str
    reason: str
    exercises: list[ExerciseResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def table(self) -> str:
        rows = [("exercise", "score", "result")]
        for e in self.exercises:
            verdict = "passed" if e.score >= e.max_score else (e.error or "failed")
            rows.append((e.grade_id, f"{e.score:g}/{e.max_score:g}", verdict[:90]))
        rows.append(("total", f"{self.score:g}/{self.max_score:g}", ""))
        return format_table(rows, right={1})


def _grade_ids(nb) -> set[str]:
    return {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}


def infer_assignment(path: Path, nb, source_dir: Path = SOURCE_DIR) -> str:
    """The assignment a notebook belongs to: by its file name, else by its graded cells."""
    names = available_assignments(source_dir)
    if not names:
        raise CourseError(f"no assignment in {source_dir}")
    stem = path.stem.replace(".feedback", "")
    best, overlap = None, 0
    mine = _grade_ids(nb)
    for name in names:
        for source in (Path(source_dir) / name).glob("*.ipynb"):
            if stem in (source.stem, name) or stem.startswith(source.stem):
                return name
            try:
                theirs = _grade_ids(nbformat.read(str(source), as_version=4))
            except Exception:  # a broken source notebook cannot be the match
                continue
            if len(mine & theirs) > overlap:
                best, overlap = name, len(mine & theirs)
    if best is None:
        raise CourseError(
            f"cannot tell which assignment {path.name} belongs to; name it with "
            f"--assignment (one of {', '.join(names)})"
        )
    return best


def _errors_by_cell(autograded: Path) -> dict[str, str]:
    """grade_id -> "Name: message" of the error a graded cell raised."""
    out = {}
    for path in autograded.glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            for o in cell.get("outputs", []):
                if gid and o.get("output_type") == "error":
                    first = (o.get("evalue") or "").strip().splitlines()
                    out[gid] = f"{o.get('ename')}: {first[0] if first else ''}".strip().rstrip(":")
                elif gid and o.get("output_type") == "stream" and o.get("name") == "stderr" and gid not in out:
                    out[gid] = "wrote to stderr (a warning counts as a failure)"
    return out


def self_check(
    path: Path,
    assignment: str | None = None,
    *,
    source_dir: Path = SOURCE_DIR,
    course_root: Path | None = None,
    cell_timeout: int | None = None,
    notebook_timeout: float | None = None,
    progress: bool = False,
) -> CheckResult:
    """Autograde the notebook at ``path``; write ``<name>.feedback.html`` beside it.

    The grading runs in a throw-away course folder with the settings of
    ``course_root`` (default: :func:`autograder.course.config.default_course_root`);
    ``cell_timeout`` and ``notebook_timeout`` override them.

    Raises
    ------
    CourseError
        If the file is missing or not a notebook, or the assignment is
        unknown or cannot be inferred.
    """
    from autograder.course.config import default_course_root
    from autograder.course.records import FAILED, Job
    from autograder.engine.cluster import grading_cluster
    from autograder.pipeline.feedback import failure_page, generate_feedback
    from autograder.pipeline.grade import run_jobs

    path = Path(path)
    if not path.is_file():
        raise CourseError(f"{path} does not exist")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # every way a file can fail to be a notebook
        raise CourseError(f"{path} is not a readable notebook ({type(exc).__name__}: {exc})") from None
    if assignment is None:
        assignment = infer_assignment(path, nb, source_dir)
    elif assignment not in available_assignments(source_dir):
        raise CourseError(f"unknown assignment {assignment!r}: one of {', '.join(available_assignments(source_dir))}")

    from autograder.engine.sandbox import sandbox_problem, unsandboxed_exposure

    problem = sandbox_problem()
    if problem:
        print(
            f"WARNING: {problem}.\nWARNING: grading WITHOUT the sandbox: {unsandboxed_exposure()} "
            "Only check notebooks you trust.",
            file=sys.stderr,
        )
    feedback_path = path.with_name(f"{path.stem}.feedback.html")
    with tempfile.TemporaryDirectory(prefix="nndl-check-") as tmp:
        overrides = {"Execute": {"timeout": cell_timeout}, "CourseGrading": {"notebook_timeout": notebook_timeout}}
        course = Course(Path(tmp), overrides, settings_from=course_root or default_course_root())
        course.add_source(assignment, source_dir)
        course.generate(assignment)
        notebook_name = next(course.paths.release(assignment).glob("*.ipynb")).name
        folder = course.paths.submitted(STUDENT, assignment)
        folder.mkdir(parents=True)
        shutil.copyfile(path, folder / notebook_name)
        with grading_cluster(None, 1, sandboxed=problem is None) as cluster:
            [outcome] = run_jobs(
                course, [Job(assignment, STUDENT)], cluster, progress=progress, sandboxed=problem is None
            )
        errors = _errors_by_cell(course.paths.autograded(STUDENT, assignment))
        exercises = [
            ExerciseResult(gid, score, max_score, errors.get(gid, ""))
            for gid, (score, max_score) in outcome.scores.items()
        ]
        order = {
            c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): i
            for i, c in enumerate(nbformat.read(str(course.paths.source_notebooks(assignment)[0]), as_version=4).cells)
        }
        exercises.sort(key=lambda e: order.get(e.grade_id, len(order)))
        if outcome.status == FAILED:
            feedback_path.write_text(failure_page(assignment, path.name, outcome.reason), encoding="utf-8")
        else:
            run = generate_feedback(course.root, [assignment], [STUDENT], progress=False)
            if run.errors:
                raise CourseError(f"no feedback for {path}: {'; '.join(run.errors)}")
            html = course.paths.feedback(STUDENT, assignment) / notebook_name.replace(".ipynb", ".html")
            shutil.copyfile(html, feedback_path)
    return CheckResult(assignment, path, feedback_path, outcome.status, outcome.reason, exercises)
