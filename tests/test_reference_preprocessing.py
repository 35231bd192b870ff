"""autograder.reference.preprocessing.flatten_images: layout, scaling and argument checks."""

import numpy as np
import pytest

from autograder.reference.preprocessing import flatten_images


def test_each_column_is_one_image_in_c_order():
    rng = np.random.default_rng(21)
    X_orig = rng.integers(0, 256, size=(5, 3, 4, 3), dtype=np.uint8)
    X = flatten_images(X_orig)
    assert X.shape == (36, 5)
    assert X.dtype == np.float64
    for i in range(5):
        np.testing.assert_array_equal(X[:, i], X_orig[i].ravel() / 255.0)
    # Pixel (row 1, col 2, channel 0) of image 3 sits at 1 * 4 * 3 + 2 * 3 + 0 = 18.
    assert X[18, 3] == X_orig[3, 1, 2, 0] / 255.0


def test_differs_from_the_wrong_reshape():
    X_orig = np.arange(2 * 2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 2, 3)
    right = flatten_images(X_orig)
    wrong = X_orig.reshape(-1, 2) / 255.0
    assert right.shape == wrong.shape
    assert not np.array_equal(right, wrong)
    np.testing.assert_array_equal(right[:, 1] * 255, np.arange(12, 24))


def test_values_are_scaled_to_unit_interval():
    X_orig = np.array([0, 255], dtype=np.uint8).reshape(2, 1, 1, 1)
    np.testing.assert_array_equal(flatten_images(X_orig), [[0.0, 1.0]])


def test_single_image_and_input_untouched():
    X_orig = np.full((1, 2, 2, 3), 51, dtype=np.uint8)
    before = X_orig.copy()
    X = flatten_images(X_orig)
    assert X.shape == (12, 1)
    np.testing.assert_allclose(X, 0.2)
    np.testing.assert_array_equal(X_orig, before)


def test_rejects_wrong_rank():
    with pytest.raises(ValueError, match=r"X_orig must have shape \(m, height, width, channels\), got \(64, 64, 3\)"):
        flatten_images(np.zeros((64, 64, 3), dtype=np.uint8))
