"""Tests of nndl.diagrams on the Agg backend, counting the artists each picture is made of."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nndl.diagrams import draw_dropout, draw_network, draw_neuron, dropped_units  # noqa: E402


@pytest.fixture(autouse=True)
def no_show_and_no_leaks(monkeypatch):
    """Fail if a diagram calls plt.show or edits rcParams; close every figure afterwards."""

    def refuse_show(*args, **kwargs):
        raise AssertionError("diagrams must not call plt.show()")

    monkeypatch.setattr(plt, "show", refuse_show)
    before = dict(matplotlib.rcParams)
    yield
    assert dict(matplotlib.rcParams) == before, "a diagram changed matplotlib.rcParams"
    plt.close("all")


def count(ax, gid):
    """Patches, lines and annotations of ax whose gid is `gid`."""
    artists = list(ax.patches) + list(ax.lines) + list(ax.texts)
    return sum(artist.get_gid() == gid for artist in artists)


def n_weights(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


@pytest.mark.parametrize("sizes", [[3, 4, 1], [2, 4, 1], [5, 4, 3, 2, 1], [1, 1], [4, 7, 7, 3]])
def test_draw_network_has_a_circle_per_unit_and_a_line_per_weight(sizes):
    ax = draw_network(sizes)
    assert count(ax, "unit") == sum(sizes)
    assert count(ax, "connection") == n_weights(sizes)
    assert count(ax, "dropped") == 0


def test_draw_network_draws_on_the_axes_it_is_given_and_returns_it():
    fig, (left, right) = plt.subplots(1, 2)
    assert draw_network([2, 3, 1], ax=right, title="shallow") is right
    assert right.get_title() == "shallow"
    assert count(left, "unit") == 0 and count(right, "unit") == 6


def test_draw_network_names_units_and_highlights_chosen_connections():
    names = [["size", "rooms"], ["family"], ["price"]]
    ax = draw_network([2, 1, 1], labels=names, highlight=[(0, 0, 0), (1, 0, 0)])
    texts = {t.get_text() for t in ax.texts}
    assert {"size", "rooms", "family", "price"} <= texts
    widths = sorted(line.get_linewidth() for line in ax.lines if line.get_gid() == "connection")
    assert widths[0] < widths[1] == widths[2], "the connection that is not highlighted should be drawn thinner"


def test_draw_network_rejects_labels_that_do_not_fit():
    with pytest.raises(ValueError, match="labels"):
        draw_network([2, 1], labels=[["a"], ["b"]])


@pytest.mark.parametrize("bad", [[3], [], [3, 0, 1], [3, -2, 1], [3, 2.5, 1], 7, "34"])
def test_bad_layer_sizes_raise_value_error_naming_the_argument(bad):
    for draw in (draw_network, draw_dropout, dropped_units):
        with pytest.raises(ValueError, match="layer_sizes"):
            draw(bad)


@pytest.mark.parametrize("n_inputs", [1, 3, 5])
def test_draw_neuron_shows_inputs_weights_bias_and_output(n_inputs):
    ax = draw_neuron(n_inputs, activation="relu")
    assert count(ax, "input") == n_inputs
    assert count(ax, "weight") == n_inputs + 1
    assert count(ax, "bias") == count(ax, "neuron") == count(ax, "output") == 1
    texts = " ".join(t.get_text() for t in ax.texts)
    for symbol in [f"$w_{{{n_inputs}}}$", f"$x_{{{n_inputs}}}$", "$b$", r"\mathrm{ReLU}(z)", r"\hat{y}"]:
        assert symbol in texts


def test_draw_neuron_rejects_unknown_arguments():
    with pytest.raises(ValueError, match="activation"):
        draw_neuron(3, activation="softplus")
    with pytest.raises(ValueError, match="n_inputs"):
        draw_neuron(0)


@pytest.mark.parametrize("sizes, keep_prob, seed", [([3, 4, 1], 0.5, 0), ([4, 6, 6, 2], 0.5, 3), ([2, 10, 1], 0.8, 1)])
def test_draw_dropout_crosses_out_the_dropped_units_and_removes_their_lines(sizes, keep_prob, seed):
    dropped = dropped_units(sizes, keep_prob, seed)
    assert len(dropped[0]) == 0 and len(dropped[-1]) == 0, "input and output units are never dropped"
    n_dropped = [len(d) for d in dropped]
    kept = [n - d for n, d in zip(sizes, n_dropped)]

    ax = draw_dropout(sizes, keep_prob=keep_prob, seed=seed)
    assert count(ax, "dropped") == sum(n_dropped)
    assert count(ax, "unit") == sum(kept)
    assert count(ax, "cross") == 2 * sum(n_dropped)
    assert count(ax, "connection") == n_weights(kept)
    assert f"{sum(n_dropped)} of {sum(sizes[1:-1])}" in ax.get_title()


def test_dropped_units_come_from_the_seeded_generator():
    sizes = [3, 8, 5, 1]
    rng = np.random.default_rng(42)
    expected = [np.flatnonzero(rng.random(n) >= 0.6) for n in sizes[1:-1]]
    got = dropped_units(sizes, keep_prob=0.6, seed=42)
    for a, b in zip(got[1:-1], expected):
        np.testing.assert_array_equal(a, b)
    assert [d.tolist() for d in dropped_units(sizes, 1.0, 0)] == [[]] * 4
    with pytest.raises(ValueError, match="keep_prob"):
        dropped_units(sizes, keep_prob=0.0)
