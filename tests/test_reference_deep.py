"""Tests of autograder.reference.deep: known values, gradient checks layer by layer, training, shapes."""

import math

import numpy as np
import pytest

from autograder.reference import deep, logistic
from autograder.reference.gradcheck import (
    assert_gradient_close,
    numerical_gradient,
    numerical_gradient_of_array,
    well_conditioned,
)

LN3 = math.log(3.0)
# Sampled pre-activations stay this far from ReLU's kink, so a step of 1e-5 never crosses it.
KINK_MARGIN = 1e-3
# (n_{l-1}, n_l, m): includes a single example and layers of width one.
LAYER_SHAPES = [(3, 4, 5), (1, 3, 1), (4, 1, 6), (2, 2, 1)]
# (layer_dims, m): one to three layers, a hidden layer of width one, m = 1, two outputs.
NETWORKS = [([3, 4, 1], 5), ([2, 1, 3, 1], 1), ([4, 5, 3, 1], 6), ([1, 1], 3), ([3, 2, 2], 4)]


def separable_data(seed, n_x=2, m=40):
    """Two clusters 4 apart along the first feature, labels alternating 0, 1."""
    rng = np.random.RandomState(seed)
    Y = (np.arange(m) % 2).reshape(1, m).astype(np.float64)
    X = rng.randn(n_x, m) * 0.5
    X[0] += np.where(Y[0] == 1, 2.0, -2.0)
    return X, Y


def away_from_kink(rng, shape):
    """Standard normal draws pushed at least 0.1 away from 0."""
    u = rng.randn(*shape)
    return np.sign(u) * (0.1 + np.abs(u))


def layer_problem(seed, n_prev, n_l, m, activation=None):
    """A_prev, W, b and an upstream gradient for one layer.

    Redrawn until Z = W A_prev + b keeps clear of ReLU's kink and no entry of
    the analytic dA_prev, dW, db is too small for centred differences to check.
    ``activation=None`` means the linear part alone.
    """
    rng = np.random.RandomState(seed)
    while True:
        A_prev, W, b = rng.randn(n_prev, m), rng.randn(n_l, n_prev), rng.randn(n_l, 1)
        upstream = rng.randn(n_l, m)
        Z = W @ A_prev + b
        if np.min(np.abs(Z)) <= KINK_MARGIN:
            continue
        if activation is None:
            grads = deep.linear_backward(upstream, (A_prev, W, b))
        else:
            grads = deep.linear_activation_backward(upstream, ((A_prev, W, b), Z), activation)
        if well_conditioned(*grads):
            return A_prev, W, b, upstream


def random_network(seed, layer_dims, m):
    """Parameters, X and Y for a network, redrawn until every hidden pre-activation
    keeps clear of ReLU's kink and no gradient entry is too small to check."""
    rng = np.random.RandomState(seed)
    while True:
        parameters = {}
        for layer in range(1, len(layer_dims)):
            n_l, n_prev = layer_dims[layer], layer_dims[layer - 1]
            parameters[f"W{layer}"] = rng.randn(n_l, n_prev) / np.sqrt(n_prev) * 1.5
            parameters[f"b{layer}"] = rng.randn(n_l, 1) * 0.5
        X = rng.randn(layer_dims[0], m)
        Y = rng.randint(0, 2, size=(layer_dims[-1], m)).astype(np.float64)
        AL, caches = deep.L_model_forward(X, parameters)
        if any(np.min(np.abs(Z)) <= KINK_MARGIN for _, Z in caches[:-1]):
            continue
        grads = deep.L_model_backward(AL, Y, caches)
        # dA_l is m·∂J/∂A_l: condition the quantity the centred differences estimate.
        scaled = [value / m if name.startswith("dA") else value for name, value in grads.items()]
        if well_conditioned(*scaled):
            return parameters, X, Y


