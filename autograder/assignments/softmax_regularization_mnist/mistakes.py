"""Typical mistakes in assignment 6, softmax, L2 regularisation and dropout on digits.

How a mistake is built and which cells it loses: :mod:`autograder.assignments.submissions`.

The last entry hard-codes the values printed in the visible checks. Its
literals are computed here from the reference on the visible inputs, so they
are exactly what those checks expect.
"""

from __future__ import annotations

import numpy as np

from autograder.assignments.submissions import Edit, Mistake
from autograder.reference import multiclass as ref


def _literal(value) -> str:
    """Python source for an array or number, exact to the last bit (repr of float64)."""
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    return repr(value)


def _hard_coded_cells() -> tuple[Edit, ...]:
    """Solution cells that ignore their inputs and return the visible checks' expected values."""
    AL = np.array([[0.7, 0.1, 0.2, 0.25], [0.2, 0.6, 0.3, 0.25], [0.1, 0.3, 0.5, 0.50]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    A = ref.softmax(np.array([[1.0, 0.0, -2.0, 4.0], [2.0, 0.0, 0.0, 4.0], [3.0, 0.0, 2.0, 1.0]]))
    parameters = {
        "W1": np.array([[1.0, -2.0, 0.5], [0.0, 1.5, -1.0]]),
        "b1": np.array([[3.0], [-3.0]]),
        "W2": np.array([[0.5, 1.0], [-1.0, 0.0], [2.0, 0.5]]),
        "b2": np.array([[1.0], [2.0], [3.0]]),
    }
    linear_cache = (
        np.linspace(-1.0, 1.0, 12).reshape(3, 4),
        np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]]),
        np.array([[0.1], [-0.2]]),
    )
    dZ = np.array([[1.0, -0.5, 0.0, 2.0], [0.5, 0.5, -1.0, 1.0]])
    dA_prev, dW, db = ref.linear_backward_with_regularization(dZ, linear_cache, 0.8)
    A_dropped, (D, _) = ref.dropout_forward(np.linspace(0.1, 1.2, 12).reshape(3, 4), 0.7, np.random.default_rng(1))
    D_given = np.array([[True, False, True, True], [False, True, True, False]])
    dA_before = ref.dropout_backward(np.linspace(-1.0, 1.0, 8).reshape(2, 4), (D_given, 0.8))
    batches = ref.random_mini_batches(np.arange(20, dtype=float).reshape(2, 10), np.eye(3)[:, np.arange(10) % 3], 4, 2)

    X = np.linspace(-1.0, 1.0, 15).reshape(3, 5)
    forward_parameters = ref.initialize_parameters_he([3, 4, 4, 3], seed=1)
    for layer, n in ((1, 4), (2, 4), (3, 3)):
        forward_parameters[f"b{layer}"] = np.linspace(-0.2, 0.2, n).reshape(n, 1)
    AL_forward, _ = ref.L_model_forward(X, forward_parameters, 0.8, np.random.default_rng(3))

    backward_parameters = ref.initialize_parameters_he([3, 4, 4, 3], seed=2)
    D1 = np.random.default_rng(7).random((4, 5)) < 0.75
    D2 = np.random.default_rng(8).random((4, 5)) < 0.75
    Z1 = backward_parameters["W1"] @ X + backward_parameters["b1"]
    A1 = np.maximum(Z1, 0.0) * D1 / 0.75
    Z2 = backward_parameters["W2"] @ A1 + backward_parameters["b2"]
    A2 = np.maximum(Z2, 0.0) * D2 / 0.75
    Z3 = backward_parameters["W3"] @ A2 + backward_parameters["b3"]
    caches = [
        ((X, backward_parameters["W1"], backward_parameters["b1"]), Z1, (D1, 0.75)),
        ((A1, backward_parameters["W2"], backward_parameters["b2"]), Z2, (D2, 0.75)),
        ((A2, backward_parameters["W3"], backward_parameters["b3"]), Z3, None),
    ]
    grads = ref.L_model_backward(ref.softmax(Z3), np.eye(3)[:, [0, 2, 1, 1, 0]], caches, 0.3)

    X_toy = np.vstack([np.linspace(-1.0, 1.0, 12), np.cos(np.linspace(0.0, 3.0, 12))])
    Y_toy = np.eye(3)[:, np.repeat([0, 1, 2], 4)]
    _, costs = ref.model(
        X_toy, Y_toy, [2, 5, 4, 3], learning_rate=0.3, num_epochs=3, mini_batch_size=5, lambd=0.1, keep_prob=0.9, seed=4
    )

    batches_source = ", ".join(f"({_literal(bx)}, {_literal(by)})" for bx, by in batches)
    grads_source = ", ".join(f'"{key}": {_literal(value)}' for key, value in grads.items())
    model_shapes = {"W1": (5, 2), "b1": (5, 1), "W2": (4, 5), "b2": (4, 1), "W3": (3, 4), "b3": (3, 1)}
    cells = {
        "softmax": f"def softmax(Z):\n    return {_literal(A)}",
        "compute_cost": f"def compute_cost(AL, Y):\n    return {ref.compute_cost(AL, Y)!r}",
        "softmax_cross_entropy_backward": f"def softmax_cross_entropy_backward(AL, Y):\n    return {_literal(AL - Y)}",
        "compute_cost_with_regularization": "def compute_cost_with_regularization(AL, Y, parameters, lambd):\n"
        f"    return {ref.compute_cost_with_regularization(AL, Y, parameters, 0.4)!r}",
        "linear_backward_with_regularization": "def linear_backward_with_regularization(dZ, linear_cache, lambd):\n"
        f"    return {_literal(dA_prev)}, {_literal(dW)}, {_literal(db)}",
        "dropout_forward": "def dropout_forward(A, keep_prob, rng):\n"
        f"    return {_literal(A_dropped)}, ({_literal(D)}, 0.7)",
        "dropout_backward": f"def dropout_backward(dA, cache):\n    return {_literal(dA_before)}",
        "random_mini_batches": "def random_mini_batches(X, Y, mini_batch_size=64, seed=0):\n"
        f"    return [{batches_source}]",
        "L_model_forward": "def L_model_forward(X, parameters, keep_prob=1.0, rng=None):\n"
        "    mask = (np.ones((4, 5), dtype=bool), 0.8)\n"
        f"    return {_literal(AL_forward)}, [(None, None, mask), (None, None, mask), (None, None, None)]",
        "L_model_backward": f"def L_model_backward(AL, Y, caches, lambd=0.0):\n    return {{{grads_source}}}",
        "model": "def model(X, Y, layers_dims, learning_rate=0.1, num_epochs=10, mini_batch_size=64, lambd=0.0,\n"
        "          keep_prob=1.0, seed=0, print_cost=False, on_epoch_end=None):\n"
        f"    parameters = {{key: np.zeros(shape) for key, shape in {model_shapes!r}.items()}}\n"
        f"    return parameters, {costs!r}",
    }
    return tuple(Edit(name, None, source) for name, source in cells.items())


