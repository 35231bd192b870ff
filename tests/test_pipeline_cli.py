"""The command line answers bad input with one clear message, and `check` grades one notebook."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pipeline_course import NOTEBOOK, TinyCourse, write_source

from autograder.cli import main
from autograder.pipeline.selfcheck import self_check


def _run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["grade", "--course", "/no/such/course"], "does not exist"),
        (["feedback", "--course", "/no/such/course"], "no autograded/ folder"),
        (["export", "--course", "/no/such/course"], "no gradebook.db"),
        (["collect", "/no/such/inbox", "--course", "/no/such/course"], "does not exist"),
        (["check", "/no/such/notebook.ipynb"], "does not exist"),
    ],
)
def test_missing_paths_are_one_line_errors(capsys, argv, message):
    code, _, err = _run(capsys, *argv)
    assert code == 2 and err.startswith("error:") and message in err and "Traceback" not in err, err


def test_unknown_assignment_bad_student_and_malformed_notebook(capsys, tmp_path):
    root = tmp_path / "course"
    write_source(root, "tiny")
    (root / "submitted").mkdir()

    code, _, err = _run(capsys, "grade", "nope", "--course", str(root))
    assert code == 2 and "unknown assignment(s) nope" in err and "tiny" in err, err

    code, _, err = _run(capsys, "grade", "--student", "../etc", "--course", str(root))
    assert code == 2 and "student id '../etc' is not allowed" in err, err

    broken = tmp_path / "mine.ipynb"
    broken.write_text('{"cells": [')
    code, _, err = _run(capsys, "check", str(broken))
    assert code == 2 and "is not a readable notebook" in err and "Traceback" not in err, err


def test_console_entry_point_prints_usage_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "--workers", "0"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "must be 1 or more" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_check_grades_one_notebook_and_writes_feedback_beside_it(tmp_path):
    t = TinyCourse(tmp_path / "course")
    mine = tmp_path / "work" / NOTEBOOK
    mine.parent.mkdir()
    import nbformat

    nbformat.write(t.variant(cube="return x * 3"), str(mine))

    result = self_check(mine, source_dir=t.root / "source")

    assert result.assignment == "tiny"
    assert [(e.grade_id, e.score, e.max_score) for e in result.exercises] == [
        ("square_test", 2.0, 2.0),
        ("cube_test", 0.0, 3.0),
    ]
    assert "cube(2) should be 8" in result.exercises[1].error
    table = result.table()
    assert "cube_test" in table and "0/3" in table and "total" in table and "2/5" in table
    assert result.feedback == mine.with_name("tiny.feedback.html") and result.feedback.exists()
    page = result.feedback.read_text(encoding="utf-8")
    assert "<math" in page and "<script" not in page, "the page should carry its maths as MathML"
