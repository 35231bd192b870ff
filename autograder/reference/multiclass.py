"""Reference solutions for assignment 6: softmax, L2 regularisation and dropout on digits.

Examples are columns. The network has L layers; layer l has n_l units,
weights W_l (n_l, n_{l-1}) and bias b_l (n_l, 1), with n_0 = n_x and
n_L = C classes. Layers 1 … L − 1 are ReLU, each optionally followed by
inverted dropout; layer L is a softmax:

    Z_l = W_l A_{l-1} + b_l,   A_l = dropout(relu(Z_l)) (l < L),   AL = softmax(Z_L).

Labels are one-hot columns Y of shape (C, m). The cost is the mean negative
log-likelihood of the true class, plus, with regularisation, λ/(2m) Σ_l ‖W_l‖².

Gradients follow the convention of :mod:`autograder.reference.deep`: dZ and
dA are m times ∂J/∂Z and ∂J/∂A (so dZ_L = AL − Y), and the 1/m enters in dW
and db, which are exactly ∂J/∂W and ∂J/∂b.

Caches:

* linear cache: ``(A_prev, W, b)``, as in :mod:`~autograder.reference.deep`;
* dropout cache: ``(D, keep_prob)``, D the boolean mask of kept units;
* layer cache: ``(linear_cache, Z, dropout_cache)``, where dropout_cache is
  None for the output layer and whenever keep_prob is 1.

Randomness comes only from an explicit seed or ``np.random.Generator``; the
global NumPy random state is never used.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from autograder.reference import deep, layers, stable_math
from autograder.reference.validation import (
    as_count,
    as_float_array,
    as_learning_rate,
    as_real_array,
    as_real_scalar,
    check_layer_parameters,
    count_layers,
    format_shape,
)

__all__ = [
    "softmax",
    "one_hot",
    "compute_cost",
    "softmax_cross_entropy_backward",
    "compute_cost_with_regularization",
    "linear_backward_with_regularization",
    "dropout_forward",
    "dropout_backward",
    "initialize_parameters_he",
    "random_mini_batches",
    "L_model_forward",
    "L_model_backward",
    "update_parameters",
    "model",
    "predict",
]

# Argument checks -----------------------------------------------------------


def _check_lambd(lambd) -> float:
    value = as_real_scalar("lambd", lambd)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"lambd must be a finite number >= 0, got {value}")
    return value


def _check_keep_prob(keep_prob) -> float:
    value = as_real_scalar("keep_prob", keep_prob)
    if not (0.0 < value <= 1.0):
        raise ValueError(f"keep_prob must lie in (0, 1], got {value}")
    return value


def _as_generator(rng) -> np.random.Generator:
    """An int seed becomes a fresh Generator; a Generator is used as it is."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be an int seed or a np.random.Generator, got {type(rng).__name__}; "
        "the global random state is never used"
    )


def _check_probabilities_and_labels(AL, Y):
    AL = as_float_array("AL", AL, ("C", "m"))
    Y = as_float_array("Y", Y, AL.shape)
    return AL, Y


# Softmax and its cost ------------------------------------------------------


def softmax(Z):
    """Softmax over the classes of each example (column by column).

    Parameters
    ----------
    Z : ndarray of shape (C, m), float64
        Scores (logits): one row per class, one column per example.

    Returns
    -------
    A : ndarray of shape (C, m), float64
        A[k, i] = exp(Z[k, i]) / Σ_j exp(Z[j, i]); every column sums to 1.
        Each column's largest score is subtracted before exponentiating,
        which leaves the result unchanged but keeps exp from overflowing.
    """
    Z = as_float_array("Z", Z, ("C", "m"))
    return stable_math.softmax(Z, axis=0)


