"""Export the gradebook: nbgrader's ``grades.csv`` plus a summary of the class.

``grades.csv`` is written by nbgrader's own ``CsvExportPlugin`` (one row per
student per assignment, 0 for a student with no submission). The summary
reads the same gradebook for what the CSV leaves out:

- per assignment: the number of submissions, the mean and median score;
- per exercise (graded test cell): the pass rate, the share of submissions
  that earned its full points, so the exercises a class struggles with stand
  out;
- a histogram of the scores, one panel per assignment (``grades_histogram.png``).
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, CourseError


@dataclass(frozen=True)
class AssignmentStats:
    assignment: str
    submissions: int
    max_score: float
    mean: float
    median: float


@dataclass(frozen=True)
class ExerciseStats:
    assignment: str
    grade_id: str
    points: float
    submissions: int
    passed: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0


@dataclass(frozen=True)
class SubmissionScore:
    assignment: str
    student: str
    score: float  # after the late penalty
    max_score: float
    late_penalty: float


@dataclass
class Export:
    """Paths written by :func:`export_grades` and the numbers behind them."""

    grades_csv: Path
    pass_rates_csv: Path
    histogram: Path | None
    assignments: list[AssignmentStats] = field(default_factory=list)
    exercises: list[ExerciseStats] = field(default_factory=list)
    submissions: list[SubmissionScore] = field(default_factory=list)


def _read_gradebook(course: Course, assignments=None):
    subs, exercises = [], []
    rows = course.gradebook.submission_rows(assignments)
    for name in sorted({r["assignment"] for r in rows}, key=[r["assignment"] for r in rows].index):
        passed: dict[str, list[int]] = {}
        points: dict[str, float] = {}
        for row in (r for r in rows if r["assignment"] == name):
            subs.append(SubmissionScore(name, row["student"], row["score"], row["max_score"], row["penalty"]))
            for notebook, grade_id, score, max_score in row["cells"]:
                key = f"{notebook}:{grade_id}" if row["notebooks"] > 1 else grade_id
                points[key] = max_score
                passed.setdefault(key, []).append(int(score >= max_score > 0))
        order = _source_positions(course, name)
        for key in sorted(points, key=lambda k: (order.get(k, len(order)), k)):
            exercises.append(ExerciseStats(name, key, points[key], len(passed[key]), sum(passed[key])))
    return subs, exercises


def _source_positions(course: Course, assignment: str) -> dict[str, int]:
    """grade_id -> position in the source notebook(s), so exercises print in notebook order."""
    import nbformat

    positions = {}
    for path in course.paths.source_notebooks(assignment):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:  # an unreadable source only loses the ordering
            continue
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid:
                positions.setdefault(gid, len(positions))
                positions.setdefault(f"{path.stem}:{gid}", positions[gid])
    return positions


def _histogram(subs: list[SubmissionScore], path: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted({s.assignment for s in subs})
    if not names:
        return None
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.8), squeeze=False, sharey=True)
    for ax, name in zip(axes[0], names):
        percents = [100 * s.score / s.max_score for s in subs if s.assignment == name and s.max_score]
        ax.hist(percents, bins=range(0, 101, 10), color="#3a7ca5", edgecolor="white")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("score (% of max)")
        ax.set_xlim(0, 100)
    axes[0][0].set_ylabel("submissions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def export_grades(root: Path, dest: Path | None = None, assignments=None) -> Export:
    """Write ``grades.csv``, ``exercise_pass_rates.csv`` and ``grades_histogram.png``.

    Parameters
    ----------
    root : path
        The course folder (its ``gradebook.db`` is read).
    dest : path, optional
        Folder for the three files; default ``root``.
    assignments : list of str, optional
        Limit the summary (not ``grades.csv``, which nbgrader writes whole) to these.
    """
    from autograder.course.config import course_id, db_url, load_config
    from autograder.course.gradebook import CourseGradebook

    root = Path(root)
    config = load_config(root)
    if not CourseGradebook(db_url(config), course_id(config)).exists():
        raise CourseError(f"{root} has no gradebook.db: grade some submissions first")
    course = Course(root)
    dest = Path(dest) if dest else root
    dest.mkdir(parents=True, exist_ok=True)
    grades_csv = dest / "grades.csv"
    course.gradebook.export_csv(grades_csv)
    subs, exercises = _read_gradebook(course, assignments)

    stats = []
    for name in sorted({s.assignment for s in subs}):
        scores = [s.score for s in subs if s.assignment == name]
        stats.append(
            AssignmentStats(
                name,
                len(scores),
                next(s.max_score for s in subs if s.assignment == name),
                statistics.fmean(scores),
                statistics.median(scores),
            )
        )
    pass_csv = dest / "exercise_pass_rates.csv"
    with open(pass_csv, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["assignment", "exercise", "points", "submissions", "passed", "pass_rate"])
        for e in exercises:
            writer.writerow([e.assignment, e.grade_id, f"{e.points:g}", e.submissions, e.passed, f"{e.pass_rate:.3f}"])
    histogram = _histogram(subs, dest / "grades_histogram.png")
    return Export(grades_csv, pass_csv, histogram, stats, exercises, subs)


def assignment_table(export: Export) -> str:
    rows = [("assignment", "submissions", "max", "mean", "median")]
    rows += [
        (a.assignment, str(a.submissions), f"{a.max_score:g}", f"{a.mean:.1f}", f"{a.median:.1f}")
        for a in export.assignments
    ]
    return format_table(rows, right={1, 2, 3, 4})


def pass_rate_table(export: Export) -> str:
    rows = [("assignment", "exercise", "points", "passed", "pass rate")]
    rows += [
        (e.assignment, e.grade_id, f"{e.points:g}", f"{e.passed}/{e.submissions}", f"{100 * e.pass_rate:.0f}%")
        for e in export.exercises
    ]
    return format_table(rows, right={2, 3, 4})


def format_table(rows, right=frozenset()) -> str:
    """Rows of strings as an aligned text table; the first row is the header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def line(row):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    return "\n".join([line(rows[0]), line(["-" * w for w in widths])] + [line(r) for r in rows[1:]])
