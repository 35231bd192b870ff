"""A real-photo cat vs non-cat dataset built from CIFAR-10.

Two steps, both reachable from ``python -m nndl download-cifar10``:

1. :func:`download` fetches the official CIFAR-10 Python archive into a cache
   folder (``$XDG_CACHE_HOME/nndl`` or ``~/.cache/nndl``), with a progress
   bar, an MD5 check, and a ``.part`` file that a later run resumes (HTTP
   Range request) or restarts. A verified archive is reused, never fetched
   twice.
2. :func:`build_catvnoncat` samples cats (CIFAR class 3) and non-cats (the
   other nine classes) from it, upscales the 32x32 images to 64x64 and
   writes ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` in the schema of
   :func:`nndl.data.load_catvnoncat`. Point ``NNDL_DATA_DIR`` at the output
   folder to train on them.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import pickle
import sys
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from .data import CAT_CLASSES, IMAGE_SIZE, DatasetError, default_data_dir

__all__ = [
    "CIFAR10",
    "CAT_LABEL",
    "RemoteFile",
    "DownloadError",
    "ChecksumError",
    "cache_dir",
    "download",
    "build_catvnoncat",
    "prepare_cifar_catvnoncat",
]


@dataclass(frozen=True)
class RemoteFile:
    """A file to fetch: where from, its MD5 digest, its size and its local name.

    ``size`` (bytes) may be ``None`` when unknown; the MD5 is always checked.
    """

    url: str
    md5: str
    size: int | None
    filename: str


#: The official CIFAR-10 archive for Python (Krizhevsky, 2009).
CIFAR10 = RemoteFile(
    url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    md5="c58f30108f718f92721af3b95e74349a",
    size=170498071,
    filename="cifar-10-python.tar.gz",
)

#: CIFAR-10's label for "cat"; labels 0-2 and 4-9 are the non-cats.
CAT_LABEL = 3

_BATCH_FOLDER = "cifar-10-batches-py"
_TRAIN_BATCHES = [f"data_batch_{i}" for i in range(1, 6)]
_TEST_BATCH = "test_batch"
_CHUNK = 1 << 20


class DownloadError(OSError):
    """The archive could not be fetched; the message says what to do instead."""


class ChecksumError(DownloadError):
    """A downloaded file's MD5 differs from the expected one (the file was deleted)."""


def cache_dir() -> Path:
    """Folder for downloaded archives: ``$XDG_CACHE_HOME/nndl``, else ``~/.cache/nndl``.

    Independent of ``NNDL_DATA_DIR``, which may be read-only.
    """
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nndl"


def _report(message: str) -> None:
    print(message, file=sys.stderr)


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        while block := file.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _by_hand(remote: RemoteFile, final: Path) -> str:
    size = f", {remote.size} bytes" if remote.size is not None else ""
    return (
        f"To continue without this machine reaching the server, download {remote.url} by hand "
        f"(md5 {remote.md5}{size}) and put it at {final}, then run the same command again: "
        f"it checks that file and uses it."
    )