def hand_worked_network():
    """W1 = [[1, 0], [0, −1]], b1 = 0 and X = [[1, −2], [3, 4]] give Z1 = [[1, −2], [−3, −4]],
    A1 = relu(Z1) = [[1, 0], [0, 0]]; W2 = [ln 3, 5], b2 = 0 give Z2 = [ln 3, 0], AL = [3/4, 1/2].
    """
    parameters = {
        "W1": np.array([[1.0, 0.0], [0.0, -1.0]]),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[LN3, 5.0]]),
        "b2": np.zeros((1, 1)),
    }
    X = np.array([[1.0, -2.0], [3.0, 4.0]])
    return parameters, X


# Activations ---------------------------------------------------------------------


def test_sigmoid_and_relu_known_values_and_caches():
    Z = np.array([[-1.0, 0.0, 2.0], [LN3, -LN3, 0.5]])
    A, cache = deep.sigmoid(Z)
    np.testing.assert_allclose(A[:, :2], [[1 / (1 + math.e), 0.5], [0.75, 0.25]], rtol=1e-15)
    assert cache is Z, "the activation cache is Z itself"
    A, cache = deep.relu(Z)
    np.testing.assert_array_equal(A, [[0.0, 0.0, 2.0], [LN3, 0.0, 0.5]])
    assert cache is Z


def test_activation_backward_known_values():
    # σ'(0) = 1/4 and σ'(ln 3) = 3/16; ReLU passes dA only where Z > 0 (not at Z = 0).
    np.testing.assert_allclose(
        deep.sigmoid_backward(np.array([[1.0, 2.0]]), np.array([[0.0, LN3]])), [[0.25, 0.375]], rtol=1e-15
    )
    np.testing.assert_array_equal(
        deep.relu_backward(np.array([[5.0, 5.0, 5.0]]), np.array([[-1.0, 0.0, 2.0]])), [[0.0, 0.0, 5.0]]
    )


@pytest.mark.parametrize("shape", [(1, 1), (3, 1), (1, 4), (4, 5)])
@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_activation_backward_matches_centred_differences(name, shape):
    rng = np.random.RandomState(sum(shape) + len(name))
    forward, backward = getattr(deep, name), getattr(deep, name + "_backward")
    while True:
        Z = away_from_kink(rng, shape) * 2.0
        dA = rng.randn(*shape)
        if well_conditioned(backward(dA, Z)):
            break
    numeric = numerical_gradient_of_array(lambda Z_: forward(Z_)[0], Z, dA)
    assert_gradient_close(f"{name}_backward dZ", backward(dA, Z), numeric)


# Initialisation ------------------------------------------------------------------------


def test_initialize_parameters_uses_seed_1_and_small_weights():
    parameters = deep.initialize_parameters(3, 2, 1)
    # np.random.seed(1); np.random.randn() is 1.6243453636632417.
    assert parameters["W1"][0, 0] == pytest.approx(0.016243453636632417, rel=1e-15)
    rng = np.random.RandomState(1)
    np.testing.assert_array_equal(parameters["W1"], rng.randn(2, 3) * 0.01)
    np.testing.assert_array_equal(parameters["W2"], rng.randn(1, 2) * 0.01)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((2, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((1, 1)))


def test_initialize_parameters_deep_uses_seed_3_and_small_weights():
    parameters = deep.initialize_parameters_deep([5, 4, 3])
    # np.random.seed(3); np.random.randn() is 1.7886284734303186.
    assert parameters["W1"][0, 0] == pytest.approx(0.017886284734303186, rel=1e-15)
    rng = np.random.RandomState(3)
    assert set(parameters) == {"W1", "b1", "W2", "b2"}
    np.testing.assert_array_equal(parameters["W1"], rng.randn(4, 5) * 0.01)
    np.testing.assert_array_equal(parameters["W2"], rng.randn(3, 4) * 0.01)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))


def test_initialize_parameters_scaled_divides_by_the_root_of_the_fan_in():
    parameters = deep.initialize_parameters_scaled([5, 4, 3, 1])
    assert parameters["W1"][0, 0] == pytest.approx(1.6243453636632417 / math.sqrt(5), rel=1e-15)
    rng = np.random.RandomState(1)
    np.testing.assert_allclose(parameters["W1"], rng.randn(4, 5) / math.sqrt(5), rtol=1e-15)
    np.testing.assert_allclose(parameters["W2"], rng.randn(3, 4) / 2.0, rtol=1e-15)
    np.testing.assert_allclose(parameters["W3"], rng.randn(1, 3) / math.sqrt(3), rtol=1e-15)
    np.testing.assert_array_equal(parameters["b3"], np.zeros((1, 1)))


