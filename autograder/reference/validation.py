"""Argument checks shared by the reference modules.

Every public reference function checks its arguments here before doing any
arithmetic. A wrong shape raises ``ValueError`` naming the argument, the shape
it should have and the shape it has, for example::

    ValueError: W2 must have shape (1, 4), got (4, 1)

Expected shapes are tuples whose entries are either an ``int`` (that axis must
have exactly this size) or a ``str`` (a free size such as ``"m"``, printed as
is), so the message reads like the docstrings: ``X must have shape (n_x, m)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "count_layers",
    "format_shape",
    "as_real_array",
    "as_float_array",
    "as_count",
    "as_real_scalar",
    "as_learning_rate",
    "check_layer_parameters",
    "check_gradients_match",
]

Shape = Sequence  # entries are int (exact size) or str (free size)


def format_shape(shape: Shape) -> str:
    """Write a shape the way NumPy prints tuples: ``(4, 1)``, ``(5,)``, ``()``."""
    parts = [str(size) for size in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def _shape_matches(actual: tuple, expected: Shape) -> bool:
    if len(actual) != len(expected):
        return False
    return all(isinstance(want, str) or want == got for want, got in zip(expected, actual))


def as_real_array(name: str, value, shape: Shape | None = None) -> np.ndarray:
    """Return ``value`` as a real-valued ndarray, checking its shape; keep its dtype.

    Parameters
    ----------
    name : str
        The argument's name, used in error messages.
    value : array_like of bool, int or float
        The argument. It is never modified; an ndarray is returned as is.
    shape : tuple of int or str, optional
        The expected shape; ``str`` entries accept any size. ``None`` accepts
        any shape.

    Raises
    ------
    TypeError
        If ``value`` does not hold real numbers.
    ValueError
        If the shape differs from ``shape`` or the array is empty.
    """
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if shape is not None and not _shape_matches(array.shape, shape):
        raise ValueError(f"{name} must have shape {format_shape(shape)}, got {format_shape(array.shape)}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {format_shape(array.shape)}")
    return array


def as_float_array(name: str, value, shape: Shape | None = None) -> np.ndarray:
    """Like :func:`as_real_array`, then converted to float64.

    A float64 ndarray comes back as the very same object, so caches built from
    the result still refer to the caller's arrays; other dtypes (labels stored
    as uint8, for instance) come back as a float64 copy.
    """
    return as_real_array(name, value, shape).astype(np.float64, copy=False)


def as_count(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` as a Python int, requiring an integer at least ``minimum``.

    ``bool`` is refused even though it is an ``int`` subclass: ``n_h=True`` is a
    mistake, not a layer of width one.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def as_real_scalar(name: str, value) -> float:
    """Return a real scalar (Python or NumPy number, or 0-d array) as a Python float."""
    array = as_real_array(name, value)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a scalar with shape (), got {format_shape(array.shape)}")
    return float(array)


def as_learning_rate(value) -> float:
    """Return a finite, positive learning rate as a Python float."""
    rate = as_real_scalar("learning_rate", value)
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"learning_rate must be a finite positive number, got {rate}")
    return rate


def count_layers(parameters) -> int:
    """L for a dict holding exactly W1..WL and b1..bL.

    Raises
    ------
    TypeError
        If ``parameters`` is not a dict.
    ValueError
        If its keys are not exactly W1..WL and b1..bL for some L >= 1.
    """
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters must be a dict, got {type(parameters).__name__}")
    num_layers = len(parameters) // 2
    expected = {f"{kind}{layer}" for layer in range(1, num_layers + 1) for kind in "Wb"}
    if num_layers == 0 or set(parameters) != expected:
        raise ValueError(
            f"parameters must hold exactly W1..WL and b1..bL for some L >= 1, got keys {sorted(parameters)}"
        )
    return num_layers


def check_layer_parameters(
    parameters: Mapping,
    num_layers: int,
    n_x: int | str,
    n_y: int | None = None,
    size_names: Sequence[str] | None = None,
) -> dict:
    """Check the weights and biases of a fully connected network, layer by layer.

    Parameters
    ----------
    parameters : dict
        Must hold ``"W1"`` … ``"W{num_layers}"`` and ``"b1"`` … ``"b{num_layers}"``;
        W_l of shape (n_l, n_{l-1}) and b_l of shape (n_l, 1), real numbers.
    num_layers : int
        L, the number of layers with weights.
    n_x : int or str
        Size of the input layer, n_0, or a name such as ``"n_x"`` when any
        size will do.
    n_y : int, optional
        Size of the output layer, n_L, when it is known (from Y, for instance).
    size_names : sequence of str, optional
        Names of the free layer sizes n_1 … n_L used in messages, e.g.
        ``("n_h", "n_y")``; by default ``"n_1"``, ``"n_2"``, ….

    Returns
    -------
    dict
        The same keys, every value a float64 ndarray (the caller's own arrays
        when they already are float64).
    """
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict, got {type(parameters).__name__}")
    if size_names is None:
        size_names = [f"n_{layer}" for layer in range(1, num_layers + 1)]
    checked = {}
    n_prev = n_x
    for layer in range(1, num_layers + 1):
        for key in (f"W{layer}", f"b{layer}"):
            if key not in parameters:
                raise ValueError(
                    f"parameters is missing {key!r}: a {num_layers}-layer network needs "
                    f"W1..W{num_layers} and b1..b{num_layers}, got keys {sorted(parameters)}"
                )
        n_out = n_y if (layer == num_layers and n_y is not None) else size_names[layer - 1]
        W = as_float_array(f"W{layer}", parameters[f"W{layer}"], (n_out, n_prev))
        n_out = W.shape[0]
        b = as_float_array(f"b{layer}", parameters[f"b{layer}"], (n_out, 1))
        checked[f"W{layer}"], checked[f"b{layer}"] = W, b
        n_prev = n_out
    return checked


def check_gradients_match(parameters: Mapping, grads: Mapping, num_layers: int) -> dict:
    """Check that ``grads`` holds dW_l and db_l shaped like W_l and b_l, for l = 1..L.

    ``parameters`` must already have passed :func:`check_layer_parameters`.
    Extra entries in ``grads`` (such as ``"dA1"``) are allowed and ignored.
    Returns the gradients as float64 arrays, keyed ``"dW1"``, ``"db1"``, ….
    """
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict, got {type(grads).__name__}")
    checked = {}
    for layer in range(1, num_layers + 1):
        for name in (f"W{layer}", f"b{layer}"):
            key = "d" + name
            if key not in grads:
                raise ValueError(f"grads is missing {key!r}, got keys {sorted(grads)}")
            checked[key] = as_float_array(key, grads[key], parameters[name].shape)
    return checked
