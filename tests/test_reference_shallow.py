"""Tests of autograder.reference.shallow: hand-worked values, gradient checks, training, shapes."""

import math

import numpy as np
import pytest

from autograder.reference import shallow
from autograder.reference.gradcheck import assert_gradient_close, numerical_gradient, well_conditioned

LN2, LN3 = math.log(2.0), math.log(3.0)
PARAMETER_NAMES = ("W1", "b1", "W2", "b2")


def separable_data(seed, n_x=2, m=40):
    """Two clusters 4 apart along the first feature, labels alternating 0, 1."""
    rng = np.random.RandomState(seed)
    Y = (np.arange(m) % 2).reshape(1, m).astype(np.float64)
    X = rng.randn(n_x, m) * 0.5
    X[0] += np.where(Y[0] == 1, 2.0, -2.0)
    return X, Y


def planar_flower_recipe():
    """The lecture's flower, written out from its published recipe."""
    rng = np.random.RandomState(1)
    m, N, a = 400, 200, 4
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1), dtype=np.uint8)
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


def hand_worked_network():
    """A network whose hidden and output values are exact.

    W1 = 0 and b1 = [0, ln 2] give A1 = tanh([0, ln 2]) = [0, 3/5] for every
    example (tanh(ln 2) = (2 − 1/2) / (2 + 1/2)). With W2 = [1, (5/3) ln 3] and
    b2 = 0, Z2 = (5/3) ln 3 · 3/5 = ln 3, so A2 = 3/4 everywhere.

    With X = [[1, 2], [3, 4]] and Y = [1, 0]:
      cost = −½ (log ¾ + log ¼) = ½ log(16/3)
      dZ2 = A2 − Y = [−1/4, 3/4]
      dW2 = dZ2 A1ᵀ / 2 = [0, (3/5)(1/2) / 2] = [0, 3/20];  db2 = (1/2) / 2 = 1/4
      dZ1 = W2ᵀ dZ2 ⊙ (1 − A1²): row 1 = dZ2, row 2 = (5/3) ln 3 · (16/25) · dZ2 = (16/15) ln 3 · dZ2
      dW1 = dZ1 Xᵀ / 2: row 1 = [(−1/4 + 3/2) / 2, (−3/4 + 3) / 2] = [5/8, 9/8],
                        row 2 = (16/15) ln 3 · [5/8, 9/8] = [(2/3) ln 3, (6/5) ln 3]
      db1 = [1/4, (16/15) ln 3 / 4] = [1/4, (4/15) ln 3]
    """
    parameters = {
        "W1": np.zeros((2, 2)),
        "b1": np.array([[0.0], [LN2]]),
        "W2": np.array([[1.0, 5 / 3 * LN3]]),
        "b2": np.zeros((1, 1)),
    }
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    Y = np.array([[1.0, 0.0]])
    expected = {
        "A1": np.array([[0.0, 0.0], [0.6, 0.6]]),
        "A2": np.array([[0.75, 0.75]]),
        "cost": 0.5 * math.log(16 / 3),
        "dW1": np.array([[5 / 8, 9 / 8], [2 / 3 * LN3, 6 / 5 * LN3]]),
        "db1": np.array([[0.25], [4 / 15 * LN3]]),
        "dW2": np.array([[0.0, 0.15]]),
        "db2": np.array([[0.25]]),
    }
    return parameters, X, Y, expected


def random_problem(seed, n_x, n_h, n_y, m):
    """Random parameters, X and Y, redrawn until no gradient entry is too small to check."""
    rng = np.random.RandomState(seed)
    while True:
        # Weights of scale 1/√fan-in keep tanh out of saturation and the cost near 1,
        # where centred differences are most accurate.
        parameters = {
            "W1": rng.randn(n_h, n_x) / np.sqrt(n_x),
            "b1": rng.randn(n_h, 1) * 0.5,
            "W2": rng.randn(n_y, n_h) / np.sqrt(n_h),
            "b2": rng.randn(n_y, 1) * 0.5,
        }
        X = rng.randn(n_x, m)
        Y = rng.randint(0, 2, size=(n_y, m)).astype(np.float64)
        _, cache = shallow.forward_propagation(X, parameters)
        if well_conditioned(*shallow.backward_propagation(parameters, cache, X, Y).values()):
            return parameters, X, Y


