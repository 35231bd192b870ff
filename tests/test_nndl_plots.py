"""Tests of nndl.plots, on the Agg backend, asserting on artists rather than pixels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from nndl.plots import plot_costs, plot_decision_boundary, show_image_grid, show_mislabeled  # noqa: E402

CLASSES = np.array([b"non-cat", b"cat"], dtype="S7")


@pytest.fixture(autouse=True)
def no_show_and_no_leaks(monkeypatch):
    """Fail if a helper calls plt.show or edits rcParams; close every figure afterwards."""

    def refuse_show(*args, **kwargs):
        raise AssertionError("plot helpers must not call plt.show()")

    monkeypatch.setattr(plt, "show", refuse_show)
    before = dict(matplotlib.rcParams)
    yield
    assert dict(matplotlib.rcParams) == before, "a plot helper changed matplotlib.rcParams"
    plt.close("all")


def two_blobs(m=40, seed=0):
    rng = np.random.RandomState(seed)
    Y = (np.arange(m) % 2).reshape(1, m)
    X = rng.randn(2, m) + 3 * (Y * 2 - 1)
    return X, Y


# --- plot_decision_boundary --------------------------------------------------------------------


def test_decision_boundary_draws_a_filled_contour_and_the_points():
    X, Y = two_blobs()
    X_copy, Y_copy = X.copy(), Y.copy()
    calls = []

    def predict(P):
        calls.append(P.shape)
        return (P[0:1] + P[1:2] > 0).astype(float)

    ax = plot_decision_boundary(predict, X, Y, title="linear rule", resolution=50)

    assert calls == [(2, 2500)], "predict_fn should be called once on a (2, k) grid"
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    scatters = [c for c in ax.collections if isinstance(c, PathCollection) and not isinstance(c, ContourSet)]
    assert len(contours) == 1 and contours[0].filled
    assert len(scatters) == 1 and scatters[0].get_offsets().shape == (40, 2)
    np.testing.assert_array_equal(scatters[0].get_array(), Y[0])
    assert ax.get_title() == "linear rule"
    assert ax.get_xlim()[0] == pytest.approx(X[0].min() - 1)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(Y, Y_copy)


def test_decision_boundary_accepts_flat_labels_boolean_predictions_and_an_axes():
    X, Y = two_blobs()
    fig, axes = plt.subplots(1, 2)
    ax = plot_decision_boundary(lambda P: P[0] > 0, X, Y[0], ax=axes[1], resolution=20)
    assert ax is axes[1]
    assert len(axes[0].collections) == 0 and len(axes[1].collections) == 2
    assert len(fig.axes) == 2


@pytest.mark.parametrize(
    "X_shape, Y_shape, fragment",
    [((40, 2), (1, 40), "X must have shape (2, m), got (40, 2)"), ((2, 40), (1, 39), "Y must have shape (1, 40)")],
)
def test_decision_boundary_rejects_wrong_shapes(X_shape, Y_shape, fragment):
    with pytest.raises(ValueError) as caught:
        plot_decision_boundary(lambda P: P[0:1] > 0, np.zeros(X_shape), np.zeros(Y_shape), resolution=5)
    assert fragment in str(caught.value)


def test_decision_boundary_names_a_predict_fn_with_the_wrong_output():
    X, Y = two_blobs()
    with pytest.raises(ValueError, match="predict_fn must return one label per column"):
        plot_decision_boundary(lambda P: np.zeros((1, 3)), X, Y, resolution=10)


# --- plot_costs ----------------------------------------------------------------------------------


def test_costs_of_several_learning_rates_share_one_axes():
    ax = plot_costs([0.7, 0.5, 0.4], learning_rate=0.01)
    same = plot_costs([np.array(0.7), np.array(0.65), np.array(0.6)], learning_rate=0.001, ax=ax)
    assert same is ax
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_xdata(), [0, 100, 200])
    np.testing.assert_allclose(lines[1].get_ydata(), [0.7, 0.65, 0.6])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["learning rate = 0.01", "learning rate = 0.001"]
    assert ax.get_xlabel() == "iteration" and ax.get_ylabel() == "cost"


def test_costs_every_label_and_explicit_iterations():
    ax = plot_costs([3.0, 2.0], every=1000, label="n_h = 4")
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0, 1000])
    assert ax.get_legend().get_texts()[0].get_text() == "n_h = 4"
    ax = plot_costs([3.0, 2.0, 1.5], iterations=[0, 100, 149])
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0, 100, 149])
    assert ax.get_legend() is None, "an unlabelled single curve needs no legend"


def test_costs_reject_bad_input():
    with pytest.raises(ValueError, match="non-empty"):
        plot_costs([])
    with pytest.raises(ValueError, match="iterations must have shape"):
        plot_costs([1.0, 0.5], iterations=[0])


# --- show_image_grid -----------------------------------------------------------------------------


def images(n, seed=0):
    return np.random.RandomState(seed).randint(0, 256, size=(n, 64, 64, 3)).astype(np.uint8)


def test_image_grid_titles_each_image_with_its_class():
    labels = np.array([[1, 0, 0, 1, 1, 0, 0, 0, 1, 1]])
    fig = show_image_grid(images(10), labels, classes=CLASSES, ncols=4)
    assert len(fig.axes) == 10
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["cat" if y else "non-cat" for y in labels[0]]
    assert all(len(ax.get_images()) == 1 for ax in fig.axes)
    assert fig.axes[8].get_subplotspec().rowspan.start == 2, "10 images in 4 columns need 3 rows"


def test_image_grid_without_classes_shows_numbers():
    fig = show_image_grid(images(3), np.array([0, 1, 1]))
    assert [ax.get_title() for ax in fig.axes] == ["0", "1", "1"]


def test_image_grid_marks_wrong_predictions_in_red():
    fig = show_image_grid(images(3), [1, 0, 1], classes=CLASSES, predictions=np.array([[1.0, 1.0, 1.0]]))
    titles = [ax.title for ax in fig.axes]
    assert titles[1].get_text() == "true: non-cat\npred: cat"
    assert matplotlib.colors.same_color(titles[1].get_color(), "red")
    assert matplotlib.colors.same_color(titles[0].get_color(), "black")


def test_image_grid_draws_into_a_given_figure():
    fig = plt.figure()
    assert show_image_grid(images(2), [0, 1], fig=fig) is fig
    assert len(fig.axes) == 2


@pytest.mark.parametrize(
    "imgs, labels, fragment",
    [
        (np.zeros((2, 64, 64)), [0, 1], "images must have shape (n, height, width, 3)"),
        (np.zeros((2, 64, 64, 3), np.uint8), [0, 1, 1], "labels must have shape (1, 2) or (2,)"),
        (np.zeros((0, 64, 64, 3), np.uint8), [], "images is empty"),
    ],
)
def test_image_grid_rejects_bad_input(imgs, labels, fragment):
    with pytest.raises(ValueError) as caught:
        show_image_grid(imgs, labels)
    assert fragment in str(caught.value)


# --- show_mislabeled -----------------------------------------------------------------------------


def test_mislabeled_shows_only_the_errors():
    y_true = np.array([[1, 0, 1, 1, 0, 0]])
    y_pred = np.array([[1.0, 1.0, 0.0, 1.0, 0.0, 1.0]])
    fig = show_mislabeled(images(6), y_true, y_pred, CLASSES)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "predicted: cat\ntrue: non-cat (#1)",
        "predicted: non-cat\ntrue: cat (#2)",
        "predicted: cat\ntrue: non-cat (#5)",
    ]
    np.testing.assert_array_equal(fig.axes[1].get_images()[0].get_array(), images(6)[2])


def test_mislabeled_limits_the_count_and_accepts_flat_booleans():
    y_true = np.ones(8, dtype=int)
    y_pred = np.zeros((1, 8), dtype=bool)
    fig = show_mislabeled(images(8), y_true, y_pred, CLASSES, max_images=3)
    assert len(fig.axes) == 3


def test_mislabeled_says_so_when_there_is_nothing_to_show():
    fig = show_mislabeled(images(2), [0, 1], [[0, 1]], CLASSES)
    assert len(fig.axes) == 1
    assert [t.get_text() for t in fig.axes[0].texts] == ["No mislabelled examples."]


def test_mislabeled_rejects_a_prediction_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"y_pred must have shape \(1, 4\) or \(4,\), got \(1, 5\)"):
        show_mislabeled(images(4), [0, 1, 0, 1], np.zeros((1, 5)), CLASSES)


def test_decision_boundary_colours_do_not_depend_on_what_the_model_predicts():
    """A model predicting one class everywhere paints the plane in that class's colour."""
    import numpy as np
    from matplotlib.contour import ContourSet

    from nndl.data import load_planar_dataset
    from nndl.plots import plot_decision_boundary

    X, Y = load_planar_dataset()
    colours = []
    for constant in (0, 1):
        ax = plot_decision_boundary(lambda G, c=constant: np.full((1, G.shape[1]), c), X, Y, resolution=20)
        contour = next(c for c in ax.collections if isinstance(c, ContourSet))
        assert (contour.norm.vmin, contour.norm.vmax) == (0, 1), "colour limits must be fixed to the two classes"
        colours.append(contour.to_rgba(constant))
    assert colours[0] != colours[1], "all-0 and all-1 models were painted the same colour"
