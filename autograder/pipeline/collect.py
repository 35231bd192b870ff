"""Bring submissions in the shapes instructors really have into nbgrader's ``submitted/`` tree.

Accepted inputs (a folder or a ``.zip`` of one):

``<student_id>.ipynb``
    One notebook per student, named by the student id; the assignment comes
    from ``--assignment``.
``<student_id>/<assignment>/<notebook>.ipynb``
    nbgrader's own layout (also with a leading ``submitted/``).
``<student_id>/<notebook>.ipynb``
    A folder per student, as many LMS exports unpack; the assignment is
    recognised from the notebook's name, or given with ``--assignment``.
``<name>_[late_]<user_id>_<submission_id>_<notebook>.ipynb``
    Canvas's "download submissions" naming. The student id is ``<name>``
    (Canvas writes it lowercase, last name then first name, without spaces);
    ``-1``, ``-2`` ... that Canvas appends to resubmitted files are ignored.

Every notebook lands as ``submitted/<student>/<assignment>/<release notebook
name>.ipynb`` with a ``timestamp.txt`` (the file's modification time, or the
time stored in the zip), which nbgrader uses for late penalties. Every file
that could not be matched to a student and an assignment is reported with
the reason, and nothing is written for it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, CourseError, validate_student_id

_CANVAS = re.compile(
    r"^(?P<name>[A-Za-z][A-Za-z0-9]*)_(?:late_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+\.ipynb)$"
)
_RESUBMISSION_SUFFIX = re.compile(r"-\d+$")
_IGNORED = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}


@dataclass
class CollectReport:
    """What :func:`collect_submissions` did."""

    placed: list[tuple[str, str, Path]] = field(default_factory=list)  # (student, assignment, file)
    unmatched: list[tuple[Path, str]] = field(default_factory=list)  # (file, reason)

    def lines(self) -> list[str]:
        out = [f"collected {len(self.placed)} notebook(s)"]
        if self.unmatched:
            out.append(f"could not match {len(self.unmatched)} file(s):")
            out.extend(f"  {path}: {reason}" for path, reason in self.unmatched)
        return out


def _notebook_names(course: Course) -> dict[str, str]:
    """Notebook stem -> assignment, from the course's ``source/`` folder."""
    names = {}
    source = course.paths.source_root
    if not source.is_dir():
        raise CourseError(f"{course.root} has no source/ folder, so no assignment is known")
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        for nb in folder.glob("*.ipynb"):
            names[nb.stem] = folder.name
    return names


def _stamp(path: Path, when: dt.datetime | None) -> str:
    moment = when or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


class _Collector:
    def __init__(self, course_root: Path, assignment: str | None, times: dict[Path, dt.datetime]):
        self.course = Course(Path(course_root))
        self.by_notebook = _notebook_names(self.course)
        self.assignments = sorted(set(self.by_notebook.values()))
        if assignment is not None and assignment not in self.assignments:
            raise CourseError(
                f"unknown assignment {assignment!r}: the course has {', '.join(self.assignments) or 'none'}"
            )
        self.assignment = assignment
        self.times = times
        self.report = CollectReport()
        self.seen: dict[tuple[str, str], Path] = {}

    def notebook_for(self, assignment: str) -> str:
        return next(stem for stem, a in self.by_notebook.items() if a == assignment) + ".ipynb"

    def assignment_from_name(self, filename: str) -> str | None:
        stem = _RESUBMISSION_SUFFIX.sub("", Path(filename).stem)
        if stem in self.by_notebook:
            return self.by_notebook[stem]
        if stem in self.assignments:
            return stem
        return self.assignment

    def place(self, path: Path, student: str, assignment: str | None, rel: Path) -> None:
        if assignment is None:
            self.report.unmatched.append((rel, "no assignment matches this notebook's name (give --assignment)"))
            return
        if assignment not in self.assignments:
            self.report.unmatched.append((rel, f"unknown assignment {assignment!r}"))
            return
        try:
            validate_student_id(student)
        except CourseError as exc:
            self.report.unmatched.append((rel, str(exc)))
            return
        key = (student, assignment)
        if key in self.seen:
            self.report.unmatched.append((rel, f"a second notebook for {student}/{assignment} (kept {self.seen[key]})"))
            return
        self.seen[key] = rel
        dest = self.course.paths.submitted(student, assignment)
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / self.notebook_for(assignment))
        (dest / "timestamp.txt").write_text(_stamp(path, self.times.get(path)))
        self.report.placed.append((student, assignment, rel))

    def collect(self, folder: Path) -> CollectReport:
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and not any(part in _IGNORED or part.startswith("._") for part in p.parts)
        )
        for path in files:
            rel = path.relative_to(folder)
            parts = rel.parts
            if parts[0] == self.course.paths.submitted_root.name and len(parts) > 1:
                parts = parts[1:]
            if path.name == "timestamp.txt":
                continue
            if path.suffix != ".ipynb":
                self.report.unmatched.append((rel, "not a notebook (.ipynb)"))
                continue
            if len(parts) == 1:
                canvas = _CANVAS.match(parts[0])
                if canvas:
                    self.place(path, canvas["name"], self.assignment_from_name(canvas["file"]), rel)
                elif self.assignment is not None:
                    self.place(path, Path(parts[0]).stem, self.assignment, rel)
                else:
                    self.report.unmatched.append(
                        (rel, "a loose notebook is taken as <student_id>.ipynb only with --assignment")
                    )
            elif len(parts) == 2:
                self.place(path, parts[0], self.assignment_from_name(parts[1]), rel)
            elif len(parts) == 3:
                assignment = parts[1]
                if self.assignment is not None and assignment != self.assignment:
                    continue  # another assignment of an nbgrader tree: not asked for
                self.place(path, parts[0], assignment, rel)
            else:
                self.report.unmatched.append((rel, "nested too deep to tell student and assignment"))
        return self.report


def collect_submissions(source: Path, course_root: Path, assignment: str | None = None) -> CollectReport:
    """Copy the submissions in ``source`` (folder or zip) into ``course_root/submitted/``.

    Raises
    ------
    CourseError
        If ``source`` does not exist, is neither a folder nor a zip, or
        ``assignment`` is not one of the course's.
    """
    source = Path(source)
    if not source.exists():
        raise CourseError(f"{source} does not exist")
    if source.is_dir():
        return _Collector(course_root, assignment, {}).collect(source)
    if not zipfile.is_zipfile(source):
        raise CourseError(f"{source} is neither a folder nor a zip file")
    with tempfile.TemporaryDirectory(prefix="nndl-collect-") as tmp:
        times, escaping = {}, []
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                target = (Path(tmp) / info.filename).resolve()
                if not str(target).startswith(str(Path(tmp).resolve()) + "/"):
                    escaping.append((Path(info.filename), "its path leaves the zip's folder: not extracted"))
                    continue
                if info.is_dir():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                times[target] = dt.datetime(*info.date_time).astimezone(dt.UTC)
        report = _Collector(course_root, assignment, times).collect(Path(tmp).resolve())
        report.unmatched.extend(escaping)
        return report
