"""One writer at a time on nbgrader's SQLite gradebook, across processes.

nbgrader opens a short-lived :class:`nbgrader.api.Gradebook` for every step
that reads or writes grades (creating the submission, restoring the locked
cells, saving the automatic scores, the late penalty), and closes it before
the kernel runs the next notebook. Several autograding processes on one
SQLite file can therefore collide, and SQLite answers a writer that waited
too long with "database is locked".

:func:`serialise_gradebook_access` makes every ``Gradebook`` in the calling
process hold an exclusive ``flock`` on ``<gradebook>.lock`` from the moment
it is created until it is closed. The lock covers only those short database
sessions, never the notebook execution, so workers still grade in parallel.
The operating system drops the lock of a process that dies, so a killed
worker cannot leave the others waiting.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path

LOCK_WAIT = 600.0  # seconds to wait for the gradebook before giving up


class GradebookLockTimeout(RuntimeError):
    """Another process held the gradebook for longer than ``LOCK_WAIT`` seconds."""


def lock_path_for(db_url: str) -> Path:
    """The lock file next to the SQLite file of ``db_url`` (``sqlite:///path``)."""
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        raise ValueError(f"db_url must be a sqlite:/// URL, got {db_url!r}")
    return Path(db_url[len(prefix):].split("?", 1)[0] + ".lock")


class _ProcessLock:
    """A re-entrant, process-wide hold on one lock file.

    ``flock`` locks belong to an open file, so a second open of the same
    file in this process would wait for the first forever; a depth counter
    lets nested gradebook sessions share the one hold.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._depth = 0
        self._fd: int | None = None
        self._guard = threading.RLock()

    def acquire(self, wait: float = LOCK_WAIT) -> None:
        self._guard.acquire()
        try:
            if self._depth == 0:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                deadline = time.monotonic() + wait
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            os.close(fd)
                            raise GradebookLockTimeout(
                                f"the gradebook lock {self.path} was held by another "
                                f"process for more than {wait:.0f} s"
                            ) from None
                        time.sleep(0.01)
                self._fd = fd
            self._depth += 1
        except BaseException:
            self._guard.release()
            raise

    def release(self) -> None:
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._guard.release()

    def release_all(self) -> None:
        """Drop every hold, e.g. after a job whose gradebook was never closed."""
        while self._depth:
            self.release()


_locks: dict[Path, _ProcessLock] = {}


def process_lock(db_url: str) -> _ProcessLock:
    """The one :class:`_ProcessLock` of this process for the gradebook ``db_url``."""
    path = lock_path_for(db_url).resolve()
    if path not in _locks:
        _locks[path] = _ProcessLock(path)
    return _locks[path]


@contextlib.contextmanager
def gradebook_lock(db_url: str):
    """Hold the gradebook of ``db_url`` for the ``with`` block."""
    lock = process_lock(db_url)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def serialise_gradebook_access() -> None:
    """Make every nbgrader ``Gradebook`` in this process hold its file lock.

    The lock is taken before the database is opened (nbgrader's constructor
    already writes when it creates the course row) and released by
    ``close()``, which nbgrader calls at the end of every session. Calling
    this twice is harmless.
    """
    from nbgrader.api import Gradebook

    if getattr(Gradebook, "_nndl_serialised", False):
        return
    original_init = Gradebook.__init__
    original_close = Gradebook.close

    def locked_init(self, db_url, *args, **kwargs):
        lock = process_lock(db_url) if db_url.startswith("sqlite:///") else None
        if lock is not None:
            lock.acquire()
        self._nndl_lock = lock
        try:
            original_init(self, db_url, *args, **kwargs)
        except BaseException:
            if lock is not None:
                lock.release()
            self._nndl_lock = None
            raise

    def locked_close(self):
        try:
            original_close(self)
        finally:
            lock = getattr(self, "_nndl_lock", None)
            if lock is not None:
                self._nndl_lock = None
                lock.release()

    Gradebook.__init__ = locked_init
    Gradebook.close = locked_close
    Gradebook._nndl_serialised = True


def release_leftover_locks() -> None:
    """Release holds that a failed job left behind (a gradebook never closed)."""
    for lock in _locks.values():
        lock.release_all()
