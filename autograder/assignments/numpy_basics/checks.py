"""Hidden checks of assignment 1, NumPy basics.

Every check draws its inputs from its own ``np.random.default_rng`` seed, with
shapes that the notebook's visible checks never use: a single row or column,
non-square matrices (so a sum over the wrong axis cannot pass by luck) and,
for the sigmoid, entries large enough to overflow ``np.exp``. Student code is
called through :func:`nndl.expect.call_without_mutation`, which silences
NumPy's overflow warnings (a correct ``1 / (1 + np.exp(-x))`` still gives the
right values) and fails if an input was modified in place.
"""

from __future__ import annotations

import numpy as np

from autograder.assignments import draws
from autograder.assignments.compare import compare_on
from autograder.reference import basics, broadcasting
from nndl.expect import call_without_mutation, expect_close, expect_shape

__all__ = [
    "check_basic_sigmoid",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_image2vector",
    "check_normalize_rows",
    "check_softmax",
    "check_L1",
    "check_L2",
    "check_calories_percentages",
    "check_center_features",
]

# Non-square on purpose; (1, d) and (n, 1) catch code that assumes a size.
_MATRIX_SHAPES = [(3, 5), (6, 2), (1, 4), (4, 1), (1, 1), (4, 4)]


def _array_cases(tag: int, bound: float, rank1_size: int, extremes: list) -> list[tuple]:
    """One-argument cases: uniform draws in [-bound, bound] of every matrix shape, a rank-1 array, and a row of extremes."""
    rng = draws.rng(tag)
    cases = [rng.uniform(-bound, bound, size=shape) for shape in _MATRIX_SHAPES]
    cases += [rng.uniform(-bound, bound, size=rank1_size), np.array([extremes])]
    return [(x,) for x in cases]


def check_basic_sigmoid(basic_sigmoid) -> None:
    """basic_sigmoid(x) on Python floats and ints, compared with the reference."""
    rng = draws.rng(1101)
    # math.exp overflows beyond ~709, so the scalars stay well inside that range.
    inputs = [0, -4, 7, float(rng.uniform(-30, -5)), float(rng.uniform(5, 30))]
    inputs += [float(v) for v in rng.uniform(-3, 3, size=4)]
    compare_on(
        basic_sigmoid,
        basics.basic_sigmoid,
        [(x,) for x in inputs],
        lambda x: f"basic_sigmoid({x!r})",
        hint="compute 1 / (1 + math.exp(-x)) from the argument x",
    )


def check_sigmoid(sigmoid) -> None:
    """sigmoid(x) on arrays of several shapes, including entries that overflow exp."""
    # exp(1000) overflows to inf; the sigmoid must still come out as exactly 0 and 1.
    cases = _array_cases(1102, 6, 7, [-1000.0, -50.0, 0.0, 50.0, 1000.0])
    compare_on(
        sigmoid,
        basics.sigmoid,
        cases,
        lambda x: f"sigmoid(x) for x of shape {x.shape}",
        hint="use np.exp so the formula applies to every entry, and keep the shape of x",
    )


def check_sigmoid_derivative(sigmoid_derivative) -> None:
    """sigmoid_derivative(x) = σ(x)(1 − σ(x)) on arrays of several shapes."""
    cases = _array_cases(1103, 8, 5, [-1000.0, -3.0, 0.0, 3.0, 1000.0])
    compare_on(
        sigmoid_derivative,
        basics.sigmoid_derivative,
        cases,
        lambda x: f"sigmoid_derivative(x) for x of shape {x.shape}",
        hint="x is the input of the sigmoid, not its output: compute s = sigmoid(x) first, then s * (1 - s)",
    )


