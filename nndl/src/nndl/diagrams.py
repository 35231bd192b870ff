"""Pictures of networks, drawn by code so that every notebook shows them the same way.

A unit is a circle, a connection is a line between two circles; layers run
from left (inputs) to right (outputs). Every function draws on the Axes it is
given (or on a new figure) and returns that Axes; none calls ``plt.show()``
or changes matplotlib's settings.

Each artist carries a ``gid`` saying what it stands for, so tests and curious
readers can count them: ``"unit"`` and ``"connection"`` in
:func:`draw_network` and :func:`draw_dropout` (plus ``"dropped"`` for a
switched-off unit and ``"cross"`` for the two strokes crossing it out), and
``"input"``, ``"bias"``, ``"neuron"``, ``"weight"`` and ``"output"`` in
:func:`draw_neuron`.
"""

from __future__ import annotations

from numbers import Integral

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

__all__ = ["draw_network", "draw_neuron", "draw_dropout", "dropped_units"]

RADIUS = 0.22
LAYER_GAP = 2.0
ACTIVATION_SYMBOLS = {
    "sigmoid": r"\sigma(z)",
    "tanh": r"\tanh(z)",
    "relu": r"\mathrm{ReLU}(z)",
    "linear": "z",
}


def _check_layer_sizes(layer_sizes) -> list[int]:
    """Return layer_sizes as a list of ints, or raise ValueError naming the argument."""
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise ValueError(
            f"layer_sizes must be a sequence of layer widths like [3, 4, 1], got {layer_sizes!r}"
        ) from None
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least an input and an output layer, got {sizes!r}")
    bad = [s for s in sizes if not isinstance(s, Integral) or isinstance(s, bool) or s < 1]
    if bad:
        raise ValueError(f"layer_sizes must hold positive integers, got {sizes!r}")
    return [int(s) for s in sizes]


