"""A course folder that nbgrader works in, driven through nbgrader's own API.

Everything that grades goes through :class:`nbgrader.apps.NbGraderAPI`
(``generate_assignment``, ``autograde``, ``generate_feedback``); this module
only lays out folders, places notebooks where nbgrader expects them and reads
scores back from nbgrader's gradebook.

Folder layout (nbgrader's defaults)::

    <root>/source/<assignment>/<notebook>.ipynb
    <root>/release/<assignment>/<notebook>.ipynb
    <root>/submitted/<student>/<assignment>/<notebook>.ipynb
    <root>/autograded/<student>/<assignment>/<notebook>.ipynb
    <root>/feedback/<student>/<assignment>/<notebook>.html
    <root>/gradebook.db
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import sys
from pathlib import Path

import nbformat

from autograder.course.config import PROJECT_ROOT, cell_timeout, course_id, db_url, load_config
from autograder.course.gradebook import CourseGradebook
from autograder.course.paths import RELEASE_DIR, SOURCE_DIR, CourseError, CoursePaths, validate_student_id
from autograder.course.records import CellScore

__all__ = [
    "ASSIGNMENTS",
    "PROJECT_ROOT",
    "RELEASE_DIR",
    "SOURCE_DIR",
    "CellScore",
    "Course",
    "CourseError",
    "available_assignments",
    "notebook_path",
    "validate_student_id",
]

ASSIGNMENTS = (
    "01_numpy_basics",
    "02_logistic_regression",
    "03_shallow_network",
    "04_deep_network_step_by_step",
    "05_deep_network_application",
    "06_softmax_regularization_mnist",
)


def available_assignments(source_dir: Path = SOURCE_DIR) -> list[str]:
    """Names of the assignments in ``source_dir`` that hold a notebook, sorted."""
    return sorted(p.name for p in Path(source_dir).iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_path(assignment: str, folder: Path = SOURCE_DIR) -> Path:
    """The single notebook of ``assignment`` under ``folder`` (source or release)."""
    found = sorted((Path(folder) / assignment).glob("*.ipynb"))
    if len(found) != 1:
        raise CourseError(
            f"assignment {assignment!r} must hold exactly one notebook in "
            f"{Path(folder) / assignment}, found {len(found)}"
        )
    return found[0]


def _put_interpreter_tools_on_path() -> None:
    """Make the running interpreter's scripts (``alembic``, ``jupyter``) findable.

    nbgrader's gradebook calls the ``alembic`` command by name; when the
    course runs from a virtual environment that is not activated, its
    ``bin/`` folder is not on PATH and every gradebook access would fail.
    """
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + path


class Course:
    """A course folder at ``root`` and the nbgrader API bound to it.

    Parameters
    ----------
    root : path
        The course folder; created if missing.
    overrides : dict, optional
        Command-line values layered over the course's ``nbgrader_config.py``,
        as ``{"Execute": {"timeout": 30}}`` (:func:`autograder.course.config.load_config`).
    settings_from : path, optional
        Another course folder whose settings this one borrows, keeping its own paths.
    """

    def __init__(self, root: Path, overrides: dict | None = None, *, settings_from: Path | None = None):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        _put_interpreter_tools_on_path()
        self.settings_from = settings_from
        self.config = load_config(self.root, overrides, settings_from=settings_from)
        self.paths = CoursePaths(self.config)
        self.gradebook = CourseGradebook(db_url(self.config), course_id(self.config))

    @property
    def db_url(self) -> str:
        return self.gradebook.db_url

    @property
    def cell_timeout(self) -> int:
        return cell_timeout(self.config)

    def api(self):
        """A fresh :class:`nbgrader.apps.NbGraderAPI` for this course."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        return NbGraderAPI(coursedir=coursedir, config=self.config)

    # -- building ---------------------------------------------------------
    def add_source(self, assignment: str, source_dir: Path = SOURCE_DIR) -> Path:
        """Copy ``source_dir/<assignment>`` into this course's ``source/``."""
        src = Path(source_dir) / assignment
        if not src.is_dir():
            raise CourseError(f"no source assignment {assignment!r} in {source_dir}")
        dest = self.paths.source(assignment)
        if dest.resolve() != src.resolve():
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        return dest

    def generate(self, assignment: str) -> Path:
        """Run nbgrader's ``generate_assignment``; return the release folder.

        Raises
        ------
        CourseError
            With nbgrader's own log when generation fails (for example a
            duplicate grade_id or an unlocked test cell).
        """
        result = self.api().generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise CourseError(
                f"nbgrader generate_assignment {assignment} failed:\n{result.get('error', '')}\n{result.get('log', '')}"
            )
        return self.paths.release(assignment)

    def is_registered(self, assignment: str) -> bool:
        """True when the gradebook knows ``assignment`` and its notebooks."""
        return self.gradebook.is_registered(assignment)

    def ensure_registered(self, assignment: str) -> None:
        """Put ``assignment``'s cells in the gradebook if they are not there yet.

        nbgrader learns an assignment's graded cells from
        ``generate_assignment``. This runs it with the release written to a
        throw-away folder, so a course folder whose ``release/`` is committed
        (the project itself) is left untouched.

        Raises
        ------
        CourseError
            If ``source/<assignment>`` is missing or nbgrader rejects it.
        """
        import tempfile

        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        if not self.paths.source(assignment).is_dir():
            raise CourseError(f"no source for assignment {assignment!r} in {self.paths.step_root('source')}")
        if self.is_registered(assignment):
            return
        with tempfile.TemporaryDirectory(prefix="nndl-register-") as tmp:
            from traitlets.config import Config

            config = Config()
            config.merge(self.config)
            # An absolute release folder: CourseDirectory joins it to the root
            # with os.path.join, which keeps the absolute path.
            config.CourseDirectory.release_directory = str(Path(tmp) / "release")
            api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
            result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise CourseError(
                f"nbgrader could not register {assignment}:\n{result.get('error', '')}\n{result.get('log', '')}"
            )

    # -- submitting and grading ------------------------------------------
    def submit(
        self,
        assignment: str,
        student: str,
        notebook: nbformat.NotebookNode,
        *,
        notebook_name: str,
        timestamp: _dt.datetime | None = None,
    ) -> Path:
        """Place ``notebook`` as ``student``'s submission, as nbgrader collect would."""
        folder = self.paths.submitted(student, assignment)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / notebook_name
        nbformat.write(notebook, str(path))
        stamp = timestamp or _dt.datetime.now(_dt.UTC)
        (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        return path

    def autograde(self, assignment: str, student: str, *, force: bool = True) -> dict:
        """Run nbgrader's ``autograde`` for one student; nbgrader's result dict."""
        validate_student_id(student)
        return self.api().autograde(assignment, student, force=force, create=True)

    def generate_feedback(self, assignment: str, student: str | None = None) -> dict:
        """Run nbgrader's ``generate_feedback``; nbgrader's result dict."""
        return self.api().generate_feedback(assignment, student, force=True)

    def scores(self, assignment: str, student: str) -> dict[str, CellScore]:
        """Every graded cell's score for one submission, keyed by grade_id ({} if none)."""
        return self.gradebook.scores(assignment, student)
