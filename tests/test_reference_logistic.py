"""Tests of autograder.reference.logistic: a hand-worked example, gradient checks, training, shapes."""

import math

import numpy as np
import pytest

from autograder.reference import logistic
from autograder.reference.gradcheck import assert_gradient_close, numerical_gradient, well_conditioned

LN3 = math.log(3.0)


def separable_data(seed, n_x=2, m=40):
    """Two clusters 4 apart along the first feature, labels alternating 0, 1."""
    rng = np.random.RandomState(seed)
    Y = (np.arange(m) % 2).reshape(1, m).astype(np.float64)
    X = rng.randn(n_x, m) * 0.5
    X[0] += np.where(Y[0] == 1, 2.0, -2.0)
    return X, Y


def hand_worked_problem():
    """Two examples whose logits are exactly ln 3 and −ln 3.

    z = wᵀX + b = [ln3·0 + 0·2 + ln3, ln3·(−2) + 0·5 + ln3] = [ln 3, −ln 3],
    so A = σ(z) = [3/4, 1/4]. With Y = [1, 1]:
      cost = −½ (log ¾ + log ¼) = ½ log(16/3)
      dZ = A − Y = [−1/4, −3/4]
      dw = X dZᵀ / 2 = [(0·(−1/4) + (−2)(−3/4)) / 2, (2·(−1/4) + 5·(−3/4)) / 2] = [3/4, −17/8]
      db = (−1/4 − 3/4) / 2 = −1/2
    """
    w = np.array([[LN3], [0.0]])
    b = LN3
    X = np.array([[0.0, -2.0], [2.0, 5.0]])
    Y = np.array([[1.0, 1.0]])
    expected = {"cost": 0.5 * math.log(16 / 3), "dw": np.array([[0.75], [-17 / 8]]), "db": -0.5}
    return w, b, X, Y, expected


# sigmoid and initialisation -------------------------------------------------------


def test_sigmoid_known_values():
    np.testing.assert_allclose(logistic.sigmoid(np.array([[0.0, LN3, -LN3]])), [[0.5, 0.75, 0.25]], rtol=1e-15)


def test_initialize_with_zeros():
    w, b = logistic.initialize_with_zeros(3)
    assert w.shape == (3, 1) and w.dtype == np.float64
    np.testing.assert_array_equal(w, 0.0)
    assert type(b) is float and b == 0.0


@pytest.mark.parametrize(
    ("dim", "error", "message"),
    [
        (0, ValueError, "dim must be at least 1, got 0"),
        (2.5, TypeError, "dim must be an integer"),
        (True, TypeError, "dim must be an integer"),
    ],
)
def test_initialize_with_zeros_rejects_a_bad_dim(dim, error, message):
    with pytest.raises(error, match=message):
        logistic.initialize_with_zeros(dim)


# propagate --------------------------------------------------------------------------


def test_propagate_on_the_hand_worked_problem():
    w, b, X, Y, expected = hand_worked_problem()
    grads, cost = logistic.propagate(w, b, X, Y)
    assert type(cost) is float, f"cost should be a Python float, got {type(cost)}"
    assert cost == pytest.approx(expected["cost"], rel=1e-14)
    assert grads["dw"].shape == (2, 1)
    np.testing.assert_allclose(grads["dw"], expected["dw"], rtol=1e-14)
    assert grads["db"] == pytest.approx(expected["db"], rel=1e-14)


@pytest.mark.parametrize(("n_x", "m"), [(1, 1), (3, 1), (1, 5), (4, 7)])
def test_propagate_gradients_match_centred_differences(n_x, m):
    rng = np.random.RandomState(10 * n_x + m)
    while True:
        w = rng.randn(n_x, 1)
        b = float(rng.randn())
        X = rng.randn(n_x, m)
        Y = rng.randint(0, 2, size=(1, m)).astype(np.float64)
        grads, _ = logistic.propagate(w, b, X, Y)
        if well_conditioned(grads["dw"], grads["db"]):
            break

    dw_numeric = numerical_gradient(lambda w_: logistic.propagate(w_, b, X, Y)[1], w)
    db_numeric = numerical_gradient(lambda b_: logistic.propagate(w, b_, X, Y)[1], np.array(b))
    assert_gradient_close("dw", grads["dw"], dw_numeric)
    assert_gradient_close("db", grads["db"], db_numeric)


