"""One writer at a time on nbgrader's SQLite gradebook, across processes.

nbgrader opens a short-lived :class:`nbgrader.api.Gradebook` for every step
that reads or writes grades (creating the submission, restoring the locked
cells, saving the automatic scores, the late penalty), and closes it before
the kernel runs the next notebook. Several autograding processes on one
SQLite file can therefore collide, and SQLite answers a writer that waited
too long with "database is locked".

:func:`serialise_gradebook_access` makes every ``Gradebook`` in the calling
process hold the ``filelock`` lock of ``<gradebook>.lock`` from the moment it
is created until it is closed. The lock covers only those short database
sessions, never the notebook execution, so workers still grade in parallel;
the operating system drops the lock of a process that dies. The lock is
re-entrant within a process, so nested gradebook sessions share one hold.
A gradebook that is not a SQLite file (PostgreSQL) needs no lock.
"""

from __future__ import annotations

from pathlib import Path

import filelock

LOCK_WAIT = 600.0  # seconds to wait for the gradebook before giving up
GradebookLockTimeout = filelock.Timeout

_SQLITE = "sqlite:///"
_locks: dict[Path, filelock.FileLock] = {}


def lock_path_for(db_url: str) -> Path:
    """The lock file next to the SQLite file of ``db_url`` (``sqlite:///path``)."""
    if not db_url.startswith(_SQLITE):
        raise ValueError(f"db_url must be a sqlite:/// URL, got {db_url!r}")
    return Path(db_url[len(_SQLITE) :].split("?", 1)[0] + ".lock")


def process_lock(db_url: str) -> filelock.FileLock | None:
    """The one lock of this process for the gradebook ``db_url``; None when it is not SQLite."""
    if not db_url.startswith(_SQLITE):
        return None
    path = lock_path_for(db_url).resolve()
    if path not in _locks:
        _locks[path] = filelock.FileLock(path, timeout=LOCK_WAIT, thread_local=False)
    return _locks[path]


def serialise_gradebook_access() -> None:
    """Make every nbgrader ``Gradebook`` in this process hold its gradebook's lock.

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
        lock = process_lock(db_url)
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
        lock.release(force=True)
