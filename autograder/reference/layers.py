"""The fully connected layer shared by the shallow, deep and multiclass networks.

Examples are columns. A layer with n_l units has weights W of shape
(n_l, n_{l-1}) and bias b of shape (n_l, 1) and computes Z = W A_prev + b,
then an activation. Its linear cache is the tuple ``(A_prev, W, b)``.

:mod:`~autograder.reference.shallow`, :mod:`~autograder.reference.deep` and
:mod:`~autograder.reference.multiclass` check their arguments once, at their
public functions, then do their arithmetic here, so that a training loop does
not check the same shapes again at every step. The arithmetic functions take already checked float64 arrays
and do no checking; the ``check_*`` functions are the checks both modules
share.

Gradient conventions are the lecture's: dZ and dA are m times ∂J/∂Z and
∂J/∂A, and the 1/m enters in dW and db.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from autograder.reference import stable_math
from autograder.reference.validation import as_count, as_float_array

__all__ = [
    "check_layer_dims",
    "check_linear_inputs",
    "check_linear_cache",
    "check_linear_backward_inputs",
    "describe",
    "random_layers",
    "linear",
    "relu",
    "relu_backward",
    "sigmoid_backward",
    "activation_forward",
    "activation_backward",
    "linear_backward",
    "gradient_descent_step",
]


# Checks --------------------------------------------------------------------


def describe(value) -> str:
    """What a malformed cache is, for an error message: ``a tuple of length 2``, ``str``."""
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return type(value).__name__


def check_layer_dims(name: str, layer_dims) -> list[int]:
    """[n_0, n_1, …, n_L] as a list of ints: at least two sizes, each at least 1.

    ``name`` is the argument's name in error messages (the lecture spells it
    ``layer_dims`` in one assignment and ``layers_dims`` in another).
    """
    if isinstance(layer_dims, (str, bytes)) or not isinstance(layer_dims, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a list of layer sizes, got {type(layer_dims).__name__}")
    if len(layer_dims) < 2:
        raise ValueError(f"{name} must list at least the input and output sizes, got {list(layer_dims)}")
    return [as_count(f"{name}[{index}]", size) for index, size in enumerate(layer_dims)]


def check_linear_inputs(A_prev, W, b, names=("A_prev", "W", "b")):
    """A_prev (n_{l-1}, m), W (n_l, n_{l-1}) and b (n_l, 1) as float64 arrays.

    ``names`` are the three arguments' names in error messages.
    """
    A_prev = as_float_array(names[0], A_prev, ("n_prev", "m"))
    W = as_float_array(names[1], W, ("n_l", A_prev.shape[0]))
    b = as_float_array(names[2], b, (W.shape[0], 1))
    return A_prev, W, b


def check_linear_cache(cache, where="cache"):
    """The linear cache ``(A_prev, W, b)`` as float64 arrays of consistent shapes.

    ``where`` names the cache in error messages, e.g. ``"caches[0][0]"``.
    """
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        raise ValueError(f"{where} must be the linear cache (A_prev, W, b), got {describe(cache)}")
    names = (f"{where}[0] (A_prev)", f"{where}[1] (W)", f"{where}[2] (b)")
    return check_linear_inputs(*cache, names=names)


def check_linear_backward_inputs(dZ, cache):
    """dZ (n_l, m) and the linear cache: returns float64 ``dZ, A_prev, W``."""
    A_prev, W, _ = check_linear_cache(cache)
    dZ = as_float_array("dZ", dZ, (W.shape[0], A_prev.shape[1]))
    return dZ, A_prev, W


# Initialisation ------------------------------------------------------------


def random_layers(dims: Sequence[int], draw: Callable, scale_for_fan_in: Callable) -> dict:
    """Random weights and zero biases for layers 1 … L of checked sizes ``dims``.

    ``draw(shape)`` returns standard normal numbers; it is called for W1, W2,
    … in that order, and W_l is the draw times ``scale_for_fan_in(n_{l-1})``.
    """
    parameters = {}
    for layer in range(1, len(dims)):
        W = draw((dims[layer], dims[layer - 1]))
        parameters[f"W{layer}"] = W * scale_for_fan_in(dims[layer - 1])
        parameters[f"b{layer}"] = np.zeros((dims[layer], 1))
    return parameters


# Forward -------------------------------------------------------------------


def linear(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Z = W A_prev + b, the bias broadcast across the m columns."""
    return W @ A_prev + b


def relu(Z: np.ndarray) -> np.ndarray:
    """max(0, Z) entrywise."""
    return np.maximum(Z, 0.0)


def activation_forward(Z: np.ndarray, activation: str) -> np.ndarray:
    """σ(Z) for ``"sigmoid"``, max(0, Z) for ``"relu"``."""
    return stable_math.sigmoid(Z) if activation == "sigmoid" else relu(Z)


# Backward ------------------------------------------------------------------


def relu_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA where Z > 0, and 0 where Z ≤ 0 (ReLU's slope at 0 is taken as 0)."""
    return np.where(Z > 0, dA, 0.0)


def sigmoid_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA ⊙ σ(Z)(1 − σ(Z))."""
    return dA * stable_math.sigmoid_slope(Z)


def activation_backward(dA: np.ndarray, Z: np.ndarray, activation: str) -> np.ndarray:
    """dZ from dA through the ``"sigmoid"`` or ``"relu"`` whose input was Z."""
    return sigmoid_backward(dA, Z) if activation == "sigmoid" else relu_backward(dA, Z)


def linear_backward(dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray, need_dA_prev: bool = True):
    """(dA_prev, dW, db) = (Wᵀ dZ, (1/m) dZ A_prevᵀ, (1/m) Σ over the columns of dZ).

    With ``need_dA_prev`` false, dA_prev is None and is not computed.
    """
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    # The training loops skip dA0 = W1ᵀ dZ1: on 64×64×3 images it costs as much
    # as the rest of the first layer's backward pass and updates nothing.
    dA_prev = W.T @ dZ if need_dA_prev else None
    return dA_prev, dW, db


# Update --------------------------------------------------------------------


def gradient_descent_step(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """θ ← θ − α·dθ for every key θ of ``parameters``, as a new dict.

    ``grads`` holds ``"d" + key`` for every key; other entries are ignored.
    """
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}
