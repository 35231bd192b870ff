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
import re
import sys
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from traitlets.config import Config

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = PROJECT_ROOT / "source"
RELEASE_DIR = PROJECT_ROOT / "release"

ASSIGNMENTS = (
    "01_numpy_basics",
    "02_logistic_regression",
    "03_shallow_network",
    "04_deep_network_step_by_step",
    "05_deep_network_application",
    "06_softmax_regularization_mnist",
)

# Student ids become folder names: letters, digits, dot, dash and underscore
# only, not starting with a dot (so never "..", never a path separator).
_STUDENT_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")

CELL_TIMEOUT = 180  # seconds a single cell may run during autograde


class CourseError(ValueError):
    """A problem with a course folder, an assignment name or a student id."""


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


def available_assignments(source_dir: Path = SOURCE_DIR) -> list[str]:
    """Names of the assignments in ``source_dir`` that hold a notebook, sorted."""
    return sorted(
        p.name for p in Path(source_dir).iterdir() if p.is_dir() and any(p.glob("*.ipynb"))
    )


def notebook_path(assignment: str, folder: Path = SOURCE_DIR) -> Path:
    """The single notebook of ``assignment`` under ``folder`` (source or release)."""
    found = sorted((Path(folder) / assignment).glob("*.ipynb"))
    if len(found) != 1:
        raise CourseError(
            f"assignment {assignment!r} must hold exactly one notebook in "
            f"{Path(folder) / assignment}, found {len(found)}"
        )
    return found[0]


@dataclass(frozen=True)
class CellScore:
    """One graded cell of one submission, as stored in nbgrader's gradebook."""

    grade_id: str
    score: float
    max_score: float


def nbgrader_config(root: Path, *, cell_timeout: int = CELL_TIMEOUT) -> Config:
    """The traitlets configuration nbgrader needs for a course at ``root``."""
    root = Path(root).resolve()
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = "nndl"
    c.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    c.Exchange.root = str(root / ".exchange")
    c.ClearHiddenTests.enforce_metadata = True
    c.Execute.timeout = cell_timeout
    c.Execute.interrupt_on_timeout = True
    c.Execute.kernel_name = "python3"
    return c


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
    cell_timeout : int
        Seconds a single cell may run during autograde before it is
        interrupted and scored 0.
    """

    def __init__(self, root: Path, *, cell_timeout: int = CELL_TIMEOUT):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        _put_interpreter_tools_on_path()
        self.config = nbgrader_config(self.root, cell_timeout=cell_timeout)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

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
        dest = self.root / "source" / assignment
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
                f"nbgrader generate_assignment {assignment} failed:\n"
                f"{result.get('error', '')}\n{result.get('log', '')}"
            )
        return self.root / "release" / assignment

    def is_registered(self, assignment: str) -> bool:
        """True when the gradebook knows ``assignment`` and its notebooks."""
        from nbgrader.api import Gradebook, MissingEntry

        if not (self.root / "gradebook.db").exists():
            return False
        with Gradebook(self.db_url, "nndl") as gb:
            try:
                return len(gb.find_assignment(assignment).notebooks) > 0
            except MissingEntry:
                return False

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

        if not (self.root / "source" / assignment).is_dir():
            raise CourseError(f"no source for assignment {assignment!r} in {self.root / 'source'}")
        if self.is_registered(assignment):
            return
        with tempfile.TemporaryDirectory(prefix="nndl-register-") as tmp:
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
        validate_student_id(student)
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / notebook_name
        nbformat.write(notebook, str(path))
        stamp = timestamp or _dt.datetime.now(_dt.timezone.utc)
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
        """Every graded cell's score for one submission, keyed by grade_id.

        Returns an empty dict when the gradebook has no such submission.
        """
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.db_url) as gb:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                return {}
            out = {}
            for nb in submission.notebooks:
                for grade in nb.grades:
                    out[grade.name] = CellScore(grade.name, float(grade.score), float(grade.max_score))
            return out
