"""Reference solutions for assignments 4 and 5, a deep network built step by step.

Examples are columns. Layer l (l = 1 … L) has n_l units, weights W_l of shape
(n_l, n_{l-1}) and bias b_l of shape (n_l, 1); the input is A_0 = X of shape
(n_x, m) with n_0 = n_x. The first L − 1 layers use ReLU, the last a sigmoid:

    Z_l = W_l A_{l-1} + b_l,   A_l = relu(Z_l) (l < L),   AL = σ(Z_L).

Every ``*_forward`` returns ``(output, cache)`` and every ``*_backward`` takes
the upstream gradient and that cache:

* linear cache: the tuple ``(A_prev, W, b)`` of the layer's inputs;
* activation cache: ``Z``, the activation's input;
* layer cache: ``(linear_cache, activation_cache)``.

Gradient conventions follow the lecture. The cost is
J = −(1/m) Σ [Y log AL + (1 − Y) log(1 − AL)]. The backward pass starts from
dAL = −(Y / AL − (1 − Y) / (1 − AL)), the gradient of the summed loss m·J, so
every dA and dZ is m times ∂J/∂A or ∂J/∂Z; the 1/m enters in dW and db, which
are exactly ∂J/∂W and ∂J/∂b.
"""

from __future__ import annotations

import numpy as np

from autograder.reference import layers, shallow, stable_math
from autograder.reference.validation import (
    as_count,
    as_float_array,
    as_learning_rate,
    check_gradients_match,
    check_layer_parameters,
    count_layers,
    format_shape,
)

__all__ = [
    "sigmoid",
    "relu",
    "sigmoid_backward",
    "relu_backward",
    "initialize_parameters",
    "initialize_parameters_deep",
    "initialize_parameters_scaled",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
    "two_layer_model",
    "L_layer_model",
    "predict",
]

_ACTIVATIONS = ("sigmoid", "relu")


# Activations ---------------------------------------------------------------


def sigmoid(Z):
    """Sigmoid activation.

    Parameters
    ----------
    Z : ndarray of any shape, float64
        Pre-activations, typically (n_l, m).

    Returns
    -------
    A : ndarray of the same shape, float64
        σ(Z) = 1 / (1 + e^(−Z)), without overflow warnings for large |Z|.
    cache : ndarray
        Z itself (the activation cache), kept for :func:`sigmoid_backward`.
    """
    Z = as_float_array("Z", Z)
    return stable_math.sigmoid(Z), Z


def relu(Z):
    """ReLU activation.

    Parameters
    ----------
    Z : ndarray of any shape, float64
        Pre-activations, typically (n_l, m).

    Returns
    -------
    A : ndarray of the same shape, float64
        max(0, Z) entrywise.
    cache : ndarray
        Z itself (the activation cache), kept for :func:`relu_backward`.
    """
    Z = as_float_array("Z", Z)
    return layers.relu(Z), Z


def sigmoid_backward(dA, cache):
    """Backward pass through a sigmoid: dZ = dA ⊙ σ(Z)(1 − σ(Z)).

    Parameters
    ----------
    dA : ndarray of the same shape as Z, float64
        Gradient with respect to the activation's output.
    cache : ndarray, float64
        Z, the activation cache returned by :func:`sigmoid`.

    Returns
    -------
    dZ : ndarray of the same shape as Z, float64
        Gradient with respect to Z.
    """
    Z = as_float_array("cache (Z)", cache)
    dA = as_float_array("dA", dA, Z.shape)
    return layers.sigmoid_backward(dA, Z)


def relu_backward(dA, cache):
    """Backward pass through a ReLU: dZ = dA where Z > 0, and 0 where Z ≤ 0.

    Parameters
    ----------
    dA : ndarray of the same shape as Z, float64
        Gradient with respect to the activation's output.
    cache : ndarray, float64
        Z, the activation cache returned by :func:`relu`.

    Returns
    -------
    dZ : ndarray of the same shape as Z, float64
        Gradient with respect to Z (ReLU's slope at 0 is taken as 0).
    """
    Z = as_float_array("cache (Z)", cache)
    dA = as_float_array("dA", dA, Z.shape)
    return layers.relu_backward(dA, Z)


# Initialisation ------------------------------------------------------------


