"""Offline tests of nndl.cifar: a fake CIFAR-10 archive served from disk or 127.0.0.1."""

import hashlib
import http.server
import io
import pickle
import socket
import tarfile
import threading
from datetime import date

import h5py
import numpy as np
import pytest
from PIL import Image

from nndl import cifar
from nndl.__main__ import main
from nndl.cifar import ChecksumError, DownloadError, RemoteFile, build_catvnoncat, download
from nndl.data import DatasetError, default_data_dir, load_catvnoncat

BATCH_SIZE = 16
CATS_PER_BATCH = 4
SMALL = {"n_train": 20, "n_train_cats": 7, "n_test": 8, "n_test_cats": 3}


def batch_pickle(images_chw, labels, extra=None):
    """Pickle a batch like CIFAR-10's own files, which NumPy 1 wrote (numpy.core)."""
    batch = {b"batch_label": b"fake batch", b"labels": list(map(int, labels)), b"data": images_chw}
    if extra is not None:
        batch[b"extra"] = extra
    raw = pickle.dumps(batch, protocol=2)
    return raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


def make_fake_archive(path, seed=0, extra=None, skip=()):
    """Write a small CIFAR-10-like tar.gz; return {batch name: (HWC images, labels)}."""
    rng = np.random.RandomState(seed)
    contents = {}
    with tarfile.open(path, "w:gz") as tar:
        names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]
        for name in names:
            if name in skip:
                continue
            if name == "batches.meta":
                raw = pickle.dumps({b"label_names": [b"airplane", b"automobile", b"bird", b"cat"]}, protocol=2)
            else:
                labels = rng.choice([0, 1, 2, 4, 5, 6, 7, 8, 9], size=BATCH_SIZE)
                labels[:CATS_PER_BATCH] = 3
                data = rng.randint(0, 256, size=(BATCH_SIZE, 3072)).astype(np.uint8)
                contents[name] = (data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels)
                raw = batch_pickle(data, labels, extra)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return contents


