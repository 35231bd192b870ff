"""Hostile and malformed submissions, graded as ``python -m autograder grade`` grades them.

One class of assignment 1 (14 points) holds an honest full solution (the
victim, whose files and grades must come through untouched), the blank
release, and one submission per attack and per malformed file. Every attack
is added to honest code whose score is known (the blank notebook: 0, the full
solution: 14, or a typical mistake), and must earn no point beyond it; every
malformed file must end with its rows and a reason. The table (case,
expected, got) is printed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import socket
import threading
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.assignments.hostile import ATTACKS, attack_notebook
from autograder.assignments.submissions import apply_mistake, full_solution, mistakes_for
from autograder.course import PROJECT_ROOT, Course, notebook_path
from autograder.course.records import FAILED
from autograder.pipeline.export import format_table
from autograder.pipeline.grade import grade_submissions

pytestmark = pytest.mark.slow

ASSIGNMENT = "01_numpy_basics"
FULL = 14.0
CELL_TIMEOUT = 8


def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def with_cell(nb, source: str, *, before: str | None = None, at_end: bool = False):
    """A copy of ``nb`` with a new code cell before the cell ``before`` (or at the top / the end)."""
    out = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    if at_end:
        out.cells.append(cell)
    elif before is None:
        out.cells.insert(2, cell)
    else:
        out.cells.insert(next(i for i, c in enumerate(out.cells) if _gid(c) == before), cell)
    return out


def with_solution(nb, grade_id: str, source: str):
    out = copy.deepcopy(nb)
    next(c for c in out.cells if _gid(c) == grade_id).source = source
    return out


class _Listener:
    """A TCP server on the host's loopback that records whoever connects."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        self.sock.close()


def _attacks(full, blank, root: Path, port: int) -> dict:
    """name -> (notebook, the honest score it must not exceed)."""
    out = {
        attack.name: (
            attack_notebook(attack, blank, full, course=root, project=PROJECT_ROOT, port=port),
            FULL if attack.base == "full" else 0.0,
        )
        for attack in ATTACKS
    }
    hard = next(m for m in mistakes_for(ASSIGNMENT) if m.visible_passes)
    sigmoid_only = with_solution(blank, "sigmoid", "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))")
    out.update(
        {
            "objects whose __eq__ and __array__ lie, an ndarray subclass": (
                with_solution(
                    with_solution(
                        blank,
                        "sigmoid",
                        (
                            "class Liar:\n    def __eq__(self, other):\n        return True\n"
                            "    def __array__(self, *args, **kwargs):\n        return np.array([0.1192029, 0.5, 0.7310586, 0.9525741])\n"
                            "    shape = (4,)\n"
                            "def sigmoid(x):\n    return Liar()"
                        ),
                    ),
                    "basic_sigmoid",
                    (
                        "class Sub(np.ndarray):\n    def __eq__(self, other):\n        return np.ones(np.shape(other), dtype=bool)\n"
                        "def basic_sigmoid(x):\n    return np.asarray(1 / (1 + math.exp(-x))).view(Sub)"
                    ),
                ),
                0.0,
            ),
            "peek at the caller's frames for the expected value": (
                with_solution(
                    blank,
                    "sigmoid",
                    (
                        "import sys\ndef sigmoid(x):\n    frame = sys._getframe(1)\n    while frame is not None:\n"
                        "        for value in frame.f_locals.values():\n"
                        "            if isinstance(value, np.ndarray) and value.shape == np.shape(x) and value is not x:\n"
                        "                return value\n        frame = frame.f_back\n    return x"
                    ),
                ),
                0.0,
            ),
            "edit the test cells' source and metadata, add a 50-point cell": (_edited_tests(blank), 0.0),
            "hard-coded visible answers": (apply_mistake(full, hard), 0.0),
            # the honest part is a correct sigmoid (1 point); basic_sigmoid only answers when it sees the grader
            "detect the grading run and answer differently": (
                with_solution(
                    sigmoid_only,
                    "basic_sigmoid",
                    (
                        "import os, sys\ndef basic_sigmoid(x):\n"
                        "    if os.environ.get('NBGRADER_EXECUTION') or 'nndl.wire' in sys.modules:\n"
                        "        return 0.8807970779778823\n    raise NotImplementedError"
                    ),
                ),
                1.0,
            ),
            "os._exit part-way": (with_cell(full, "import os\nos._exit(3)", before="sigmoid_test"), FULL),
        }
    )
    return out


def _edited_tests(blank):
    nb = copy.deepcopy(blank)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell.source = "pass"
            meta["points"] = 100
            meta["locked"] = False
    extra = nbformat.v4.new_code_cell("print('free points')")
    extra.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": False,
        "points": 50,
        "grade_id": "bonus_test",
        "schema_version": 3,
    }
    nb.cells.append(extra)
    copied = next(c for c in nb.cells if _gid(c) == "sigmoid_test")
    nb.cells.append(_copy_cell(copied))
    return nb


