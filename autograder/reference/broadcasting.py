"""Reference solutions for the two broadcasting exercises of assignment 1.

Both divide or subtract a row or column of summary statistics from a whole
matrix without a Python loop, which only works when the statistic keeps its
axis (shape (1, n) or (n, 1)) so that NumPy stretches it across the matrix.

* :func:`calories_percentages` — a table of nutrients per food (rows are
  nutrients, columns are foods), each column divided by its (1, n) sum.
* :func:`center_features` — a data matrix with examples as columns, each row
  (one feature) minus its (n_x, 1) mean over the examples.
"""

from __future__ import annotations

import numpy as np

from autograder.reference.validation import as_float_array

__all__ = ["calories_percentages", "center_features"]


def calories_percentages(food_table) -> np.ndarray:
    """Share of each food's calories that comes from each nutrient, in percent.

    Parameters
    ----------
    food_table : ndarray of shape (k, n), real, non-negative
        Calories per nutrient (rows, e.g. carbohydrates, proteins, fats) for
        each of n foods (columns). Every column must have a positive sum.

    Returns
    -------
    ndarray of shape (k, n), float64
        ``100 * food_table / column_sums`` where ``column_sums`` has shape
        (1, n); every column of the result sums to 100.

    Raises
    ------
    ValueError
        If ``food_table`` is not two-dimensional, or a column sums to zero
        (its percentages would be undefined).
    """
    food_table = as_float_array("food_table", food_table, ("k", "n"))
    column_sums = np.sum(food_table, axis=0, keepdims=True)
    if np.any(column_sums == 0):
        empty = np.flatnonzero(column_sums[0] == 0).tolist()
        raise ValueError(f"food_table has columns summing to 0 (columns {empty}); percentages are undefined")
    return 100.0 * food_table / column_sums


def center_features(X) -> np.ndarray:
    """Subtract from every feature its mean over the examples.

    Parameters
    ----------
    X : ndarray of shape (n_x, m), real
        One example per column, one feature per row.

    Returns
    -------
    ndarray of shape (n_x, m), float64
        ``X - mu`` with ``mu = mean(X, axis=1)`` kept as an (n_x, 1) column,
        so every row of the result has mean 0. ``X`` is not modified.
    """
    X = as_float_array("X", X, ("n_x", "m"))
    return X - np.mean(X, axis=1, keepdims=True)
