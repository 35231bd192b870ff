"""Tests of nndl.images: loading any picture as (64, 64, 3) uint8 and flattening it."""

import numpy as np
import pytest
from PIL import Image

from nndl.images import image_to_column, load_image

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def three_stripes(width=100, height=60):
    """Red left margin, green centre square, blue right margin (landscape)."""
    array = np.zeros((height, width, 3), dtype=np.uint8)
    margin = (width - height) // 2
    array[:, :margin] = RED
    array[:, margin : margin + height] = GREEN
    array[:, margin + height :] = BLUE
    return array


def test_landscape_png_is_centre_cropped_and_resized(tmp_path):
    path = tmp_path / "stripes.png"
    Image.fromarray(three_stripes()).save(path)
    img = load_image(path)
    assert img.shape == (64, 64, 3) and img.dtype == np.uint8
    # Only the green centre square survives the crop.
    assert np.abs(img.astype(int) - GREEN).max() <= 2, "the crop should keep the centre square only"


def test_portrait_image_and_other_sizes(tmp_path):
    path = tmp_path / "tall.png"
    Image.fromarray(three_stripes().transpose(1, 0, 2).copy()).save(path)
    img = load_image(path, size=32)
    assert img.shape == (32, 32, 3)
    assert np.abs(img.astype(int) - GREEN).max() <= 2


def test_transparent_pixels_become_white(tmp_path):
    rgba = np.zeros((20, 20, 4), dtype=np.uint8)
    rgba[..., 0] = 200  # hidden colour under the transparent half
    rgba[:, :10, 3] = 255
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba, mode="RGBA").save(path)
    img = load_image(path, size=20)
    np.testing.assert_array_equal(img[:, :8], np.full((20, 8, 3), (200, 0, 0)))
    np.testing.assert_array_equal(img[:, 12:], np.full((20, 8, 3), 255))


def test_greyscale_and_palette_images_become_rgb(tmp_path):
    grey = np.tile(np.linspace(0, 255, 64).astype(np.uint8), (64, 1))
    Image.fromarray(grey, mode="L").save(tmp_path / "grey.png")
    img = load_image(tmp_path / "grey.png")
    assert img.shape == (64, 64, 3)
    np.testing.assert_array_equal(img[..., 0], img[..., 1])
    np.testing.assert_array_equal(img[..., 0], img[..., 2])
    assert abs(int(img[:, 0, 0].mean()) - 0) <= 3 and abs(int(img[:, -1, 0].mean()) - 255) <= 3

    Image.fromarray(three_stripes(64, 64)).convert("P").save(tmp_path / "palette.gif")
    img = load_image(tmp_path / "palette.gif")
    assert img.shape == (64, 64, 3) and img.dtype == np.uint8
    assert np.abs(img[10:54, 10:54].astype(int) - GREEN).max() <= 2


def test_jpeg_is_read_and_turned_upright_by_its_exif_orientation(tmp_path):
    stored = np.zeros((40, 80, 3), dtype=np.uint8)
    stored[:, :40] = RED
    stored[:, 40:] = BLUE
    image = Image.fromarray(stored)
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "phone.jpg"
    image.save(path, quality=95, exif=exif)

    img = load_image(path, size=40).astype(int)
    # Upright the picture is 40 wide and 80 tall with red on top; the centre
    # crop then keeps red in the upper half and blue in the lower half.
    assert np.abs(img[2:18].mean(axis=(0, 1)) - RED).max() < 20
    assert np.abs(img[22:38].mean(axis=(0, 1)) - BLUE).max() < 20


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "my_cat.jpg"
    with pytest.raises(FileNotFoundError, match="my_cat.jpg"):
        load_image(path)


def test_a_file_that_is_not_an_image_is_named(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("these are not pixels")
    with pytest.raises(ValueError, match="notes.png: not an image"):
        load_image(path)


def test_a_truncated_image_is_reported(tmp_path):
    path = tmp_path / "cut.png"
    Image.fromarray(np.random.RandomState(0).randint(0, 256, (64, 64, 3)).astype(np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:400])
    with pytest.raises(ValueError, match="cut.png"):
        load_image(path)


def test_size_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="size must be a positive integer"):
        load_image(tmp_path / "x.png", size=0)


def test_image_to_column_matches_the_assignment_flattening():
    stack = np.random.RandomState(3).randint(0, 256, size=(5, 64, 64, 3)).astype(np.uint8)
    flattened = stack.reshape(stack.shape[0], -1).T / 255.0
    for i in range(5):
        column = image_to_column(stack[i])
        assert column.shape == (12288, 1) and column.dtype == np.float64
        np.testing.assert_array_equal(column[:, 0], flattened[:, i])
    # Row-major over (height, width, channel): index 3 is the red value of pixel (0, 1).
    assert image_to_column(stack[0])[3, 0] == stack[0, 0, 1, 0] / 255.0


def test_image_to_column_rejects_scaled_or_misshapen_images():
    img = np.zeros((64, 64, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="already divided by 255"):
        image_to_column(img / 255.0)
    with pytest.raises(ValueError, match=r"got \(64, 64\)"):
        image_to_column(img[..., 0])
    before = img.copy()
    image_to_column(img)
    np.testing.assert_array_equal(img, before)
