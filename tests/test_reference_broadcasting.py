"""Known values, shapes and argument checks of autograder.reference.broadcasting."""

import numpy as np
import pytest

from autograder.reference.broadcasting import calories_percentages, center_features


def test_calories_percentages_known_values():
    # Column sums are 10, 40, 4 and 1: the percentages can be read off by eye.
    table = np.array([[5.0, 10.0, 1.0, 0.0], [3.0, 20.0, 1.0, 1.0], [2.0, 10.0, 2.0, 0.0]])
    expected = np.array([[50.0, 25.0, 25.0, 0.0], [30.0, 50.0, 25.0, 100.0], [20.0, 25.0, 50.0, 0.0]])
    np.testing.assert_allclose(calories_percentages(table), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 4), (1, 1), (1, 6), (5, 1), (4, 4)])
def test_calories_percentages_columns_sum_to_100(shape):
    rng = np.random.default_rng(11)
    table = rng.uniform(0.1, 50.0, size=shape)
    before = table.copy()
    result = calories_percentages(table)
    assert result.shape == shape
    np.testing.assert_allclose(result.sum(axis=0), 100.0, rtol=1e-12)
    # Each entry is proportional to the input within its column.
    np.testing.assert_allclose(result * table.sum(axis=0) / 100.0, table, rtol=1e-12)
    np.testing.assert_array_equal(table, before)


def test_calories_percentages_accepts_integers():
    result = calories_percentages(np.array([[1, 3], [3, 1]]))
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, [[25.0, 75.0], [75.0, 25.0]])


def test_calories_percentages_rejects_bad_input():
    with pytest.raises(ValueError, match=r"food_table must have shape \(k, n\), got \(4,\)"):
        calories_percentages(np.ones(4))
    with pytest.raises(ValueError, match=r"columns summing to 0 \(columns \[1\]\)"):
        calories_percentages(np.array([[1.0, 0.0], [2.0, 0.0]]))


def test_center_features_known_values():
    X = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]])
    expected = np.array([[-1.0, 0.0, 1.0], [-10.0, -10.0, 20.0]])
    np.testing.assert_allclose(center_features(X), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape", [(2, 5), (1, 7), (6, 1), (4, 4), (12, 3)])
def test_center_features_rows_have_zero_mean(shape):
    rng = np.random.default_rng(12)
    X = rng.normal(3.0, 2.0, size=shape)
    before = X.copy()
    result = center_features(X)
    assert result.shape == shape
    np.testing.assert_allclose(result.mean(axis=1), 0.0, atol=1e-12)
    # Centring only shifts each row: differences between examples are kept.
    np.testing.assert_allclose(result - result[:, :1], X - X[:, :1], atol=1e-12)
    np.testing.assert_array_equal(X, before)


def test_center_features_rejects_bad_input():
    with pytest.raises(ValueError, match=r"X must have shape \(n_x, m\), got \(2, 3, 4\)"):
        center_features(np.zeros((2, 3, 4)))