# Sizes and initialisation --------------------------------------------------------------


def test_layer_sizes():
    assert shallow.layer_sizes(np.zeros((5, 3)), np.zeros((2, 3))) == (5, 4, 2)


def test_layer_sizes_rejects_labels_for_other_examples():
    with pytest.raises(ValueError, match=r"Y must have shape \(n_y, 3\), got \(1, 4\)"):
        shallow.layer_sizes(np.zeros((5, 3)), np.zeros((1, 4)))


def test_initialize_parameters_draws_W1_then_W2_from_the_seed():
    parameters = shallow.initialize_parameters(2, 4, 1, seed=2)
    # np.random.seed(2); np.random.randn() is -0.4167578474054706.
    assert parameters["W1"][0, 0] == pytest.approx(-0.004167578474054706, rel=1e-15)
    rng = np.random.RandomState(2)
    np.testing.assert_array_equal(parameters["W1"], rng.randn(4, 2) * 0.01)
    np.testing.assert_array_equal(parameters["W2"], rng.randn(1, 4) * 0.01)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((1, 1)))
    assert set(parameters) == set(PARAMETER_NAMES)


def test_initialize_parameters_default_seed_is_2():
    default = shallow.initialize_parameters(3, 5, 2)
    seeded = shallow.initialize_parameters(3, 5, 2, seed=2)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(default[name], seeded[name])


def test_random_functions_leave_the_global_random_state_alone():
    X, Y = separable_data(0)
    before = np.random.get_state()
    shallow.initialize_parameters(2, 4, 1)
    shallow.nn_model(X, Y, 3, num_iterations=2)
    after = np.random.get_state()
    assert before[0] == after[0] and before[2:] == after[2:]
    np.testing.assert_array_equal(before[1], after[1], err_msg="the global random state changed")


# Forward pass and cost -------------------------------------------------------------------


def test_forward_propagation_on_the_hand_worked_network():
    parameters, X, _, expected = hand_worked_network()
    A2, cache = shallow.forward_propagation(X, parameters)
    np.testing.assert_allclose(A2, expected["A2"], rtol=1e-15)
    assert set(cache) == {"Z1", "A1", "Z2", "A2"}
    np.testing.assert_allclose(cache["A1"], expected["A1"], rtol=1e-15, atol=0)
    np.testing.assert_allclose(cache["Z2"], np.full((1, 2), LN3), rtol=1e-15)
    np.testing.assert_array_equal(cache["A2"], A2)


def test_compute_cost_on_the_hand_worked_network():
    parameters, X, Y, expected = hand_worked_network()
    cost = shallow.compute_cost(expected["A2"], Y)
    assert type(cost) is float
    assert cost == pytest.approx(expected["cost"], rel=1e-15)


def test_compute_cost_of_saturated_predictions_is_finite_and_silent():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert shallow.compute_cost(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])) == 0.0
        wrong = shallow.compute_cost(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    assert math.isfinite(wrong) and wrong > 30


def test_compute_cost_accepts_uint8_labels():
    A2 = np.array([[0.75, 0.25]])
    assert shallow.compute_cost(A2, np.array([[1, 0]], dtype=np.uint8)) == pytest.approx(math.log(4 / 3))


# Backward pass ------------------------------------------------------------------------------


def test_backward_propagation_on_the_hand_worked_network():
    parameters, X, Y, expected = hand_worked_network()
    _, cache = shallow.forward_propagation(X, parameters)
    grads = shallow.backward_propagation(parameters, cache, X, Y)
    assert set(grads) == {"dW1", "db1", "dW2", "db2"}
    for name in grads:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-14, atol=1e-16, err_msg=name)


def test_backward_propagation_takes_the_tanh_slope_from_A1():
    parameters, X, Y, expected = hand_worked_network()
    _, cache = shallow.forward_propagation(X, parameters)
    # Z1 must not be read: 1 − A1² is tanh'(Z1) without recomputing tanh.
    cache = dict(cache, Z1=np.full_like(cache["Z1"], np.nan))
    grads = shallow.backward_propagation(parameters, cache, X, Y)
    np.testing.assert_allclose(grads["dW1"], expected["dW1"], rtol=1e-14)