def one_hot(labels, num_classes):
    """One-hot columns for integer labels.

    Parameters
    ----------
    labels : array_like of int, shape (1, m)
        Class of each example, in 0 … C − 1.
    num_classes : int
        C.

    Returns
    -------
    ndarray of shape (C, m), float64
        Y[k, i] = 1 if labels[0, i] == k else 0.
    """
    num_classes = as_count("num_classes", num_classes)
    labels = as_real_array("labels", labels, (1, "m"))
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must hold integers, got dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must lie in 0 … {num_classes - 1}, got values from {labels.min()} to {labels.max()}")
    m = labels.shape[1]
    Y = np.zeros((num_classes, m))
    Y[labels[0], np.arange(m)] = 1.0
    return Y


def compute_cost(AL, Y):
    """Mean cross-entropy (negative log-likelihood) of softmax outputs.

    Parameters
    ----------
    AL : ndarray of shape (C, m), float64
        Predicted class probabilities, each column summing to 1.
    Y : ndarray of shape (C, m), real
        One-hot labels (any columns of probabilities are accepted).

    Returns
    -------
    float
        J = −(1/m) Σ_i Σ_k Y[k, i] log AL[k, i], averaged over the m examples
        (not over the C·m entries). A probability that rounded to 0 is
        clamped to the smallest positive float, so J stays finite.
    """
    AL, Y = _check_probabilities_and_labels(AL, Y)
    return stable_math.categorical_cross_entropy(AL, Y)


def softmax_cross_entropy_backward(AL, Y):
    """Gradient of the summed cross-entropy with respect to the softmax input.

    Parameters
    ----------
    AL : ndarray of shape (C, m), float64
        Softmax outputs.
    Y : ndarray of shape (C, m), real
        One-hot labels.

    Returns
    -------
    dZ : ndarray of shape (C, m), float64
        AL − Y, which is m · ∂J/∂Z_L; :func:`linear_backward_with_regularization`
        adds the 1/m.
    """
    AL, Y = _check_probabilities_and_labels(AL, Y)
    return _softmax_cross_entropy_gradient(AL, Y)


def _softmax_cross_entropy_gradient(AL, Y):
    return AL - Y


# L2 regularisation ---------------------------------------------------------


def compute_cost_with_regularization(AL, Y, parameters, lambd):
    """Cross-entropy plus the L2 penalty on every weight matrix.

    Parameters
    ----------
    AL : ndarray of shape (C, m), float64
        Softmax outputs.
    Y : ndarray of shape (C, m), real
        One-hot labels.
    parameters : dict
        ``"W{l}"`` (n_l, n_{l-1}) and ``"b{l}"`` (n_l, 1) for l = 1 … L, with
        n_L = C. The biases are not penalised.
    lambd : float, >= 0
        Regularisation strength λ.

    Returns
    -------
    float
        compute_cost(AL, Y) + λ/(2m) Σ_l Σ W_l², m = AL.shape[1].
    """
    AL, Y = _check_probabilities_and_labels(AL, Y)
    num_layers = count_layers(parameters)
    params = check_layer_parameters(parameters, num_layers, "n_x", n_y=AL.shape[0])
    lambd = _check_lambd(lambd)
    return _cost_with_regularization(AL, Y, params, lambd)


def _cost_with_regularization(AL, Y, params, lambd):
    m = AL.shape[1]
    num_layers = len(params) // 2
    penalty = sum(float(np.sum(np.square(params[f"W{layer}"]))) for layer in range(1, num_layers + 1))
    return stable_math.categorical_cross_entropy(AL, Y) + lambd / (2 * m) * penalty


