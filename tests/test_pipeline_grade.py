"""Parallel grading gives nbgrader's own scores, skips graded work and loses no submission."""

from __future__ import annotations

import copy
import json
import os
import time

import pytest
from pipeline_course import NOTEBOOK, TinyCourse

from autograder.course import Course
from autograder.course.gradebook import GRADING_LOG
from autograder.pipeline.grade import grade_submissions

pytestmark = pytest.mark.slow

CLASS_SIZE = 12


def _variant(t: TinyCourse, i: int):
    kind = i % 4
    if kind == 0:
        return t.full
    if kind == 1:
        return t.release
    if kind == 2:
        return t.variant(cube="return x * 3")
    return t.variant(square="return x + x")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A tiny class of 12 submissions, and its scores from serial nbgrader (stock autograde, one at a time)."""
    base = tmp_path_factory.mktemp("class")
    t = TinyCourse(base / "pristine")
    students = [f"s{i:02d}" for i in range(CLASS_SIZE)]
    for i, student in enumerate(students):
        t.submit(student, _variant(t, i))
    serial_root = t.copy_to(base / "serial")
    serial = Course(serial_root)
    expected = {}
    for student in students:
        result = serial.autograde("tiny", student)
        assert result["success"], result.get("log")
        expected[student] = {k: (v.score, v.max_score) for k, v in serial.scores("tiny", student).items()}
    return t, students, expected


def _scores(root, students):
    course = Course(root)
    return {s: {k: (v.score, v.max_score) for k, v in course.scores("tiny", s).items()} for s in students}


def test_two_workers_give_the_scores_of_serial_nbgrader(graded_class, tmp_path):
    t, students, expected = graded_class
    root = t.copy_to(tmp_path / "two")

    run = grade_submissions(root, ["tiny"], workers=2, progress=False)

    assert run.workers == 2
    assert sorted(o.job.student for o in run.outcomes) == students
    assert not run.failed and not run.partial, [(o.job.key, o.reason) for o in run.failed + run.partial]
    assert _scores(root, students) == expected
    assert {s: sum(v[0] for v in e.values()) for s, e in expected.items()}["s00"] == 5.0, "the full solution scores 5"

    # a second run finds everything graded and starts no worker
    again = grade_submissions(root, ["tiny"], workers=2, progress=False)
    assert again.outcomes == [] and sorted(j.student for j in again.skipped) == students

    # a resubmission is regraded, alone
    time.sleep(0.01)
    Course(root).submit("tiny", "s01", t.full, notebook_name=NOTEBOOK)
    third = grade_submissions(root, ["tiny"], workers=2, progress=False)
    assert [o.job.student for o in third.outcomes] == ["s01"], [o.job.key for o in third.outcomes]
    assert _scores(root, ["s01"])["s01"] == {"square_test": (2.0, 2.0), "cube_test": (3.0, 3.0)}

    forced = grade_submissions(root, ["tiny"], students=["s02"], workers=2, force=True, progress=False)
    assert [o.job.student for o in forced.outcomes] == ["s02"] and forced.skipped == []


def test_many_workers_share_the_gradebook_without_losing_a_row(graded_class, tmp_path):
    t, students, expected = graded_class
    root = t.copy_to(tmp_path / "many")

    run = grade_submissions(root, ["tiny"], workers=5, progress=False)

    assert run.workers == 5
    problems = [(o.job.key, o.status, o.reason) for o in run.outcomes if o.status != "graded"]
    assert not problems, f"concurrent workers broke some gradings: {problems}"
    assert _scores(root, students) == expected, "scores with 5 workers differ from serial nbgrader"
    assert all(e["status"] == "graded" for e in json.loads((root / GRADING_LOG).read_text()))


def _with_cell_before(nb, grade_id, source):
    import nbformat

    out = copy.deepcopy(nb)
    index = next(
        i for i, c in enumerate(out.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id
    )
    out.cells.insert(index, nbformat.v4.new_code_cell(source))
    return out


def test_killed_kernels_timeouts_and_broken_files_get_rows_and_reasons(tmp_path):
    t = TinyCourse(tmp_path / "nasty", cell_timeout=3)
    t.submit("good", t.full)
    t.submit("killer", _with_cell_before(t.full, "cube_test", "import os\nos.kill(os.getpid(), 9)"))
    t.submit("slowcell", t.variant(cube="import time\n    time.sleep(60)\n    return x ** 3"))
    many_sleeps = t.full
    for _ in range(5):
        many_sleeps = _with_cell_before(many_sleeps, "square", "import time\ntime.sleep(2)")
    t.submit("slownotebook", many_sleeps)
    t.submit_raw("notjson", "this is not a notebook")

    run = grade_submissions(t.root, ["tiny"], workers=2, cell_timeout=3, notebook_timeout=7, progress=False)

    by = {o.job.student: o for o in run.outcomes}
    assert sorted(by) == ["good", "killer", "notjson", "slowcell", "slownotebook"]
    assert by["good"].status == "graded" and by["good"].scores == {"square_test": (2.0, 2.0), "cube_test": (3.0, 3.0)}
    # the kernel died in a cell of its own before cube_test: a fresh kernel ran the earlier cells
    # again, so only that cell's work was lost and both tests keep their points
    assert by["killer"].status == "partial" and "kernel died" in by["killer"].reason
    assert by["killer"].scores == {"square_test": (2.0, 2.0), "cube_test": (3.0, 3.0)}
    assert by["slowcell"].status == "partial" and "3 s cell limit" in by["slowcell"].reason
    assert by["slowcell"].scores == {"square_test": (2.0, 2.0), "cube_test": (0.0, 3.0)}
    # past the notebook's limit the cells not yet run score 0 (here both tests), the batch goes on
    assert by["slownotebook"].status == "partial" and "7 s limit" in by["slownotebook"].reason
    assert by["notjson"].status == "failed" and "not valid JSON" in by["notjson"].reason
    for student in ("slownotebook", "notjson"):
        assert by[student].scores == {"square_test": (0.0, 2.0), "cube_test": (0.0, 3.0)}, student

    # every submission has its rows in the gradebook, and every problem its reason on disk
    course = Course(t.root)
    for student in by:
        assert set(course.scores("tiny", student)) == {"square_test", "cube_test"}, student
    log = json.loads((t.root / GRADING_LOG).read_text())
    # every notebook that ran has the seed of its hidden draws on record, and ran in the sandbox
    assert all(isinstance(e["seed"], int) for e in log if e["status"] != "failed"), log
    assert all(e["sandboxed"] for e in log)
    report = {e["student"]: e for e in log if e["status"] != "graded"}
    assert sorted(report) == ["killer", "notjson", "slowcell", "slownotebook"]
    assert report["notjson"]["status"] == "failed"
    assert all(e["reason"] for e in report.values())

    # the failed submission's reason is also in its gradebook comments
    comments = course.gradebook.auto_comments("tiny", "notjson")
    assert comments and all("not valid JSON" in c for c in comments), comments

    # no kernel or worker is left behind
    import psutil

    def grading_process(p):
        # multiprocessing's resource tracker and the feedback's maths converter (one node process for
        # this whole test process) outlive a run by design; kernels and workers must not
        command = " ".join(p.cmdline())
        lasting = "resource_tracker" in command or "tex_to_mathml" in command
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE and not lasting

    leftovers = [p for p in psutil.Process(os.getpid()).children(recursive=True) if grading_process(p)]
    assert not leftovers, f"processes left running: {[p.cmdline()[:3] for p in leftovers]}"


@pytest.mark.slow
def test_grading_refuses_without_a_sandbox_unless_told_and_records_it(tmp_path, monkeypatch):
    from autograder.course import CourseError
    from autograder.engine import sandbox
    from autograder.pipeline.record import UNSANDBOXED_NOTE

    t = TinyCourse(tmp_path / "nosandbox")
    t.submit("ann", t.full)
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "bwrap cannot create its namespaces here (test)")
    with pytest.raises(CourseError) as refused:
        grade_submissions(t.root, ["tiny"], workers=1, progress=False)
    message = str(refused.value)
    assert "cannot create its namespaces" in message and "--no-sandbox" in message and "gradebook" in message

    run = grade_submissions(t.root, ["tiny"], workers=1, progress=False, sandboxed=False)
    [outcome] = run.outcomes
    assert outcome.status == "graded" and not outcome.sandboxed, outcome
    assert outcome.scores == {"square_test": (2.0, 2.0), "cube_test": (3.0, 3.0)}
    assert all(UNSANDBOXED_NOTE in c for c in Course(t.root).gradebook.auto_comments("tiny", "ann"))
    [entry] = json.loads((t.root / GRADING_LOG).read_text())
    assert entry["sandboxed"] is False


def test_ctrl_c_keeps_every_finished_submission_and_a_rerun_grades_only_the_rest(graded_class, tmp_path):
    import signal
    import subprocess
    import sys

    t, students, expected = graded_class
    root = t.copy_to(tmp_path / "interrupted")
    # a terminal's Ctrl-C reaches the whole foreground process group: grade and its local workers
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", "--course", str(root), "-j", "1", "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        log = root / GRADING_LOG
        if log.exists() and len(json.loads(log.read_text() or "[]")) >= 2:
            break
        time.sleep(0.2)
    assert proc.poll() is None, f"grade finished before it could be interrupted:\n{proc.communicate()}"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, out, err[-2000:])
    assert "every submission finished so far is recorded" in err, err[-2000:]

    recorded = {e["student"] for e in json.loads((root / GRADING_LOG).read_text())}
    assert 2 <= len(recorded) < len(students), recorded
    now = _scores(root, sorted(recorded))
    for student in recorded:  # each recorded submission has its full score rows
        assert now[student] == expected[student], student

    rerun = grade_submissions(root, ["tiny"], workers=2, progress=False)
    regraded = {o.job.student for o in rerun.outcomes}
    assert recorded.isdisjoint(regraded) and recorded | regraded == set(students), (recorded, regraded)
    assert _scores(root, students) == expected