@pytest.mark.parametrize(("n_x", "n_h", "n_y", "m"), [(2, 4, 1, 1), (3, 1, 1, 5), (1, 3, 2, 4), (4, 5, 1, 7)])
def test_backward_propagation_matches_centred_differences(n_x, n_h, n_y, m):
    parameters, X, Y = random_problem(1000 * n_x + 100 * n_h + 10 * n_y + m, n_x, n_h, n_y, m)
    _, cache = shallow.forward_propagation(X, parameters)
    grads = shallow.backward_propagation(parameters, cache, X, Y)

    def cost_with(name, value):
        trial = dict(parameters, **{name: value})
        return shallow.compute_cost(shallow.forward_propagation(X, trial)[0], Y)

    for name in PARAMETER_NAMES:
        numeric = numerical_gradient(lambda value: cost_with(name, value), parameters[name])
        assert_gradient_close("d" + name, grads["d" + name], numeric)


# Update, training, prediction ---------------------------------------------------------------


def test_update_parameters_returns_a_new_dict():
    parameters, X, Y, _ = hand_worked_network()
    grads = {"d" + name: np.ones_like(value) for name, value in parameters.items()}
    originals = {name: value.copy() for name, value in parameters.items()}
    updated = shallow.update_parameters(parameters, grads, learning_rate=0.5)
    assert updated is not parameters
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(updated[name], originals[name] - 0.5)
        np.testing.assert_array_equal(parameters[name], originals[name], err_msg=f"{name} was modified")


def test_update_parameters_default_learning_rate_is_1_2():
    parameters, *_ = hand_worked_network()
    grads = {"d" + name: np.ones_like(value) for name, value in parameters.items()}
    updated = shallow.update_parameters(parameters, grads)
    np.testing.assert_allclose(updated["b2"], [[-1.2]])


def test_nn_model_is_gradient_descent_from_seed_3():
    X, Y = separable_data(1)
    trained = shallow.nn_model(X, Y, 3, num_iterations=25)
    parameters = shallow.initialize_parameters(2, 3, 1, seed=3)
    for _ in range(25):
        _, cache = shallow.forward_propagation(X, parameters)
        grads = shallow.backward_propagation(parameters, cache, X, Y)
        parameters = shallow.update_parameters(parameters, grads, learning_rate=1.2)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(trained[name], parameters[name], rtol=1e-12, atol=1e-15, err_msg=name)


def test_nn_model_costs_decrease_on_separable_data():
    X, Y = separable_data(0)

    def cost_after(num_iterations):
        trained = shallow.nn_model(X, Y, 3, num_iterations=num_iterations)
        return shallow.compute_cost(shallow.forward_propagation(X, trained)[0], Y)

    costs = [cost_after(k) for k in range(0, 201, 20)]
    assert np.all(np.diff(costs) < 0), f"costs should fall at every record, got {costs}"
    assert costs[-1] < 0.01


def test_nn_model_prints_the_cost_every_1000_iterations(capsys):
    X, Y = separable_data(2, m=10)
    shallow.nn_model(X, Y, 2, num_iterations=2001, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Cost after iteration 0",
        "Cost after iteration 1000",
        "Cost after iteration 2000",
    ]


def test_planar_flower_recipe_matches_the_course_loader():
    from nndl.data import load_planar_dataset

    X, Y = load_planar_dataset()
    X_recipe, Y_recipe = planar_flower_recipe()
    assert X.shape == (2, 400) and X.dtype == np.float64
    assert Y.shape == (1, 400) and Y.dtype == np.uint8
    np.testing.assert_array_equal(X, X_recipe)
    np.testing.assert_array_equal(Y, Y_recipe)


def test_nn_model_with_4_hidden_units_fits_the_planar_flower():
    X, Y = planar_flower_recipe()
    parameters = shallow.nn_model(X, Y, 4, num_iterations=10000)
    predictions = shallow.predict(parameters, X)
    assert predictions.shape == (1, 400) and predictions.dtype == np.bool_
    accuracy = float(np.mean(predictions == Y))
    assert accuracy >= 0.88, f"training accuracy on the flower is {accuracy:.3f}, expected at least 0.88"