def linear_backward_with_regularization(dZ, cache, lambd):
    """Backward pass through a linear layer whose weights carry an L2 penalty.

    Parameters
    ----------
    dZ : ndarray of shape (n_l, m), float64
        m times the gradient of the cost with respect to Z = W A_prev + b.
    cache : tuple
        The linear cache ``(A_prev, W, b)``: A_prev (n_{l-1}, m),
        W (n_l, n_{l-1}), b (n_l, 1).
    lambd : float, >= 0
        Regularisation strength λ.

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m), float64
        Wᵀ dZ (the penalty does not depend on A_prev).
    dW : ndarray of shape (n_l, n_{l-1}), float64
        (1/m) dZ A_prevᵀ + (λ/m) W, the derivative of λ/(2m)‖W‖² being (λ/m) W.
    db : ndarray of shape (n_l, 1), float64
        (1/m) Σ over the columns of dZ (biases are not penalised).
    """
    lambd = _check_lambd(lambd)
    dZ, A_prev, W = layers.check_linear_backward_inputs(dZ, cache)
    return _linear_backward_with_regularization(dZ, A_prev, W, lambd)


def _linear_backward_with_regularization(dZ, A_prev, W, lambd, need_dA_prev=True):
    dA_prev, dW, db = layers.linear_backward(dZ, A_prev, W, need_dA_prev)
    m = A_prev.shape[1]
    return dA_prev, dW + (lambd / m) * W, db


# Inverted dropout ----------------------------------------------------------


def dropout_forward(A, keep_prob, rng):
    """Inverted dropout: keep each unit with probability keep_prob and rescale.

    Parameters
    ----------
    A : ndarray of shape (n_l, m), float64
        Activations of a hidden layer.
    keep_prob : float in (0, 1]
        Probability of keeping a unit.
    rng : int or np.random.Generator
        Source of the mask: a Generator is used (and advanced) as it is, an
        int seeds a new one. The mask is ``rng.random(A.shape) < keep_prob``.

    Returns
    -------
    A_dropped : ndarray of shape (n_l, m), float64
        A ⊙ D / keep_prob: dropped units are 0, kept ones are scaled up so
        the expected value of every unit is unchanged.
    cache : tuple
        ``(D, keep_prob)`` with D the boolean mask (n_l, m) of kept units.
    """
    A = as_float_array("A", A, ("n_l", "m"))
    keep_prob = _check_keep_prob(keep_prob)
    return _dropout(A, keep_prob, _as_generator(rng))


