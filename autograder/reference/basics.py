"""Reference solutions for assignment 1, NumPy basics.

Scalar versus vectorised sigmoid, its derivative, reshaping an image into a
column, normalising rows, a row-wise softmax and the L1 and L2 losses.
Unlike the rest of the course, ``normalize_rows`` and ``softmax`` work on rows:
each row of ``x`` is one example.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.reference import stable_math
from autograder.reference.validation import as_float_array, as_real_array, as_real_scalar

__all__ = [
    "basic_sigmoid",
    "sigmoid",
    "sigmoid_derivative",
    "image2vector",
    "normalize_rows",
    "softmax",
    "L1",
    "L2",
]


def basic_sigmoid(x) -> float:
    """Sigmoid of one real number, with ``math.exp``.

    Parameters
    ----------
    x : int or float
        A single real number (a 0-d array or NumPy scalar is accepted too).

    Returns
    -------
    float
        1 / (1 + e^(−x)).

    Raises
    ------
    ValueError
        If ``x`` is an array with at least one axis: ``math.exp`` works on
        scalars only, which is the point of the exercise.
    """
    x = as_real_scalar("x", x)
    # Exponentiate −|x| only, so math.exp never raises OverflowError.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sigmoid(x):
    """Sigmoid of every entry of an array.

    Parameters
    ----------
    x : array_like of any shape, real
        Input; a scalar is accepted.

    Returns
    -------
    ndarray of the same shape as ``x``, float64
        1 / (1 + e^(−x)) entrywise (a NumPy float for a scalar input). Large
        positive or negative entries give 1 or 0 without overflow warnings.
    """
    x = as_float_array("x", x)
    return stable_math.sigmoid(x)[()]


def sigmoid_derivative(x):
    """Derivative of the sigmoid, σ′(x) = σ(x)(1 − σ(x)), entrywise.

    Parameters
    ----------
    x : array_like of any shape, real
        The points where the derivative is taken (not σ(x)).

    Returns
    -------
    ndarray of the same shape as ``x``, float64
        σ′(x) entrywise, in (0, 0.25].
    """
    x = as_float_array("x", x)
    return stable_math.sigmoid_slope(x)[()]


def image2vector(image) -> np.ndarray:
    """Unroll an image into one column.

    Parameters
    ----------
    image : ndarray of shape (length, height, depth), real
        For example (64, 64, 3) for an RGB picture.

    Returns
    -------
    ndarray of shape (length * height * depth, 1), same dtype as ``image``
        The entries in C order (the depth index runs fastest). A new array: it
        does not share memory with ``image``.
    """
    image = as_real_array("image", image, ("length", "height", "depth"))
    return image.reshape(-1, 1).copy()


def normalize_rows(x) -> np.ndarray:
    """Divide each row of a matrix by its Euclidean (L2) norm.

    Parameters
    ----------
    x : ndarray of shape (n, d), real
        n rows to normalise.

    Returns
    -------
    ndarray of shape (n, d), float64
        x / ‖x_row‖₂, with the norms kept as an (n, 1) column so they
        broadcast across each row. A row of zeros stays a row of zeros instead
        of becoming NaN.
    """
    x = as_float_array("x", x, ("n", "d"))
    norms = np.linalg.norm(x, ord=2, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def softmax(x) -> np.ndarray:
    """Softmax of each row of a matrix.

    Parameters
    ----------
    x : ndarray of shape (n, d), real
        n rows of d scores each.

    Returns
    -------
    ndarray of shape (n, d), float64
        exp(x_ij) / Σ_k exp(x_ik): each row is positive and sums to 1.
        Each row's maximum is subtracted first, which leaves the result
        unchanged and keeps the exponentials from overflowing.
    """
    x = as_float_array("x", x, ("n", "d"))
    return stable_math.softmax(x, axis=1)


def L1(yhat, y) -> float:
    """L1 loss, Σ |y − ŷ|.

    Parameters
    ----------
    yhat : ndarray of shape (m,) or any shape, real
        Predictions.
    y : ndarray of the same shape as ``yhat``, real
        True labels.

    Returns
    -------
    float
        The sum of absolute differences over every entry.
    """
    yhat = as_float_array("yhat", yhat)
    y = as_float_array("y", y, yhat.shape)
    return float(np.sum(np.abs(y - yhat)))


def L2(yhat, y) -> float:
    """L2 loss, Σ (y − ŷ)², computed as a dot product.

    Parameters
    ----------
    yhat : ndarray of shape (m,) or any shape, real
        Predictions.
    y : ndarray of the same shape as ``yhat``, real
        True labels.

    Returns
    -------
    float
        The sum of squared differences over every entry.
    """
    yhat = as_float_array("yhat", yhat)
    y = as_float_array("y", y, yhat.shape)
    difference = (y - yhat).ravel()
    return float(np.dot(difference, difference))
