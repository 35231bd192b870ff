"""`collect` turns the shapes instructors have into nbgrader's submitted/ tree, and says what it could not match."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import pytest
from pipeline_course import NOTEBOOK, tiny_source, write_source

from autograder.course import CourseError
from autograder.pipeline.collect import collect_submissions


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    write_source(root, "tiny")
    write_source(root, "other")
    # the second assignment's notebook has its own name
    (root / "source" / "other" / NOTEBOOK).rename(root / "source" / "other" / "other_nb.ipynb")
    return root


def _nb_text() -> str:
    return nbformat.writes(tiny_source())


def _submitted(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root / "submitted")) for p in (root / "submitted").rglob("*.ipynb"))


def test_one_notebook_per_student_with_an_unmatched_file(course, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for student in ("ann", "bob"):
        (inbox / f"{student}.ipynb").write_text(_nb_text())
    (inbox / "notes.txt").write_text("not a submission")
    (inbox / ".hidden.ipynb").write_text(_nb_text())

    report = collect_submissions(inbox, course, "tiny")

    assert _submitted(course) == ["ann/tiny/tiny.ipynb", "bob/tiny/tiny.ipynb"]
    assert (course / "submitted" / "ann" / "tiny" / "timestamp.txt").read_text().endswith("UTC")
    unmatched = {str(path): reason for path, reason in report.unmatched}
    assert set(unmatched) == {"notes.txt", ".hidden.ipynb"}, unmatched
    assert "not a notebook" in unmatched["notes.txt"]
    assert "not allowed" in unmatched[".hidden.ipynb"], "a student id starting with '.' must be refused"


def test_canvas_zip_and_folders_per_student(course, tmp_path):
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("doejane_1234_5678_tiny.ipynb", _nb_text())
        zf.writestr("roesam_late_2222_3333_other_nb-1.ipynb", _nb_text())
        zf.writestr("smithkim_4444_5555_homework.ipynb", _nb_text())
        zf.writestr("lee/other_nb.ipynb", _nb_text())
        zf.writestr("../escape.ipynb", _nb_text())
        zf.writestr("__MACOSX/._doejane_1234_5678_tiny.ipynb", b"\x00")

    report = collect_submissions(archive, course)

    assert _submitted(course) == ["doejane/tiny/tiny.ipynb", "lee/other/other_nb.ipynb", "roesam/other/other_nb.ipynb"]
    unmatched = {str(path): reason for path, reason in report.unmatched}
    assert set(unmatched) == {"smithkim_4444_5555_homework.ipynb", "../escape.ipynb"}, unmatched
    assert "no assignment matches" in unmatched["smithkim_4444_5555_homework.ipynb"]
    assert "leaves the zip" in unmatched["../escape.ipynb"]
    assert not (tmp_path / "escape.ipynb").exists()


def test_nbgrader_tree_is_taken_as_it_is(course, tmp_path):
    tree = tmp_path / "export" / "submitted"
    for student, assignment, name in (
        ("ann", "tiny", NOTEBOOK),
        ("bob", "other", "other_nb.ipynb"),
        ("cy", "nope", NOTEBOOK),
    ):
        folder = tree / student / assignment
        folder.mkdir(parents=True)
        (folder / name).write_text(_nb_text())
    (tree / "ann" / "tiny" / "timestamp.txt").write_text("2030-01-01 00:00:00 UTC")

    report = collect_submissions(tmp_path / "export", course)

    assert _submitted(course) == ["ann/tiny/tiny.ipynb", "bob/other/other_nb.ipynb"]
    assert [(str(p), r) for p, r in report.unmatched] == [("submitted/cy/nope/tiny.ipynb", "unknown assignment 'nope'")]


def test_two_notebooks_for_one_student_and_bad_input(course, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "ann").mkdir(parents=True)
    (inbox / "ann" / "tiny.ipynb").write_text(_nb_text())
    (inbox / "ann" / "tiny-1.ipynb").write_text(_nb_text())
    report = collect_submissions(inbox, course)
    assert len(report.placed) == 1
    [(path, reason)] = report.unmatched
    assert "a second notebook for ann/tiny" in reason

    with pytest.raises(CourseError, match="does not exist"):
        collect_submissions(tmp_path / "missing", course)
    with pytest.raises(CourseError, match="unknown assignment 'nope'"):
        collect_submissions(inbox, course, "nope")
    text = tmp_path / "file.txt"
    text.write_text("x")
    with pytest.raises(CourseError, match="neither a folder nor a zip"):
        collect_submissions(text, course)
