"""Tests of autograder.reference.gradcheck on functions whose gradients are known exactly."""

import numpy as np
import pytest

from autograder.reference.gradcheck import (
    assert_gradient_close,
    numerical_gradient,
    numerical_gradient_of_array,
    relative_error,
    well_conditioned,
)


def test_numerical_gradient_of_a_cubic():
    # f(x) = Σ x³ has gradient 3x²; centred differences err by h² = 1e-10 per entry.
    x = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
    original = x.copy()
    numeric = numerical_gradient(lambda x_: float(np.sum(x_**3)), x)
    np.testing.assert_allclose(numeric, 3 * x**2, rtol=0, atol=1e-8)
    np.testing.assert_array_equal(x, original, err_msg="numerical_gradient modified x")


def test_numerical_gradient_of_array_projects_with_the_upstream_gradient():
    # f(x) = A x is linear: the gradient of Σ dout ⊙ (A x) is Aᵀ dout.
    rng = np.random.RandomState(0)
    A, x, dout = rng.randn(4, 3), rng.randn(3, 2), rng.randn(4, 2)
    numeric = numerical_gradient_of_array(lambda x_: A @ x_, x, dout)
    np.testing.assert_allclose(numeric, A.T @ dout, rtol=1e-9)


def test_numerical_gradient_refuses_an_array_output():
    with pytest.raises(ValueError, match="f must return a scalar"):
        numerical_gradient(lambda x_: x_ * 2, np.ones(3))


def test_relative_error_known_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    # |1 − 3| / (1 + 3) = 0.5 beats |2 − 2| / 4 = 0.
    assert relative_error([1.0, 2.0], [3.0, 2.0]) == 0.5
    # Both zero: the 1e-8 floor keeps it 0 instead of 0/0.
    assert relative_error([0.0], [0.0]) == 0.0


def test_assert_gradient_close_names_the_gradient_and_the_ratio():
    assert_gradient_close("dW", [[1.0, 2.0]], [[1.0, 2.0 + 1e-12]])
    message = r"dW: relative error 0.6 .* index \(0, 1\): analytic 8, numeric 2 \(ratio 4\)"
    with pytest.raises(AssertionError, match=message):
        assert_gradient_close("dW", [[1.0, 8.0]], [[1.0, 2.0]])
    with pytest.raises(AssertionError, match=r"db has shape \(2, 1\), expected \(1, 2\)"):
        assert_gradient_close("db", np.ones((2, 1)), np.ones((1, 2)))


def test_well_conditioned_accepts_exact_zeros_and_large_entries_only():
    assert well_conditioned(np.array([0.0, 0.5, -2.0]), 1.0)
    assert not well_conditioned(np.array([0.5, 1e-6]))
