"""Tests of nndl.data: the data folder, the cat loader and its errors, the planar sets."""

from pathlib import Path

import h5py
import numpy as np
import pytest

from nndl import data
from nndl.data import DatasetError, load_catvnoncat, load_extra_datasets, load_planar_dataset

REPO_ROOT = Path(__file__).resolve().parents[1]


def write_cat_file(path, split, n=6, n_cats=2, seed=0, **replace):
    """Write a small, valid cat file; ``replace`` swaps or (with None) drops a key."""
    rng = np.random.RandomState(seed)
    y = np.zeros(n, dtype=np.int64)
    y[:n_cats] = 1
    content = {
        f"{split}_set_x": rng.randint(0, 256, size=(n, 64, 64, 3)).astype(np.uint8),
        f"{split}_set_y": y,
        "list_classes": np.array([b"non-cat", b"cat"], dtype="S7"),
    }
    content.update(replace)
    with h5py.File(path, "w") as file:
        for key, value in content.items():
            if value is not None:
                file.create_dataset(key, data=value)
    return content


@pytest.fixture
def cat_folder(tmp_path, monkeypatch):
    """A folder with valid train (6 images, 2 cats) and test (4, 3 cats) files, set as NNDL_DATA_DIR."""
    train = write_cat_file(tmp_path / "train_catvnoncat.h5", "train", n=6, n_cats=2, seed=1)
    test = write_cat_file(tmp_path / "test_catvnoncat.h5", "test", n=4, n_cats=3, seed=2)
    monkeypatch.setenv("NNDL_DATA_DIR", str(tmp_path))
    return tmp_path, train, test


# --- data_dir ---------------------------------------------------------------------------------


def test_data_dir_defaults_to_the_projects_datasets_folder(monkeypatch):
    monkeypatch.delenv("NNDL_DATA_DIR", raising=False)
    assert data.default_data_dir() == REPO_ROOT / "datasets"
    if (REPO_ROOT / "datasets").is_dir():
        assert data.data_dir() == REPO_ROOT / "datasets"