@pytest.mark.parametrize(
    ("layer_dims", "error", "message"),
    [
        ([5], ValueError, r"layer_dims must list at least the input and output sizes, got \[5\]"),
        ([5, 0], ValueError, r"layer_dims\[1\] must be at least 1, got 0"),
        ([5, 2.0], TypeError, r"layer_dims\[1\] must be an integer"),
        ("54", TypeError, r"layer_dims must be a list of layer sizes"),
    ],
)
@pytest.mark.parametrize("initialiser", [deep.initialize_parameters_deep, deep.initialize_parameters_scaled])
def test_initialisers_reject_bad_layer_dims(initialiser, layer_dims, error, message):
    with pytest.raises(error, match=message):
        initialiser(layer_dims)


def test_random_functions_leave_the_global_random_state_alone():
    X, Y = separable_data(0, m=6)
    before = np.random.get_state()
    deep.initialize_parameters(3, 2, 1)
    deep.initialize_parameters_deep([3, 2, 1])
    deep.initialize_parameters_scaled([3, 2, 1])
    deep.two_layer_model(X, Y, [2, 3, 1], num_iterations=2)
    deep.L_layer_model(X, Y, [2, 3, 2, 1], num_iterations=2)
    after = np.random.get_state()
    assert before[0] == after[0] and before[2:] == after[2:]
    np.testing.assert_array_equal(before[1], after[1], err_msg="the global random state changed")


# Forward pass and cost ------------------------------------------------------------------


def test_linear_forward_known_values_and_cache():
    A = np.array([[1.0, 2.0], [3.0, 5.0]])
    W = np.array([[1.0, -1.0]])
    b = np.array([[0.5]])
    Z, cache = deep.linear_forward(A, W, b)
    np.testing.assert_array_equal(Z, [[-1.5, -2.5]])
    assert cache[0] is A and cache[1] is W and cache[2] is b, "the linear cache is (A, W, b) itself"


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        ("relu", [[0.0, 2.0]]),
        ("sigmoid", [[0.5, 1 / (1 + math.exp(-2))]]),
    ],
)
def test_linear_activation_forward_known_values(activation, expected):
    # W A_prev + b = [[1 − 3 + 2, 2 − 2 + 2]] = [[0, 2]].
    A_prev = np.array([[1.0, 2.0], [3.0, 2.0]])
    W, b = np.array([[1.0, -1.0]]), np.array([[2.0]])
    A, (linear_cache, Z) = deep.linear_activation_forward(A_prev, W, b, activation)
    np.testing.assert_allclose(A, expected, rtol=1e-15)
    np.testing.assert_array_equal(Z, [[0.0, 2.0]])
    assert linear_cache[0] is A_prev and linear_cache[1] is W and linear_cache[2] is b


def test_linear_activation_forward_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match=r"activation must be 'sigmoid' or 'relu', got 'tanh'"):
        deep.linear_activation_forward(np.ones((2, 3)), np.ones((1, 2)), np.ones((1, 1)), "tanh")