def _positions(sizes: list[int]) -> list[list[tuple[float, float]]]:
    """Centre of every unit: layer l at x = l * LAYER_GAP, units stacked around y = 0, top first."""
    return [[(l * LAYER_GAP, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]


def _default_labels(sizes: list[int]) -> list[list[str]]:
    first = [f"$x_{{{i + 1}}}$" for i in range(sizes[0])]
    last = [r"$\hat{y}$"] if sizes[-1] == 1 else [f"$\\hat{{y}}_{{{k + 1}}}$" for k in range(sizes[-1])]
    return [first] + [[""] * n for n in sizes[1:-1]] + [last]


def _check_labels(labels, sizes: list[int]) -> list[list[str]]:
    if labels is None:
        return _default_labels(sizes)
    labels = [list(layer) for layer in labels]
    if [len(layer) for layer in labels] != sizes:
        raise ValueError(
            f"labels must give one name per unit, layer by layer ({sizes}), got {[len(layer) for layer in labels]}"
        )
    return [[str(name) for name in layer] for layer in labels]


def _new_axes(ax, sizes: list[int]):
    if ax is None:
        width = min(9.0, 1.6 * len(sizes) + 1.5)
        _, ax = plt.subplots(figsize=(width, 0.55 * max(sizes) + 1.3))
    return ax


def _finish(ax, sizes: list[int], title: str | None):
    top = (max(sizes) - 1) / 2
    ax.set_xlim(-1.2, (len(sizes) - 1) * LAYER_GAP + 1.2)
    ax.set_ylim(-top - 0.9, top + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is not None:
        ax.set_title(title)
    return ax


def _layer_captions(ax, sizes: list[int]):
    bottom = -(max(sizes) - 1) / 2 - 0.7
    for l in range(len(sizes)):
        name = "input" if l == 0 else "output" if l == len(sizes) - 1 else f"hidden {l}"
        ax.text(l * LAYER_GAP, bottom, f"{name}\n$n^{{[{l}]}} = {sizes[l]}$", ha="center", va="center", fontsize=9)


def _unit(ax, centre, dropped: bool = False):
    ax.add_patch(
        Circle(
            centre,
            RADIUS,
            facecolor="0.9" if dropped else "white",
            edgecolor="0.6" if dropped else "k",
            lw=1.2,
            zorder=3,
            gid="dropped" if dropped else "unit",
        )
    )
    if dropped:
        x, y = centre
        d = RADIUS * 0.75
        for sign in (1, -1):
            ax.plot([x - d, x + d], [y - sign * d, y + sign * d], color="tab:red", lw=1.5, zorder=4, gid="cross")


def _unit_label(ax, centre, text: str, layer: int, last: int):
    if not text:
        return
    x, y = centre
    if layer == 0:
        ax.text(x - RADIUS - 0.1, y, text, ha="right", va="center", fontsize=9)
    elif layer == last:
        ax.text(x + RADIUS + 0.1, y, text, ha="left", va="center", fontsize=9)
    else:
        ax.text(x, y + RADIUS + 0.08, text, ha="center", va="bottom", fontsize=8)


def draw_network(layer_sizes, ax=None, labels=None, title=None, highlight=None):
    """Draw a fully connected network: one circle per unit, one line per weight.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, inputs first: ``[n_x, n_h, 1]`` for a shallow network,
        ``[n[0], n[1], ..., n[L]]`` for an L-layer one. At least two layers.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.
    labels : sequence of sequences of str, optional
        One name per unit, layer by layer (use ``""`` for no name). Inputs are
        labelled on their left, outputs on their right, hidden units above.
        By default the inputs are $x_1, x_2, \\dots$ and the output $\\hat{y}$.
    title : str, optional
    highlight : iterable of (l, i, j), optional
        Connections from unit ``i`` of layer ``l`` to unit ``j`` of layer
        ``l + 1`` (counting from 0) to draw solid; the others are then drawn
        faint. By default every connection is drawn the same.

    Returns
    -------
    matplotlib Axes
        With ``sum(layer_sizes)`` circles (gid ``"unit"``) and
        ``sum(n[l] * n[l+1])`` lines (gid ``"connection"``).
    """
    sizes = _check_layer_sizes(layer_sizes)
    names = _check_labels(labels, sizes)
    solid = None if highlight is None else {tuple(edge) for edge in highlight}
    ax = _new_axes(ax, sizes)
    pos = _positions(sizes)
    for l in range(len(sizes) - 1):
        for i, (x0, y0) in enumerate(pos[l]):
            for j, (x1, y1) in enumerate(pos[l + 1]):
                strong = solid is None or (l, i, j) in solid
                ax.plot(
                    [x0, x1],
                    [y0, y1],
                    color="0.3" if strong else "0.85",
                    lw=1.2 if strong else 0.7,
                    zorder=1,
                    gid="connection",
                )
    for l, layer in enumerate(pos):
        for centre, name in zip(layer, names[l]):
            _unit(ax, centre)
            _unit_label(ax, centre, name, l, len(sizes) - 1)
    _layer_captions(ax, sizes)
    return _finish(ax, sizes, title)


def draw_neuron(n_inputs=3, activation="sigmoid", ax=None):
    """Draw one neuron: inputs, weights, bias, the sum z, the activation a and the output.

    Parameters
    ----------
    n_inputs : int, default 3
        Number of inputs $x_1, \\dots, x_n$, each with its weight $w_i$.
    activation : {"sigmoid", "tanh", "relu", "linear"}, default "sigmoid"
        Shown as $a = g(z)$ inside the neuron.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.

    Returns
    -------
    matplotlib Axes
        With ``n_inputs`` input circles (gid ``"input"``), a bias circle
        (``"bias"``), the neuron (``"neuron"``), ``n_inputs + 1`` weighted
        connections (``"weight"``, the last one for the bias) and the output
        arrow (``"output"``).
    """
    if not isinstance(n_inputs, Integral) or isinstance(n_inputs, bool) or n_inputs < 1:
        raise ValueError(f"n_inputs must be a positive integer, got {n_inputs!r}")
    if activation not in ACTIVATION_SYMBOLS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATION_SYMBOLS)}, got {activation!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, max(2.6, 0.7 * n_inputs + 1.2)))

    top = (n_inputs - 1) / 2
    neuron, neuron_radius = (3.0, 0.0), 0.75
    for i in range(n_inputs):
        centre = (0.0, top - i)
        ax.add_patch(Circle(centre, RADIUS, facecolor="white", edgecolor="k", zorder=3, gid="input"))
        ax.text(-RADIUS - 0.1, centre[1], f"$x_{{{i + 1}}}$", ha="right", va="center", fontsize=11)
        ax.plot([0, neuron[0]], [centre[1], 0], color="0.3", lw=1.2, zorder=1, gid="weight")
        # Each weight is written a third of the way along its line, where the lines are furthest apart.
        ax.text(
            1.0, centre[1] * 2 / 3 + 0.12, f"$w_{{{i + 1}}}$", ha="center", va="bottom", fontsize=10, color="tab:blue"
        )

    bias = (1.6, top + 0.9)
    ax.add_patch(Circle(bias, RADIUS, facecolor="white", edgecolor="k", zorder=3, gid="bias"))
    ax.text(bias[0], bias[1], "1", ha="center", va="center", fontsize=9, zorder=4)
    ax.plot([bias[0], neuron[0]], [bias[1], 0], color="0.3", lw=1.2, zorder=1, gid="weight")
    ax.text(2.45, (bias[1]) / 2 + 0.3, "$b$", ha="left", va="bottom", fontsize=10, color="tab:blue")

    ax.add_patch(Circle(neuron, neuron_radius, facecolor="white", edgecolor="k", lw=1.5, zorder=3, gid="neuron"))
    ax.plot([neuron[0], neuron[0]], [-neuron_radius, neuron_radius], color="0.5", lw=0.8, zorder=4)
    ax.text(neuron[0] - 0.38, 0, "$z$\n$\\Sigma$", ha="center", va="center", fontsize=10, zorder=5)
    ax.text(neuron[0] + 0.38, 0, "$a$\n$g$", ha="center", va="center", fontsize=10, zorder=5)

    ax.annotate(
        "",
        xy=(5.2, 0),
        xytext=(neuron[0] + neuron_radius, 0),
        gid="output",
        arrowprops=dict(arrowstyle="->", color="0.3", lw=1.2),
    )
    ax.text(5.3, 0, r"$\hat{y} = a$", ha="left", va="center", fontsize=11)
    ax.text(
        neuron[0],
        -neuron_radius - 0.25,
        f"$z = w^\\top x + b$\n$a = {ACTIVATION_SYMBOLS[activation]}$",
        ha="center",
        va="top",
        fontsize=10,
    )

    ax.set_xlim(-0.9, 6.4)
    ax.set_ylim(min(-top, -neuron_radius) - 1.2, bias[1] + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def dropped_units(layer_sizes, keep_prob=0.5, seed=0) -> list[np.ndarray]:
    """Which hidden units one dropout step switches off.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, inputs first, as for :func:`draw_network`.
    keep_prob : float, default 0.5
        Probability that a hidden unit is kept, in (0, 1].
    seed : int, default 0
        Seed of ``np.random.default_rng``; one uniform number is drawn per
        hidden unit, layer by layer, and the unit is dropped when it is at
        least ``keep_prob``.

    Returns
    -------
    list of ndarray of int
        One array per layer of the indices of its dropped units; the first
        (input) and last (output) arrays are always empty.
    """
    sizes = _check_layer_sizes(layer_sizes)
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob!r}")
    rng = np.random.default_rng(seed)
    hidden = [np.flatnonzero(rng.random(n) >= keep_prob) for n in sizes[1:-1]]
    empty = np.array([], dtype=int)
    return [empty] + hidden + [empty.copy()]


