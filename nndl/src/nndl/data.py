"""Course datasets: cat vs non-cat images, the planar "flower" and four small 2-D sets.

Every loader returns examples as columns where the lecture does: a planar
``X`` has shape ``(2, m)`` and its labels ``Y`` have shape ``(1, m)``. The cat
images keep their natural ``(m, 64, 64, 3)`` layout because the assignments
ask the student to flatten them.

Where the cat files live
------------------------
``data_dir()`` answers, in this order:

1. the folder named by the environment variable ``NNDL_DATA_DIR`` (for
   example a shared read-only folder on a JupyterHub, or the output of
   ``python -m nndl download-cifar10``);
2. the project's own ``datasets/`` folder, found from this file's location
   (works for an editable install from a clone of the course repository).

Errors
------
Any problem with a data file raises :class:`DatasetError`, a subclass of
``ValueError``, whose message names the file and what is wrong with it.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

__all__ = [
    "DATA_DIR_ENV",
    "DatasetError",
    "data_dir",
    "default_data_dir",
    "load_catvnoncat",
    "load_planar_dataset",
    "load_extra_datasets",
]

#: Environment variable that points the loaders at another data folder.
DATA_DIR_ENV = "NNDL_DATA_DIR"

#: Side length of the cat images, in pixels.
IMAGE_SIZE = 64

#: Class names stored in every cat file, indexed by label.
CAT_CLASSES = np.array([b"non-cat", b"cat"], dtype="S7")


class DatasetError(ValueError):
    """A data folder or file is missing, unreadable or not in the expected schema.

    A subclass of ``ValueError`` so that ``except ValueError`` also catches it;
    the message always names the path involved.
    """


def default_data_dir() -> Path | None:
    """Return the project's ``datasets/`` folder, located from this file.

    In the course repository this file is ``<project>/nndl/src/nndl/data.py``,
    so the project root is three folders above this file's folder. Returns
    None when the package sits elsewhere (installed from a wheel), since no
    project folder can be inferred then. The folder may not exist; callers
    check.
    """
    here = Path(__file__).resolve().parent
    if [here.name, here.parent.name, here.parents[1].name] != ["nndl", "src", "nndl"]:
        return None
    return here.parents[2] / "datasets"


def data_dir() -> Path:
    """Return the folder the cat loader reads from.

    ``$NNDL_DATA_DIR`` if it is set (and not empty), otherwise the project's
    ``datasets/`` folder (see :func:`default_data_dir`).

    Raises
    ------
    DatasetError
        If the chosen folder does not exist; the message says which one was
        tried and why it was chosen.
    """
    from_env = os.environ.get(DATA_DIR_ENV, "")
    if from_env:
        folder = Path(from_env).expanduser()
        if not folder.is_dir():
            raise DatasetError(
                f"{DATA_DIR_ENV} is set to {from_env!r}, but {folder} is not an existing folder. "
                f"Point {DATA_DIR_ENV} at the folder holding train_catvnoncat.h5 and "
                f"test_catvnoncat.h5, or unset it to use the course's own datasets."
            )
        return folder
    folder = default_data_dir()
    if folder is None:
        raise DatasetError(
            f"No data folder found: {DATA_DIR_ENV} is not set, and nndl is installed outside a "
            f"clone of the course ({Path(__file__).resolve().parent}), so the course's datasets "
            f"folder cannot be located. Set {DATA_DIR_ENV} to the folder holding "
            f"train_catvnoncat.h5 and test_catvnoncat.h5."
        )
    if not folder.is_dir():
        raise DatasetError(
            f"No data folder found: {DATA_DIR_ENV} is not set and the course's datasets "
            f"folder {folder} does not exist. Set {DATA_DIR_ENV} to the folder holding "
            f"train_catvnoncat.h5 and test_catvnoncat.h5."
        )
    return folder


def _read_dataset(file: h5py.File, path: Path, key: str) -> np.ndarray:
    """Read ``file[key]`` into memory, or raise DatasetError naming the missing key."""
    if key not in file:
        found = ", ".join(sorted(file.keys())) or "none"
        raise DatasetError(f"{path}: missing key {key!r} (keys found: {found})")
    node = file[key]
    if not isinstance(node, h5py.Dataset):
        raise DatasetError(f"{path}: {key!r} is an HDF5 group, expected a dataset (an array)")
    return np.asarray(node[()])


def _read_cat_file(path: Path, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load one cat file and check it against the lecture's schema.

    Parameters
    ----------
    path : Path
        ``train_catvnoncat.h5`` or ``test_catvnoncat.h5``.
    split : {"train", "test"}
        Prefix of the keys: ``<split>_set_x`` and ``<split>_set_y``.

    Returns
    -------
    x : ndarray of shape (n, 64, 64, 3), uint8
    y : ndarray of shape (n,), int64, values in {0, 1}
    classes : ndarray of shape (2,), bytes
    """
    if not path.is_file():
        raise DatasetError(
            f"{path}: file not found (looked in {path.parent}; "
            f"set {DATA_DIR_ENV} to read the cat files from another folder)"
        )
    x_key, y_key = f"{split}_set_x", f"{split}_set_y"
    try:
        with h5py.File(path, "r") as file:
            x = _read_dataset(file, path, x_key)
            y = _read_dataset(file, path, y_key)
            classes = _read_dataset(file, path, "list_classes")
    except OSError as error:
        # h5py reports "not an HDF5 file", truncation and corrupt blocks as OSError.
        raise DatasetError(
            f"{path}: not a readable HDF5 file (is it truncated or corrupt? download or copy it again): {error}"
        ) from error

    expected_x = f"(n, {IMAGE_SIZE}, {IMAGE_SIZE}, 3) uint8"
    if x.ndim != 4 or x.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 3):
        raise DatasetError(f"{path}: {x_key} must have shape {expected_x}, got shape {x.shape}")
    if x.dtype != np.uint8:
        raise DatasetError(f"{path}: {x_key} must have dtype uint8, got {x.dtype}")
    if y.ndim != 1:
        raise DatasetError(f"{path}: {y_key} must have shape (n,), got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise DatasetError(f"{path}: {y_key} must have an integer dtype (int64), got {y.dtype}")
    if y.shape[0] != x.shape[0]:
        raise DatasetError(f"{path}: {x_key} holds {x.shape[0]} images but {y_key} holds {y.shape[0]} labels")
    bad = np.setdiff1d(np.unique(y), [0, 1])
    if bad.size:
        raise DatasetError(f"{path}: {y_key} must hold only 0 and 1, found {bad.tolist()}")
    if classes.shape != (2,) or classes.dtype.kind != "S":
        raise DatasetError(
            f"{path}: list_classes must be 2 byte strings like {CAT_CLASSES!r}, "
            f"got shape {classes.shape} dtype {classes.dtype}"
        )
    return x, y.astype(np.int64), classes


def load_catvnoncat(folder: str | os.PathLike | None = None):
    """Load the cat vs non-cat images, in the layout of the lecture.

    Reads ``train_catvnoncat.h5`` (keys ``train_set_x``, ``train_set_y``,
    ``list_classes``) and ``test_catvnoncat.h5`` (``test_set_x``,
    ``test_set_y``, ``list_classes``). The course ships its own generated
    files; the lecture's original files, or a set built from CIFAR-10 with
    ``python -m nndl download-cifar10``, use the same schema and load the
    same way when ``NNDL_DATA_DIR`` points at their folder.

    Parameters
    ----------
    folder : path, optional
        Folder holding both files. Defaults to :func:`data_dir`.

    Returns
    -------
    train_x_orig : ndarray of shape (m_train, 64, 64, 3), uint8
        Training images, one per index along the first axis.
    train_y : ndarray of shape (1, m_train), int64
        Training labels, 1 for cat and 0 for non-cat.
    test_x_orig : ndarray of shape (m_test, 64, 64, 3), uint8
    test_y : ndarray of shape (1, m_test), int64
    classes : ndarray of shape (2,), dtype S7
        ``classes[label]`` is the name of a label, ``array([b'non-cat', b'cat'])``.

    Raises
    ------
    DatasetError
        If a file is missing, is not HDF5 (or is truncated), lacks a key, or
        holds arrays of the wrong shape, dtype or values.
    """
    folder = data_dir() if folder is None else Path(folder)
    train_x, train_y, classes = _read_cat_file(folder / "train_catvnoncat.h5", "train")
    test_x, test_y, _ = _read_cat_file(folder / "test_catvnoncat.h5", "test")
    return train_x, train_y.reshape(1, -1), test_x, test_y.reshape(1, -1), classes


def load_planar_dataset():
    """Return the two-petal "flower" of the shallow-network lecture.

    Two classes of 200 points each lie along the petals of the rose curve
    ``r = 4 sin(4 t)``, with Gaussian noise (standard deviation 0.2) on both
    the angle and the radius. The draws come from a local
    ``np.random.RandomState(1)`` in the lecture's order (per class: the angle
    noise, then the radius noise), so the points equal the lecture's without
    touching NumPy's global random state.

    Returns
    -------
    X : ndarray of shape (2, 400), float64
        One point per column.
    Y : ndarray of shape (1, 400), uint8
        Class of each point: 0 for the first 200 columns, 1 for the rest.
    """
    rng = np.random.RandomState(1)
    m = 400
    N = m // 2
    a = 4
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1), dtype=np.uint8)
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


