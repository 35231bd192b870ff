"""Plots used across the assignments: decision boundaries, cost curves and image grids.

Every function draws on the Axes or Figure it is given (or on a new one) and
returns it; none calls ``plt.show()`` or changes matplotlib's settings, so a
notebook decides when and how figures appear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "plot_decision_boundary",
    "plot_costs",
    "show_image_grid",
    "show_mislabeled",
]


def _labels_row(y, name: str, m: int | None = None) -> np.ndarray:
    """Return labels given as (1, m) or (m,) as a flat (m,) int array.

    Raises ValueError naming ``name`` when the shape is neither, or when the
    length differs from ``m``.
    """
    given = np.asarray(y)
    flat = given[0] if given.ndim == 2 and given.shape[0] == 1 else given
    if flat.ndim != 1 or (m is not None and flat.shape[0] != m):
        expected = f"(1, {m}) or ({m},)" if m is not None else "(1, m) or (m,)"
        raise ValueError(f"{name} must have shape {expected}, got {given.shape}")
    return flat.astype(int)


def _class_name(classes, label: int) -> str:
    """Name of ``label``: ``classes[label]`` decoded if given, else the number."""
    if classes is None:
        return str(label)
    name = classes[label]
    return name.decode("utf-8") if isinstance(name, bytes) else str(name)


def _check_images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must have shape (n, height, width, 3), got {images.shape}")
    return images


def plot_decision_boundary(
    predict_fn: Callable[[np.ndarray], np.ndarray],
    X,
    Y,
    ax=None,
    title: str | None = None,
    resolution: int = 300,
):
    """Shade the plane by a model's prediction and scatter the data on top.

    Parameters
    ----------
    predict_fn : callable
        Maps points of shape (2, k) to labels of shape (1, k) (or (k,)); for
        example ``lambda P: predict(parameters, P)``. It is called once, on
        ``resolution**2`` grid points.
    X : ndarray of shape (2, m), float
        The data points, one per column.
    Y : ndarray of shape (1, m) or (m,)
        Their labels (0/1), used to colour the points.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.
    title : str, optional
    resolution : int, default 300
        Grid points along each axis of the shaded region, which extends one
        unit beyond the data on every side.

    Returns
    -------
    matplotlib Axes
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must have shape (2, m), got {X.shape}")
    m = X.shape[1]
    labels = _labels_row(Y, "Y", m)

    x_min, x_max = X[0].min() - 1, X[0].max() + 1
    y_min, y_max = X[1].min() - 1, X[1].max() + 1
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.vstack([xx.ravel(), yy.ravel()])
    predicted = np.asarray(predict_fn(grid))
    if predicted.size != grid.shape[1]:
        raise ValueError(
            f"predict_fn must return one label per column: shape (1, {grid.shape[1]}) "
            f"for input of shape {grid.shape}, got {predicted.shape}"
        )
    zz = predicted.reshape(xx.shape).astype(float)

    if ax is None:
        _, ax = plt.subplots()
    # Fixed colour limits and levels: a model that predicts one class
    # everywhere still paints the plane in that class's colour.
    ax.contourf(xx, yy, zz, levels=[-0.5, 0.5, 1.5], cmap=plt.cm.Spectral, vmin=0, vmax=1, alpha=0.8)
    ax.scatter(X[0], X[1], c=labels, cmap=plt.cm.Spectral, vmin=0, vmax=1, edgecolors="k", s=20)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_costs(
    costs,
    every: int = 100,
    learning_rate: float | None = None,
    label: str | None = None,
    ax=None,
    iterations: Sequence[int] | None = None,
):
    """Plot a cost curve; call again with the same ``ax`` to compare runs.

    Parameters
    ----------
    costs : sequence of float
        Recorded costs, e.g. the ``costs`` list returned by ``optimize``
        (0-d arrays are accepted).
    every : int, default 100
        Iterations between two recorded costs; the i-th cost is drawn at
        iteration ``i * every``.
    learning_rate : float, optional
        Shown in the legend as "learning rate = ..." when ``label`` is not given.
    label : str, optional
        Legend entry for this curve.
    ax : matplotlib Axes, optional
        Axes to add the curve to; a new figure is made if omitted.
    iterations : sequence of int, optional
        Iteration number of each cost, overriding ``every`` (useful when the
        last cost was recorded at the final iteration rather than a multiple
        of ``every``).

    Returns
    -------
    matplotlib Axes
    """
    values = np.asarray([np.squeeze(c) for c in costs], dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"costs must be a non-empty sequence of numbers, got shape {values.shape}")
    if iterations is None:
        if every <= 0:
            raise ValueError(f"every must be a positive number of iterations, got {every}")
        x = np.arange(values.size) * every
    else:
        x = np.asarray(iterations)
        if x.shape != values.shape:
            raise ValueError(f"iterations must have shape {values.shape} like costs, got {x.shape}")
    if label is None and learning_rate is not None:
        label = f"learning rate = {learning_rate:g}"

    if ax is None:
        _, ax = plt.subplots()
    ax.plot(x, values, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    if any(not line.get_label().startswith("_") for line in ax.get_lines()):
        ax.legend()
    return ax


def show_image_grid(
    images,
    labels,
    classes=None,
    predictions=None,
    ncols: int = 8,
    fig=None,
):
    """Show images in a grid, each titled with its label (and prediction).

    Parameters
    ----------
    images : ndarray of shape (n, height, width, 3), uint8
        E.g. ``train_x_orig[:16]``.
    labels : ndarray of shape (1, n) or (n,)
        True label of each image.
    classes : sequence, optional
        ``classes[label]`` names a label (bytes are decoded), e.g. the
        ``classes`` returned by ``load_catvnoncat``. Numbers are shown if omitted.
    predictions : ndarray of shape (1, n) or (n,), optional
        Predicted labels; the title then shows both, in red where they differ.
    ncols : int, default 8
        Images per row.
    fig : matplotlib Figure, optional
        An empty figure to draw in; a new one is made if omitted.

    Returns
    -------
    matplotlib Figure
        With one Axes per image.
    """
    images = _check_images(images)
    n = images.shape[0]
    if n == 0:
        raise ValueError("images is empty: give at least one image to show")
    y = _labels_row(labels, "labels", n)
    y_hat = None if predictions is None else _labels_row(predictions, "predictions", n)
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)

    if fig is None:
        # 1.2 inches a column keeps the default 8 columns under 1000 pixels at 100 dpi, the width of a
        # notebook's output column, so the figure is shown at its own size and its titles stay readable.
        fig = plt.figure(figsize=(1.2 * ncols, 1.5 * nrows if y_hat is None else 1.8 * nrows))
    for i in range(n):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        ax.imshow(images[i], interpolation="nearest")
        ax.axis("off")
        if y_hat is None:
            ax.set_title(_class_name(classes, y[i]), fontsize=9)
        else:
            ax.set_title(
                f"true: {_class_name(classes, y[i])}\npred: {_class_name(classes, y_hat[i])}",
                fontsize=8,
                color="black" if y[i] == y_hat[i] else "red",
            )
    fig.tight_layout()
    return fig


