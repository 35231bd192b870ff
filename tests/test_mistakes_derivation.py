"""The cells a typical mistake loses, derived from the source notebook, without running nbgrader.

A tiny hand-made notebook checks the derivation itself (direct use, use
through a caller, hidden-only use, magics, helper cells, corrections); then
every recorded mistake of every assignment must still apply to the full
solution and have a consistent derived set.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import autograder.assignments as assignments
from autograder.assignments.cells import split_hidden
from autograder.assignments.dependencies import CellGraph
from autograder.assignments.submissions import (
    Edit,
    Mistake,
    apply_mistake,
    full_solution,
    graded_test_ids,
    losses,
    mistakes_for,
    module_for,
)
from autograder.course import RELEASE_DIR, available_assignments, notebook_path


def _solution(grade_id, source):
    return new_code_cell(source, metadata={"nbgrader": {"grade_id": grade_id, "solution": True, "grade": False}})


def _test(grade_id, source):
    return new_code_cell(
        source, metadata={"nbgrader": {"grade_id": grade_id, "grade": True, "solution": False, "points": 1}}
    )


@pytest.fixture
def tiny():
    """square <- sum_of_squares <- norm; a helper cell calling norm; a hidden-only use of cube."""
    return new_notebook(
        cells=[
            new_markdown_cell("# Tiny"),
            new_code_cell("%matplotlib inline\nimport numpy as np"),
            _solution("square", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"),
            _test("square_test", "assert square(3) == 9"),
            _solution(
                "sums",
                "def sum_of_squares(v):\n    return sum(square(x) for x in v)\n\n"
                "def norm(v):\n    return np.sqrt(sum_of_squares(v))",
            ),
            _test("sum_of_squares_test", "assert sum_of_squares([1, 2]) == 5"),
            _test("norm_test", "assert norm([3, 4]) == 5"),
            new_code_cell("def report(v):\n    print(norm(v))"),
            _test("report_test", "report([3, 4])"),
            _solution("cube", "def cube(x):\n    return x ** 3"),
            _test(
                "cube_test",
                "print(cube)\n### BEGIN HIDDEN TESTS\nfrom checks import check_cube\n"
                "check_cube(cube)\n### END HIDDEN TESTS",
            ),
        ]
    )


def test_graph_reads_solutions_functions_and_tests(tiny):
    graph = CellGraph.from_notebook(tiny)
    assert graph.defines == {"square": {"square"}, "sums": {"sum_of_squares", "norm"}, "cube": {"cube"}}
    assert graph.calls["norm"] >= {"np", "sum_of_squares"}
    assert graph.calls["report"] >= {"norm"}
    assert list(graph.tests) == ["square_test", "sum_of_squares_test", "norm_test", "report_test", "cube_test"]
    assert graph.tests["cube_test"].visible == {"print", "cube"}
    assert graph.tests["cube_test"].hidden == {"check_cube", "cube"}


def test_a_mistake_loses_its_users_and_their_callers(tiny):
    graph = CellGraph.from_notebook(tiny)
    assert graph.tests_using({"square"}) == {"square_test", "sum_of_squares_test", "norm_test", "report_test"}
    assert graph.tests_using({"sums"}) == {"sum_of_squares_test", "norm_test", "report_test"}
    assert graph.tests_using({"cube"}) == {"cube_test"}
    assert graph.tests_using({"cube"}, "hidden") == {"cube_test"}
    assert graph.tests_using({"square"}, "hidden") == set()
    with pytest.raises(KeyError, match="nope"):
        graph.tests_using({"nope"})


def test_corrections_narrow_or_widen_the_derived_set(tiny):
    graph = CellGraph.from_notebook(tiny)
    edit = (Edit("square", "x * x", "x * abs(x)"),)
    assert losses(Mistake("plain", "", edit), graph) == {
        "square_test",
        "sum_of_squares_test",
        "norm_test",
        "report_test",
    }
    narrowed = Mistake(
        "neg",
        "",
        edit,
        spares=frozenset({"norm_test", "report_test", "sum_of_squares_test"}),
        reason="the callers only square non-negative numbers",
    )
    assert losses(narrowed, graph) == {"square_test"}
    widened = Mistake("wide", "", edit, also_loses=frozenset({"cube_test"}), reason="a test of the test")
    assert "cube_test" in losses(widened, graph)
    with pytest.raises(ValueError, match="reason"):
        Mistake("silent", "", edit, spares=frozenset({"norm_test"}))
    with pytest.raises(ValueError, match="does not reach"):
        losses(Mistake("stale", "", edit, spares=frozenset({"cube_test"}), reason="stale"), graph)
    with pytest.raises(ValueError, match="reaches anyway"):
        losses(Mistake("dup", "", edit, also_loses=frozenset({"norm_test"}), reason="dup"), graph)
    with pytest.raises(ValueError, match="unknown"):
        losses(Mistake("typo", "", edit, spares=frozenset({"nrom_test"}), reason="typo"), graph)


def test_split_hidden():
    visible, hidden = split_hidden("a = 1\n### BEGIN HIDDEN TESTS\nb = 2\n### END HIDDEN TESTS\nc = 3")
    assert (visible, hidden) == ("a = 1\nc = 3", "b = 2")


def test_every_source_assignment_has_one_declared_package():
    declared = assignments.packages()
    assert sorted(declared) == available_assignments()
    for assignment, package in declared.items():
        assert package.ASSIGNMENT == assignment
        assert module_for(assignment).__name__ == f"{package.__name__}.mistakes"


def test_an_unknown_assignment_names_the_known_ones():
    with pytest.raises(assignments.UnknownAssignmentError, match=r"'99_nope'.*01_numpy_basics"):
        module_for("99_nope")


def test_one_name_per_kind_of_mistake():
    for assignment in available_assignments():
        hard_coded = [m.name for m in mistakes_for(assignment) if m.visible_passes]
        assert hard_coded == ["hard_coded_visible_answers"], f"{assignment}: {hard_coded}"


@pytest.mark.parametrize("assignment", available_assignments())
def test_every_mistake_applies_and_loses_cells(assignment):
    source = nbformat.read(str(notebook_path(assignment)), as_version=4)
    release = nbformat.read(str(notebook_path(assignment, RELEASE_DIR)), as_version=4)
    graph = CellGraph.from_notebook(source)
    assert set(graph.tests) == set(graded_test_ids(source))
    full = full_solution(release, source)
    mistakes = mistakes_for(assignment)
    assert len({m.name for m in mistakes}) == len(mistakes), "two mistakes share a name"
    for mistake in mistakes:
        nb = apply_mistake(full, mistake)
        assert nb.cells != full.cells, f"{mistake.name} changes nothing"
        lost = losses(mistake, graph)
        assert lost, f"{mistake.name} loses no cell"
        if mistake.visible_passes:
            unseen = sorted(lost - graph.tests_using(mistake.edited_cells, "hidden"))
            assert not unseen, f"{mistake.name} passes the visible checks, but no hidden check sees {unseen}"