def initialize_parameters(n_x, n_h, n_y, seed=1):
    """Small random weights and zero biases for a two-layer network.

    Parameters
    ----------
    n_x, n_h, n_y : int, at least 1
        Sizes of the input, hidden and output layers.
    seed : int
        Seed of a local ``np.random.RandomState``: the weights are what
        ``np.random.seed(seed)`` then ``np.random.randn`` for W1, then W2,
        would give. The global random state is left untouched.

    Returns
    -------
    dict
        ``"W1"``: (n_h, n_x) standard normal × 0.01; ``"b1"``: (n_h, 1) zeros;
        ``"W2"``: (n_y, n_h) standard normal × 0.01; ``"b2"``: (n_y, 1) zeros;
        all float64.
    """
    return shallow.initialize_parameters(n_x, n_h, n_y, seed=seed)


def _check_layer_dims(layer_dims) -> list[int]:
    return layers.check_layer_dims("layer_dims", layer_dims)


def _random_layers(layer_dims, seed, scale_for_fan_in):
    dims = _check_layer_dims(layer_dims)
    rng = np.random.RandomState(seed)
    return layers.random_layers(dims, lambda shape: rng.randn(*shape), scale_for_fan_in)


def initialize_parameters_deep(layer_dims, seed=3):
    """Weights drawn as standard normal × 0.01, zero biases, for every layer.

    Parameters
    ----------
    layer_dims : list of int
        [n_0 = n_x, n_1, …, n_L], at least two sizes, each at least 1.
    seed : int
        Seed of a local ``np.random.RandomState``: the weights are what
        ``np.random.seed(seed)`` then ``np.random.randn`` for W1, W2, …, WL
        would give. The global random state is left untouched.

    Returns
    -------
    dict
        ``"W{l}"``: (n_l, n_{l-1}) and ``"b{l}"``: (n_l, 1) zeros, for
        l = 1 … L, float64.
    """
    return _random_layers(layer_dims, seed, lambda fan_in: 0.01)


def initialize_parameters_scaled(layer_dims, seed=1):
    """Weights scaled by 1/√(fan-in), zero biases: the deep model's initialisation.

    W_l = randn(n_l, n_{l-1}) / √n_{l-1} keeps the variance of each layer's Z
    near that of its input, so a deep stack of layers neither shrinks nor
    blows up the signal at the start of training (LeCun's scaling). This is
    what :func:`L_layer_model` uses.

    Parameters
    ----------
    layer_dims : list of int
        [n_0 = n_x, n_1, …, n_L], at least two sizes, each at least 1.
    seed : int
        Seed of a local ``np.random.RandomState``: the standard normal draws
        are what ``np.random.seed(seed)`` then ``np.random.randn`` for W1, W2,
        … would give. The global random state is left untouched.

    Returns
    -------
    dict
        ``"W{l}"``: (n_l, n_{l-1}) and ``"b{l}"``: (n_l, 1) zeros, for
        l = 1 … L, float64.
    """
    return _random_layers(layer_dims, seed, lambda fan_in: 1.0 / np.sqrt(fan_in))


# Forward pass --------------------------------------------------------------


def _check_activation(activation):
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be 'sigmoid' or 'relu', got {activation!r}")