def test_L_model_forward_on_the_hand_worked_network():
    parameters, X = hand_worked_network()
    AL, caches = deep.L_model_forward(X, parameters)
    np.testing.assert_allclose(AL, [[0.75, 0.5]], rtol=1e-15)
    assert len(caches) == 2
    (A0, W1, b1), Z1 = caches[0]
    (A1, W2, b2), Z2 = caches[1]
    assert A0 is X and W1 is parameters["W1"] and W2 is parameters["W2"]
    np.testing.assert_array_equal(Z1, [[1.0, -2.0], [-3.0, -4.0]])
    np.testing.assert_array_equal(A1, [[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(Z2, [[LN3, 0.0]], rtol=1e-15)


def test_compute_cost_known_value():
    # −½ (log ¾ + log ½) = ½ log(8/3).
    cost = deep.compute_cost(np.array([[0.75, 0.5]]), np.array([[1.0, 1.0]]))
    assert type(cost) is float
    assert cost == pytest.approx(0.5 * math.log(8 / 3), rel=1e-15)


# Backward pass --------------------------------------------------------------------------------


@pytest.mark.parametrize(("n_prev", "n_l", "m"), LAYER_SHAPES)
def test_linear_backward_matches_centred_differences(n_prev, n_l, m):
    A_prev, W, b, dZ = layer_problem(100 * n_prev + 10 * n_l + m, n_prev, n_l, m)
    _, cache = deep.linear_forward(A_prev, W, b)
    dA_prev, dW, db = deep.linear_backward(dZ, cache)

    # The objective is Σ dZ ⊙ Z. dA_prev is its gradient; dW and db carry the lecture's 1/m.
    numeric_dA_prev = numerical_gradient_of_array(lambda A_: deep.linear_forward(A_, W, b)[0], A_prev, dZ)
    numeric_dW = numerical_gradient_of_array(lambda W_: deep.linear_forward(A_prev, W_, b)[0], W, dZ)
    numeric_db = numerical_gradient_of_array(lambda b_: deep.linear_forward(A_prev, W, b_)[0], b, dZ)
    assert_gradient_close("dA_prev", dA_prev, numeric_dA_prev)
    assert_gradient_close("dW", dW, numeric_dW / m)
    assert_gradient_close("db", db, numeric_db / m)


@pytest.mark.parametrize(("n_prev", "n_l", "m"), LAYER_SHAPES)
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_linear_activation_backward_matches_centred_differences(activation, n_prev, n_l, m):
    A_prev, W, b, dA = layer_problem(100 * n_prev + 10 * n_l + m + len(activation), n_prev, n_l, m, activation)
    _, cache = deep.linear_activation_forward(A_prev, W, b, activation)
    dA_prev, dW, db = deep.linear_activation_backward(dA, cache, activation)

    def output(A_=A_prev, W_=W, b_=b):
        return deep.linear_activation_forward(A_, W_, b_, activation)[0]

    assert_gradient_close("dA_prev", dA_prev, numerical_gradient_of_array(lambda A_: output(A_=A_), A_prev, dA))
    assert_gradient_close("dW", dW, numerical_gradient_of_array(lambda W_: output(W_=W_), W, dA) / m)
    assert_gradient_close("db", db, numerical_gradient_of_array(lambda b_: output(b_=b_), b, dA) / m)


@pytest.mark.parametrize(("layer_dims", "m"), NETWORKS)
def test_L_model_backward_matches_centred_differences(layer_dims, m):
    parameters, X, Y = random_network(sum(layer_dims) * 10 + m, layer_dims, m)
    num_layers = len(layer_dims) - 1
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)

    expected_keys = {f"dA{layer}" for layer in range(num_layers)}
    expected_keys |= {f"d{kind}{layer}" for layer in range(1, num_layers + 1) for kind in "Wb"}
    assert set(grads) == expected_keys

    def cost_with(name, value):
        trial = dict(parameters, **{name: value})
        return deep.compute_cost(deep.L_model_forward(X, trial)[0], Y)

    for name, value in parameters.items():
        numeric = numerical_gradient(lambda value_: cost_with(name, value_), value)
        assert_gradient_close("d" + name, grads["d" + name], numeric)

    # dA_l is m·∂J/∂A_l: J as a function of A_l runs layers l+1..L, renumbered from 1.
    for layer in range(num_layers):
        tail = {
            f"{kind}{k - layer}": parameters[f"{kind}{k}"] for k in range(layer + 1, num_layers + 1) for kind in "Wb"
        }
        A_layer = caches[layer][0][0]
        numeric = numerical_gradient(lambda A_: deep.compute_cost(deep.L_model_forward(A_, tail)[0], Y), A_layer)
        assert_gradient_close(f"dA{layer}", grads[f"dA{layer}"], m * numeric)


def test_L_model_backward_of_one_sigmoid_layer_is_logistic_regression():
    # The hand-worked logistic problem: dw = [3/4, −17/8], db = −1/2, dZ = [−1/4, −3/4].
    w, b = np.array([[LN3], [0.0]]), LN3
    X, Y = np.array([[0.0, -2.0], [2.0, 5.0]]), np.array([[1.0, 1.0]])
    parameters = {"W1": w.T, "b1": np.array([[b]])}
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    np.testing.assert_allclose(grads["dW1"], [[0.75, -17 / 8]], rtol=1e-14)
    np.testing.assert_allclose(grads["db1"], [[-0.5]], rtol=1e-14)
    np.testing.assert_allclose(grads["dA0"], [[-LN3 / 4, -3 * LN3 / 4], [0.0, 0.0]], rtol=1e-14, atol=1e-16)
    logistic_grads, _ = logistic.propagate(w, b, X, Y)
    np.testing.assert_allclose(grads["dW1"], logistic_grads["dw"].T, rtol=1e-14)


def test_L_model_backward_with_saturated_outputs_is_finite_and_silent():
    # Logits ±800 make AL exactly 1 and 0 in float64; both examples are wrong.
    parameters = {"W1": np.array([[800.0]]), "b1": np.zeros((1, 1))}
    X, Y = np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        AL, caches = deep.L_model_forward(X, parameters)
        cost = deep.compute_cost(AL, Y)
        grads = deep.L_model_backward(AL, Y, caches)
    np.testing.assert_array_equal(AL, [[1.0, 0.0]])
    assert math.isfinite(cost) and cost > 30
    assert all(np.all(np.isfinite(value)) for value in grads.values())


# Update, training, prediction --------------------------------------------------------------


def test_update_parameters_returns_a_new_dict():
    parameters, _ = hand_worked_network()
    grads = {"d" + name: np.ones_like(value) for name, value in parameters.items()}
    grads["dA0"] = np.ones((2, 2))
    originals = {name: value.copy() for name, value in parameters.items()}
    updated = deep.update_parameters(parameters, grads, 0.1)
    assert updated is not parameters and set(updated) == set(parameters)
    for name in parameters:
        np.testing.assert_allclose(updated[name], originals[name] - 0.1)
        np.testing.assert_array_equal(parameters[name], originals[name], err_msg=f"{name} was modified")


def test_update_parameters_rejects_a_parameter_dict_with_a_missing_bias():
    parameters, _ = hand_worked_network()
    del parameters["b2"]
    grads = {"dW1": np.ones((2, 2)), "db1": np.ones((2, 1)), "dW2": np.ones((1, 2))}
    with pytest.raises(ValueError, match=r"parameters must hold exactly W1..WL and b1..bL"):
        deep.update_parameters(parameters, grads, 0.1)


def test_two_layer_model_is_gradient_descent_from_seed_1():
    X, Y = separable_data(1, m=12)
    trained, costs = deep.two_layer_model(X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=5)
    parameters = deep.initialize_parameters(2, 3, 1, seed=1)
    first_cost = deep.compute_cost(deep.L_model_forward(X, parameters)[0], Y)
    for _ in range(5):
        AL, caches = deep.L_model_forward(X, parameters)
        parameters = deep.update_parameters(parameters, deep.L_model_backward(AL, Y, caches), 0.1)
    for name in parameters:
        np.testing.assert_allclose(trained[name], parameters[name], rtol=1e-12, atol=1e-15, err_msg=name)
    assert costs[0] == pytest.approx(first_cost, rel=1e-14)


def test_L_layer_model_is_gradient_descent_from_the_scaled_initialisation():
    X, Y = separable_data(2, m=12)
    trained, costs = deep.L_layer_model(X, Y, [2, 4, 3, 1], learning_rate=0.1, num_iterations=5)
    parameters = deep.initialize_parameters_scaled([2, 4, 3, 1], seed=1)
    first_cost = deep.compute_cost(deep.L_model_forward(X, parameters)[0], Y)
    for _ in range(5):
        AL, caches = deep.L_model_forward(X, parameters)
        parameters = deep.update_parameters(parameters, deep.L_model_backward(AL, Y, caches), 0.1)
    for name in parameters:
        np.testing.assert_allclose(trained[name], parameters[name], rtol=1e-12, atol=1e-15, err_msg=name)
    assert costs[0] == pytest.approx(first_cost, rel=1e-14)


@pytest.mark.parametrize(("num_iterations", "recorded"), [(250, 4), (201, 3), (1, 1), (0, 0)])
@pytest.mark.parametrize("model", ["two_layer_model", "L_layer_model"])
def test_models_record_every_100_iterations_and_the_last(model, num_iterations, recorded):
    X, Y = separable_data(3, m=8)
    _, costs = getattr(deep, model)(X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=num_iterations)
    assert len(costs) == recorded
    assert all(type(cost) is float for cost in costs)


@pytest.mark.parametrize(("model", "layers_dims"), [("two_layer_model", [2, 5, 1]), ("L_layer_model", [2, 5, 3, 1])])
def test_models_costs_decrease_on_separable_data(model, layers_dims):
    X, Y = separable_data(0)
    parameters, costs = getattr(deep, model)(X, Y, layers_dims, learning_rate=0.1, num_iterations=600)
    assert len(costs) == 7
    assert np.all(np.diff(costs) < 0), f"costs should fall at every record, got {costs}"
    assert costs[-1] < 0.1 * costs[0]


def test_models_print_the_recorded_costs(capsys):
    X, Y = separable_data(4, m=8)
    _, costs = deep.L_layer_model(X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=150, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"Cost after iteration 0: {costs[0]}",
        f"Cost after iteration 100: {costs[1]}",
        f"Cost after iteration 149: {costs[2]}",
    ]


def test_predict_on_the_hand_worked_network(capsys):
    parameters, X = hand_worked_network()
    # AL = [3/4, 1/2]: only the first is above one half.
    p = deep.predict(X, np.array([[1.0, 1.0]]), parameters)
    assert p.shape == (1, 2) and p.dtype == np.float64
    np.testing.assert_array_equal(p, [[1.0, 0.0]])
    assert capsys.readouterr().out == "Accuracy: 0.5\n"


def test_predict_after_training_on_separable_data(capsys):
    X, Y = separable_data(5)
    parameters, _ = deep.L_layer_model(X, Y, [2, 4, 1], learning_rate=0.1, num_iterations=300)
    np.testing.assert_array_equal(deep.predict(X, Y, parameters), Y)
    assert capsys.readouterr().out == "Accuracy: 1.0\n"


# Shapes and purity ---------------------------------------------------------------------------


def _good():
    parameters, X, Y = random_network(7, [3, 4, 1], 5)
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    return parameters, X, Y, AL, caches, grads


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda p, X, Y, AL, c, g: deep.linear_forward(X, p["W1"].T, p["b1"]),
            r"W must have shape \(n_l, 3\), got \(3, 4\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.linear_forward(X, p["W1"], p["b1"].T),
            r"b must have shape \(4, 1\), got \(1, 4\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.linear_forward(X[0], p["W1"], p["b1"]),
            r"A must have shape \(n_prev, m\), got \(5,\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.linear_activation_forward(X[:2], p["W1"], p["b1"], "relu"),
            r"W must have shape \(n_l, 2\), got \(4, 3\)",
        ),
        (lambda p, X, Y, AL, c, g: deep.sigmoid_backward(AL.T, c[1][1]), r"dA must have shape \(1, 5\), got \(5, 1\)"),
        (
            lambda p, X, Y, AL, c, g: deep.relu_backward(np.ones((4, 4)), c[0][1]),
            r"dA must have shape \(4, 5\), got \(4, 4\)",
        ),
        (lambda p, X, Y, AL, c, g: deep.L_model_forward(X[:2], p), r"W1 must have shape \(n_1, 2\), got \(4, 3\)"),
        (
            lambda p, X, Y, AL, c, g: deep.L_model_forward(X, dict(p, W2=p["W2"].T)),
            r"W2 must have shape \(n_2, 4\), got \(4, 1\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.L_model_forward(X, dict(p, W3=p["W2"])),
            r"parameters must hold exactly W1..WL and b1..bL",
        ),
        (lambda p, X, Y, AL, c, g: deep.compute_cost(AL, Y.ravel()), r"Y must have shape \(1, 5\), got \(5,\)"),
        (
            lambda p, X, Y, AL, c, g: deep.linear_backward(np.ones((4, 6)), c[0][0]),
            r"dZ must have shape \(4, 5\), got \(4, 6\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.linear_backward(np.ones((4, 5)), c[0][0][:2]),
            r"cache must be the linear cache \(A_prev, W, b\), got a tuple of length 2",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.linear_activation_backward(np.ones((5, 4)), c[0], "relu"),
            r"dA must have shape \(4, 5\), got \(5, 4\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.linear_activation_backward(np.ones((4, 5)), c[0], "tanh"),
            r"activation must be 'sigmoid' or 'relu', got 'tanh'",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.L_model_backward(AL[:, :3], Y[:, :3], c),
            r"AL must have shape \(1, 5\), got \(1, 3\)",
        ),
        (lambda p, X, Y, AL, c, g: deep.L_model_backward(AL, Y.T, c), r"Y must have shape \(1, 5\), got \(5, 1\)"),
        (
            lambda p, X, Y, AL, c, g: deep.L_model_backward(AL, Y, [c[1], c[0]]),
            r"caches\[1\]\[0\]\[0\] \(A_prev\) must have shape \(1, 5\), the output shape of layer 1, "
            r"got \(3, 5\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.L_model_backward(AL, Y, [c[0], (c[1][0], c[0][1])]),
            r"caches\[1\]\[1\] \(Z\) must have shape \(1, 5\), got \(4, 5\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.update_parameters(p, dict(g, dW2=g["dW2"].T), 0.1),
            r"dW2 must have shape \(1, 4\), got \(4, 1\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.two_layer_model(X, Y, [2, 4, 1], num_iterations=1),
            r"X must have shape \(2, m\), got \(3, 5\)",
        ),
        (
            lambda p, X, Y, AL, c, g: deep.L_layer_model(X, Y[:, :4], [3, 4, 1], num_iterations=1),
            r"Y must have shape \(1, 5\), got \(1, 4\)",
        ),
        (lambda p, X, Y, AL, c, g: deep.predict(X, Y[:, :4], p), r"y must have shape \(1, 5\), got \(1, 4\)"),
    ],
)
def test_wrong_shapes_raise_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call(*_good())


