"""Tests of autograder.reference.basics: known values, derivative check, shapes, purity."""

import math

import numpy as np
import pytest

from autograder.reference import basics
from autograder.reference.gradcheck import assert_gradient_close, numerical_gradient_of_array, well_conditioned

LN2, LN3 = math.log(2.0), math.log(3.0)


# basic_sigmoid ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [(0, 0.5), (0.0, 0.5), (LN3, 0.75), (-LN3, 0.25), (np.float64(LN3), 0.75), (np.array(0.0), 0.5)],
)
def test_basic_sigmoid_known_values(x, expected):
    # σ(ln 3) = 1 / (1 + 1/3) = 3/4 and σ(−z) = 1 − σ(z).
    result = basics.basic_sigmoid(x)
    assert type(result) is float, f"basic_sigmoid should return a Python float, got {type(result)}"
    assert result == pytest.approx(expected, rel=1e-15)


def test_basic_sigmoid_extremes_do_not_overflow():
    assert basics.basic_sigmoid(1000.0) == 1.0
    assert basics.basic_sigmoid(-1000.0) == 0.0


def test_basic_sigmoid_rejects_an_array():
    with pytest.raises(ValueError, match=r"x must be a scalar with shape \(\), got \(3,\)"):
        basics.basic_sigmoid(np.array([1.0, 2.0, 3.0]))


# sigmoid and its derivative --------------------------------------------------------


def test_sigmoid_known_values():
    result = basics.sigmoid(np.array([0.0, LN3, -LN3]))
    np.testing.assert_allclose(result, [0.5, 0.75, 0.25], rtol=1e-15)


def test_sigmoid_on_linspace_matches_the_formula_and_symmetry():
    x = np.linspace(-5.0, 5.0, 11).reshape(1, 11)
    result = basics.sigmoid(x)
    assert result.shape == (1, 11) and result.dtype == np.float64
    np.testing.assert_allclose(result, 1.0 / (1.0 + np.exp(-x)), rtol=1e-14)
    np.testing.assert_allclose(result + result[:, ::-1], 1.0, rtol=1e-15)


def test_sigmoid_of_a_scalar_is_a_scalar():
    assert basics.sigmoid(0.0) == 0.5
    assert np.ndim(basics.sigmoid(0.0)) == 0


def test_sigmoid_extremes_raise_no_floating_point_error():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        result = basics.sigmoid(np.array([-1000.0, -745.0, 745.0, 1000.0]))
    assert np.all(np.isfinite(result))
    assert result[0] == 0.0 and result[-1] == 1.0


def test_sigmoid_derivative_known_values():
    # σ'(0) = 1/2 · 1/2; σ'(±ln 3) = 3/4 · 1/4 = 3/16.
    result = basics.sigmoid_derivative(np.array([0.0, LN3, -LN3]))
    np.testing.assert_allclose(result, [0.25, 3 / 16, 3 / 16], rtol=1e-15)


@pytest.mark.parametrize("shape", [(1,), (1, 1), (3,), (2, 5), (2, 3, 4)])
def test_sigmoid_derivative_matches_centred_differences(shape):
    rng = np.random.RandomState(sum(shape))
    while True:
        x = rng.randn(*shape) * 2.0
        dout = rng.randn(*shape)
        if well_conditioned(dout * basics.sigmoid_derivative(x)):
            break
    # sigmoid acts entrywise, so projecting with dout and reading off entry i
    # gives dout_i · σ'(x_i).
    numeric = numerical_gradient_of_array(basics.sigmoid, x, dout)
    assert_gradient_close("sigmoid_derivative", dout * basics.sigmoid_derivative(x), numeric)


def test_sigmoid_derivative_extremes_stay_finite_and_positive():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        result = basics.sigmoid_derivative(np.array([-700.0, 700.0]))
    assert np.all(result > 0) and np.all(np.isfinite(result))


# image2vector --------------------------------------------------------------------


def test_image2vector_unrolls_in_c_order():
    image = np.arange(12.0).reshape(2, 3, 2)
    result = basics.image2vector(image)
    np.testing.assert_array_equal(result, np.arange(12.0).reshape(12, 1))


def test_image2vector_of_a_picture_has_one_column_and_its_own_memory():
    image = np.random.RandomState(0).randint(0, 256, size=(64, 64, 3)).astype(np.uint8)
    result = basics.image2vector(image)
    assert result.shape == (64 * 64 * 3, 1)
    assert result.dtype == np.uint8, "image2vector should keep the image's dtype"
    assert not np.shares_memory(result, image), "the column must not be a view of the image"


