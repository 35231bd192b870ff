"""The same grading on a real Dask cluster: a scheduler and worker processes on loopback.

The demo class of the first assignment (its full, blank, mistaken, late,
malformed and hostile students) is graded three ways and must get the same
score in every cell:

1. on the embedded cluster into SQLite (``make demo``'s own run);
2. through ``--scheduler`` on two ``dask worker`` processes that cannot see
   the course folder or the source notebooks, into a real PostgreSQL server;
   a third worker, without bubblewrap, refuses to grade and says so; the
   feedback pages are then rendered on the same workers;
3. through ``--scheduler`` into SQLite again, while one worker is killed by
   its pid with tasks in flight: every submission is still recorded once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from servers import dask_processes, postgres_server

from autograder.course import PROJECT_ROOT, Course
from autograder.course.gradebook import GRADING_LOG

pytestmark = pytest.mark.slow

A01 = "01_numpy_basics"


def _fresh_course(graded: Path, dest: Path, db_url: str | None = None) -> Course:
    """The submissions of ``graded`` in a new course folder with an empty gradebook (same due dates)."""
    from autograder.pipeline.demo import _set_due_dates

    dest.mkdir(parents=True)
    for step in ("source", "submitted"):
        shutil.copytree(graded / step, dest / step)
    if db_url:
        (dest / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.db_url = {db_url!r}\n")
    course = Course(dest)
    course.ensure_registered(A01)
    _set_due_dates(course, [A01])
    return course


def _grade(root: Path, scheduler: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", "--course", str(root), "--scheduler", scheduler, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )


def _finish(proc: subprocess.Popen, timeout: float = 900) -> tuple[str, str]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"grade exited {proc.returncode}:\n{out}\n{err[-3000:]}"
    return out, err


def _cells(course: Course) -> dict:
    return {key: score for key, score in course.gradebook.all_cell_scores().items() if key[0] == A01}


def _log(root: Path) -> list[dict]:
    path = root / GRADING_LOG
    return json.loads(path.read_text()) if path.exists() else []


def test_a_scheduler_and_two_workers_grade_the_demo_class_as_the_embedded_cluster_does(
    demo_a01, tmp_path, tmp_path_factory
):
    graded, result, table = demo_a01
    assert result["unexpected"] == 0, table
    embedded = _cells(Course(graded))
    students = {key[1] for key in embedded}
    assert len(students) >= 20

    # the workers see neither the course folders (all under pytest's base folder) nor the sources
    hidden = [tmp_path_factory.getbasetemp(), PROJECT_ROOT / "source", PROJECT_ROOT / "release"]
    workers = ("w1", "w2", "nobwrap")
    with postgres_server() as db_url, dask_processes(workers, hidden=hidden, no_sandbox={"nobwrap"}) as dask:
        # -- into PostgreSQL, with a worker that cannot sandbox --------------------
        pg_course = _fresh_course(graded, tmp_path / "postgres", db_url)
        assert not (tmp_path / "postgres" / "gradebook.db").exists()
        out, err = _finish(_grade(tmp_path / "postgres", dask.address, "--no-progress"))
        assert f"graded {len(students)} submission(s)" in out, out
        assert "refuses to grade" in err and "bubblewrap" in err, f"the worker without bwrap did not refuse:\n{err}"
        for name in ("w1", "w2"):  # each grading worker forked its kernels from its sandboxed template
            assert "one bwrap per kernel" not in dask.log(name), dask.log(name)[-2000:]
        assert _cells(pg_course) == embedded, (
            "PostgreSQL on the Dask workers differs from SQLite on the embedded cluster"
        )
        log = _log(tmp_path / "postgres")
        ran_on = {entry["worker"] for entry in log}
        refusing = dask.addresses["nobwrap"]
        assert refusing not in ran_on, f"the worker without bubblewrap graded: {ran_on}"
        assert ran_on <= {dask.addresses["w1"], dask.addresses["w2"], ""}, ran_on

        # -- the feedback pages rendered on the workers too ---------------------------
        done = subprocess.run(
            [sys.executable, "-m", "autograder", "feedback", "--course", str(tmp_path / "postgres")]
            + ["--scheduler", dask.address, "--no-progress"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        pages = sorted((tmp_path / "postgres" / "feedback").rglob("*.html"))
        assert len(pages) == len(students), done.stdout
        assert all("<math" in p.read_text(encoding="utf-8") for p in pages[:3])

        # -- a worker killed with tasks in flight -----------------------------------
        root = tmp_path / "killed"
        course = _fresh_course(graded, root)
        proc = _grade(root, dask.address, "--no-progress")
        victim = dask.wait_until_busy("w1", timeout=300)
        killed_pid = dask.kill_worker("w1")
        out, err = _finish(proc)
    assert victim, "w1 never ran a task"
    assert any(e["worker"] == dask.addresses["w2"] for e in _log(root)), "w2 took over nothing"
    assert f"graded {len(students)} submission(s)" in out, out
    assert _cells(course) == embedded, f"scores changed when worker pid {killed_pid} was killed mid-run"
    log = _log(root)
    keys = [f"{entry['assignment']}/{entry['student']}" for entry in log]
    assert sorted(keys) == sorted(f"{A01}/{s}" for s in students), "a submission is missing or recorded twice"


def test_an_unreachable_scheduler_is_a_one_line_error_naming_it(tmp_path):
    from pipeline_course import TinyCourse
    from servers import free_port

    t = TinyCourse(tmp_path / "course")
    t.submit("ann", t.full)
    address = f"tcp://127.0.0.1:{free_port()}"
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "--course", str(t.root), "--scheduler", address],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and address in lines[0] and "cannot reach the Dask scheduler" in lines[0], done.stderr
    assert not (t.root / GRADING_LOG).exists(), "nothing may be recorded without a cluster"
