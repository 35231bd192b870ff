"""Every path of a course folder, through nbgrader's ``CourseDirectory.format_path``.

nbgrader lays a course out as ``<root>/<step>/<student>/<assignment>/`` for
the steps ``submitted``, ``autograded`` and ``feedback``, and
``<root>/<step>/<assignment>/`` for ``source`` and ``release`` (its
``directory_structure`` with the student ``.``). The step folders' names are
nbgrader's traits (``submitted_directory`` and so on), so a course that
renames one in its ``nbgrader_config.py`` is followed here. Nothing else in
the course builds these paths.
"""

from __future__ import annotations

import re
from pathlib import Path

from traitlets.config import Config

from autograder.course.config import PROJECT_ROOT, CourseError

SOURCE_DIR = PROJECT_ROOT / "source"
RELEASE_DIR = PROJECT_ROOT / "release"

STEPS = ("source", "release", "submitted", "autograded", "feedback")

# Student ids become folder names: letters, digits, dot, dash and underscore
# only, not starting with a dot (so never "..", never a path separator).
_STUDENT_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")


def validate_student_id(student_id: str) -> str:
    """Return ``student_id`` unchanged if it is safe to use as a folder name.

    Raises
    ------
    CourseError
        If the id is empty, contains a path separator, starts with a dot
        (which rules out ``..``), or has characters other than letters,
        digits, ``_``, ``-`` and ``.``.
    """
    if not isinstance(student_id, str) or not _STUDENT_ID.match(student_id):
        raise CourseError(
            f"student id {student_id!r} is not allowed: use 1-64 letters, digits, "
            "'_', '-' or '.', not starting with '.', and no path separators"
        )
    return student_id


class CoursePaths:
    """The folders of one course, as nbgrader's ``CourseDirectory`` names them.

    Parameters
    ----------
    config : traitlets Config
        The course's configuration (:func:`autograder.course.config.load_config`).
    """

    def __init__(self, config: Config):
        from nbgrader.coursedir import CourseDirectory

        self._coursedir = CourseDirectory(config=config)
        self.root = Path(self._coursedir.root).resolve()

    def step_root(self, step: str) -> Path:
        """``<root>/<step folder>``, e.g. the whole ``submitted/`` tree."""
        return Path(self._coursedir.format_path(self._step_name(step), ".", ".")).resolve()

    def assignment_dir(self, step: str, assignment: str, student: str = ".") -> Path:
        """The folder of one assignment: a student's for the per-student steps."""
        if step in ("submitted", "autograded", "feedback"):
            validate_student_id(student)
        return Path(self._coursedir.format_path(self._step_name(step), student, assignment))

    def submitted(self, student: str, assignment: str) -> Path:
        return self.assignment_dir("submitted", assignment, student)

    def autograded(self, student: str, assignment: str) -> Path:
        return self.assignment_dir("autograded", assignment, student)

    def feedback(self, student: str, assignment: str) -> Path:
        return self.assignment_dir("feedback", assignment, student)

    def source(self, assignment: str) -> Path:
        return self.assignment_dir("source", assignment)

    def release(self, assignment: str) -> Path:
        return self.assignment_dir("release", assignment)

    source_root = property(lambda self: self.step_root("source"), doc="``<root>/source``")
    release_root = property(lambda self: self.step_root("release"), doc="``<root>/release``")
    submitted_root = property(lambda self: self.step_root("submitted"), doc="``<root>/submitted``")
    autograded_root = property(lambda self: self.step_root("autograded"), doc="``<root>/autograded``")
    feedback_root = property(lambda self: self.step_root("feedback"), doc="``<root>/feedback``")

    def students(self, graded: bool = False) -> list[str]:
        """The student folders of ``submitted/`` (``autograded/`` with ``graded``), sorted.

        Raises
        ------
        CourseError
            For a folder whose name is not a safe student id.
        """
        top = self.autograded_root if graded else self.submitted_root
        if not top.is_dir():
            return []
        return [validate_student_id(p.name) for p in sorted(top.iterdir()) if p.is_dir()]

    def assignments(self, graded: bool = False) -> list[str]:
        """The assignments any student has a folder for in ``submitted/`` (``autograded/``), sorted."""
        top = self.autograded_root if graded else self.submitted_root
        return sorted({p.name for s in self.students(graded) for p in (top / s).iterdir() if p.is_dir()})

    def source_notebooks(self, assignment: str) -> list[Path]:
        """The notebooks of ``source/<assignment>/``, sorted."""
        return sorted(self.source(assignment).glob("*.ipynb"))

    def _step_name(self, step: str) -> str:
        if step not in STEPS:
            raise ValueError(f"step must be one of {', '.join(STEPS)}, got {step!r}")
        return getattr(self._coursedir, f"{step}_directory")
