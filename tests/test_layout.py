"""The practice layout: export, pixel-identical read-back, the read cache, and every malformed layout."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from apparel_lib.data.dataset import FashionMNIST
from apparel_lib.errors import DataError
from apparel_lib.practice import layout as layout_module
from apparel_lib.practice.ids import TEST_FIRST_ID, TRAIN_FIRST_ID
from apparel_lib.practice.layout import Layout, export_layout, read_layout
from tests.helpers import one_line

N_TRAIN, N_TEST = 30, 12


@pytest.fixture
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("APPAREL_CACHE", str(cache))
    return cache


@pytest.fixture
def small_data(data: FashionMNIST) -> FashionMNIST:
    return dataclasses.replace(
        data,
        train_images=data.train_images[:N_TRAIN],
        train_labels=data.train_labels[:N_TRAIN],
        test_images=data.test_images[:N_TEST],
        test_labels=data.test_labels[:N_TEST],
    )


@pytest.fixture
def small(small_data: FashionMNIST, tmp_path: Path, own_cache: Path) -> Path:
    """A fresh 30 + 12 image layout of real images, with a cache of its own."""
    return export_layout(small_data, tmp_path / "small", progress=False)


def cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "layouts").glob("*.npz")) if (cache / "layouts").exists() else []


class PNGRead(BaseException):
    """Raised by the patched PNG opener: not an Exception, so nothing on the way turns it into a DataError."""


def no_imread(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise PNGRead("read a PNG although the cache should have been used")

    monkeypatch.setattr(layout_module.Image, "open", boom)


# --- export ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_export_structure(exported, data):
    assert sorted(os.listdir(exported)) == ["sample_submission.csv", "test", "test.csv", "train", "train.csv"]
    assert not [n for n in os.listdir(exported.parent) if n.startswith(f".{exported.name}.partial-")]  # no temporary sibling
    train = pd.read_csv(exported / "train.csv")
    test = pd.read_csv(exported / "test.csv")
    sample = pd.read_csv(exported / "sample_submission.csv")
    assert list(train.columns) == ["id", "label"] and list(test.columns) == ["id"]
    assert list(sample.columns) == ["id", "label"]
    np.testing.assert_array_equal(train["id"], np.arange(TRAIN_FIRST_ID, TRAIN_FIRST_ID + 60000))
    np.testing.assert_array_equal(train["label"], data.train_labels)
    np.testing.assert_array_equal(test["id"], np.arange(TEST_FIRST_ID, TEST_FIRST_ID + 10000))
    np.testing.assert_array_equal(sample["id"], test["id"])
    assert (sample["label"] == 0).all()  # the true test labels are not given away
    assert len(os.listdir(exported / "train")) == 60000 and len(os.listdir(exported / "test")) == 10000
    for path, expected in [("train/1.png", data.train_images[0]), ("train/60000.png", data.train_images[-1]), ("test/60001.png", data.test_images[0])]:
        with Image.open(exported / path) as im:
            assert im.format == "PNG" and im.mode == "L" and im.size == (28, 28)
            np.testing.assert_array_equal(np.asarray(im), expected)


def test_export_refuses_a_non_empty_folder(small_data, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(DataError) as e:
        export_layout(small_data, tmp_path / "busy", progress=False)
    one_line(e, "busy", "not empty")
    assert os.listdir(tmp_path / "busy") == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="not empty"):
        export_layout(small_data, tmp_path / "file", progress=False)


def test_export_into_an_empty_folder(small_data, tmp_path):
    (tmp_path / "empty").mkdir()
    folder = export_layout(small_data, tmp_path / "empty", progress=False)
    assert folder == tmp_path / "empty"
    assert len(os.listdir(folder / "train")) == N_TRAIN and len(os.listdir(folder / "test")) == N_TEST
    assert sorted(os.listdir(tmp_path)) == ["empty"]


def test_interrupted_export_leaves_nothing(small_data, tmp_path, monkeypatch):
    original, calls = Image.Image.save, []

    def flaky_save(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 25:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", flaky_save)
    with pytest.raises(KeyboardInterrupt):
        export_layout(small_data, tmp_path / "out", progress=False)
    assert len(calls) == 25
    assert os.listdir(tmp_path) == []


# --- reading the real layout -------------------------------------------------------------------


@pytest.mark.slow
def test_round_trip_is_pixel_identical(layout, exported, data):
    assert isinstance(layout, Layout) and layout.folder == exported.resolve()
    assert layout.train_images.dtype == np.float32 and layout.train_images.shape == (60000, 28, 28)
    assert layout.test_images.dtype == np.float32 and layout.test_images.shape == (10000, 28, 28)
    np.testing.assert_array_equal(layout.train_images, data.train_images.astype(np.float32) / 255)
    np.testing.assert_array_equal(layout.test_images, data.test_images.astype(np.float32) / 255)
    assert layout.train_images.min() == 0.0 and layout.train_images.max() == 1.0
    assert layout.train_labels.dtype == np.int64
    np.testing.assert_array_equal(layout.train_labels, data.train_labels)
    np.testing.assert_array_equal(layout.train_ids, np.arange(1, 60001))
    np.testing.assert_array_equal(layout.test_ids, np.arange(60001, 70001))


def test_pixels_are_those_the_tutorials_imread_gives(small, own_cache):
    import skimage.io  # what the tutorial reads with; the library decodes with Pillow directly

    layout = read_layout(small, progress=False)
    for split, ids, images in (("train", layout.train_ids, layout.train_images), ("test", layout.test_ids, layout.test_images)):
        tutorial = np.stack([skimage.io.imread(small / split / f"{i}.png", as_gray=True) for i in ids])
        assert tutorial.dtype == np.uint8
        np.testing.assert_array_equal(images, tutorial.astype(np.float32) / 255)


@pytest.mark.slow
def test_second_read_is_served_by_the_cache(layout, exported, monkeypatch):
    # Speed is measured by benchmarks/; here: the second read must not open a single PNG.
    no_imread(monkeypatch)  # any PNG read fails the test: the cache must serve it all
    again = read_layout(exported, progress=False)
    np.testing.assert_array_equal(again.train_images, layout.train_images)
    np.testing.assert_array_equal(again.test_images, layout.test_images)
    np.testing.assert_array_equal(again.train_labels, layout.train_labels)


# --- the cache, on a small layout --------------------------------------------------------------


def test_changes_invalidate_the_cache(small, small_data, own_cache, monkeypatch):
    first = read_layout(small, progress=False)
    assert len(cache_files(own_cache)) == 1
    with monkeypatch.context() as m:
        no_imread(m)
        np.testing.assert_array_equal(read_layout(small, progress=False).train_images, first.train_images)

    # a PNG replaced by another image
    Image.fromarray(255 - small_data.train_images[4]).save(small / "train" / "5.png")
    with monkeypatch.context() as m:
        no_imread(m)
        with pytest.raises(PNGRead):
            read_layout(small, progress=False)
    changed = read_layout(small, progress=False)
    np.testing.assert_array_equal(changed.train_images[4], (255 - small_data.train_images[4]).astype(np.float32) / 255)
    np.testing.assert_array_equal(changed.train_images[5:], first.train_images[5:])

    # a row removed from train.csv
    lines = (small / "train.csv").read_text().splitlines(keepends=True)
    (small / "train.csv").write_text("".join(lines[:-1]))
    fewer = read_layout(small, progress=False)
    assert len(fewer.train_ids) == N_TRAIN - 1 and fewer.train_images.shape == (N_TRAIN - 1, 28, 28)
    assert len(cache_files(own_cache)) == 1  # rewritten in place, not piling up


def test_corrupt_cache_is_ignored_and_rewritten(small, own_cache, monkeypatch):
    first = read_layout(small, progress=False)
    (path,) = cache_files(own_cache)
    path.write_bytes(b"not an npz file")
    again = read_layout(small, progress=False)
    np.testing.assert_array_equal(again.test_images, first.test_images)
    with np.load(path) as z:
        assert z["train_images"].shape == (N_TRAIN, 28, 28)
    no_imread(monkeypatch)
    read_layout(small, progress=False)  # the rewritten cache is used


def test_cache_can_be_turned_off(small, own_cache):
    layout = read_layout(small, progress=False, cache=False)
    assert layout.train_images.shape == (N_TRAIN, 28, 28)
    assert cache_files(own_cache) == []


def test_same_content_in_another_folder_is_read_afresh(small, own_cache, tmp_path, small_data):
    read_layout(small, progress=False)
    other = export_layout(small_data, tmp_path / "other", progress=False)
    read_layout(other, progress=False)
    assert len(cache_files(own_cache)) == 2


# --- malformed layouts -------------------------------------------------------------------------


def edit_csv(name: str, edit: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        lines = (folder / name).read_text().splitlines()
        (folder / name).write_text("\n".join(edit(lines)) + "\n")

    return apply


def save_png(relative: str, array: np.ndarray, **kwargs: object) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        Image.fromarray(array, **kwargs).save(folder / relative)

    return apply


def write(relative: str, content: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / relative).write_bytes(content)


def remove(relative: str) -> Callable[[Path], None]:
    return lambda folder: (folder / relative).unlink()


GRAY = np.full((28, 28), 128, np.uint8)
BAD_LAYOUTS = {
    "missing train.csv": (remove("train.csv"), ["train.csv", "has no"]),
    "missing test.csv": (remove("test.csv"), ["test.csv", "has no"]),
    "empty train.csv": (write("train.csv", b""), ["train.csv", "not a readable CSV"]),
    "header-only train.csv": (write("train.csv", b"id,label\n"), ["train.csv", "no rows"]),
    "train columns id,class": (edit_csv("train.csv", lambda ls: ["id,class"] + ls[1:]), ["columns id,class", "exactly id,label"]),
    "train extra column": (edit_csv("train.csv", lambda ls: [line + ",0" for line in ls]), ["exactly id,label"]),
    "train columns swapped": (edit_csv("train.csv", lambda ls: ["label,id"] + ls[1:]), ["columns label,id"]),
    "test with labels": (edit_csv("test.csv", lambda ls: ["id,label"] + [line + ",1" for line in ls[1:]]), ["test.csv", "exactly id"]),
    "duplicate train id": (edit_csv("train.csv", lambda ls: ls + [ls[1]]), ["train.csv", "id 1 more than once"]),
    "duplicate test id": (edit_csv("test.csv", lambda ls: ls + [ls[3]]), ["test.csv", "id 60003 more than once"]),
    "label 10": (edit_csv("train.csv", lambda ls: ls[:3] + ["3,10"] + ls[4:]), ["id 3", "label 10", "0-9"]),
    "label -1": (edit_csv("train.csv", lambda ls: ls[:3] + ["3,-1"] + ls[4:]), ["label -1", "0-9"]),
    "label not a number": (edit_csv("train.csv", lambda ls: ls[:3] + ["3,shoe"] + ls[4:]), ["column label", "non-integer"]),
    "label missing": (edit_csv("train.csv", lambda ls: ls[:3] + ["3,"] + ls[4:]), ["column label", "missing"]),
    "id not a number": (edit_csv("test.csv", lambda ls: ls + ["x7"]), ["column id", "test.csv"]),
    "train id without PNG": (edit_csv("train.csv", lambda ls: ls + ["99999,1"]), ["id 99999", "train/99999.png"]),
    "test PNG deleted": (remove("test/60005.png"), ["id 60005", "test/60005.png"]),
    "train folder missing": (lambda f: [p.unlink() for p in (f / "train").iterdir()] and (f / "train").rmdir(), ["train/ folder"]),
    "RGB PNG": (save_png("train/7.png", np.stack([GRAY] * 3, axis=-1)), ["train/7.png", "8-bit grayscale", "mode RGB"]),
    "RGBA PNG": (save_png("test/60002.png", np.dstack([GRAY] * 4)), ["test/60002.png", "mode RGBA"]),
    "30x28 PNG": (save_png("train/2.png", np.zeros((30, 28), np.uint8)), ["train/2.png", "28x28", "28 wide x 30 high"]),
    "16-bit PNG": (save_png("train/8.png", np.full((28, 28), 4000, np.uint16)), ["train/8.png", "8-bit grayscale"]),
    "not a PNG": (write("train/9.png", b"\x89PNG\r\n\x1a\n garbage"), ["train/9.png", "cannot be read"]),
}


@pytest.mark.parametrize("case", list(BAD_LAYOUTS))
def test_bad_layout(small, case):
    damage, words = BAD_LAYOUTS[case]
    damage(small)
    with pytest.raises(DataError) as e:
        read_layout(small, progress=False)
    one_line(e, *words)


def test_missing_folder(tmp_path):
    with pytest.raises(DataError) as e:
        read_layout(tmp_path / "nowhere", progress=False)
    one_line(e, "nowhere", "not a folder")


def test_practice_layout_exports_once_then_reuses(small_data, tmp_path, monkeypatch):
    from apparel_lib.practice import layout as layout_module
    from apparel_lib.practice.layout import practice_layout

    folder = practice_layout(small_data, tmp_path / "p", progress=False)
    assert (folder / "train.csv").is_file()
    monkeypatch.setattr(layout_module, "export_layout", lambda *a, **k: pytest.fail("exported twice"))
    assert practice_layout(small_data, folder, progress=False) == folder


def test_practice_layout_refuses_a_foreign_folder(small_data, tmp_path):
    from apparel_lib.practice.layout import practice_layout

    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "train.csv").write_text("id,label\n1,3\n")
    (tmp_path / "p" / "test").mkdir()
    with pytest.raises(DataError, match="not empty"):
        practice_layout(small_data, tmp_path / "p", progress=False)