def test_data_dir_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("NNDL_DATA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path


def test_data_dir_names_a_missing_env_folder(tmp_path, monkeypatch):
    missing = tmp_path / "not-there"
    monkeypatch.setenv("NNDL_DATA_DIR", str(missing))
    with pytest.raises(DatasetError, match="NNDL_DATA_DIR") as caught:
        data.data_dir()
    assert str(missing) in str(caught.value)


def test_data_dir_explains_an_install_outside_the_course(monkeypatch):
    monkeypatch.delenv("NNDL_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "default_data_dir", lambda: None)
    with pytest.raises(DatasetError, match="installed outside a clone") as caught:
        data.data_dir()
    assert "NNDL_DATA_DIR" in str(caught.value)


def test_data_dir_explains_when_no_folder_exists(tmp_path, monkeypatch):
    monkeypatch.delenv("NNDL_DATA_DIR", raising=False)
    monkeypatch.setattr(data, "default_data_dir", lambda: tmp_path / "no-datasets")
    with pytest.raises(DatasetError, match="NNDL_DATA_DIR is not set") as caught:
        data.data_dir()
    assert "no-datasets" in str(caught.value)


def test_dataset_error_is_a_value_error():
    assert issubclass(DatasetError, ValueError)


# --- load_catvnoncat on files written here ---------------------------------------------------


def test_load_catvnoncat_reads_the_lecture_schema(cat_folder):
    folder, train, test = cat_folder
    train_x, train_y, test_x, test_y, classes = load_catvnoncat()

    assert train_x.shape == (6, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (4, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 6) and train_y.dtype == np.int64, "labels must be a (1, m) row"
    assert test_y.shape == (1, 4) and test_y.dtype == np.int64
    np.testing.assert_array_equal(train_x, train["train_set_x"])
    np.testing.assert_array_equal(test_x, test["test_set_x"])
    np.testing.assert_array_equal(train_y[0], train["train_set_y"])
    assert int(test_y.sum()) == 3
    assert classes.dtype == np.dtype("S7")
    assert classes.tolist() == [b"non-cat", b"cat"]


def test_load_catvnoncat_takes_an_explicit_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NNDL_DATA_DIR", str(tmp_path / "elsewhere-missing"))
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train", n=3, n_cats=1)
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test", n=2, n_cats=1)
    train_x, train_y, test_x, test_y, _ = load_catvnoncat(tmp_path)
    assert train_x.shape[0] == 3 and test_y.shape == (1, 2)


def test_load_catvnoncat_accepts_other_sizes_and_integer_dtypes(tmp_path):
    write_cat_file(
        tmp_path / "train_catvnoncat.h5",
        "train",
        n=11,
        n_cats=5,
        train_set_y=np.array([1] * 5 + [0] * 6, dtype=np.int32),
    )
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test", n=1, n_cats=0)
    _, train_y, test_x, test_y, _ = load_catvnoncat(tmp_path)
    assert train_y.shape == (1, 11) and train_y.dtype == np.int64
    assert int(train_y.sum()) == 5
    assert test_x.shape == (1, 64, 64, 3) and test_y.shape == (1, 1)


def test_load_catvnoncat_closes_its_files(cat_folder):
    folder, _, _ = cat_folder
    load_catvnoncat()
    # HDF5 refuses to truncate a file this process still holds open.
    for name in ("train_catvnoncat.h5", "test_catvnoncat.h5"):
        with h5py.File(folder / name, "w"):
            pass


def test_load_catvnoncat_does_not_share_memory_between_calls(cat_folder):
    first = load_catvnoncat()
    first[0][0, 0, 0, 0] ^= 0xFF
    second = load_catvnoncat()
    assert second[0][0, 0, 0, 0] != first[0][0, 0, 0, 0]


# --- load_catvnoncat errors -------------------------------------------------------------------


def assert_dataset_error(folder, *fragments):
    with pytest.raises(DatasetError) as caught:
        load_catvnoncat(folder)
    message = str(caught.value)
    assert not isinstance(caught.value, KeyError)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from the error message: {message}"
    return message


def test_missing_file_names_the_path_and_folder(tmp_path):
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train")
    assert_dataset_error(tmp_path, str(tmp_path / "test_catvnoncat.h5"), "not found", "NNDL_DATA_DIR")


def test_not_an_hdf5_file(tmp_path):
    (tmp_path / "train_catvnoncat.h5").write_text("<html>404 not found</html>")
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test")
    assert_dataset_error(tmp_path, str(tmp_path / "train_catvnoncat.h5"), "not a readable HDF5 file")


def test_truncated_file(tmp_path):
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train", n=20)
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test")
    path = tmp_path / "test_catvnoncat.h5"
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert_dataset_error(tmp_path, str(path), "truncated")


def test_missing_key_is_named_with_the_keys_found(tmp_path):
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train", train_set_y=None, labels=np.zeros(6, np.int64))
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test")
    message = assert_dataset_error(tmp_path, "train_catvnoncat.h5", "'train_set_y'")
    assert "labels" in message and "train_set_x" in message, "the keys found should be listed"


def test_train_keys_in_the_test_file_are_reported(tmp_path):
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train")
    write_cat_file(tmp_path / "test_catvnoncat.h5", "train")
    assert_dataset_error(tmp_path, "test_catvnoncat.h5", "'test_set_x'", "train_set_x")


@pytest.mark.parametrize(
    "replace, fragments",
    [
        ({"train_set_x": np.zeros((6, 32, 32, 3), np.uint8)}, ["train_set_x", "(n, 64, 64, 3)", "(6, 32, 32, 3)"]),
        ({"train_set_x": np.zeros((6, 64, 64), np.uint8)}, ["train_set_x", "(6, 64, 64)"]),
        ({"train_set_x": np.zeros((6, 64, 64, 3), np.float32)}, ["train_set_x", "uint8", "float32"]),
        ({"train_set_y": np.zeros((1, 6), np.int64)}, ["train_set_y", "(n,)", "(1, 6)"]),
        ({"train_set_y": np.zeros(6, np.float64)}, ["train_set_y", "integer", "float64"]),
        ({"train_set_y": np.array([0, 1, 2, 0, 1, 0])}, ["train_set_y", "0 and 1", "[2]"]),
        ({"train_set_y": np.zeros(5, np.int64)}, ["6 images", "5 labels"]),
        ({"list_classes": np.array([1, 0])}, ["list_classes"]),
    ],
    ids=[
        "x-small-images",
        "x-no-channels",
        "x-float",
        "y-row",
        "y-float",
        "y-not-binary",
        "length-mismatch",
        "classes-not-bytes",
    ],
)
def test_wrong_shape_dtype_or_values(tmp_path, replace, fragments):
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train", **replace)
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test")
    assert_dataset_error(tmp_path, str(tmp_path / "train_catvnoncat.h5"), *fragments)


def test_a_group_instead_of_a_dataset(tmp_path):
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train", list_classes=None)
    with h5py.File(tmp_path / "train_catvnoncat.h5", "a") as file:
        file.create_group("list_classes")
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test")
    assert_dataset_error(tmp_path, "'list_classes'", "group")


def test_a_failed_load_closes_the_file(tmp_path):
    write_cat_file(tmp_path / "train_catvnoncat.h5", "train", train_set_y=None)
    write_cat_file(tmp_path / "test_catvnoncat.h5", "test")
    with pytest.raises(DatasetError):
        load_catvnoncat(tmp_path)
    with h5py.File(tmp_path / "train_catvnoncat.h5", "w"):
        pass


# --- the committed course files ----------------------------------------------------------------


def test_the_course_cat_files_load_with_their_class_mix(monkeypatch):
    monkeypatch.delenv("NNDL_DATA_DIR", raising=False)
    train_x, train_y, test_x, test_y, classes = load_catvnoncat()
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and test_y.shape == (1, 50)
    assert int(train_y.sum()) == 72, "72 of the 209 training images should be cats"
    assert int(test_y.sum()) == 25, "25 of the 50 test images should be cats"
    assert classes.tolist() == [b"non-cat", b"cat"]


# --- planar data -------------------------------------------------------------------------------


def lecture_flower_with_global_seed():
    """The lecture's construction, written against the global generator (state restored after)."""
    saved = np.random.get_state()
    try:
        np.random.seed(1)
        m, N, a = 400, 200, 4
        X = np.zeros((m, 2))
        Y = np.zeros((m, 1), dtype="uint8")
        for j in range(2):
            ix = range(N * j, N * (j + 1))
            t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
            r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
            X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
            Y[ix] = j
        return X.T, Y.T
    finally:
        np.random.set_state(saved)


def test_planar_dataset_shapes_and_classes():
    X, Y = load_planar_dataset()
    assert X.shape == (2, 400) and X.dtype == np.float64
    assert Y.shape == (1, 400) and Y.dtype == np.uint8
    assert (Y[0, :200] == 0).all() and (Y[0, 200:] == 1).all()
    # The petals have radius at most a = 4 plus noise.
    assert np.abs(X).max() < 5.5


def test_planar_dataset_equals_the_lecture_seeded_construction():
    X, Y = load_planar_dataset()
    X_ref, Y_ref = lecture_flower_with_global_seed()
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(Y, Y_ref)
    np.testing.assert_allclose(X[:, 0], [1.20444229, 3.57611415], rtol=1e-7)


def test_planar_dataset_leaves_global_random_state_alone():
    np.random.seed(12345)
    expected = np.random.rand(3)
    np.random.seed(12345)
    load_planar_dataset()
    np.testing.assert_array_equal(np.random.rand(3), expected)


def test_extra_datasets_layout_and_determinism():
    first = load_extra_datasets()
    assert list(first) == ["noisy_circles", "noisy_moons", "blobs", "gaussian_quantiles", "no_structure"]
    second = load_extra_datasets()
    for name, (X, Y) in first.items():
        assert X.shape == (2, 200) and X.dtype == np.float64, name
        assert Y.shape == (1, 200) and Y.dtype == np.uint8, name
        assert set(np.unique(Y)) == {0, 1}, name
        np.testing.assert_array_equal(X, second[name][0], err_msg=name)
        np.testing.assert_array_equal(Y, second[name][1], err_msg=name)


def test_extra_datasets_follow_the_documented_recipes():
    from sklearn import datasets

    sets = load_extra_datasets()
    points, labels = datasets.make_blobs(n_samples=200, random_state=5, n_features=2, centers=6)
    np.testing.assert_array_equal(sets["blobs"][0], points.T)
    np.testing.assert_array_equal(sets["blobs"][1][0], labels % 2)
    points, labels = datasets.make_circles(n_samples=200, factor=0.5, noise=0.3, random_state=1)
    np.testing.assert_array_equal(sets["noisy_circles"][0], points.T)
    np.testing.assert_array_equal(sets["noisy_circles"][1][0], labels)
    X, _ = sets["no_structure"]
    assert X.min() >= 0 and X.max() < 1, "no_structure points should be uniform on the unit square"


def test_extra_datasets_leave_global_random_state_alone():
    np.random.seed(7)
    expected = np.random.rand(3)
    np.random.seed(7)
    load_extra_datasets()
    np.testing.assert_array_equal(np.random.rand(3), expected)