def test_image2vector_rejects_a_matrix():
    with pytest.raises(ValueError, match=r"image must have shape \(length, height, depth\), got \(3, 4\)"):
        basics.image2vector(np.zeros((3, 4)))


# normalize_rows and softmax ----------------------------------------------------------


def test_normalize_rows_known_values():
    # Row norms 5 and √(4 + 36 + 9) = 7.
    x = np.array([[0.0, 3.0, 4.0], [2.0, 6.0, 3.0]])
    expected = np.array([[0.0, 0.6, 0.8], [2 / 7, 6 / 7, 3 / 7]])
    np.testing.assert_allclose(basics.normalize_rows(x), expected, rtol=1e-15)


def test_normalize_rows_gives_unit_rows_and_keeps_a_zero_row():
    x = np.vstack([np.random.RandomState(1).randn(4, 6), np.zeros((1, 6))])
    with np.errstate(divide="raise", invalid="raise"):
        result = basics.normalize_rows(x)
    np.testing.assert_allclose(np.linalg.norm(result[:4], axis=1), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(result[4], 0.0)


def test_normalize_rows_rejects_a_vector():
    with pytest.raises(ValueError, match=r"x must have shape \(n, d\), got \(3,\)"):
        basics.normalize_rows(np.ones(3))


def test_softmax_known_values():
    # e^0 : e^(ln 2) = 1 : 2, and e^(ln 3) : e^0 = 3 : 1, row by row.
    x = np.array([[0.0, LN2], [LN3, 0.0]])
    np.testing.assert_allclose(basics.softmax(x), [[1 / 3, 2 / 3], [3 / 4, 1 / 4]], rtol=1e-15)


def test_softmax_is_shift_invariant_and_does_not_overflow():
    x = np.array([[1000.0, 1000.0 + LN2]])
    with np.errstate(over="raise", invalid="raise"):
        result = basics.softmax(x)
    np.testing.assert_allclose(result, [[1 / 3, 2 / 3]], rtol=1e-12)


def test_softmax_rows_are_distributions():
    x = np.linspace(-3.0, 3.0, 15).reshape(3, 5)
    result = basics.softmax(x)
    assert result.shape == (3, 5)
    assert np.all(result > 0)
    np.testing.assert_allclose(result.sum(axis=1), 1.0, rtol=1e-15)


def test_softmax_rejects_a_vector():
    with pytest.raises(ValueError, match=r"x must have shape \(n, d\), got \(5,\)"):
        basics.softmax(np.ones(5))


# L1 and L2 -----------------------------------------------------------------------


def test_L1_and_L2_known_values():
    yhat = np.array([0.5, 0.25, 1.0])
    y = np.array([1.0, 0.0, 1.0])
    # |1 − 0.5| + |0 − 0.25| + 0 = 0.75; 0.25 + 0.0625 + 0 = 0.3125 (exact in binary).
    l1, l2 = basics.L1(yhat, y), basics.L2(yhat, y)
    assert type(l1) is float and type(l2) is float
    assert l1 == 0.75
    assert l2 == 0.3125


@pytest.mark.parametrize("loss", [basics.L1, basics.L2])
def test_losses_reject_mismatched_shapes(loss):
    with pytest.raises(ValueError, match=r"y must have shape \(3,\), got \(4,\)"):
        loss(np.zeros(3), np.zeros(4))


# Purity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (basics.sigmoid, (np.linspace(-2, 2, 6).reshape(2, 3),)),
        (basics.sigmoid_derivative, (np.linspace(-2, 2, 6).reshape(2, 3),)),
        (basics.image2vector, (np.linspace(0, 1, 24).reshape(2, 3, 4),)),
        (basics.normalize_rows, (np.linspace(-2, 2, 6).reshape(2, 3),)),
        (basics.softmax, (np.linspace(-2, 2, 6).reshape(2, 3),)),
        (basics.L1, (np.linspace(0, 1, 5), np.linspace(1, 0, 5))),
        (basics.L2, (np.linspace(0, 1, 5), np.linspace(1, 0, 5))),
    ],
)
def test_functions_do_not_modify_their_arguments(function, args):
    copies = [arg.copy() for arg in args]
    function(*args)
    for arg, copy in zip(args, copies):
        np.testing.assert_array_equal(arg, copy, err_msg=f"{function.__name__} modified an argument")