def test_functions_do_not_modify_their_arguments(capsys):
    parameters, X, Y, AL, caches, grads = _good()
    arrays = {"X": X, "Y": Y, "AL": AL, **parameters, **grads}
    arrays.update(
        {
            f"caches[{i}] {part}": value
            for i, ((A, W, b), Z) in enumerate(caches)
            for part, value in zip(("A_prev", "W", "b", "Z"), (A, W, b, Z))
        }
    )
    snapshot = {name: value.copy() for name, value in arrays.items()}
    parameter_keys, grad_keys = set(parameters), set(grads)

    for activation in (deep.sigmoid, deep.relu):
        activation(X)
    deep.sigmoid_backward(AL, caches[1][1])
    deep.relu_backward(caches[1][0][0], caches[0][1])
    deep.linear_forward(X, parameters["W1"], parameters["b1"])
    deep.linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
    deep.L_model_forward(X, parameters)
    deep.compute_cost(AL, Y)
    deep.linear_backward(caches[1][1], caches[1][0])
    deep.linear_activation_backward(AL, caches[1], "sigmoid")
    deep.L_model_backward(AL, Y, caches)
    deep.update_parameters(parameters, grads, 0.1)
    deep.two_layer_model(X, Y, [3, 4, 1], num_iterations=2)
    deep.L_layer_model(X, Y, [3, 4, 1], num_iterations=2)
    deep.predict(X, Y, parameters)

    assert set(parameters) == parameter_keys and set(grads) == grad_keys
    for name, value in arrays.items():
        np.testing.assert_array_equal(value, snapshot[name], err_msg=f"{name} was modified")
