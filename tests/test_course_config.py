"""The course's settings come from nbgrader_config.py, for nbgrader and the course command line alike.

A value an instructor writes into a course folder's ``nbgrader_config.py``
(a cell timeout, a gradebook URL) must reach ``grade``, ``check`` and
``feedback``; the project's file supplies everything a course's own file
leaves out, and never its paths.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_course import NOTEBOOK, TinyCourse

from autograder.cli import main
from autograder.course import Course
from autograder.course.config import PROJECT_ROOT, CourseError, load_config
from autograder.pipeline.selfcheck import self_check


def _write_config(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text("c = get_config()\n" + text)


def test_a_course_folder_without_a_file_takes_the_projects_settings_and_keeps_its_own_places(tmp_path):
    config = load_config(tmp_path)
    project = load_config(PROJECT_ROOT)
    assert config.Execute.timeout == project.Execute.timeout
    assert config.ClearHiddenTests.enforce_metadata is True
    assert config.CourseDirectory.course_id == project.CourseDirectory.course_id
    assert Course(tmp_path).db_url == f"sqlite:///{tmp_path.resolve() / 'gradebook.db'}"
    assert config.Exchange.root == str(tmp_path.resolve() / ".exchange")


def test_a_course_file_overrides_and_the_command_line_overrides_the_file(tmp_path):
    _write_config(tmp_path, "c.Execute.timeout = 7\nc.CourseDirectory.db_url = 'sqlite:////tmp/x.db'\n")
    config = load_config(tmp_path)
    assert config.Execute.timeout == 7
    assert config.CourseDirectory.db_url == "sqlite:////tmp/x.db"
    assert config.Execute.interrupt_on_timeout is True  # from the project's file
    assert load_config(tmp_path, {"Execute": {"timeout": 9}}).Execute.timeout == 9
    assert load_config(tmp_path, {"Execute": {"timeout": None}}).Execute.timeout == 7
    # a throw-away course borrowing these settings keeps its own gradebook
    borrowed = Course(tmp_path / "scratch", settings_from=tmp_path)
    assert borrowed.cell_timeout == 7
    assert borrowed.db_url == f"sqlite:///{(tmp_path / 'scratch').resolve() / 'gradebook.db'}"


def test_a_broken_config_file_is_named_in_the_error(tmp_path):
    _write_config(tmp_path, "c.Execute.timeout = = 3\n")
    with pytest.raises(CourseError, match=str(tmp_path / "nbgrader_config.py")):
        load_config(tmp_path)
    assert main(["grade", "--course", str(tmp_path)]) == 2


@pytest.mark.slow
def test_timeout_and_gradebook_url_from_the_file_reach_grade_check_and_feedback(tmp_path, capsys):
    root = tmp_path / "course"
    elsewhere = tmp_path / "books" / "class.db"
    elsewhere.parent.mkdir()
    _write_config(root, f"c.Execute.timeout = 3\nc.CourseDirectory.db_url = 'sqlite:///{elsewhere}'\n")
    t = TinyCourse(root)
    slow = t.variant(cube="import time\n    time.sleep(30)\n    return x ** 3")
    t.submit("ann", slow)

    assert main(["grade", "--course", str(root), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "ran past the 3 s cell limit" in out, out
    assert elsewhere.exists() and not (root / "gradebook.db").exists()
    assert Course(root).scores("tiny", "ann")["cube_test"].score == 0.0

    assert main(["feedback", "--course", str(root)]) == 0
    assert (root / "feedback" / "ann" / "tiny" / "tiny.html").exists()

    mine = tmp_path / "work" / NOTEBOOK
    mine.parent.mkdir()
    import nbformat

    nbformat.write(slow, str(mine))
    result = self_check(mine, source_dir=root / "source", course_root=root)
    assert "3 s cell limit" in result.reason, result.reason
    assert [(e.grade_id, e.score) for e in result.exercises] == [("square_test", 2.0), ("cube_test", 0.0)]
