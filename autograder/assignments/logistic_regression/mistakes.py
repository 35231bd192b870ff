"""Typical mistakes in assignment 2, logistic regression.

How a mistake is built and which cells it loses: :mod:`autograder.assignments.submissions`.
"""

from autograder.assignments.submissions import Edit, Mistake

# Every function returns what its visible check expects, typed in, whatever the input.
_HARD_CODED = {
    "flatten_images": """def flatten_images(X_orig):
    return np.array([[0, 120], [10, 130], [20, 140], [30, 150], [40, 160], [50, 170],
                     [60, 180], [70, 190], [80, 200], [90, 210], [100, 220], [110, 230]]) / 255""",
    "sigmoid": """def sigmoid(z):
    return np.array([[0.2689414213699951, 0.5, 0.8807970779778823]])""",
    "initialize_with_zeros": """def initialize_with_zeros(dim):
    return np.array([[0.0], [0.0], [0.0]]), 0.0""",
    "propagate": """def propagate(w, b, X, Y):
    grads = {"dw": np.array([[0.7822179118795578], [-1.1460276148326234]]), "db": -0.13418689479636667}
    return grads, 1.9127045225995964""",
    "optimize": """def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    params = {"w": np.array([[-0.3959288559774185], [2.2474998700423683]]), "b": 1.2853312194338171}
    grads = {"dw": np.array([[-0.003093756639151596], [-0.047863268019700846]]), "db": -0.022319580246134504}
    return params, grads, [1.9127045225995964, 0.11186670130853116, 0.06100570582568013]""",
    "predict": """def predict(w, b, X):
    return np.array([[1.0, 0.0, 1.0, 0.0]])""",
    "model": """def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    return {
        "costs": [0.6931471805599453, 0.06736816963719794],
        "Y_prediction_test": np.array([[1.0, 0.0, 0.0]]),
        "Y_prediction_train": np.array([[1.0, 1.0, 0.0, 0.0]]),
        "w": np.array([[2.0016556127029705], [-0.27076100773128736]]),
        "b": 0.06282674211226574,
        "learning_rate": 0.1,
        "num_iterations": 101,
    }""",
}

MISTAKES = [
    Mistake(
        name="flatten_wrong_order",
        description="flatten_images uses X_orig.reshape(-1, m): the right shape, but each column mixes pictures",
        edits=(Edit("flatten_images", "X_orig.reshape(m, -1).T / 255", "X_orig.reshape(-1, m) / 255"),),
    ),
    Mistake(
        name="b_as_array",
        description="initialize_with_zeros returns b as a (1, 1) array, which model then returns as well",
        edits=(Edit("initialize_with_zeros", "b = 0.0", "b = np.zeros((1, 1))"),),
    ),
    Mistake(
        name="cost_without_1_over_m",
        description="propagate sums the losses instead of averaging them (the 1/m is missing in the cost)",
        edits=(Edit("propagate", "np.log(1 - A)) / m", "np.log(1 - A))"),),
    ),
    Mistake(
        name="dw_without_transpose",
        description="propagate computes dw = X @ dZ / m, forgetting to transpose dZ",
        edits=(Edit("propagate", "dw = X @ dZ.T / m", "dw = np.dot(X, dZ) / m"),),
    ),
    Mistake(
        name="optimize_in_place",
        description="optimize updates w in place (w -= ...), changing the caller's array",
        edits=(Edit("optimize", "w = w - learning_rate * dw", "w -= learning_rate * dw"),),
        spares=frozenset({"model_test"}),
        reason="model passes optimize a w of its own, so nobody sees it change",
    ),
    Mistake(
        name="predict_greater_equal",
        description="predict labels a probability of exactly 0.5 as a cat (>= 0.5 instead of > 0.5)",
        edits=(Edit("predict", "(A > 0.5)", "(A >= 0.5)"),),
        spares=frozenset({"model_test"}),
        reason="only a probability of exactly 0.5 shows it, and model's checks never produce one",
    ),
    Mistake(
        name="model_ignores_learning_rate",
        description="model calls optimize without its learning_rate, so optimize's default 0.009 is used",
        edits=(
            Edit(
                "model",
                "optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)",
                "optimize(w, b, X_train, Y_train, num_iterations, print_cost=print_cost)",
            ),
        ),
    ),
    Mistake(
        name="hard_coded_visible_answers",
        description="every function returns the visible checks' expected values, typed in",
        edits=tuple(Edit(grade_id, None, source) for grade_id, source in _HARD_CODED.items()),
        visible_passes=True,
    ),
]
