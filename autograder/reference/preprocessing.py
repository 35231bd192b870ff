"""Reference for turning a stack of images into the course's data matrix.

The cat files store images with the example axis first, shape
(m, num_px, num_px, 3), as uint8 pixel values. The models want one example
per column with entries in [0, 1]: ``X_orig.reshape(m, -1).T / 255``.
"""

from __future__ import annotations

import numpy as np

from autograder.reference.validation import as_real_array

__all__ = ["flatten_images"]


def flatten_images(X_orig) -> np.ndarray:
    """Flatten each image into a column and scale its pixels to [0, 1].

    Parameters
    ----------
    X_orig : ndarray of shape (m, height, width, channels), uint8 or real
        m images, the example axis first, pixel values in 0..255.

    Returns
    -------
    ndarray of shape (height * width * channels, m), float64
        Column i holds image i read in C order (the channel index runs
        fastest, then the column, then the row), divided by 255. It equals
        ``X_orig.reshape(m, -1).T / 255``; the tempting
        ``X_orig.reshape(-1, m)`` has the same shape but mixes the pixels of
        different images within each column.
    """
    X_orig = as_real_array("X_orig", X_orig, ("m", "height", "width", "channels"))
    m = X_orig.shape[0]
    return X_orig.reshape(m, -1).T / 255.0