def test_propagate_stays_finite_and_silent_for_saturated_logits():
    X = np.array([[1.0, -1.0]])
    Y = np.array([[0.0, 1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        grads, cost = logistic.propagate(np.array([[1000.0]]), 0.0, X, Y)
    # Both examples are confidently wrong by a logit of 1000: the loss is 1000 each.
    assert cost == pytest.approx(1000.0, rel=1e-12)
    assert np.all(np.isfinite(grads["dw"])) and math.isfinite(grads["db"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.zeros((3, 1)), 0.0, np.zeros((2, 5)), np.zeros((1, 5))), r"w must have shape \(2, 1\), got \(3, 1\)"),
        ((np.zeros((1, 2)), 0.0, np.zeros((2, 5)), np.zeros((1, 5))), r"w must have shape \(2, 1\), got \(1, 2\)"),
        ((np.zeros((2, 1)), 0.0, np.zeros((2, 5)), np.zeros(5)), r"Y must have shape \(1, 5\), got \(5,\)"),
        ((np.zeros((2, 1)), 0.0, np.zeros((2, 5)), np.zeros((1, 4))), r"Y must have shape \(1, 5\), got \(1, 4\)"),
        (
            (np.zeros((2, 1)), np.zeros((1, 1)), np.zeros((2, 5)), np.zeros((1, 5))),
            r"b must be a scalar with shape \(\), got \(1, 1\)",
        ),
        ((np.zeros((2, 1)), 0.0, np.zeros(5), np.zeros((1, 5))), r"X must have shape \(n_x, m\), got \(5,\)"),
    ],
)
def test_propagate_rejects_wrong_shapes(args, message):
    with pytest.raises(ValueError, match=message):
        logistic.propagate(*args)


# optimize ---------------------------------------------------------------------------


def test_optimize_one_step_on_the_hand_worked_problem():
    w, b, X, Y, expected = hand_worked_problem()
    params, grads, costs = logistic.optimize(w, b, X, Y, num_iterations=1, learning_rate=0.1)
    # w − 0.1·dw = [ln 3 − 0.075, 0.2125]; b − 0.1·db = ln 3 + 0.05.
    np.testing.assert_allclose(params["w"], [[LN3 - 0.075], [0.2125]], rtol=1e-14)
    assert params["b"] == pytest.approx(LN3 + 0.05, rel=1e-14)
    np.testing.assert_allclose(grads["dw"], expected["dw"], rtol=1e-14)
    assert costs == [pytest.approx(expected["cost"], rel=1e-14)]


def test_optimize_records_the_cost_every_100_iterations():
    X, Y = separable_data(0)
    w, b = logistic.initialize_with_zeros(2)
    _, _, costs = logistic.optimize(w, b, X, Y, num_iterations=250, learning_rate=0.01)
    assert len(costs) == 3, "costs are recorded at i = 0, 100, 200"
    assert costs[0] == pytest.approx(math.log(2), rel=1e-14), "zero weights predict 1/2: cost ln 2"
    assert all(type(cost) is float for cost in costs)


def test_optimize_costs_decrease_on_separable_data():
    X, Y = separable_data(1)
    w, b = logistic.initialize_with_zeros(2)
    params, _, costs = logistic.optimize(w, b, X, Y, num_iterations=1500, learning_rate=0.1)
    assert len(costs) == 15
    assert np.all(np.diff(costs) < 0), f"costs should fall at every record, got {costs}"
    assert costs[-1] < 0.1 * costs[0]
    np.testing.assert_array_equal(logistic.predict(params["w"], params["b"], X), Y)


def test_optimize_prints_the_cost(capsys):
    X, Y = separable_data(2)
    logistic.optimize(np.zeros((2, 1)), 0.0, X, Y, num_iterations=101, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Cost after iteration 0: 0.693147"
    assert len(lines) == 2 and lines[1].startswith("Cost after iteration 100: ")


def test_optimize_without_iterations_returns_the_start_and_its_gradient():
    w, b, X, Y, expected = hand_worked_problem()
    params, grads, costs = logistic.optimize(w, b, X, Y, num_iterations=0)
    np.testing.assert_array_equal(params["w"], w)
    assert params["b"] == b and costs == []
    np.testing.assert_allclose(grads["dw"], expected["dw"], rtol=1e-14)


# predict and model --------------------------------------------------------------------


def test_predict_on_a_hand_worked_problem():
    w = np.array([[1.0], [-1.0]])
    X = np.array([[2.0, 0.0, 1.0], [1.0, 3.0, 1.0]])
    # Logits 1, −3 and 0: only the first is above one half; σ(0) = 0.5 exactly is not.
    result = logistic.predict(w, 0.0, X)
    assert result.shape == (1, 3) and result.dtype == np.float64
    np.testing.assert_array_equal(result, [[1.0, 0.0, 0.0]])


def test_model_trains_and_reports_everything():
    X_train, Y_train = separable_data(3, n_x=3, m=40)
    X_test, Y_test = separable_data(4, n_x=3, m=16)
    d = logistic.model(X_train, Y_train, X_test, Y_test, num_iterations=300, learning_rate=0.5)
    assert set(d) == {"costs", "Y_prediction_test", "Y_prediction_train", "w", "b", "learning_rate", "num_iterations"}
    assert d["w"].shape == (3, 1) and isinstance(d["b"], float)
    assert d["Y_prediction_train"].shape == (1, 40) and d["Y_prediction_test"].shape == (1, 16)
    assert d["learning_rate"] == 0.5 and d["num_iterations"] == 300 and len(d["costs"]) == 3
    np.testing.assert_array_equal(d["Y_prediction_train"], Y_train)
    np.testing.assert_array_equal(d["Y_prediction_test"], Y_test)
    np.testing.assert_array_equal(d["Y_prediction_test"], logistic.predict(d["w"], d["b"], X_test))


def test_model_prints_both_accuracies(capsys):
    X, Y = separable_data(5)
    logistic.model(X, Y, X, Y, num_iterations=100, print_cost=True)
    out = capsys.readouterr().out
    assert "train accuracy: 100.0 %" in out and "test accuracy: 100.0 %" in out


def test_model_rejects_test_inputs_with_other_features():
    X, Y = separable_data(6, n_x=3)
    with pytest.raises(ValueError, match=r"X_test must have shape \(3, m_test\), got \(2, 40\)"):
        logistic.model(X, Y, X[:2], Y)


# Purity ------------------------------------------------------------------------------


def test_functions_do_not_modify_their_arguments():
    X, Y = separable_data(7, n_x=3, m=10)
    w = np.linspace(-1, 1, 3).reshape(3, 1)
    originals = {"X": X.copy(), "Y": Y.copy(), "w": w.copy()}
    logistic.sigmoid(X)
    logistic.propagate(w, 0.5, X, Y)
    logistic.optimize(w, 0.5, X, Y, num_iterations=3)
    logistic.predict(w, 0.5, X)
    logistic.model(X, Y, X, Y, num_iterations=3)
    for name, value in {"X": X, "Y": Y, "w": w}.items():
        np.testing.assert_array_equal(value, originals[name], err_msg=f"{name} was modified")
