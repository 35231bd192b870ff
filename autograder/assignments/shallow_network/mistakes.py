"""Typical mistakes in assignment 3, the network with one hidden layer.

How a mistake is built and which cells it loses: :mod:`autograder.assignments.submissions`.
"""

from autograder.assignments.submissions import Edit, Mistake

_HARD_CODED = {
    "layer_sizes": """\
def layer_sizes(X, Y):
    if X.shape == (5, 3):
        return (5, 4, 2)
    return (2, 4, 1)
""",
    "initialize_parameters": """\
def initialize_parameters(n_x, n_h, n_y, seed=2):
    if seed == 7:
        return {"W1": np.array([[0.016905257038003562, -0.004659373705408328, 0.000328201636785844], [0.004075162829965079, -0.007889230286257386, 2.0655729059481302e-05]]), "b1": np.zeros((2, 1)),
                "W2": np.array([[-8.903858579313629e-06, -0.017547243063454208]]), "b2": np.zeros((1, 1))}
    return {"W1": np.array([[-0.004167578474054706, -0.0005626682722632948], [-0.02136196095668454, 0.016402708084049887], [-0.017934355851948632, -0.00841747365656204], [0.005028814171580428, -0.012452880866072316]]), "b1": np.zeros((4, 1)),
            "W2": np.array([[-0.010579522188623389, -0.009090076149268494, 0.005514540445464244, 0.022922080128149575]]), "b2": np.zeros((1, 1))}
""",
    "forward_propagation": """\
def forward_propagation(X, parameters):
    Z1 = np.array([[1.128571428571429, 0.3057142857142859, -0.517142857142857], [0.27999999999999997, 0.005714285714285727, -0.2685714285714286], [0.23142857142857132, 0.5057142857142858, 0.7800000000000001], [-0.6171428571428572, 0.20571428571428574, 1.0285714285714287]])
    Z2 = np.array([[-0.6208059521304431, 0.6967929528108466, 1.574081281912675]])
    A2 = np.array([[0.3495981723962211, 0.6674763453971061, 0.828364649160158]])
    return A2, {"Z1": Z1, "A1": np.tanh(Z1), "Z2": Z2, "A2": A2}
""",
    "compute_cost": """\
def compute_cost(A2, Y):
    return 0.3989024661789062
""",
    "backward_propagation": """\
def backward_propagation(parameters, cache, X, Y):
    return {"dW1": np.array([[-0.02889737972375865, 0.04695436544465545], [-0.1167272069410617, -0.060126660426330976], [0.12119350769247533, 0.03428440641759956], [0.06304971334934313, 0.16812057851902582]]),
            "db1": np.array([[0.042139858426896735], [0.03144474806373929], [-0.048282834041597666], [0.0583727028720459]]),
            "dW2": np.array([[-0.08254330769279385, -0.04288825056708865, 0.017175259821008745, 0.11994398630179548]]),
            "db2": np.array([[-0.0515202776821716]])}
""",
    "update_parameters": """\
def update_parameters(parameters, grads, learning_rate=1.2):
    if learning_rate == 0.5:
        return {"W1": np.array([[-0.45, -0.265], [-0.08000000000000002, 0.10499999999999997], [0.29, 0.47500000000000003]])}
    return {"W1": np.array([[-0.52, -0.30000000000000004], [-0.08000000000000002, 0.13999999999999999], [0.36, 0.5800000000000001]]), "b1": np.array([[0.07600000000000001], [0.012], [-0.136]]),
            "W2": np.array([[0.36, -0.248, -0.13999999999999999]]), "b2": np.array([[-0.06999999999999999]])}
""",
    "nn_model": """\
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    if n_h == 2:
        return {"W1": np.zeros((2, 2)), "b1": np.zeros((2, 1)), "W2": np.array([[1.1669234194856686, -0.6524729080173695]]), "b2": np.zeros((1, 1))}
    return {"W1": np.array([[1.4573355557198062, 0.5865723328799369], [-1.2146434207283934, -0.4906569604918138], [-1.4355230404137662, -0.5780251558585712], [1.1201191034285989, 0.44930683853291753]]),
            "b1": np.array([[0.03059865373152799], [-0.024734819909356127], [-0.030023360421236874], [0.025235400584092505]]),
            "W2": np.array([[2.4979008455974743, -1.845862457646495, -2.432730671413796, 1.6281193607576971]]),
            "b2": np.array([[0.02682568563932898]])}
""",
    "predict": """\
def predict(parameters, X):
    if not parameters["W2"].any():
        return np.array([[False, False, False, False]])
    return np.array([[False, True, True, True]])
""",
}

MISTAKES = [
    Mistake(
        name="tanh_derivative_from_z1",
        description="backward_propagation recomputes tanh' as 1 - tanh(Z1)**2 instead of using the cached A1",
        edits=(Edit("backward_propagation", "* (1 - A1 ** 2)", '* (1 - np.tanh(cache["Z1"]) ** 2)'),),
        spares=frozenset({"nn_model_test"}),
        reason="only a cache whose A1 is not tanh(Z1) shows it, and nn_model's forward pass never makes one",
    ),
    Mistake(
        name="dw2_without_1_over_m",
        description="dW2 is not divided by m",
        edits=(Edit("backward_propagation", "dW2 = np.dot(dZ2, A1.T) / m", "dW2 = np.dot(dZ2, A1.T)"),),
    ),
    Mistake(
        name="db1_without_keepdims",
        description="db1 is summed without keepdims=True, so it is a rank-1 array of shape (n_h,)",
        edits=(
            Edit(
                "backward_propagation", "db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = np.sum(dZ1, axis=1) / m"
            ),
        ),
    ),
    Mistake(
        name="cost_wrong_sign",
        description="the cost is missing its minus sign",
        edits=(Edit("compute_cost", "cost = -np.sum(log_likelihood) / m", "cost = np.sum(log_likelihood) / m"),),
        spares=frozenset({"nn_model_test"}),
        reason="nn_model only prints the cost; the parameters it returns do not depend on it",
    ),
    Mistake(
        name="predict_greater_equal",
        description="predict uses A2 >= 0.5, so an output of exactly 0.5 predicts True",
        edits=(Edit("predict", "return A2 > 0.5", "return A2 >= 0.5"),),
    ),
    Mistake(
        name="global_seed",
        description="initialize_parameters reseeds NumPy's global generator with np.random.seed",
        edits=(
            Edit(
                "initialize_parameters",
                "rng = np.random.RandomState(seed)",
                "np.random.seed(seed)\n    rng = np.random",
            ),
        ),
        spares=frozenset({"nn_model_test"}),
        reason="the draws are the same, and only initialize_parameters' own check looks at the global state",
    ),
    Mistake(
        name="update_in_place",
        description="update_parameters subtracts the step in place, overwriting the caller's arrays",
        edits=(
            Edit(
                "update_parameters",
                'new_parameters[key] = parameters[key] - learning_rate * grads["d" + key]',
                'parameters[key] -= learning_rate * grads["d" + key]\n        new_parameters[key] = parameters[key]',
            ),
        ),
        spares=frozenset({"nn_model_test"}),
        reason="nn_model updates parameters of its own, so nobody sees them overwritten",
    ),
    Mistake(
        name="hard_coded_visible_answers",
        description="every function returns the visible checks' expected values literally",
        edits=tuple(Edit(grade_id, None, source) for grade_id, source in _HARD_CODED.items()),
        visible_passes=True,
    ),
]
