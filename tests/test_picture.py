"""A reader's picture becomes a Fashion-MNIST-like 28x28 input, step by step; bad files are one-line errors."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from apparel_lib.data.picture import PICTURE_SUFFIXES, crop_to_garment, invert_if_light, pad_to_square, picture_paths, prepare_picture, read_picture, resize_to_28, scale_to_unit
from apparel_lib.errors import ApparelError, PictureError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "pictures" / "examples"


def garment(height=120, width=80, *, background=240, ink=40, box=(30, 20, 90, 60)):
    """A gray picture: a dark rectangle (the garment) at ``box`` on a light background."""
    image = np.full((height, width), background, dtype=np.uint8)
    top, left, bottom, right = box
    image[top:bottom, left:right] = ink
    return image


def test_light_background_is_inverted_and_dark_is_kept():
    light = garment().astype(np.float32) / 255
    out, flipped = invert_if_light(light)
    assert flipped and out[0, 0] == pytest.approx(1 - 240 / 255) and out[50, 30] == pytest.approx(1 - 40 / 255)
    dark = 1 - light
    out, flipped = invert_if_light(dark)
    assert not flipped and np.array_equal(out, dark)


def test_crop_finds_the_garments_box():
    gray = 1 - garment().astype(np.float32) / 255
    cropped, box = crop_to_garment(gray)
    assert box == (30, 20, 90, 60) and cropped.shape == (60, 40)
    with pytest.raises(PictureError, match="blank"):
        crop_to_garment(np.full((20, 20), 0.3, dtype=np.float32))


def test_pad_to_square_centres_and_keeps_the_picture():
    tall = np.ones((6, 2), dtype=np.float32)
    square = pad_to_square(tall, fill=0.25)
    assert square.shape == (6, 6)
    assert np.array_equal(square[:, 2:4], tall) and np.all(square[:, :2] == 0.25) and np.all(square[:, 4:] == 0.25)


def test_resize_is_anti_aliased():
    stripes = np.zeros((280, 280), dtype=np.float32)
    stripes[:, ::2] = 1.0  # one-pixel stripes: sampling without smoothing would give all 0 or all 1
    small = resize_to_28(stripes)
    assert small.shape == (28, 28)
    assert np.allclose(small[:, 2:-2], 0.5, atol=0.02)  # the outermost columns see the edge


def test_scale_stretches_background_to_0_and_top_to_1():
    x = np.array([[0.1, 0.1], [0.1, 0.6]], dtype=np.float32)
    assert np.allclose(scale_to_unit(x, background=0.1), [[0, 0], [0, 1]])


@pytest.mark.parametrize("mode,suffix", [("L", ".png"), ("RGB", ".png"), ("RGB", ".jpg"), ("RGBA", ".png"), ("LA", ".png"), ("P", ".png")])
def test_prepare_any_mode_and_format(tmp_path, mode, suffix):
    gray = garment(300, 200, box=(60, 40, 240, 160))
    image = Image.fromarray(gray, mode="L").convert(mode)
    path = tmp_path / f"shirt{suffix}"
    image.save(path, quality=95) if suffix == ".jpg" else image.save(path)
    prepared = prepare_picture(path)
    x = prepared.image
    assert x.shape == (28, 28) and x.dtype == np.float32 and x.min() == 0.0 and x.max() == 1.0
    assert prepared.inverted and prepared.size == (200, 300)
    assert list(prepared.steps) == ["original", "gray", "inverted", "cropped", "square", "resized", "scaled"]
    top, left, bottom, right = prepared.box
    assert abs(top - 60) <= 2 and abs(left - 40) <= 2 and abs(bottom - 240) <= 2 and abs(right - 160) <= 2
    # the 180x120 garment is padded to 180x180: it fills the height and the middle two thirds
    assert x[14, 14] > 0.9 and x[14, 1] < 0.1 and x[14, 26] < 0.1


def test_transparent_background_counts_as_white(tmp_path):
    rgba = np.zeros((100, 100, 4), dtype=np.uint8)  # fully transparent black...
    rgba[20:80, 30:70] = (90, 50, 20, 255)  # ...around an opaque brown bag
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "bag.png")
    prepared = prepare_picture(tmp_path / "bag.png")
    assert prepared.inverted and prepared.box == (20, 30, 80, 70)


def test_dark_background_is_not_inverted(tmp_path):
    Image.fromarray(255 - garment(), mode="L").save(tmp_path / "night.png")
    prepared = prepare_picture(tmp_path / "night.png")
    assert not prepared.inverted and np.array_equal(prepared.steps["inverted"], prepared.steps["gray"])


def test_bad_pictures_are_one_line_errors(tmp_path):
    cases = {}
    cases["not found"] = tmp_path / "missing.png"
    cases["is a folder"] = tmp_path
    (tmp_path / "empty.png").write_bytes(b"")
    cases["empty file"] = tmp_path / "empty.png"
    (tmp_path / "notes.png").write_text("this is not a picture\n")
    cases["not a picture"] = tmp_path / "notes.png"
    good = tmp_path / "cut.png"
    Image.fromarray(garment(), mode="L").save(good)
    (tmp_path / "truncated.png").write_bytes(good.read_bytes()[:60])
    cases["damaged or truncated"] = tmp_path / "truncated.png"
    Image.fromarray(np.full((30, 30), 200, dtype=np.uint8), mode="L").save(tmp_path / "blank.png")
    cases["blank"] = tmp_path / "blank.png"
    for fragment, path in cases.items():
        with pytest.raises(PictureError, match=fragment) as info:
            prepare_picture(path)
        assert "\n" not in str(info.value) and isinstance(info.value, ApparelError)


def test_huge_pictures_are_refused_before_decoding(tmp_path):
    path = tmp_path / "big.png"
    Image.fromarray(garment(200, 300), mode="L").save(path)
    with pytest.raises(PictureError, match="60,000 pixels, more than 50,000"):
        read_picture(path, max_pixels=50_000)
    assert read_picture(path, max_pixels=60_000).size == (300, 200)


def test_picture_paths_lists_pictures_only(tmp_path):
    for name in ("b.JPG", "a.png", "c.jpeg", "notes.txt", "README.md"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub.png").mkdir()
    assert [p.name for p in picture_paths(tmp_path)] == ["a.png", "b.JPG", "c.jpeg"]
    assert picture_paths(tmp_path / "nowhere") == []
    assert ".png" in PICTURE_SUFFIXES


def test_shipped_examples_prepare_and_drop_in_folder_is_empty():
    examples = picture_paths(EXAMPLES)
    assert {p.suffix for p in examples} == {".png", ".jpg"} and len(examples) >= 4
    modes = {read_picture(p).mode for p in examples}
    assert "RGB" in modes and "L" in modes
    assert any(read_picture(p).size[0] >= 1000 for p in examples)
    for path in examples:
        assert prepare_picture(path).image.shape == (28, 28)
    assert (ROOT / "pictures" / "yours" / "README.md").is_file()


def test_a_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    image = Image.fromarray(garment(120, 80), mode="L")  # 80 wide, 120 high
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90 degrees clockwise to show it
    image.save(tmp_path / "phone.jpg", exif=exif.tobytes())
    assert read_picture(tmp_path / "phone.jpg").size == (120, 80)
