"""Bring your own picture: load a PNG or JPEG as the models' input.

``load_image`` gives the ``(64, 64, 3) uint8`` layout of one image of
``load_catvnoncat``; ``image_to_column`` flattens it the way the assignments
flatten the whole dataset (``X.reshape(m, -1).T / 255.``), so a trained model
can classify it directly.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["load_image", "image_to_column"]


def _to_rgb(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB, laying transparent pixels over white.

    A plain ``convert("RGB")`` would drop the alpha channel and show whatever
    colour happens to be stored under transparent pixels.
    """
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    if has_alpha:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def load_image(path: str | os.PathLike, size: int = 64) -> np.ndarray:
    """Load an image file as a square RGB array, ready for the cat models.

    The picture is turned upright according to its EXIF orientation (phone
    photos), converted to RGB (greyscale, palette and transparent images
    included; transparency becomes white), centre-cropped to a square and
    resized with Lanczos filtering.

    Parameters
    ----------
    path : str or path-like
        A PNG, JPEG or any other format Pillow reads.
    size : int, default 64
        Side of the result in pixels; 64 matches the cat dataset.

    Returns
    -------
    ndarray of shape (size, size, 3), uint8

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is not an image Pillow can read, or ``size`` is not positive.
    """
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such image file")
    try:
        with Image.open(path) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)
    except UnidentifiedImageError as error:
        raise ValueError(f"{path}: not an image file Pillow can read (expected PNG or JPEG)") from error
    except OSError as error:
        raise ValueError(f"{path}: the image could not be decoded (truncated or corrupt?): {error}") from error
    rgb = _to_rgb(upright)
    side = min(rgb.size)
    left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
    # Crop before resizing: resizing a box of the whole picture would let the
    # filter blend in pixels from just outside the square.
    square = rgb.crop((left, top, left + side, top + side)).resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(square, dtype=np.uint8).copy()


def image_to_column(img) -> np.ndarray:
    """Flatten one image into a column scaled to [0, 1].

    The order is row-major over (height, width, channel), the same as
    ``X.reshape(m, -1).T`` applied to a stack of images, so
    ``image_to_column(train_x_orig[i])`` equals column ``i`` of the
    standardised training matrix.

    Parameters
    ----------
    img : ndarray of shape (height, width, 3), uint8
        E.g. the result of :func:`load_image`.

    Returns
    -------
    ndarray of shape (height * width * 3, 1), float64
        Pixel values divided by 255.

    Raises
    ------
    ValueError
        If ``img`` is not a (height, width, 3) uint8 array; a float image was
        most likely divided by 255 already.
    """
    img = np.asarray(img)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"img must have shape (height, width, 3), got {img.shape}")
    if img.dtype != np.uint8:
        raise ValueError(f"img must have dtype uint8 (values 0-255), got {img.dtype}; was it already divided by 255?")
    return img.reshape(-1, 1).astype(np.float64) / 255.0