def linear_forward(A, W, b):
    """Linear part of a layer, Z = W A + b.

    Parameters
    ----------
    A : ndarray of shape (n_{l-1}, m), float64
        Activations of the previous layer (or X), one example per column.
    W : ndarray of shape (n_l, n_{l-1}), float64
        Weights.
    b : ndarray of shape (n_l, 1), float64
        Bias, broadcast across the m columns.

    Returns
    -------
    Z : ndarray of shape (n_l, m), float64
        Pre-activations.
    cache : tuple
        The linear cache ``(A, W, b)``, the inputs themselves.
    """
    A, W, b = layers.check_linear_inputs(A, W, b, names=("A", "W", "b"))
    return layers.linear(A, W, b), (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """One layer forward: linear part, then the activation.

    Parameters
    ----------
    A_prev : ndarray of shape (n_{l-1}, m), float64
        Activations of the previous layer (or X).
    W : ndarray of shape (n_l, n_{l-1}), float64
        Weights.
    b : ndarray of shape (n_l, 1), float64
        Bias.
    activation : {"sigmoid", "relu"}
        The layer's activation.

    Returns
    -------
    A : ndarray of shape (n_l, m), float64
        The layer's output.
    cache : tuple
        ``(linear_cache, activation_cache)`` = ``((A_prev, W, b), Z)``.

    Raises
    ------
    ValueError
        For an unknown activation or inconsistent shapes.
    """
    _check_activation(activation)
    A_prev, W, b = layers.check_linear_inputs(A_prev, W, b)
    return _linear_activation_forward(A_prev, W, b, activation)


def _linear_activation_forward(A_prev, W, b, activation):
    Z = layers.linear(A_prev, W, b)
    return layers.activation_forward(Z, activation), ((A_prev, W, b), Z)


def L_model_forward(X, parameters):
    """Forward pass of the whole network: L − 1 ReLU layers, then a sigmoid layer.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    parameters : dict
        ``"W{l}"`` of shape (n_l, n_{l-1}) and ``"b{l}"`` of shape (n_l, 1)
        for l = 1 … L, float64, with n_0 = n_x; L = len(parameters) // 2.

    Returns
    -------
    AL : ndarray of shape (n_L, m), float64
        Output probabilities.
    caches : list of length L
        ``caches[l - 1]`` is layer l's cache ``((A_{l-1}, W_l, b_l), Z_l)``.
    """
    X = as_float_array("X", X, ("n_x", "m"))
    num_layers = count_layers(parameters)
    params = check_layer_parameters(parameters, num_layers, X.shape[0])
    return _model_forward(X, params)


def _model_forward(X, params):
    """L_model_forward on checked float64 arrays."""
    num_layers = len(params) // 2
    A = X
    caches = []
    for layer in range(1, num_layers + 1):
        activation = "sigmoid" if layer == num_layers else "relu"
        A, cache = _linear_activation_forward(A, params[f"W{layer}"], params[f"b{layer}"], activation)
        caches.append(cache)
    return A, caches


def compute_cost(AL, Y):
    """Mean cross-entropy of the network's output.

    Parameters
    ----------
    AL : ndarray of shape (1, m), float64
        Output probabilities ((n_L, m) is accepted too; the sum then runs over
        every entry and is divided by m).
    Y : ndarray of the same shape as AL, real
        Labels, 0 or 1.

    Returns
    -------
    float
        −(1/m) Σ [Y log AL + (1 − Y) log(1 − AL)]. A probability that has
        rounded to exactly 0 or 1 is clamped, so the cost stays finite and no
        warning is raised.
    """
    AL = as_float_array("AL", AL, ("n_L", "m"))
    Y = as_float_array("Y", Y, AL.shape)
    return stable_math.binary_cross_entropy(AL, Y)


# Backward pass -------------------------------------------------------------


def _check_layer_cache(cache, where="cache"):
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        raise ValueError(f"{where} must be (linear_cache, activation_cache), got {layers.describe(cache)}")
    A_prev, W, b = layers.check_linear_cache(cache[0], f"{where}[0]")
    Z = as_float_array(f"{where}[1] (Z)", cache[1], (W.shape[0], A_prev.shape[1]))
    return (A_prev, W, b), Z


def linear_backward(dZ, cache):
    """Backward pass through the linear part of a layer.

    Parameters
    ----------
    dZ : ndarray of shape (n_l, m), float64
        Gradient with respect to Z = W A_prev + b.
    cache : tuple
        The linear cache ``(A_prev, W, b)`` from :func:`linear_forward`, with
        A_prev (n_{l-1}, m), W (n_l, n_{l-1}), b (n_l, 1).

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m), float64
        Wᵀ dZ.
    dW : ndarray of shape (n_l, n_{l-1}), float64
        (1/m) dZ A_prevᵀ.
    db : ndarray of shape (n_l, 1), float64
        (1/m) Σ over the columns of dZ.
    """
    dZ, A_prev, W = layers.check_linear_backward_inputs(dZ, cache)
    return layers.linear_backward(dZ, A_prev, W)


def _linear_activation_backward(dA, A_prev, W, Z, activation, need_dA_prev=True):
    dZ = layers.activation_backward(dA, Z, activation)
    return layers.linear_backward(dZ, A_prev, W, need_dA_prev)


def linear_activation_backward(dA, cache, activation):
    """One layer backward: through the activation, then the linear part.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m), float64
        Gradient with respect to the layer's output A.
    cache : tuple
        ``(linear_cache, activation_cache)`` = ``((A_prev, W, b), Z)`` from
        :func:`linear_activation_forward`.
    activation : {"sigmoid", "relu"}
        The activation the layer used going forward.

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m), float64
        Gradient with respect to the previous layer's activations.
    dW : ndarray of shape (n_l, n_{l-1}), float64
        Gradient with respect to W (includes the 1/m).
    db : ndarray of shape (n_l, 1), float64
        Gradient with respect to b (includes the 1/m).
    """
    _check_activation(activation)
    (A_prev, W, _), Z = _check_layer_cache(cache)
    dA = as_float_array("dA", dA, Z.shape)
    return _linear_activation_backward(dA, A_prev, W, Z, activation)


def L_model_backward(AL, Y, caches):
    """Backward pass of the whole network.

    Parameters
    ----------
    AL : ndarray of shape (1, m), float64
        Output of :func:`L_model_forward` ((n_L, m) in general).
    Y : ndarray of the same shape as AL, real
        Labels, 0 or 1.
    caches : list of length L
        From :func:`L_model_forward`; ``caches[l - 1]`` is
        ``((A_{l-1}, W_l, b_l), Z_l)``. Layers 1 … L − 1 are taken to be ReLU
        and layer L sigmoid.

    Returns
    -------
    dict
        ``"dA{l}"`` for l = 0 … L − 1, shaped like A_l (m times ∂J/∂A_l, as
        the lecture's dAL is); ``"dW{l}"`` and ``"db{l}"`` for l = 1 … L,
        shaped like W_l and b_l (exactly ∂J/∂W_l and ∂J/∂b_l). The pass starts
        from dAL = −(Y / AL − (1 − Y) / (1 − AL)), with AL clamped away from
        exactly 0 and 1 so that no division by zero can occur.
    """
    if not isinstance(caches, (list, tuple)) or len(caches) == 0:
        raise ValueError(f"caches must be a non-empty list of layer caches, got {layers.describe(caches)}")
    checked = []
    for index, cache in enumerate(caches):
        (A_prev, W, _), Z = _check_layer_cache(cache, f"caches[{index}]")
        if checked and A_prev.shape != checked[-1][2].shape:
            raise ValueError(
                f"caches[{index}][0][0] (A_prev) must have shape "
                f"{format_shape(checked[-1][2].shape)}, the output shape of layer {index}, "
                f"got {format_shape(A_prev.shape)}"
            )
        checked.append((A_prev, W, Z))
    AL = as_float_array("AL", AL, checked[-1][2].shape)
    Y = as_float_array("Y", Y, AL.shape)
    return _model_backward(AL, Y, checked)


def _model_backward(AL, Y, layer_inputs, need_dA0=True):
    """L_model_backward on checked float64 arrays; ``layer_inputs[l - 1]`` is (A_{l-1}, W_l, Z_l)."""
    num_layers = len(layer_inputs)
    grads = {}
    dA = stable_math.binary_cross_entropy_gradient(AL, Y)
    for layer in range(num_layers, 0, -1):
        A_prev, W, Z = layer_inputs[layer - 1]
        activation = "sigmoid" if layer == num_layers else "relu"
        need_dA_prev = need_dA0 or layer > 1
        dA, dW, db = _linear_activation_backward(dA, A_prev, W, Z, activation, need_dA_prev)
        if need_dA_prev:
            grads[f"dA{layer - 1}"] = dA
        grads[f"dW{layer}"], grads[f"db{layer}"] = dW, db
    return grads


def update_parameters(params, grads, learning_rate):
    """One gradient descent step on every layer, returned as a new dict.

    Parameters
    ----------
    params : dict
        ``"W{l}"`` (n_l, n_{l-1}) and ``"b{l}"`` (n_l, 1) for l = 1 … L,
        float64. Not modified.
    grads : dict
        ``"dW{l}"`` and ``"db{l}"`` shaped like the parameters; other entries
        (``"dA{l}"``) are ignored.
    learning_rate : float, positive
        Step size α in W ← W − α·dW, b ← b − α·db.

    Returns
    -------
    dict
        New arrays under the same keys as ``params``.
    """
    num_layers = count_layers(params)
    checked = check_layer_parameters(params, num_layers, "n_x")
    grads = check_gradients_match(checked, grads, num_layers)
    learning_rate = as_learning_rate(learning_rate)
    return layers.gradient_descent_step(checked, grads, learning_rate)


# Models --------------------------------------------------------------------


def _check_training_inputs(X, Y, layers_dims, num_iterations, learning_rate):
    dims = _check_layer_dims(layers_dims)
    X = as_float_array("X", X, (dims[0], "m"))
    Y = as_float_array("Y", Y, (dims[-1], X.shape[1]))
    num_iterations = as_count("num_iterations", num_iterations, minimum=0)
    learning_rate = as_learning_rate(learning_rate)
    return X, Y, dims, num_iterations, learning_rate


def _should_record(i, num_iterations):
    return i % 100 == 0 or i == num_iterations - 1


def _train(X, Y, parameters, learning_rate, num_iterations, print_cost):
    """Batch gradient descent on checked arguments, shared by both models."""
    costs = []
    for i in range(num_iterations):
        AL, caches = _model_forward(X, parameters)
        cost = stable_math.binary_cross_entropy(AL, Y)
        layer_inputs = [(A_prev, W, Z) for (A_prev, W, _), Z in caches]
        grads = _model_backward(AL, Y, layer_inputs, need_dA0=False)
        parameters = layers.gradient_descent_step(parameters, grads, learning_rate)
        if _should_record(i, num_iterations):
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost}")
    return parameters, costs


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Train LINEAR → RELU → LINEAR → SIGMOID by batch gradient descent.

    The weights start from :func:`initialize_parameters` with seed 1
    (standard normal × 0.01).

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column (for images: flattened with
        ``X.reshape(m, -1).T`` and divided by 255).
    Y : ndarray of shape (n_y, m), real
        Labels, 0 or 1 (n_y = 1 in the lecture).
    layers_dims : sequence of 3 ints
        (n_x, n_h, n_y).
    learning_rate : float, positive
        Step size.
    num_iterations : int, at least 0
        Number of gradient descent steps.
    print_cost : bool
        Print the cost whenever it is recorded.

    Returns
    -------
    parameters : dict
        The trained ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``.
    costs : list of float
        The cost before the step of iteration i, for i = 0, 100, 200, … and
        for the last iteration.
    """
    X, Y, dims, num_iterations, learning_rate = _check_training_inputs(X, Y, layers_dims, num_iterations, learning_rate)
    if len(dims) != 3:
        raise ValueError(f"layers_dims must be (n_x, n_h, n_y), got {list(layers_dims)}")
    n_x, n_h, n_y = dims
    parameters = initialize_parameters(n_x, n_h, n_y, seed=1)
    return _train(X, Y, parameters, learning_rate, num_iterations, print_cost)


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Train an L-layer network ([LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID).

    The weights start from :func:`initialize_parameters_scaled` with seed 1,
    W_l = randn(n_l, n_{l-1}) / √n_{l-1}.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    Y : ndarray of shape (n_y, m), real
        Labels, 0 or 1 (n_y = 1 in the lecture).
    layers_dims : sequence of int
        [n_x, n_1, …, n_L], at least two sizes; n_L = n_y.
    learning_rate : float, positive
        Step size.
    num_iterations : int, at least 0
        Number of gradient descent steps.
    print_cost : bool
        Print the cost whenever it is recorded.

    Returns
    -------
    parameters : dict
        The trained ``"W{l}"`` and ``"b{l}"`` for l = 1 … L.
    costs : list of float
        The cost before the step of iteration i, for i = 0, 100, 200, … and
        for the last iteration.
    """
    X, Y, dims, num_iterations, learning_rate = _check_training_inputs(X, Y, layers_dims, num_iterations, learning_rate)
    parameters = initialize_parameters_scaled(dims, seed=1)
    return _train(X, Y, parameters, learning_rate, num_iterations, print_cost)


def predict(X, y, parameters):
    """Predict with a trained L-layer network and print the accuracy.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), float64
        Inputs, one example per column.
    y : ndarray of shape (1, m), real
        True labels, 0 or 1, used only for the printed accuracy.
    parameters : dict
        ``"W{l}"`` and ``"b{l}"`` for l = 1 … L, as for :func:`L_model_forward`.

    Returns
    -------
    ndarray of shape (1, m), float64
        Predictions 0.0 or 1.0 (1.0 where AL > 0.5). Prints
        ``Accuracy: <fraction of predictions equal to y>``.
    """
    X = as_float_array("X", X, ("n_x", "m"))
    num_layers = count_layers(parameters)
    params = check_layer_parameters(parameters, num_layers, X.shape[0])
    y = as_float_array("y", y, (params[f"W{num_layers}"].shape[0], X.shape[1]))
    probabilities, _ = _model_forward(X, params)
    p = (probabilities > 0.5).astype(np.float64)
    print("Accuracy: " + str(float(np.mean(p == y))))
    return p