def md5_of(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "served" / "fake-cifar.tar.gz"
    path.parent.mkdir()
    contents = make_fake_archive(path)
    return path, contents


def remote_for(url, path, size=True):
    return RemoteFile(
        url=url, md5=md5_of(path), size=path.stat().st_size if size else None, filename=cifar.CIFAR10.filename
    )


class FakeServer:
    """Serves one payload on 127.0.0.1; optionally honours Range and cuts the next response short."""

    def __init__(self, payload, supports_range=True):
        self.payload = payload
        self.supports_range = supports_range
        self.cut_next = False
        self.fail_with = None
        self.ranges = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                requested = self.headers.get("Range")
                owner.ranges.append(requested)
                if owner.fail_with:
                    self.send_error(owner.fail_with)
                    return
                start = 0
                if requested and owner.supports_range:
                    start = int(requested.split("=")[1].split("-")[0])
                    if start >= len(owner.payload):
                        self.send_error(416)
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(owner.payload) - 1}/{len(owner.payload)}")
                else:
                    self.send_response(200)
                body = owner.payload[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if owner.cut_next:
                    owner.cut_next = False
                    body = body[: len(body) // 2]
                    self.close_connection = True
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/cifar-10-python.tar.gz"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve(archive):
    servers = []

    def start(supports_range=True):
        server = FakeServer(archive[0].read_bytes(), supports_range)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


# --- download ---------------------------------------------------------------------------------


def test_cache_dir_follows_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cifar.cache_dir() == tmp_path / "nndl"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cifar.cache_dir() == tmp_path / "home" / ".cache" / "nndl"


def test_official_archive_is_registered():
    assert cifar.CIFAR10.url == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    assert cifar.CIFAR10.md5 == "c58f30108f718f92721af3b95e74349a"
    assert cifar.CIFAR10.size == 170498071


def test_download_from_a_file_url_and_reuse(archive, tmp_path, capsys):
    path, _ = archive
    cache = tmp_path / "cache"
    got = download(remote_for(path.as_uri(), path), cache, progress=True)
    assert "cifar-10-python.tar.gz: 100%" in capsys.readouterr().err, "the progress bar should reach 100%"
    assert got == cache / "cifar-10-python.tar.gz"
    assert got.read_bytes() == path.read_bytes()
    assert sorted(p.name for p in cache.iterdir()) == ["cifar-10-python.tar.gz"]
    # A verified file is reused without contacting the server at all.
    again = download(remote_for("http://127.0.0.1:9/unreachable", path), cache, progress=False)
    assert again == got


def test_checksum_mismatch_raises_and_leaves_nothing(archive, tmp_path):
    path, _ = archive
    cache = tmp_path / "cache"
    wrong = RemoteFile(url=path.as_uri(), md5="0" * 32, size=None, filename="cifar-10-python.tar.gz")
    with pytest.raises(ChecksumError, match="expected 00000000") as caught:
        download(wrong, cache, progress=False)
    assert isinstance(caught.value, DownloadError)
    assert list(cache.iterdir()) == [], "a file that fails its checksum must be deleted"


def test_interrupted_download_is_resumed_with_a_range_request(archive, serve, tmp_path):
    path, _ = archive
    server = serve(supports_range=True)
    server.cut_next = True
    cache = tmp_path / "cache"
    remote = remote_for(server.url, path)
    size = path.stat().st_size

    with pytest.raises(DownloadError, match="interrupted") as caught:
        download(remote, cache, progress=False)
    part = cache / "cifar-10-python.tar.gz.part"
    assert "run the same command again to resume" in str(caught.value)
    assert part.stat().st_size == size // 2, "the partial bytes should be kept for the next run"
    assert not (cache / "cifar-10-python.tar.gz").exists()

    got = download(remote, cache, progress=False)
    assert server.ranges == [None, f"bytes={size // 2}-"]
    assert md5_of(got) == remote.md5
    assert not part.exists()


def test_partial_file_restarts_from_zero_without_range_support(archive, serve, tmp_path):
    path, _ = archive
    server = serve(supports_range=False)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cifar-10-python.tar.gz.part").write_bytes(path.read_bytes()[:100])
    got = download(remote_for(server.url, path), cache, progress=False)
    assert server.ranges == ["bytes=100-"], "the resume should have been tried"
    assert got.read_bytes() == path.read_bytes(), "a 200 answer must overwrite, not append"


def test_a_corrupt_partial_file_is_restarted_cleanly(archive, serve, tmp_path, capsys):
    path, _ = archive
    server = serve(supports_range=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cifar-10-python.tar.gz.part").write_bytes(b"\0" * 100)
    got = download(remote_for(server.url, path), cache, progress=False)
    assert server.ranges == ["bytes=100-", None]
    assert md5_of(got) == md5_of(path)
    assert "starting again from zero" in capsys.readouterr().err


def test_a_partial_file_the_server_cannot_resume_restarts(archive, serve, tmp_path):
    path, _ = archive
    server = serve(supports_range=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    size = path.stat().st_size
    (cache / "cifar-10-python.tar.gz.part").write_bytes(b"x" * (size + 10))
    got = download(remote_for(server.url, path, size=False), cache, progress=False)
    assert server.ranges == [f"bytes={size + 10}-", None], "a 416 answer should restart from zero"
    assert md5_of(got) == md5_of(path)


def test_a_complete_unverified_partial_file_is_checked_without_downloading(archive, tmp_path):
    path, _ = archive
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cifar-10-python.tar.gz.part").write_bytes(path.read_bytes())
    remote = remote_for("http://127.0.0.1:9/never-contacted", path)
    got = download(remote, cache, progress=False)
    assert md5_of(got) == remote.md5
    assert not (cache / "cifar-10-python.tar.gz.part").exists()


def test_a_corrupt_finished_file_is_deleted_reported_and_fetched_again(archive, tmp_path, capsys):
    path, _ = archive
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cifar-10-python.tar.gz").write_bytes(b"not the archive")
    got = download(remote_for(path.as_uri(), path), cache, progress=False)
    assert got.read_bytes() == path.read_bytes()
    assert "is corrupt" in capsys.readouterr().err


def test_unreachable_server_gives_a_helpful_download_error(archive, tmp_path):
    path, _ = archive
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cache = tmp_path / "cache"
    remote = remote_for(f"http://127.0.0.1:{port}/cifar-10-python.tar.gz", path)
    with pytest.raises(DownloadError) as caught:
        download(remote, cache, progress=False, timeout=5)
    message = str(caught.value)
    assert "no network connection" in message
    assert "by hand" in message and str(cache / "cifar-10-python.tar.gz") in message
    assert remote.md5 in message
    assert not (cache / "cifar-10-python.tar.gz.part").exists()


def test_http_error_is_a_download_error(archive, serve, tmp_path):
    path, _ = archive
    server = serve()
    server.fail_with = 404
    with pytest.raises(DownloadError, match="answered HTTP 404") as caught:
        download(remote_for(server.url, path), tmp_path / "cache", progress=False)
    assert "by hand" in str(caught.value)
    assert not (tmp_path / "cache" / "cifar-10-python.tar.gz.part").exists()


# --- building the dataset ----------------------------------------------------------------------


def upscaled(image):
    return np.asarray(Image.fromarray(image).resize((64, 64), Image.Resampling.BICUBIC))


def test_build_writes_the_lecture_schema_from_the_right_batches(archive, tmp_path, monkeypatch):
    path, contents = archive
    dest = tmp_path / "out"
    train_path, test_path = build_catvnoncat(path, dest, seed=3, **SMALL)
    assert (train_path, test_path) == (dest / "train_catvnoncat.h5", dest / "test_catvnoncat.h5")

    monkeypatch.setenv("NNDL_DATA_DIR", str(dest))
    train_x, train_y, test_x, test_y, classes = load_catvnoncat()
    assert train_x.shape == (20, 64, 64, 3) and test_x.shape == (8, 64, 64, 3)
    assert int(train_y.sum()) == 7 and int(test_y.sum()) == 3
    assert classes.tolist() == [b"non-cat", b"cat"]

    def sources(names):
        images = np.concatenate([contents[n][0] for n in names])
        labels = np.concatenate([contents[n][1] for n in names])
        return np.stack([upscaled(img) for img in images]), labels

    for x, y, names in [
        (train_x, train_y[0], [f"data_batch_{i}" for i in range(1, 6)]),
        (test_x, test_y[0], ["test_batch"]),
    ]:
        candidates, labels = sources(names)
        for image, label in zip(x, y):
            match = np.flatnonzero((candidates == image).all(axis=(1, 2, 3)))
            assert match.size == 1, "each image should be one source image, channels-last and upscaled"
            assert label == int(labels[match[0]] == 3), "label should be 1 exactly for CIFAR class 3"
    with h5py.File(train_path, "r") as file:
        assert file["train_set_y"].dtype == np.int64
        assert file["list_classes"].dtype == np.dtype("S7")


def test_build_is_deterministic_in_its_seed(archive, tmp_path):
    path, _ = archive
    a = build_catvnoncat(path, tmp_path / "a", seed=5, **SMALL)[0]
    b = build_catvnoncat(path, tmp_path / "b", seed=5, **SMALL)[0]
    c = build_catvnoncat(path, tmp_path / "c", seed=6, **SMALL)[0]
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb, h5py.File(c, "r") as fc:
        np.testing.assert_array_equal(fa["train_set_x"][()], fb["train_set_x"][()])
        assert not np.array_equal(fa["train_set_x"][()], fc["train_set_x"][()])


def test_build_refuses_the_course_datasets_folder(archive, tmp_path):
    path, _ = archive
    folder = default_data_dir()
    before = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    with pytest.raises(ValueError, match="refusing to replace"):
        build_catvnoncat(path, folder, **SMALL)
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="refusing to replace"):
        cifar.prepare_cifar_catvnoncat(folder, cache, remote=remote_for(path.as_uri(), path), progress=False, **SMALL)
    assert not cache.exists(), "the destination should be refused before downloading"
    after = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    assert before == after


def test_build_explains_when_there_are_too_few_cats(archive, tmp_path):
    path, _ = archive
    with pytest.raises(ValueError, match="asked for 21 cats"):
        build_catvnoncat(path, tmp_path / "out", n_train=30, n_train_cats=21)
    assert not (tmp_path / "out" / "train_catvnoncat.h5").exists()


def test_build_reports_a_missing_batch(tmp_path):
    path = tmp_path / "incomplete.tar.gz"
    make_fake_archive(path, skip=("data_batch_4",))
    with pytest.raises(DatasetError, match="data_batch_4 missing"):
        build_catvnoncat(path, tmp_path / "out", **SMALL)


def test_build_refuses_pickled_code_in_a_batch(tmp_path):
    path = tmp_path / "tampered.tar.gz"
    make_fake_archive(path, extra=date(2020, 1, 1))
    with pytest.raises(DatasetError, match="refusing to load datetime.date"):
        build_catvnoncat(path, tmp_path / "out", **SMALL)


# --- the command line, end to end ------------------------------------------------------------


def test_command_line_downloads_builds_and_says_how_to_use_it(archive, tmp_path, monkeypatch, capsys):
    path, _ = archive
    dest, cache = tmp_path / "cats", tmp_path / "cache"
    status = main(
        [
            "download-cifar10",
            "--dest",
            str(dest),
            "--cache",
            str(cache),
            "--url",
            path.as_uri(),
            "--md5",
            md5_of(path),
            "--no-progress",
            "--seed",
            "2",
            "--n-train",
            "20",
            "--n-train-cats",
            "7",
            "--n-test",
            "8",
            "--n-test-cats",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert f"export NNDL_DATA_DIR={dest}" in out
    assert (cache / "cifar-10-python.tar.gz").exists()
    monkeypatch.setenv("NNDL_DATA_DIR", str(dest))
    train_x, train_y, test_x, test_y, _ = load_catvnoncat()
    assert train_y.shape == (1, 20) and int(test_y.sum()) == 3


def test_command_line_reports_errors_without_a_traceback(archive, tmp_path, capsys):
    path, _ = archive
    status = main(
        [
            "download-cifar10",
            "--dest",
            str(tmp_path / "cats"),
            "--cache",
            str(tmp_path / "cache"),
            "--url",
            path.as_uri(),
            "--md5",
            "1" * 32,
            "--no-progress",
        ]
    )
    assert status == 1
    assert capsys.readouterr().err.startswith("error: ")