def _dropout(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return _mask(A, D, keep_prob), (D, keep_prob)


def _mask(values, D, keep_prob):
    """values ⊙ D / keep_prob: inverted dropout's factor, the same going forward and backward."""
    return values * D / keep_prob


def _check_dropout_cache(cache, shape=None, where="cache"):
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        raise ValueError(f"{where} must be the dropout cache (D, keep_prob), got {type(cache).__name__}")
    D = as_real_array(f"{where}[0] (D)", cache[0], shape if shape is not None else ("n_l", "m"))
    keep_prob = _check_keep_prob(cache[1])
    return D, keep_prob


def dropout_backward(dA, cache):
    """Backward pass through inverted dropout.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m), float64
        Gradient with respect to the dropped-out activations.
    cache : tuple
        ``(D, keep_prob)`` from :func:`dropout_forward`.

    Returns
    -------
    ndarray of shape (n_l, m), float64
        dA ⊙ D / keep_prob: no gradient flows through a dropped unit, and the
        kept ones carry the same 1/keep_prob factor as going forward.
    """
    D, keep_prob = _check_dropout_cache(cache)
    dA = as_float_array("dA", dA, D.shape)
    return _mask(dA, D, keep_prob)


# The network ---------------------------------------------------------------


def _check_layer_dims(layers_dims) -> list[int]:
    return layers.check_layer_dims("layers_dims", layers_dims)


def initialize_parameters_he(layers_dims, seed=0):
    """He initialisation, suited to ReLU layers: W_l ~ N(0, 2 / n_{l-1}), b_l = 0.

    Parameters
    ----------
    layers_dims : list of int
        [n_0 = n_x, n_1, …, n_L], at least two sizes.
    seed : int
        Seed of a local ``np.random.default_rng``. The weights are
        ``rng.standard_normal((n_l, n_{l-1})) * sqrt(2 / n_{l-1})`` drawn for
        W1, W2, … in that order.

    Returns
    -------
    dict
        ``"W{l}"`` (n_l, n_{l-1}) and ``"b{l}"`` (n_l, 1) zeros, float64.
    """
    dims = _check_layer_dims(layers_dims)
    rng = _as_generator(seed)
    return layers.random_layers(dims, rng.standard_normal, lambda fan_in: np.sqrt(2.0 / fan_in))


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the examples, then cut them into mini-batches.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    Y : ndarray of shape (C, m), real
        Labels, one column per example (kept with its example).
    mini_batch_size : int, at least 1
        Size of every mini-batch but possibly the last.
    seed : int
        The order is ``np.random.default_rng(seed).permutation(m)``.

    Returns
    -------
    list of tuple
        ``(mini_batch_X, mini_batch_Y)`` pairs of shapes (n_x, size) and
        (C, size): ⌊m / mini_batch_size⌋ full batches, then one batch with the
        m mod mini_batch_size remaining examples if there are any. Together
        they hold every example exactly once.
    """
    X = as_float_array("X", X, ("n_x", "m"))
    Y = as_float_array("Y", Y, ("C", X.shape[1]))
    mini_batch_size = as_count("mini_batch_size", mini_batch_size)
    m = X.shape[1]
    permutation = _as_generator(seed).permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [
        (shuffled_X[:, start : start + mini_batch_size], shuffled_Y[:, start : start + mini_batch_size])
        for start in range(0, m, mini_batch_size)
    ]


def L_model_forward(X, parameters, keep_prob=1.0, rng=None):
    """Forward pass: L − 1 ReLU layers with inverted dropout, then a softmax layer.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column (no dropout on the inputs).
    parameters : dict
        ``"W{l}"`` (n_l, n_{l-1}) and ``"b{l}"`` (n_l, 1) for l = 1 … L.
    keep_prob : float in (0, 1]
        Keep probability of the hidden units; 1 switches dropout off (use 1
        to predict).
    rng : int or np.random.Generator, optional
        Required when keep_prob < 1. The masks of layers 1, 2, … are drawn
        in that order with :func:`dropout_forward` from one Generator (an
        int seeds a new one).

    Returns
    -------
    AL : ndarray of shape (n_L, m), float64
        Class probabilities, each column summing to 1.
    caches : list of length L
        ``caches[l - 1] = ((A_{l-1}, W_l, b_l), Z_l, dropout_cache)``, where
        A_{l-1} is the (dropped-out) input of layer l and dropout_cache is
        ``(D_l, keep_prob)``, or None for layer L and when keep_prob is 1.
    """
    X = as_float_array("X", X, ("n_x", "m"))
    num_layers = count_layers(parameters)
    params = check_layer_parameters(parameters, num_layers, X.shape[0])
    keep_prob = _check_keep_prob(keep_prob)
    if keep_prob < 1.0:
        if rng is None:
            raise TypeError("rng must be given (an int seed or a np.random.Generator) when keep_prob < 1")
        rng = _as_generator(rng)
    return _model_forward(X, params, keep_prob, rng)


def _model_forward(X, params, keep_prob, rng):
    """L_model_forward on checked arguments; rng is a Generator, or None when keep_prob is 1."""
    num_layers = len(params) // 2
    A = X
    caches = []
    for layer in range(1, num_layers + 1):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        Z = layers.linear(A, W, b)
        linear_cache = (A, W, b)
        dropout_cache = None
        if layer == num_layers:
            A = stable_math.softmax(Z, axis=0)
        else:
            A = layers.relu(Z)
            if keep_prob < 1.0:
                A, dropout_cache = _dropout(A, keep_prob, rng)
        caches.append((linear_cache, Z, dropout_cache))
    return A, caches


def _check_caches(caches):
    """The caches' layout, each Z and each dropout cache; returns them with float64 Z."""
    if not isinstance(caches, (list, tuple)) or len(caches) == 0:
        raise ValueError("caches must be a non-empty list of layer caches (linear_cache, Z, dropout_cache)")
    checked = []
    for index, cache in enumerate(caches):
        if not isinstance(cache, (tuple, list)) or len(cache) != 3:
            raise ValueError(
                f"caches[{index}] must be (linear_cache, Z, dropout_cache), got {type(cache).__name__}"
                + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else "")
            )
        linear_cache, Z, dropout_cache = cache
        Z = as_float_array(f"caches[{index}][1] (Z)", Z, ("n_l", "m"))
        if dropout_cache is not None:
            if index == len(caches) - 1:
                raise ValueError(f"caches[{index}] is the softmax layer's and must have dropout_cache None")
            dropout_cache = _check_dropout_cache(dropout_cache, Z.shape, f"caches[{index}][2]")
        checked.append((linear_cache, Z, dropout_cache))
    return checked


