"""Typical mistakes in assignment 4, the deep network built step by step.

How a mistake is built and which cells it loses: :mod:`autograder.assignments.submissions`.
"""

from autograder.assignments.submissions import Edit, Mistake

_HARD_CODED = {
    "initialize_parameters": """\
def initialize_parameters(n_x, n_h, n_y, seed=1):
    if seed == 4:
        return {"W1": np.array([[0.0005056170714293956, 0.0049995133323782895, -0.00995908931106865], [0.006935985082913117, -0.004183015200269101, -0.01584577235112124]])}
    return {"W1": np.array([[0.01624345363663242, -0.006117564136500754, -0.005281717522634557], [-0.010729686221561705, 0.008654076293246785, -0.02301538696880283]]), "b1": np.zeros((2, 1)),
            "W2": np.array([[0.0174481176421648, -0.007612069008951028]]), "b2": np.zeros((1, 1))}
""",
    "initialize_parameters_deep": """\
def initialize_parameters_deep(layer_dims, seed=3):
    if seed == 0:
        return {"W2": np.array([[0.009500884175255894, -0.001513572082976979, -0.0010321885179355784]])}
    return {"W1": np.array([[0.017886284734303187, 0.004365098505119894, 0.0009649746807200863, -0.01863492703364491, -0.0027738820251439907], [-0.0035475897926898676, -0.0008274148148245977, -0.0062700067682384735, -0.0004381816897592824, -0.004772180303595027], [-0.013138647533626821, 0.008846223804995846, 0.008813180422075299, 0.017095730636529485, 0.0005003364217686021], [-0.0040467741460089085, -0.0054535994761953045, -0.015464773155829684, 0.009823674342581601, -0.011010676301114757]]), "b1": np.zeros((4, 1)),
            "W2": np.array([[-0.011850465270201728, -0.0020564989942254107, 0.014861483550745902, 0.0023671626722691235], [-0.010237851399264681, -0.007129932001120494, 0.006252449661628293, -0.0016051336318692391], [-0.0076883635031923005, -0.0023003072227793906, 0.007450562664053709, 0.019761107831263027]]), "b2": np.zeros((3, 1))}
""",
    "linear_forward": """\
def linear_forward(A, W, b):
    return np.array([[0.7436363636363635, 0.5472727272727272, 0.35090909090909084, 0.1545454545454546], [-0.14545454545454545, 0.050909090909091015, 0.2472727272727273, 0.44363636363636355]]), (A, W, b)
""",
    "linear_activation_forward": """\
def linear_activation_forward(A_prev, W, b, activation):
    Z = np.array([[0.7436363636363635, 0.5472727272727272, 0.35090909090909084, 0.1545454545454546], [-0.14545454545454545, 0.050909090909091015, 0.2472727272727273, 0.44363636363636355]])
    if activation == "sigmoid":
        return np.array([[0.6777905165094076, 0.6335026117260304, 0.5868380137216881, 0.538559646663904], [0.46370034048014863, 0.5127245246290867, 0.5615051126820201, 0.6091251614858733]]), ((A_prev, W, b), Z)
    return np.array([[0.7436363636363635, 0.5472727272727272, 0.35090909090909084, 0.1545454545454546], [0.0, 0.050909090909091015, 0.2472727272727273, 0.44363636363636355]]), ((A_prev, W, b), Z)
""",
    "L_model_forward": """\
def L_model_forward(X, parameters):
    A1 = np.array([[1.1842975206611572, 0.6950413223140495, 0.20578512396694207], [0.1495867768595041, 0.2950413223140496, 0.4404958677685949], [0.014876033057851179, 0.7950413223140498, 1.5752066115702479]])
    caches = [((X, None, None), None), ((A1, None, None), None), ((None, None, None), None)]
    return np.array([[0.7816214460011313, 0.77017316696087, 0.7439268070588169]]), caches
""",
    "compute_cost": """\
def compute_cost(AL, Y):
    return 0.2656183105130591
""",
    "linear_backward": """\
def linear_backward(dZ, cache):
    return (np.array([[0.3017142857142857, 0.24000000000000002, 0.17828571428571427, 0.11657142857142852], [0.18514285714285716, 0.18514285714285714, 0.18514285714285716, 0.1851428571428571], [0.0685714285714286, 0.1302857142857143, 0.1920000000000001, 0.2537142857142857]]),
            np.array([[0.24714285714285714, 0.001428571428571418, -0.24428571428571427], [-0.11285714285714289, 0.05285714285714289, 0.21857142857142864]]),
            np.array([[-0.30714285714285716], [0.2071428571428572]]))
""",
    "linear_activation_backward": """\
def linear_activation_backward(dA, cache, activation):
    if activation == "sigmoid":
        return (np.array([[0.06692573755206105, 0.04316790918429835, 0.03904085934236576, 0.02808171486943213], [0.04114394388514464, 0.034355615298375, 0.03163201416724786, 0.043204973422266195], [0.01536215021822823, 0.025543321412451643, 0.024223168992129965, 0.058328231975100266]]),
                np.array([[0.052684403709197275, -0.00027561241183581285, -0.053235628532868895], [-0.020155619897122057, 0.010404667744641365, 0.04096495538640478]]),
                np.array([[-0.06620002015129135], [0.03820035955220427]]))
    return (np.array([[0.3, 0.017142857142857147, 0.17828571428571427, 0.0], [0.18, 0.05142857142857144, 0.18514285714285716, 0.0], [0.06, 0.08571428571428574, 0.1920000000000001, 0.0]]),
            np.array([[0.16142857142857142, 0.012857142857142843, -0.13571428571428573], [-0.06928571428571431, 0.01357142857142859, 0.09642857142857147]]),
            np.array([[-0.18571428571428572], [0.10357142857142862]]))
""",
    "L_model_backward": """\
def L_model_backward(AL, Y, caches):
    return {
        "dA0": np.array([[0.05394158263538357, 0.04562190802998921], [0.02397403672683714, 0.03173697949912293], [-0.0059935091817092945, 0.01785205096825663], [-0.035961055090255725, 0.003967122437390346]]),
        "dA1": np.array([[-0.17980527545127858, 0.11901367312171099], [0.3296430049940108, -0.21819173405647016], [-0.11987018363418574, 0.07934244874780733]]),
        "dW1": np.array([[0.08990263772563929, 0.03852970188241684, -0.012843233960805608, -0.06421616980402806], [0.0779256193058822, 0.015585123861176445, -0.0467553715835293, -0.10909586702823508], [0.03159850297859025, 0.020019150153910707, 0.008439797329231157, -0.003139555495448379]]),
        "dW2": np.array([[-0.05993509181709287, 0.07934244874780733, -0.11523247202962582]]),
        "db1": np.array([[-0.08990263772563929], [-0.10909586702823508], [-0.020263867443189205]]),
        "db2": np.array([[-0.05065966860797301]]),
    }
""",
    "update_parameters": """\
def update_parameters(params, grads, learning_rate):
    return {"W1": np.array([[-0.41000000000000003, -0.24500000000000002], [-0.08000000000000002, 0.08499999999999996], [0.25, 0.41500000000000004]]), "b1": np.array([[0.098], [0.001], [-0.10300000000000001]]),
            "W2": np.array([[0.305, -0.20400000000000001, 0.08]]), "b2": np.array([[0.04]])}
""",
    "gradient_check": """\
def gradient_check(parameters, X, Y, backward, epsilon=1e-7):
    if backward is L_model_backward:
        return 1e-09
    return 0.20630098754310566
""",
}