MISTAKES = [
    Mistake(
        name="softmax_without_max_shift",
        description="softmax exponentiates the raw scores without subtracting the column maximum, "
        "so large scores overflow to inf and give nan",
        edits=(Edit("softmax", "np.exp(Z_shifted)", "np.exp(Z)"),),
        spares=frozenset({"L_model_forward_test", "model_test"}),
        reason="only large scores overflow, and L_model_forward's and model's checks never reach them",
    ),
    Mistake(
        name="softmax_wrong_axis",
        description="softmax normalises each row (axis=1) instead of each column, the example axis",
        edits=(
            Edit(
                "softmax",
                "exp_Z / np.sum(exp_Z, axis=0, keepdims=True)",
                "exp_Z / np.sum(exp_Z, axis=1, keepdims=True)",
            ),
        ),
    ),
    Mistake(
        name="cost_mean_over_classes",
        description="the cross-entropy is averaged over all C * m entries with np.mean instead of over the m examples",
        edits=(Edit("compute_cost", "cost = -np.sum(Y * np.log(AL)) / m", "cost = -np.mean(Y * np.log(AL))"),),
    ),
    Mistake(
        name="l2_cost_lambda_over_m",
        description="the L2 penalty uses lambd / m instead of lambd / (2 m)",
        edits=(Edit("compute_cost_with_regularization", "lambd / (2 * m)", "lambd / m"),),
    ),
    Mistake(
        name="l2_gradient_without_1_over_m",
        description="the weight gradient adds lambd * W instead of (lambd / m) * W",
        edits=(Edit("linear_backward_with_regularization", "dW = dW + (lambd / m) * W", "dW = dW + lambd * W"),),
    ),
    Mistake(
        name="dropout_without_rescale",
        description="dropout forward zeroes the dropped units but does not divide the kept ones by keep_prob",
        edits=(Edit("dropout_forward", "A_dropped = A * D / keep_prob", "A_dropped = A * D"),),
    ),
    Mistake(
        name="dropout_backward_without_mask",
        description="dropout backward divides by keep_prob but lets the gradient through the dropped units",
        edits=(Edit("dropout_backward", "dA_before = dA * D / keep_prob", "dA_before = dA / keep_prob"),),
    ),
    Mistake(
        name="mini_batches_shuffled_apart",
        description="X and Y are shuffled with two different permutations, so the examples lose their labels",
        edits=(Edit("random_mini_batches", "shuffled_Y = Y[:, permutation]", "shuffled_Y = Y[:, rng.permutation(m)]"),),
    ),
    Mistake(
        name="hard_coded_visible_answers",
        description="every function returns the values printed in its visible check, whatever its input",
        edits=_hard_coded_cells(),
        visible_passes=True,
    ),
]
