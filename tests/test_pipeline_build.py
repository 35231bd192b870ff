"""`build` checks the source metadata first and reports every problem at once."""

from __future__ import annotations

import copy

import nbformat
import pytest
from pipeline_course import NOTEBOOK, tiny_source, write_source

from autograder.cli import main
from autograder.pipeline.validate_source import source_problems


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def test_build_reports_a_duplicate_grade_id_and_builds_nothing(tmp_path, capsys):
    nb = tiny_source()
    _cell(nb, "cube_test").metadata["nbgrader"]["grade_id"] = "square_test"
    write_source(tmp_path, "dup", nb)
    release = tmp_path / "release"

    code = main(["build", "--source", str(tmp_path / "source"), "--release", str(release)])

    err = capsys.readouterr().err
    assert code == 1, f"build should fail on a duplicate grade_id, exit code {code}"
    assert "grade_id 'square_test' is also used by cell" in err, err
    assert "Traceback" not in err
    assert not release.exists(), "nothing may be built while the source has problems"


def test_every_metadata_problem_comes_back_in_one_list(tmp_path):
    nb = tiny_source()
    _cell(nb, "square_test").metadata["nbgrader"]["locked"] = False
    del _cell(nb, "cube_test").metadata["nbgrader"]["points"]
    cube = _cell(nb, "cube")
    cube.source = cube.source.replace("### END SOLUTION", "")
    square_test = _cell(nb, "square_test")
    square_test.source = square_test.source.replace("### END HIDDEN TESTS", "")
    path = write_source(tmp_path, "broken", nb)

    messages = [p.message for p in source_problems(path)]

    expected = [
        "test cell is not locked",
        "graded cell without points",
        "'### BEGIN SOLUTION' is never closed",
        "'### BEGIN HIDDEN TESTS' is never closed",
    ]
    for fragment in expected:
        assert any(fragment in m for m in messages), f"no problem mentioning {fragment!r} in {messages}"
    assert len(messages) == len(expected), f"unexpected extra problems: {messages}"


def test_solution_cell_without_markers_and_unreadable_notebook(tmp_path):
    nb = tiny_source()
    square = _cell(nb, "square")
    square.source = "def square(x):\n    return x * x"
    path = write_source(tmp_path, "nomarkers", nb)
    assert [p.message for p in source_problems(path)] == [
        "solution cell without '### BEGIN SOLUTION' / '### END SOLUTION'"
    ]

    bad = tmp_path / "source" / "garbage" / NOTEBOOK
    bad.parent.mkdir(parents=True)
    bad.write_text("{not json")
    [problem] = source_problems(bad)
    assert "not a readable notebook" in problem.message


def test_a_clean_source_builds_with_nbgrader(tmp_path, capsys):
    write_source(tmp_path, "clean", copy.deepcopy(tiny_source()))
    release = tmp_path / "release"
    code = main(["build", "--source", str(tmp_path / "source"), "--release", str(release)])
    assert code == 0, capsys.readouterr().err
    built = nbformat.read(str(release / "clean" / NOTEBOOK), as_version=4)
    text = "\n".join(c.source for c in built.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "raise NotImplementedError" in text


@pytest.mark.parametrize("name", ["no_such_assignment"])
def test_build_of_an_unknown_assignment_is_one_clear_error(tmp_path, capsys, name):
    write_source(tmp_path, "clean")
    code = main(["build", name, "--source", str(tmp_path / "source"), "--release", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 1 and "no such assignment folder" in err and "Traceback" not in err, err