def test_predict_thresholds_at_one_half():
    parameters, X, _, _ = hand_worked_network()
    np.testing.assert_array_equal(shallow.predict(parameters, X), [[True, True]])
    # b2 = −ln 3 brings Z2 to exactly 0: A2 = 0.5 is not above one half.
    parameters = dict(parameters, b2=np.array([[-LN3]]))
    assert not np.any(shallow.predict(parameters, X))


# Shapes and purity ------------------------------------------------------------------------


def _good():
    parameters, X, Y = random_problem(0, 2, 4, 1, 5)
    _, cache = shallow.forward_propagation(X, parameters)
    grads = shallow.backward_propagation(parameters, cache, X, Y)
    return parameters, cache, grads, X, Y


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda p, c, g, X, Y: shallow.forward_propagation(X, dict(p, W2=p["W2"].T)),
            r"W2 must have shape \(n_y, 4\), got \(4, 1\)",
        ),
        (
            lambda p, c, g, X, Y: shallow.forward_propagation(X, dict(p, W1=p["W1"].T)),
            r"W1 must have shape \(n_h, 2\), got \(2, 4\)",
        ),
        (
            lambda p, c, g, X, Y: shallow.forward_propagation(X, dict(p, b1=p["b1"].ravel())),
            r"b1 must have shape \(4, 1\), got \(4,\)",
        ),
        (
            lambda p, c, g, X, Y: shallow.forward_propagation(X, {"W1": p["W1"], "b1": p["b1"]}),
            r"parameters is missing 'W2'",
        ),
        (
            lambda p, c, g, X, Y: shallow.backward_propagation(dict(p, W2=p["W2"].T), c, X, Y),
            r"W2 must have shape \(1, 4\), got \(4, 1\)",
        ),
        (
            lambda p, c, g, X, Y: shallow.backward_propagation(p, c, X, Y[:, :3]),
            r"Y must have shape \(n_y, 5\), got \(1, 3\)",
        ),
        (
            lambda p, c, g, X, Y: shallow.backward_propagation(p, dict(c, A1=c["A1"][:, :2]), X, Y),
            r"A1 must have shape \(4, 5\), got \(4, 2\)",
        ),
        (lambda p, c, g, X, Y: shallow.compute_cost(c["A2"], Y.ravel()), r"Y must have shape \(1, 5\), got \(5,\)"),
        (
            lambda p, c, g, X, Y: shallow.update_parameters(p, dict(g, dW2=g["dW2"].T)),
            r"dW2 must have shape \(1, 4\), got \(4, 1\)",
        ),
        (
            lambda p, c, g, X, Y: shallow.nn_model(X, Y[:, :4], 4, num_iterations=1),
            r"Y must have shape \(n_y, 5\), got \(1, 4\)",
        ),
        (lambda p, c, g, X, Y: shallow.predict(p, X[:1]), r"W1 must have shape \(n_h, 1\), got \(4, 2\)"),
    ],
)
def test_wrong_shapes_raise_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call(*_good())


def test_functions_do_not_modify_their_arguments():
    parameters, cache, grads, X, Y = _good()
    snapshot = {
        "parameters": {k: v.copy() for k, v in parameters.items()},
        "cache": {k: v.copy() for k, v in cache.items()},
        "grads": {k: v.copy() for k, v in grads.items()},
        "X": X.copy(),
        "Y": Y.copy(),
    }
    shallow.layer_sizes(X, Y)
    A2, _ = shallow.forward_propagation(X, parameters)
    shallow.compute_cost(A2, Y)
    shallow.backward_propagation(parameters, cache, X, Y)
    shallow.update_parameters(parameters, grads)
    shallow.nn_model(X, Y, 4, num_iterations=2)
    shallow.predict(parameters, X)
    for group in ("parameters", "cache", "grads"):
        current = {"parameters": parameters, "cache": cache, "grads": grads}[group]
        assert set(current) == set(snapshot[group]), f"keys of {group} changed"
        for key, value in current.items():
            np.testing.assert_array_equal(value, snapshot[group][key], err_msg=f"{group}[{key!r}] was modified")
    np.testing.assert_array_equal(X, snapshot["X"])
    np.testing.assert_array_equal(Y, snapshot["Y"])