def check_image2vector(image2vector) -> None:
    """image2vector(image) on images of several (length, height, depth) shapes."""
    rng = draws.rng(1104)
    for shape in [(3, 4, 2), (5, 2, 3), (2, 7, 1), (1, 1, 1), (4, 4, 3), (1, 6, 2)]:
        image = rng.uniform(0, 1, size=shape)
        got = call_without_mutation(image2vector, image)
        n = shape[0] * shape[1] * shape[2]
        expect_shape(
            f"image2vector(image) for image of shape {shape}",
            got,
            (n, 1),
            hint="read the three sizes from image.shape, and return a column (n, 1), not a rank-1 array",
        )
        expect_close(
            f"image2vector(image) for image of shape {shape}",
            got,
            basics.image2vector(image),
            hint="keep NumPy's default (C) order: image.reshape(length * height * depth, 1) "
            "without transposing or order='F'",
        )


def check_normalize_rows(normalize_rows) -> None:
    """normalize_rows(x) on non-square matrices, one row and one column included."""
    rng = draws.rng(1105)
    cases = [(rng.normal(0, 3, size=shape),) for shape in _MATRIX_SHAPES + [(2, 9)]]
    compare_on(
        normalize_rows,
        basics.normalize_rows,
        cases,
        lambda x: f"normalize_rows(x) for x of shape {x.shape}",
        hint="take the norm over axis=1 with keepdims=True so it has shape (n, 1), and divide x by it",
    )


def check_softmax(softmax) -> None:
    """softmax(x) row by row, on non-square matrices and a single row and column."""
    rng = draws.rng(1106)
    cases = [rng.uniform(-10, 10, size=shape) for shape in _MATRIX_SHAPES]
    # Large but not overflowing scores: exp(80) is about 5.5e34.
    cases.append(rng.uniform(40, 80, size=(2, 3)))
    compare_on(
        softmax,
        basics.softmax,
        [(x,) for x in cases],
        lambda x: f"softmax(x) for x of shape {x.shape}",
        hint="each ROW must sum to 1: sum the exponentials over axis=1 with keepdims=True",
    )


def _loss_cases(rng):
    for m in (1, 3, 17):
        yield rng.uniform(0, 1, size=m), rng.integers(0, 2, size=m).astype(float)


def check_L1(L1) -> None:
    """L1(yhat, y) on rank-1 vectors of several lengths."""
    rng = draws.rng(1107)
    compare_on(
        L1,
        basics.L1,
        _loss_cases(rng),
        lambda yhat, y: f"L1(yhat, y) for vectors of length {y.size}",
        hint="sum the absolute differences |y - yhat| over every entry, and return one number",
    )


def check_L2(L2) -> None:
    """L2(yhat, y) on rank-1 vectors of several lengths."""
    rng = draws.rng(1108)
    compare_on(
        L2,
        basics.L2,
        _loss_cases(rng),
        lambda yhat, y: f"L2(yhat, y) for vectors of length {y.size}",
        hint="sum the squared differences (y - yhat)**2 and take no square root",
    )


def check_calories_percentages(calories_percentages) -> None:
    """calories_percentages(food_table) on tables of several shapes."""
    rng = draws.rng(1109)
    for shape in [(3, 4), (2, 7), (5, 1), (1, 3), (4, 4), (3, 2)]:
        table = rng.uniform(0.5, 120.0, size=shape)
        got = call_without_mutation(calories_percentages, table)
        expect_close(
            f"calories_percentages(food_table) for a table of shape {shape}",
            got,
            broadcasting.calories_percentages(table),
            hint="divide by the column sums, food_table.sum(axis=0, keepdims=True) of shape (1, n), "
            "and multiply by 100",
        )


def check_center_features(center_features) -> None:
    """center_features(X) on data matrices of several shapes."""
    rng = draws.rng(1110)
    for shape in [(2, 5), (5, 2), (1, 4), (4, 1), (3, 3), (6, 8)]:
        X = rng.normal(2.0, 4.0, size=shape)
        got = call_without_mutation(center_features, X)
        expect_close(
            f"center_features(X) for X of shape {shape}",
            got,
            broadcasting.center_features(X),
            hint="the mean of each feature is a mean over the examples: X.mean(axis=1, keepdims=True) "
            "of shape (n_x, 1)",
        )