def draw_dropout(layer_sizes, keep_prob=0.5, seed=0, ax=None):
    """Draw the thinned network of one dropout step.

    Dropped hidden units are greyed and crossed out, and every connection into
    or out of them is left out. Input and output units are never dropped.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, inputs first, as for :func:`draw_network`.
    keep_prob : float, default 0.5
        Probability that a hidden unit is kept.
    seed : int, default 0
        Picks the dropped units, exactly as :func:`dropped_units` does.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.

    Returns
    -------
    matplotlib Axes
        With one circle per kept unit (gid ``"unit"``), one per dropped unit
        (``"dropped"``), and one line (``"connection"``) per weight between
        two kept units. The title counts the dropped units.
    """
    sizes = _check_layer_sizes(layer_sizes)
    dropped = [set(d.tolist()) for d in dropped_units(sizes, keep_prob, seed)]
    ax = _new_axes(ax, sizes)
    pos = _positions(sizes)
    for l in range(len(sizes) - 1):
        for i, (x0, y0) in enumerate(pos[l]):
            for j, (x1, y1) in enumerate(pos[l + 1]):
                if i not in dropped[l] and j not in dropped[l + 1]:
                    ax.plot([x0, x1], [y0, y1], color="0.3", lw=1.2, zorder=1, gid="connection")
    names = _default_labels(sizes)
    for l, layer in enumerate(pos):
        for i, centre in enumerate(layer):
            _unit(ax, centre, dropped=i in dropped[l])
            _unit_label(ax, centre, names[l][i], l, len(sizes) - 1)
    _layer_captions(ax, sizes)
    count = sum(len(d) for d in dropped)
    hidden = sum(sizes[1:-1])
    return _finish(ax, sizes, f"keep_prob = {keep_prob:g}: {count} of {hidden} hidden units dropped")