def _check_backward_inputs(AL, Y, caches, lambd):
    """Check L_model_backward's arguments; return them as float64 arrays and a float lambd.

    The linear caches are checked from the last layer down, with the messages
    of :func:`linear_backward_with_regularization`, :func:`dropout_backward`
    and ``deep.relu_backward``, as the gradients would reach them.
    """
    caches = _check_caches(caches)
    AL, Y = _check_probabilities_and_labels(AL, Y)
    if AL.shape != caches[-1][1].shape:
        raise ValueError(
            f"AL must have shape {format_shape(caches[-1][1].shape)} like the last layer's Z, "
            f"got {format_shape(AL.shape)}"
        )
    lambd = _check_lambd(lambd)
    dA_shape = None  # the shape of dA_{l}, which Wᵀ dZ of layer l + 1 has
    for layer in range(len(caches), 0, -1):
        linear_cache, Z, dropout_cache = caches[layer - 1]
        if dA_shape is not None and dA_shape != Z.shape:
            raise ValueError(f"dA must have shape {format_shape(Z.shape)}, got {format_shape(dA_shape)}")
        A_prev, W, b = layers.check_linear_cache(linear_cache)
        expected = (W.shape[0], A_prev.shape[1])
        if Z.shape != expected:
            raise ValueError(f"dZ must have shape {format_shape(expected)}, got {format_shape(Z.shape)}")
        caches[layer - 1] = ((A_prev, W, b), Z, dropout_cache)
        dA_shape = A_prev.shape
    return AL, Y, caches, lambd


def L_model_backward(AL, Y, caches, lambd=0.0):
    """Backward pass of :func:`L_model_forward`, with an optional L2 penalty.

    Parameters
    ----------
    AL : ndarray of shape (C, m), float64
        Softmax outputs from :func:`L_model_forward`.
    Y : ndarray of shape (C, m), real
        One-hot labels.
    caches : list of length L
        From :func:`L_model_forward`: ``(linear_cache, Z_l, dropout_cache)``.
    lambd : float, >= 0
        Regularisation strength λ of the cost being differentiated.

    Returns
    -------
    dict
        ``"dW{l}"`` and ``"db{l}"`` for l = 1 … L, shaped like W_l and b_l:
        the gradients of :func:`compute_cost_with_regularization`. The pass
        starts from dZ_L = AL − Y, then for each hidden layer goes back
        through the linear part, the dropout mask and the ReLU.
    """
    AL, Y, caches, lambd = _check_backward_inputs(AL, Y, caches, lambd)
    return _model_backward(AL, Y, caches, lambd)


def _model_backward(AL, Y, caches, lambd):
    """L_model_backward on checked arguments."""
    num_layers = len(caches)
    grads = {}
    dZ = _softmax_cross_entropy_gradient(AL, Y)
    dA = None  # set by each layer for the one before it
    for layer in range(num_layers, 0, -1):
        (A_prev, W, _), Z, dropout_cache = caches[layer - 1]
        if layer < num_layers:
            if dropout_cache is not None:
                dA = _mask(dA, *dropout_cache)
            dZ = layers.relu_backward(dA, Z)
        # No dA0: nothing is updated with it.
        dA, dW, db = _linear_backward_with_regularization(dZ, A_prev, W, lambd, need_dA_prev=layer > 1)
        grads[f"dW{layer}"], grads[f"db{layer}"] = dW, db
    return grads


