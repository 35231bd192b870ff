"""The one home of the course's settings: its ``nbgrader_config.py``, then the command line.

nbgrader's own apps read ``nbgrader_config.py`` through traitlets; this module
does the same for the course command line, so a value an instructor writes
there (``c.Execute.timeout``, ``c.CourseDirectory.db_url``, ...) reaches
``grade``, ``check`` and ``feedback`` exactly as it reaches ``nbgrader``
itself. Settings nbgrader has no trait for (the time one whole submission may
take, the number of BLAS threads of a grading kernel) are the traits of
:class:`CourseGrading`, set in the same file as ``c.CourseGrading.<name>``.

Which files: the project's ``nbgrader_config.py`` holds the course's
settings; a course folder's own ``nbgrader_config.py`` (when it has one) is
read on top and may change any of them. Where a course lives is never taken
from another folder's file: a course folder without a file of its own keeps
its root, its gradebook (nbgrader's default, ``<course>/gradebook.db``) and
its exchange (``<course>/.exchange``).

A command-line option is one more config value layered on top
(:func:`load_config`'s ``overrides``), as in nbgrader's apps.
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets import Bool, Int, Unicode
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = "nbgrader_config.py"
COURSE_ROOT_ENV = "NNDL_COURSE_ROOT"

# Variables that size the thread pools of NumPy's BLAS in a process and its children.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class CourseError(ValueError):
    """A problem with a course folder, its settings, an assignment name or a student id."""


class CourseGrading(Configurable):
    """The course's grading settings that nbgrader itself has no trait for."""

    notebook_timeout = Int(600, help="seconds one whole submission may take (also the kernel's CPU-time limit)").tag(
        config=True
    )
    sandbox_memory_bytes = Int(4 * 2**30, help="address space a sandboxed kernel may map").tag(config=True)
    sandbox_processes = Int(256, help="processes a sandboxed kernel may run at once").tag(config=True)
    sandbox_file_bytes = Int(100 * 2**20, help="largest file a sandboxed kernel may write").tag(config=True)
    scheduler = Unicode(
        "", help="address of a Dask scheduler to grade on (tcp://host:8786); empty for one on this machine"
    ).tag(config=True)
    fork_kernels = Bool(
        True,
        help="fork each worker's sandboxed kernels from a sandboxed template that has imported the notebooks' "
        "modules once (autograder.engine.zygote); False starts one bwrap and Python per kernel",
    ).tag(config=True)
    blas_threads = Int(1, help="BLAS threads per grading process: several kernels share the cores, so one each").tag(
        config=True
    )


# Traits that say where a course lives: never borrowed from another folder's file.
_PLACES = (("CourseDirectory", "root"), ("CourseDirectory", "db_url"), ("Exchange", "root"))


def _read(path: Path) -> Config:
    try:
        return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    except Exception as exc:  # a syntax error or a failing line in the instructor's file
        raise CourseError(f"cannot read {path}: {type(exc).__name__}: {exc}") from exc


def _without_places(config: Config) -> Config:
    for section, trait in _PLACES:
        if trait in config.get(section, {}):
            del config[section][trait]
    return config


def default_course_root() -> Path:
    """``$NNDL_COURSE_ROOT``, else the project root."""
    return Path(os.environ.get(COURSE_ROOT_ENV, PROJECT_ROOT)).resolve()


def config_file_for(root: Path) -> Path:
    """The ``nbgrader_config.py`` that governs the course at ``root``."""
    own = Path(root) / CONFIG_FILE
    return own if own.is_file() else PROJECT_ROOT / CONFIG_FILE


def load_config(
    root: Path | None = None, overrides: dict | None = None, *, settings_from: Path | None = None
) -> Config:
    """The traitlets configuration of the course at ``root``.

    Parameters
    ----------
    root : path, optional
        The course folder; :func:`default_course_root` when omitted.
    overrides : dict, optional
        ``{"Section": {"trait": value}}`` from the command line, applied
        last. ``None`` values are ignored, so an option left unset keeps the
        file's value.
    settings_from : path, optional
        Take the settings of the course folder ``settings_from`` instead
        (its file, or the project's), keeping ``root``'s own paths: how a
        throw-away course (``check``) grades with an instructor's settings
        without touching their gradebook.

    Raises
    ------
    CourseError
        If a config file cannot be executed; the message names the file.
    """
    root = Path(root).resolve() if root is not None else default_course_root()
    own = config_file_for(Path(settings_from).resolve() if settings_from is not None else root)
    project = PROJECT_ROOT / CONFIG_FILE
    config = Config()
    if project.is_file():
        config.merge(_without_places(_read(project)))
    if own.resolve() != project.resolve():
        config.merge(_read(own) if settings_from is None else _without_places(_read(own)))
    elif root == PROJECT_ROOT and settings_from is None:
        config.merge(_read(project))
    config.CourseDirectory.root = str(root)
    if "root" not in config.Exchange:
        config.Exchange.root = str(root / ".exchange")
    for section, traits in (overrides or {}).items():
        for trait, value in traits.items():
            if value is not None:
                config[section][trait] = value
    return config


def grading_settings(config: Config) -> CourseGrading:
    """The :class:`CourseGrading` values of ``config``."""
    return CourseGrading(config=config)


def cell_timeout(config: Config) -> int:
    """Seconds one cell may run (nbgrader's ``Execute.timeout``)."""
    return int(config.Execute.timeout)


def course_id(config: Config) -> str:
    return str(config.CourseDirectory.course_id)


def db_url(config: Config) -> str:
    """The gradebook's URL: the configured one, else nbgrader's default under the root."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config).db_url


def blas_environment(config: Config | None = None) -> dict[str, str]:
    """The BLAS thread variables a grading process and its kernels run with."""
    threads = grading_settings(config).blas_threads if config is not None else CourseGrading().blas_threads
    return {var: str(threads) for var in BLAS_THREAD_VARIABLES}