def _copy_cell(cell):
    out = copy.deepcopy(cell)
    out["id"] = uuid.uuid4().hex[:8]
    return out


def _malformed(full, blank, other) -> dict:
    """name -> (file bytes, the score it must get, or None when only rows and a reason are required)."""
    text = nbformat.writes(full)
    duplicated = copy.deepcopy(full)
    test = next(c for c in duplicated.cells if _gid(c) == "sigmoid_test")
    duplicated.cells.insert(duplicated.cells.index(test) + 1, _copy_cell(test))
    claimed = with_cell(full, "print('bonus')", at_end=True)
    claimed.cells[-1].metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "points": 50,
        "grade_id": "bonus_test",
        "schema_version": 3,
    }
    no_solutions = copy.deepcopy(full)
    no_solutions.cells = [c for c in no_solutions.cells if _gid(c) not in ("L1", "L2")]
    v3 = nbformat.writes(nbformat.convert(copy.deepcopy(full), 3), version=3)

    def b(nb):
        return nbformat.writes(nb).encode()

    return {
        "empty file": (b"", 0.0),
        "bytes that are not JSON": (bytes(range(256)) * 4, 0.0),
        "truncated JSON": (text[: len(text) // 2].encode(), 0.0),
        "JSON that is not a notebook": (json.dumps({"cells": 3, "answer": 42}).encode(), 0.0),
        "an nbformat 3 notebook": (v3.encode(), None),
        # assignment 2 has a sigmoid exercise too, under the same grade_id: that one answer counts
        "another assignment's notebook": (b(other), 1.0),
        "missing solution cells": (b(no_solutions), FULL - 2),
        "a syntax error in one cell": (
            b(with_solution(full, "L1", "def L1(yhat, y):\n    return np.sum(np.abs(yhat - y)")),
            FULL - 1,
        ),
        "an infinite loop": (b(with_solution(full, "L2", "def L2(yhat, y):\n    while True:\n        pass")), FULL - 1),
        "a loop ignoring SIGINT": (
            b(
                with_cell(
                    full,
                    ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
                    before="L2_test",
                )
            ),
            FULL,
        ),
        "a 30 GB allocation": (
            b(with_cell(full, "import numpy as np\nhuge = np.ones(30 * 10**9 // 8)", before="sigmoid_test")),
            FULL,
        ),
        "100 MB of printed output": (
            b(with_cell(full, "for _ in range(100):\n    print('x' * 1_000_000)", before="sigmoid_test")),
            FULL,
        ),
        "a cell sleeping past the timeout": (
            b(with_cell(full, f"import time\ntime.sleep({10 * CELL_TIMEOUT})", before="sigmoid_test")),
            FULL,
        ),
        "a duplicated test cell": (b(duplicated), FULL),
        "an added cell claiming 50 points": (b(claimed), FULL),
        "the blank release": (b(blank), 0.0),
    }


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "course"
    course = Course(root)
    course.add_source(ASSIGNMENT)
    release_dir = course.generate(ASSIGNMENT)
    release_path = notebook_path(ASSIGNMENT, release_dir.parent)
    blank = nbformat.read(str(release_path), as_version=4)
    full = full_solution(blank, nbformat.read(str(notebook_path(ASSIGNMENT)), as_version=4))
    other = full_solution(
        nbformat.read(str(notebook_path("02_logistic_regression", PROJECT_ROOT / "release")), as_version=4),
        nbformat.read(str(notebook_path("02_logistic_regression")), as_version=4),
    )
    listener = _Listener()
    cases = {}
    try:
        course.submit(ASSIGNMENT, "victim", full, notebook_name=release_path.name)
        victim_file = course.paths.submitted("victim", ASSIGNMENT) / release_path.name
        victim_digest = hashlib.sha256(victim_file.read_bytes()).hexdigest()
        for i, (name, (nb, honest)) in enumerate(_attacks(full, blank, root, listener.port).items()):
            student = f"attack{i:02d}"
            course.submit(ASSIGNMENT, student, nb, notebook_name=release_path.name)
            cases[student] = ("attack", name, honest)
        for i, (name, (data, expected)) in enumerate(_malformed(full, blank, other).items()):
            student = f"malformed{i:02d}"
            folder = course.paths.submitted(student, ASSIGNMENT)
            folder.mkdir(parents=True)
            (folder / release_path.name).write_bytes(data)
            (folder / "timestamp.txt").write_text("2030-01-01 12:00:00.000000 UTC")
            cases[student] = ("malformed", name, expected)
        folder = course.paths.submitted("oddname", ASSIGNMENT)
        folder.mkdir(parents=True)
        (folder / "numpy basics – copie ü.ipynb").write_text(nbformat.writes(full), encoding="utf-8")
        cases["oddname"] = ("malformed", "a file name with spaces and non-ASCII characters", 0.0)

        run = grade_submissions(
            root, [ASSIGNMENT], workers=2, cell_timeout=CELL_TIMEOUT, notebook_timeout=240, progress=False
        )
    finally:
        listener.close()
    return {
        "course": course,
        "run": run,
        "cases": cases,
        "listener": listener,
        "victim_file": victim_file,
        "victim_digest": victim_digest,
    }


def test_no_attack_or_malformed_file_earns_more_than_its_honest_code(graded_class, capsys):
    run, cases = graded_class["run"], graded_class["cases"]
    by_student = {o.job.student: o for o in run.outcomes}
    rows = [("kind", "case", "expected", "got", "status / reason")]
    problems = []
    for student, (kind, name, expected) in sorted(cases.items()):
        outcome = by_student.get(student)
        if outcome is None:
            problems.append(f"{name}: no outcome at all")
            continue
        got = sum(score for score, _ in outcome.scores.values())
        if len(outcome.scores) != 10:
            problems.append(f"{name}: {len(outcome.scores)} gradebook rows instead of one per graded cell (10)")
        if expected is None:
            ok = outcome.status == FAILED and outcome.reason or got <= FULL
        else:
            ok = got == expected
        if outcome.status != "graded" and not outcome.reason:
            problems.append(f"{name}: status {outcome.status} without a reason")
        if not ok:
            problems.append(f"{name}: expected {expected}, got {got} ({outcome.status}: {outcome.reason})")
        rows.append(
            (
                kind,
                name,
                "rows" if expected is None else f"{expected:g}",
                f"{got:g}",
                f"{outcome.status} {outcome.reason}"[:70],
            )
        )
    with capsys.disabled():
        print("\n" + format_table(rows, right={2, 3}))
    assert not problems, "\n".join(problems)


def test_the_victim_is_untouched_and_nothing_reached_the_host(graded_class):
    course = graded_class["course"]
    scores = course.scores(ASSIGNMENT, "victim")
    assert sum(s.score for s in scores.values()) == FULL, scores
    assert hashlib.sha256(graded_class["victim_file"].read_bytes()).hexdigest() == graded_class["victim_digest"]
    assert graded_class["listener"].connections == 0, "a sandboxed kernel connected to the host's loopback"
    marker = f"nndl-background-{graded_class['listener'].port}"
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]
    assert not leftovers, f"processes started by a submission outlived grading: {leftovers}"
    import nndl.expect

    assert "lambda *a, **k: None" not in Path(nndl.expect.__file__).read_text()
    assert not any(o.status == FAILED and "grader itself" in o.reason for o in graded_class["run"].outcomes)


FORBIDDEN_IN_FEEDBACK = (
    "BEGIN HIDDEN",
    "HIDDEN TESTS",
    "from autograder",
    "autograder.assignments",
    "autograder/",
    "site-packages",
    "Traceback (most recent call last)",
)


def _student_of(graded_class, case_name: str) -> str:
    return next(s for s, (_, name, _) in graded_class["cases"].items() if name == case_name)


def test_feedback_and_check_show_causes_not_tests(graded_class, tmp_path):
    from autograder.pipeline.feedback import generate_feedback
    from autograder.pipeline.selfcheck import self_check

    course = graded_class["course"]
    hard_coded = _student_of(graded_class, "hard-coded visible answers")
    run = generate_feedback(course.root, [ASSIGNMENT], ["victim", hard_coded])
    pages = {path.parent.parent.name: path.read_text(encoding="utf-8") for path in run.written}
    assert set(pages) == {"victim", hard_coded}, sorted(pages)
    for student, html in pages.items():
        leaked = [text for text in FORBIDDEN_IN_FEEDBACK if text in html]
        assert not leaked, f"{student}'s feedback shows {leaked}"
    # the hard-coded answers pass the visible checks and fail the hidden draws: the page says why, and on what
    assert "Failing case:" in pages[hard_coded] and "expected" in pages[hard_coded]

    mine = tmp_path / "numpy_basics.ipynb"
    mine.write_text(
        (course.paths.submitted(hard_coded, ASSIGNMENT) / "numpy_basics.ipynb").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    result = self_check(mine, ASSIGNMENT)
    assert result.score == 0 and result.max_score == FULL
    table = result.table()
    leaked = [text for text in FORBIDDEN_IN_FEEDBACK if text in table]
    assert not leaked, f"check's table shows {leaked}:\n{table}"
    assert all(e.error for e in result.exercises), table