#: Seeds of :func:`load_extra_datasets`, one per set, so each set is fixed.
EXTRA_DATASET_SEEDS = {
    "noisy_circles": 1,
    "noisy_moons": 2,
    "blobs": 5,
    "gaussian_quantiles": 3,
    "no_structure": 4,
}


def load_extra_datasets(n_samples: int = 200) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Return five small two-class 2-D datasets to try a shallow network on.

    Each is built with scikit-learn from the fixed seed in
    ``EXTRA_DATASET_SEEDS``:

    - ``"noisy_circles"``: ``make_circles(factor=0.5, noise=0.3)``, seed 1;
    - ``"noisy_moons"``: ``make_moons(noise=0.2)``, seed 2;
    - ``"blobs"``: ``make_blobs(centers=6)``, seed 5, labels taken modulo 2
      so three blobs form each class;
    - ``"gaussian_quantiles"``: ``make_gaussian_quantiles(cov=0.5, n_classes=2)``,
      seed 3;
    - ``"no_structure"``: points uniform on the unit square and labels drawn
      independently of them (``RandomState(4)``), so no model can beat chance
      on unseen points.

    Parameters
    ----------
    n_samples : int, default 200
        Number of points in each set.

    Returns
    -------
    dict
        Maps each name above to ``(X, Y)``: ``X`` of shape (2, n_samples)
        float64 and ``Y`` of shape (1, n_samples) uint8 in {0, 1}, the layout
        of :func:`load_planar_dataset`.
    """
    # Imported here because scikit-learn takes about a second to import and
    # only this loader needs it.
    from sklearn import datasets

    seeds = EXTRA_DATASET_SEEDS
    built = {
        "noisy_circles": datasets.make_circles(
            n_samples=n_samples, factor=0.5, noise=0.3, random_state=seeds["noisy_circles"]
        ),
        "noisy_moons": datasets.make_moons(n_samples=n_samples, noise=0.2, random_state=seeds["noisy_moons"]),
        "blobs": datasets.make_blobs(n_samples=n_samples, n_features=2, centers=6, random_state=seeds["blobs"]),
        "gaussian_quantiles": datasets.make_gaussian_quantiles(
            mean=None,
            cov=0.5,
            n_samples=n_samples,
            n_features=2,
            n_classes=2,
            shuffle=True,
            random_state=seeds["gaussian_quantiles"],
        ),
    }
    rng = np.random.RandomState(seeds["no_structure"])
    built["no_structure"] = (rng.rand(n_samples, 2), rng.randint(0, 2, size=n_samples))

    result = {}
    for name, (points, labels) in built.items():
        X = np.asarray(points, dtype=np.float64).T
        Y = (np.asarray(labels) % 2).astype(np.uint8).reshape(1, -1)
        result[name] = (X, Y)
    return result