def show_mislabeled(images, y_true, y_pred, classes=None, max_images: int = 10, ncols: int = 5, fig=None):
    """Show the images a model got wrong, titled with prediction and truth.

    Parameters
    ----------
    images : ndarray of shape (m, height, width, 3), uint8
        E.g. ``test_x_orig``.
    y_true : ndarray of shape (1, m) or (m,)
        True labels (0/1).
    y_pred : ndarray of shape (1, m) or (m,)
        Predicted labels; floats 0./1. or booleans are accepted.
    classes : sequence, optional
        Names of the labels (see :func:`show_image_grid`).
    max_images : int, default 10
        Show at most this many, the first ones in index order.
    ncols : int, default 5
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib Figure
        One Axes per image shown, each titled "predicted: ...\\ntrue: ...
        (#index)"; when nothing is mislabelled, a single Axes saying so.
    """
    images = _check_images(images)
    m = images.shape[0]
    y = _labels_row(y_true, "y_true", m)
    y_hat = _labels_row(y_pred, "y_pred", m)
    wrong = np.flatnonzero(y != y_hat)[:max_images]

    if fig is None:
        rows = max(1, -(-len(wrong) // ncols))
        fig = plt.figure(figsize=(2.0 * min(max(len(wrong), 1), ncols), 2.3 * rows))
    if wrong.size == 0:
        ax = fig.add_subplot(1, 1, 1)
        ax.axis("off")
        ax.text(0.5, 0.5, "No mislabelled examples.", ha="center", va="center")
        return fig
    ncols = min(ncols, wrong.size)
    nrows = -(-wrong.size // ncols)
    for k, i in enumerate(wrong):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        ax.imshow(images[i], interpolation="nearest")
        ax.axis("off")
        ax.set_title(
            f"predicted: {_class_name(classes, y_hat[i])}\ntrue: {_class_name(classes, y[i])} (#{i})",
            fontsize=8,
        )
    fig.tight_layout()
    return fig