def update_parameters(parameters, grads, learning_rate):
    """One gradient descent step, returned as a new dict (see :func:`deep.update_parameters`)."""
    return deep.update_parameters(parameters, grads, learning_rate)


def model(
    X,
    Y,
    layers_dims,
    learning_rate=0.1,
    num_epochs=10,
    mini_batch_size=64,
    lambd=0.0,
    keep_prob=1.0,
    seed=0,
    print_cost=False,
    on_epoch_end: Callable | None = None,
):
    """Train the softmax network with mini-batch gradient descent.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Training inputs, one example per column.
    Y : ndarray of shape (C, m), real
        One-hot training labels.
    layers_dims : list of int
        [n_x, n_1, …, n_{L-1}, C].
    learning_rate : float, positive
        Step size α.
    num_epochs : int, at least 0
        Passes over the training set.
    mini_batch_size : int, at least 1
        Examples per gradient step.
    lambd : float, >= 0
        L2 regularisation strength (0 for none).
    keep_prob : float in (0, 1]
        Dropout keep probability of the hidden units (1 for none).
    seed : int
        Everything random follows from it: the weights come from
        ``initialize_parameters_he(layers_dims, seed)``; epoch e (from 0)
        shuffles with ``random_mini_batches(X, Y, mini_batch_size, seed + e)``;
        the dropout masks come from one ``np.random.default_rng(seed)`` made
        before the first epoch.
    print_cost : bool
        Print the cost after every epoch.
    on_epoch_end : callable, optional
        Called as ``on_epoch_end(epoch, parameters)`` after every epoch, e.g.
        to record the test cost.

    Returns
    -------
    parameters : dict
        The trained ``"W{l}"`` and ``"b{l}"``.
    costs : list of float
        One per epoch: the mean over the epoch's mini-batches of
        compute_cost_with_regularization, weighted by batch size, i.e.
        (1/m) Σ_batches size · cost.
    """
    dims = _check_layer_dims(layers_dims)
    X = as_float_array("X", X, (dims[0], "m"))
    Y = as_float_array("Y", Y, (dims[-1], X.shape[1]))
    learning_rate = as_learning_rate(learning_rate)
    num_epochs = as_count("num_epochs", num_epochs, minimum=0)
    lambd = _check_lambd(lambd)
    keep_prob = _check_keep_prob(keep_prob)
    seed = as_count("seed", seed, minimum=0)

    parameters = initialize_parameters_he(dims, seed)
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    costs = []
    for epoch in range(num_epochs):
        total = 0.0
        for mini_batch_X, mini_batch_Y in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            AL, caches = _model_forward(mini_batch_X, parameters, keep_prob, rng)
            cost = _cost_with_regularization(AL, mini_batch_Y, parameters, lambd)
            grads = _model_backward(AL, mini_batch_Y, caches, lambd)
            parameters = layers.gradient_descent_step(parameters, grads, learning_rate)
            total += cost * mini_batch_X.shape[1]
        costs.append(total / m)
        if print_cost:
            print(f"epoch {epoch + 1}/{num_epochs}: cost {costs[-1]:.6f}")
        if on_epoch_end is not None:
            on_epoch_end(epoch, parameters)
    return parameters, costs


def predict(X, parameters):
    """Most probable class of each example (dropout off).

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    parameters : dict
        Trained ``"W{l}"`` and ``"b{l}"``.

    Returns
    -------
    ndarray of shape (1, m), int64
        argmax over the classes of L_model_forward(X, parameters).
    """
    AL, _ = L_model_forward(X, parameters)
    return np.argmax(AL, axis=0).reshape(1, -1).astype(np.int64)