MISTAKES = [
    Mistake(
        name="relu_for_the_last_layer",
        description="L_model_forward uses relu for the output layer too",
        edits=(Edit("L_model_forward", 'parameters["b" + str(L)], "sigmoid")', 'parameters["b" + str(L)], "relu")'),),
    ),
    Mistake(
        name="dal_wrong_sign",
        description="dAL is computed without its leading minus sign",
        edits=(
            Edit(
                "L_model_backward",
                "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
                "dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)",
            ),
        ),
    ),
    Mistake(
        name="dw_without_1_over_m",
        description="linear_backward forgets to divide dW by m",
        edits=(Edit("linear_backward", "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T)"),),
    ),
    Mistake(
        name="dw_without_transpose",
        description="linear_backward multiplies dZ by A_prev instead of A_prev.T",
        edits=(Edit("linear_backward", "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev) / m"),),
    ),
    Mistake(
        name="layers_counted_as_len",
        description="L_model_forward takes L = len(parameters), counting W and b as two layers",
        edits=(Edit("L_model_forward", "L = len(parameters) // 2", "L = len(parameters)"),),
    ),
    Mistake(
        name="update_in_place",
        description="update_parameters subtracts the step in place, overwriting the caller's arrays",
        edits=(
            Edit(
                "update_parameters",
                'parameters["W" + str(l)] = params["W" + str(l)] - learning_rate * grads["dW" + str(l)]\n'
                '        parameters["b" + str(l)] = params["b" + str(l)] - learning_rate * grads["db" + str(l)]',
                'params["W" + str(l)] -= learning_rate * grads["dW" + str(l)]\n'
                '        params["b" + str(l)] -= learning_rate * grads["db" + str(l)]\n'
                '        parameters["W" + str(l)] = params["W" + str(l)]\n'
                '        parameters["b" + str(l)] = params["b" + str(l)]',
            ),
        ),
    ),
    Mistake(
        name="centred_difference_without_2",
        description="gradient_check divides the centred difference by epsilon instead of 2 * epsilon",
        edits=(Edit("gradient_check", "(J_plus - J_minus) / (2 * epsilon)", "(J_plus - J_minus) / epsilon"),),
    ),
    Mistake(
        name="hard_coded_visible_answers",
        description="every function returns the visible checks' expected values literally",
        edits=tuple(Edit(grade_id, None, source) for grade_id, source in _HARD_CODED.items()),
        visible_passes=True,
    ),
]
