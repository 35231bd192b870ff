"""Every read and write the course makes of nbgrader's gradebook, in one place.

nbgrader's :class:`nbgrader.api.Gradebook` is opened here and nowhere else in
the course. :class:`CourseGradebook` has one method per question the course
asks of it: is an assignment registered, the scores of a submission, which
submissions are complete, zero-filling a submission that could not be
graded, due dates, and what the export reads. How each submission was
last graded (its status, the reason, the seed of its hidden draws, whether it
ran in the sandbox) also goes to ``grading_log.json`` in the course folder
(:class:`GradingLog`), so an instructor can read it without a database client.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from autograder.course.records import CellScore, GradingRecord, Job, Outcome

GRADING_LOG = "grading_log.json"

_ENGINES: dict = {}  # (db_url, options) -> the one SQLAlchemy engine of this process for it


def _shared_engine(db_url, **options):
    import sqlalchemy

    key = (str(db_url), tuple(sorted(options.items())))
    if key not in _ENGINES:
        _ENGINES[key] = sqlalchemy.create_engine(db_url, **options)
    return _ENGINES[key]


def share_engines() -> None:
    """Let every nbgrader ``Gradebook`` this process opens reuse one engine per database.

    nbgrader makes a new SQLAlchemy engine each time a ``Gradebook`` is
    opened, which is several times per graded submission (its sanitising
    steps, ``autograde``, its score saving and late penalties, and this
    module), and a new engine starts with an empty statement cache: every
    query is compiled again each time. The coordinator records thousands of
    submissions, so it keeps one engine per database instead; a
    ``Gradebook``'s ``close`` still gives its connections back
    (``Engine.dispose``), and the compiled statements stay.
    """
    import nbgrader.api

    nbgrader.api.create_engine = _shared_engine


def auto_grades(submitted_notebook) -> list:
    """The grades of a submitted notebook that autograde scores: code test cells.

    A graded cell that is also a solution cell is a manually graded answer
    and has no automatic score.
    """
    solution_names = {c.name for c in submitted_notebook.notebook.solution_cells}
    return [g for g in submitted_notebook.grades if g.cell.cell_type == "code" and g.name not in solution_names]


class CourseGradebook:
    """The gradebook of one course.

    Parameters
    ----------
    db_url : str
        nbgrader's ``CourseDirectory.db_url`` (SQLite or any URL SQLAlchemy takes).
    course_id : str
        nbgrader's ``CourseDirectory.course_id``.
    """

    def __init__(self, db_url: str, course_id: str):
        self.db_url = db_url
        self.course_id = course_id

    @contextlib.contextmanager
    def session(self):
        """nbgrader's ``Gradebook``, open for the length of a ``with`` block."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, self.course_id) as gb:
            yield gb

    def exists(self) -> bool:
        """False only for a SQLite gradebook whose file is not there yet."""
        prefix = "sqlite:///"
        if self.db_url.startswith(prefix):
            return Path(self.db_url[len(prefix) :].split("?", 1)[0]).exists()
        return True

    # -- assignments -------------------------------------------------------
    def is_registered(self, assignment: str) -> bool:
        """True when the gradebook knows ``assignment`` and its notebooks."""
        from nbgrader.api import MissingEntry

        if not self.exists():
            return False
        with self.session() as gb:
            try:
                return len(gb.find_assignment(assignment).notebooks) > 0
            except MissingEntry:
                return False

    def set_due_date(self, assignment: str, due: str) -> None:
        """Set ``assignment``'s due date (``"YYYY-MM-DD HH:MM:SS UTC"``), creating it if needed."""
        with self.session() as gb:
            gb.update_or_create_assignment(assignment, duedate=due)

    # -- submissions -------------------------------------------------------
    def scores(self, assignment: str, student: str) -> dict[str, CellScore]:
        """Every graded cell's score for one submission, keyed by grade_id; {} if there is none."""
        from nbgrader.api import MissingEntry

        if not self.exists():
            return {}
        with self.session() as gb:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                return {}
            return {
                g.name: CellScore(g.name, float(g.score), float(g.max_score))
                for nb in submission.notebooks
                for g in nb.grades
            }

    def complete(self, jobs) -> set[Job]:
        """The jobs whose every automatically graded cell has a score."""
        from nbgrader.api import MissingEntry

        done = set()
        if not self.exists():
            return done
        with self.session() as gb:
            for job in jobs:
                try:
                    submission = gb.find_submission(job.assignment, job.student)
                except MissingEntry:
                    continue
                grades = [g for nb in submission.notebooks for g in auto_grades(nb)]
                if grades and all(g.auto_score is not None for g in grades):
                    done.add(job)
        return done

    def fill_missing(self, job: Job, why: str) -> list[str]:
        """Give a 0 to any automatic cell of ``job`` left without a score; say which."""
        filled = []
        with self.session() as gb:
            submission = gb.find_submission(job.assignment, job.student)
            for nb in submission.notebooks:
                for grade in auto_grades(nb):
                    if grade.auto_score is None:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
                        filled.append(f"{nb.name}: {grade.name} {why}")
            gb.db.commit()
        return filled

    def zero_fill(self, job: Job, reason: str, timestamp: str | None = None) -> None:
        """Record a submission nbgrader could not grade: every automatic cell 0, the reason as comment."""
        with self.session() as gb:
            gb.update_or_create_student(job.student)
            submission = None
            if timestamp:
                try:
                    submission = gb.update_or_create_submission(job.assignment, job.student, timestamp=timestamp)
                except Exception:  # an unreadable timestamp must not lose the row
                    gb.db.rollback()
            if submission is None:
                submission = gb.update_or_create_submission(job.assignment, job.student)
            for nb in submission.notebooks:
                for grade in auto_grades(nb):
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                for comment in nb.comments:
                    comment.auto_comment = f"Not graded automatically: {reason}"
            gb.db.commit()

    def note(self, job: Job, text: str) -> None:
        """Add ``text`` to the automatic comments of every cell of the submission (the instructor sees it)."""
        with self.session() as gb:
            for nb in gb.find_submission(job.assignment, job.student).notebooks:
                for comment in nb.comments:
                    comment.auto_comment = f"{comment.auto_comment}\n{text}" if comment.auto_comment else text
            gb.db.commit()

    def auto_comments(self, assignment: str, student: str) -> list[str]:
        """The automatic comments of a submission's cells (where a failure reason is written)."""
        with self.session() as gb:
            return [
                c.auto_comment
                for nb in gb.find_submission(assignment, student).notebooks
                for c in nb.comments
                if c.auto_comment
            ]

    # -- what the export reads ----------------------------------------------
    def export_csv(self, path: Path) -> None:
        """nbgrader's own CSV export of every grade to ``path``."""
        from nbgrader.plugins.export import CsvExportPlugin

        with self.session() as gb:
            CsvExportPlugin(to=str(path)).export(gb)

    def submission_rows(self, assignments=None) -> list[dict]:
        """One dict per submission: assignment, student, score after penalty, max score,
        penalty, and ``cells``: ``(notebook, grade_id, score, max_score)`` of its automatic cells."""
        rows = []
        with self.session() as gb:
            for assignment in gb.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for submission in assignment.submissions:
                    penalty = float(submission.late_submission_penalty or 0.0)
                    cells = [
                        (nb.name, g.name, float(g.score), float(g.max_score))
                        for nb in submission.notebooks
                        for g in auto_grades(nb)
                    ]
                    rows.append(
                        {
                            "assignment": assignment.name,
                            "student": submission.student.id,
                            "score": max(0.0, submission.score - penalty),
                            "max_score": float(assignment.max_score),
                            "penalty": penalty,
                            "notebooks": len(assignment.notebooks),
                            "cells": cells,
                        }
                    )
        return rows

    def all_cell_scores(self) -> dict[tuple[str, str, str, str], float]:
        """``(assignment, student, notebook, grade_id) -> score`` for every graded cell."""
        out = {}
        with self.session() as gb:
            for assignment in gb.assignments:
                for submission in assignment.submissions:
                    for nb in submission.notebooks:
                        for grade in nb.grades:
                            out[(assignment.name, submission.student.id, nb.name, grade.name)] = grade.score
        return out


class GradingLog:
    """``grading_log.json`` of a course: one :class:`GradingRecord` per submission graded."""

    def __init__(self, root: Path):
        self.path = Path(root) / GRADING_LOG

    def load(self) -> dict[str, GradingRecord]:
        """The records keyed ``assignment/student``; {} when there is no (readable) file."""
        if not self.path.exists():
            return {}
        try:
            entries = json.loads(self.path.read_text())
        except json.JSONDecodeError:
            return {}
        records = [GradingRecord(**e) for e in entries]
        return {r.key: r for r in records}

    def save(self, records: dict[str, GradingRecord]) -> None:
        entries = [r.as_dict() for r in sorted(records.values(), key=lambda r: (r.assignment, r.student))]
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(entries, indent=1) + "\n")
        tmp.replace(self.path)

    @staticmethod
    def record(outcome: Outcome, fingerprint: str) -> GradingRecord:
        """The entry for ``outcome`` of the submission whose files have ``fingerprint``."""
        return GradingRecord(
            outcome.job.assignment,
            outcome.job.student,
            outcome.status,
            outcome.reason,
            fingerprint,
            time.strftime("%Y-%m-%d %H:%M:%S"),
            outcome.seed,
            outcome.sandboxed,
            outcome.worker,
        )