def _fetch(remote: RemoteFile, part: Path, final: Path, progress: bool, timeout: float, resume: bool) -> bool:
    """Write the remote file into ``part``, appending to it when the server allows.

    Returns True when bytes already in ``part`` were kept (a resumed
    download), False when it was written from the first byte.
    """
    start = part.stat().st_size if resume and part.exists() else 0
    if remote.size is not None and start > remote.size:
        start = 0
    if start and start == remote.size:
        return True  # finished earlier but not yet verified; the checksum decides
    headers = {"Range": f"bytes={start}-"} if start else {}
    try:
        response = urllib.request.urlopen(urllib.request.Request(remote.url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()  # an HTTPError holds the open connection
        if error.code == 416 and start:
            # The server rejects the range: whatever ``part`` holds is not a prefix it knows.
            return _fetch(remote, part, final, progress, timeout, resume=False)
        raise DownloadError(
            f"{remote.url} answered HTTP {error.code} {error.reason}. {_by_hand(remote, final)}"
        ) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(
            f"Could not download {remote.url}: no network connection to the server could be "
            f"made ({reason}). {_by_hand(remote, final)}"
        ) from error

    with response:
        content_range = response.headers.get("Content-Range", "")
        if not (start and response.status == 206 and content_range.startswith(f"bytes {start}-")):
            start = 0  # the server sent the whole file (no Range support): begin again
        length_header = response.headers.get("Content-Length")
        length = int(length_header) if length_header is not None else None
        total = start + length if length is not None else remote.size
        received = 0
        with (
            open(part, "ab" if start else "wb") as out,
            tqdm(
                total=total,
                initial=start,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=remote.filename,
                disable=not progress,
            ) as bar,
        ):
            try:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            except (OSError, http.client.HTTPException) as error:
                raise DownloadError(
                    f"Download of {remote.url} interrupted after {start + received} bytes ({error}). "
                    f"The partial file {part} is kept: run the same command again to resume."
                ) from error
    if length is not None and received < length:
        raise DownloadError(
            f"Download of {remote.url} interrupted after {start + received} of {total} bytes. "
            f"The partial file {part} is kept: run the same command again to resume."
        )
    return start > 0


def download(
    remote: RemoteFile = CIFAR10,
    folder: str | os.PathLike | None = None,
    *,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Fetch ``remote`` into ``folder`` once, verified by its MD5.

    The bytes go to ``<filename>.part`` first; an earlier partial file is
    resumed with an HTTP Range request when the server supports it, otherwise
    the download restarts from zero. Only a file whose MD5 matches is renamed
    (atomically) to its final name. A final file already present is reused
    if its MD5 matches; if not, it is deleted, reported on stderr and fetched
    again.

    Parameters
    ----------
    remote : RemoteFile, default CIFAR10
        URL, expected MD5, size (or None) and local file name.
    folder : path, optional
        Where to keep the file; defaults to :func:`cache_dir`.
    progress : bool, default True
        Show a tqdm progress bar.
    timeout : float, default 60
        Seconds to wait for the server before giving up.

    Returns
    -------
    Path
        The verified file.

    Raises
    ------
    DownloadError
        If the server cannot be reached (the message explains how to place
        the file by hand) or the transfer stops (the ``.part`` file is kept).
    ChecksumError
        If the downloaded bytes do not match the MD5 (nothing is left behind).
    """
    folder = cache_dir() if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / remote.filename
    part = final.with_name(final.name + ".part")

    if final.exists():
        found = _md5(final)
        if found == remote.md5:
            return final
        final.unlink()
        _report(f"{final} is corrupt (md5 {found}, expected {remote.md5}): deleted it, downloading again.")

    resumed = _fetch(remote, part, final, progress, timeout, resume=True)
    found = _md5(part)
    if found != remote.md5 and resumed:
        _report(f"The resumed download {part} does not match its checksum: starting again from zero.")
        _fetch(remote, part, final, progress, timeout, resume=False)
        found = _md5(part)
    if found != remote.md5:
        part.unlink()
        raise ChecksumError(
            f"{remote.url} downloaded with md5 {found}, expected {remote.md5}; the file was deleted. "
            f"Run the command again; if the mismatch persists, the copy on the server (or a proxy "
            f"between) is damaged. {_by_hand(remote, final)}"
        )
    os.replace(part, final)
    return final


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickler that builds only NumPy arrays and plain containers.

    CIFAR-10 batches are pickles; refusing every other global means a
    tampered archive cannot run code when it is read.
    """

    _ALLOWED = {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        ("_codecs", "encode"),
    }

    def find_class(self, module, name):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR-10 batch")
        # The archive was pickled by NumPy 1 (numpy.core); NumPy 2 keeps those as numpy._core.
        module = module.replace("numpy.core.", "numpy._core.")
        return super().find_class(module, name)


def _read_batches(archive: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read every training and test batch of a CIFAR-10 archive in one pass.

    Returns
    -------
    dict
        Maps ``"data_batch_1"``..``"data_batch_5"`` and ``"test_batch"`` to
        ``(images, labels)``: images of shape (n, 32, 32, 3) uint8 and labels
        of shape (n,) int64 with values 0-9.
    """
    wanted = {f"{_BATCH_FOLDER}/{name}": name for name in [*_TRAIN_BATCHES, _TEST_BATCH]}
    batches = {}
    try:
        # Walking the members in order decompresses the archive once; looking
        # each one up by name would rewind the gzip stream every time.
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name not in wanted:
                    continue
                raw = tar.extractfile(member).read()
                batch = _ArrayUnpickler(io.BytesIO(raw), encoding="bytes").load()
                data = np.asarray(batch[b"data"], dtype=np.uint8)
                if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
                    raise DatasetError(f"{archive}: {member.name} data must have shape (n, 3072), got {data.shape}")
                labels = np.asarray(batch[b"labels"], dtype=np.int64)
                if labels.shape != (data.shape[0],):
                    raise DatasetError(
                        f"{archive}: {member.name} has {data.shape[0]} images but labels of shape {labels.shape}"
                    )
                # Each row holds the red plane, then green, then blue (channels first).
                batches[wanted[member.name]] = (data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels)
    except (tarfile.TarError, EOFError, OSError, pickle.UnpicklingError, KeyError, AttributeError) as error:
        raise DatasetError(f"{archive}: not a readable CIFAR-10 archive ({error!r})") from error
    missing = [member for member, name in wanted.items() if name not in batches]
    if missing:
        raise DatasetError(f"{archive}: {', '.join(missing)} missing; is this the CIFAR-10 Python archive?")
    return batches


def _sample(labels: np.ndarray, n: int, n_cats: int, rng: np.random.Generator, split: str) -> np.ndarray:
    """Indices of ``n_cats`` cats and ``n - n_cats`` non-cats, in random order."""
    cats = np.flatnonzero(labels == CAT_LABEL)
    others = np.flatnonzero(labels != CAT_LABEL)
    if not 0 <= n_cats <= n:
        raise ValueError(f"{split}: the number of cats must lie between 0 and {n}, got {n_cats}")
    if n_cats > cats.size or n - n_cats > others.size:
        raise ValueError(
            f"{split}: asked for {n_cats} cats and {n - n_cats} non-cats, "
            f"but the batches hold {cats.size} cats and {others.size} non-cats"
        )
    chosen = np.concatenate([rng.choice(cats, n_cats, replace=False), rng.choice(others, n - n_cats, replace=False)])
    return chosen[rng.permutation(n)]


def _upscale(images: np.ndarray) -> np.ndarray:
    """(n, 32, 32, 3) uint8 -> (n, 64, 64, 3) uint8 with bicubic interpolation."""
    size = (IMAGE_SIZE, IMAGE_SIZE)
    out = np.empty((images.shape[0], IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
    for i, image in enumerate(images):
        out[i] = np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BICUBIC))
    return out


def _write_split(path: Path, split: str, x: np.ndarray, y: np.ndarray, seed: int) -> None:
    """Write one file in the lecture's schema via a temporary name, so a crash leaves no half file."""
    tmp = path.with_name(path.name + ".tmp")
    with h5py.File(tmp, "w") as file:
        file.create_dataset(f"{split}_set_x", data=x)
        file.create_dataset(f"{split}_set_y", data=y.astype(np.int64))
        file.create_dataset("list_classes", data=CAT_CLASSES)
        file.attrs["source"] = "CIFAR-10 (Krizhevsky, 2009), class 3 = cat, upscaled 32->64 bicubic"
        file.attrs["seed"] = seed
    os.replace(tmp, path)


def _checked_dest(dest: str | os.PathLike, force: bool) -> Path:
    """Return ``dest`` as a Path, refusing the course's own datasets folder unless ``force``."""
    dest = Path(dest).expanduser()
    course_datasets = default_data_dir()
    if course_datasets is not None and dest.resolve() == course_datasets.resolve() and not force:
        raise ValueError(
            f"{dest} is the course's own datasets folder; refusing to replace its cat files. "
            f"Choose another folder (then set NNDL_DATA_DIR to it), or pass force=True (--force)."
        )
    return dest


def build_catvnoncat(
    archive: str | os.PathLike,
    dest: str | os.PathLike,
    *,
    n_train: int = 209,
    n_train_cats: int = 72,
    n_test: int = 50,
    n_test_cats: int = 33,
    seed: int = 1,
    force: bool = False,
) -> tuple[Path, Path]:
    """Write a cat vs non-cat dataset drawn from a CIFAR-10 archive.

    Training images come from ``data_batch_1``..``data_batch_5``, test images
    from ``test_batch``. Cats are CIFAR class 3; non-cats are drawn uniformly
    from the other classes; all draws come from
    ``np.random.default_rng(seed)`` (training split first), so the same seed
    gives the same files. Images are upscaled from 32x32 to 64x64 with
    Pillow's bicubic filter.

    Parameters
    ----------
    archive : path
        ``cifar-10-python.tar.gz`` (see :func:`download`).
    dest : path
        Output folder (created if needed). Existing files there are replaced.
    n_train, n_train_cats, n_test, n_test_cats : int
        Split sizes; the defaults match the lecture's dataset (72 cats of 209,
        33 of 50).
    seed : int, default 1
    force : bool, default False
        Allow ``dest`` to be the course's own ``datasets/`` folder, which is
        otherwise refused so its files are never replaced by accident.

    Returns
    -------
    (Path, Path)
        ``dest/train_catvnoncat.h5`` and ``dest/test_catvnoncat.h5``.
    """
    dest = _checked_dest(dest, force)
    batches = _read_batches(Path(archive))
    train_images = np.concatenate([batches[name][0] for name in _TRAIN_BATCHES])
    train_labels = np.concatenate([batches[name][1] for name in _TRAIN_BATCHES])
    test_images, test_labels = batches[_TEST_BATCH]
    rng = np.random.default_rng(seed)
    train_idx = _sample(train_labels, n_train, n_train_cats, rng, "train")
    test_idx = _sample(test_labels, n_test, n_test_cats, rng, "test")

    dest.mkdir(parents=True, exist_ok=True)
    train_path, test_path = dest / "train_catvnoncat.h5", dest / "test_catvnoncat.h5"
    _write_split(train_path, "train", _upscale(train_images[train_idx]), train_labels[train_idx] == CAT_LABEL, seed)
    _write_split(test_path, "test", _upscale(test_images[test_idx]), test_labels[test_idx] == CAT_LABEL, seed)
    return train_path, test_path


def default_output_dir() -> Path:
    """Where ``prepare_cifar_catvnoncat`` writes by default: ``<cache_dir>/cifar10-catvnoncat``."""
    return cache_dir() / "cifar10-catvnoncat"


def prepare_cifar_catvnoncat(
    dest: str | os.PathLike | None = None,
    cache: str | os.PathLike | None = None,
    *,
    remote: RemoteFile = CIFAR10,
    progress: bool = True,
    **build_options,
) -> Path:
    """Download CIFAR-10 (once) and build the cat vs non-cat files from it.

    Parameters
    ----------
    dest : path, optional
        Output folder; defaults to :func:`default_output_dir`.
    cache : path, optional
        Archive folder; defaults to :func:`cache_dir`.
    remote : RemoteFile, default CIFAR10
        Another URL/MD5 (a mirror, or a local ``file://`` copy).
    progress : bool, default True
    **build_options
        Passed to :func:`build_catvnoncat` (split sizes, ``seed``, ``force``).

    Returns
    -------
    Path
        The output folder; set ``NNDL_DATA_DIR`` to it.
    """
    dest = _checked_dest(default_output_dir() if dest is None else dest, build_options.get("force", False))
    archive = download(remote, cache, progress=progress)
    build_catvnoncat(archive, dest, **build_options)
    return dest
