"""The practice-problem layout the original tutorial reads: CSVs of ids and labels plus one PNG per image.

::

    folder/train.csv              id,label     (ids 1..60000, in IDX order)
    folder/train/<id>.png         28x28 8-bit grayscale
    folder/test.csv               id           (ids 60001..70000; no labels: they are the answers)
    folder/test/<id>.png
    folder/sample_submission.csv  id,label     (every label 0)

``export_layout`` builds it from the real data; ``read_layout`` reads it back with the pixels the
tutorial's ``skimage.io.imread(path, as_gray=True)`` gives, scaled to [0, 1], and caches the result.
It decodes each PNG with Pillow directly (scikit-image reaches Pillow through imageio's plugin
layers), which gives the same uint8 pixels several times faster; only 8-bit grayscale is accepted.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image
from tqdm.auto import tqdm

from ..constants import IMAGE_SIZE, NUM_CLASSES
from ..data.dataset import FashionMNIST
from ..errors import DataError
from ..files import atomic_write
from ..paths import LAYOUTS, PRACTICE_LAYOUT, cache_dir
from .ids import TEST_FIRST_ID, TRAIN_FIRST_ID

__all__ = ["Layout", "export_layout", "practice_layout", "read_layout"]

_CACHE_VERSION = b"apparel-layout-cache-v1"


@dataclass(frozen=True, eq=False)  # holds arrays: == means identity
class Layout:
    """A layout as read back: ids in CSV order, labels int64, images float32 (N, 28, 28) in [0, 1]."""

    folder: Path
    train_ids: np.ndarray
    train_labels: np.ndarray
    train_images: np.ndarray
    test_ids: np.ndarray
    test_images: np.ndarray


# --- writing ---------------------------------------------------------------------------------


def _write_pngs(images: np.ndarray, ids: np.ndarray, folder: Path, bar: tqdm) -> None:
    folder.mkdir()
    for image, id_ in zip(images, ids):
        Image.fromarray(image).save(folder / f"{id_}.png")
        bar.update()


def export_layout(data: FashionMNIST, folder: str | os.PathLike[str], *, progress: bool = True) -> Path:
    """Write ``data`` as the practice layout in ``folder`` (new or empty) and return its path.

    Everything is built in a temporary sibling folder that is renamed into place at the end,
    so an interrupted export leaves nothing half-made. The true test labels are not written.
    """
    folder = Path(folder).expanduser().absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DataError(f"{folder} already exists and is not empty: choose a new folder, or delete it first")
    for name in ("train_images", "test_images"):
        images = getattr(data, name)
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
            raise DataError(f"{name} must be uint8 (N, {IMAGE_SIZE}, {IMAGE_SIZE}), got {images.dtype} {images.shape}: pass a FashionMNIST from load_data")
    if TRAIN_FIRST_ID + len(data.train_images) > TEST_FIRST_ID:
        raise DataError(f"{len(data.train_images)} training images do not fit below the first test id {TEST_FIRST_ID}")
    train_ids = TRAIN_FIRST_ID + np.arange(len(data.train_images))
    test_ids = TEST_FIRST_ID + np.arange(len(data.test_images))

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        pd.DataFrame({"id": train_ids, "label": np.asarray(data.train_labels, dtype=np.int64)}).to_csv(tmp / "train.csv", index=False)
        pd.DataFrame({"id": test_ids}).to_csv(tmp / "test.csv", index=False)
        pd.DataFrame({"id": test_ids, "label": 0}).to_csv(tmp / "sample_submission.csv", index=False)
        with tqdm(total=len(train_ids) + len(test_ids), desc="Writing PNGs", unit="img", disable=not progress) as bar:
            _write_pngs(data.train_images, train_ids, tmp / "train", bar)
            _write_pngs(data.test_images, test_ids, tmp / "test", bar)
        if folder.exists():
            folder.rmdir()  # empty, checked above
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def practice_layout(data: FashionMNIST, folder: str | os.PathLike[str] | None = None, *, progress: bool = True) -> Path:
    """The practice layout of ``data``, exported once and reused: ``folder`` or ``cache_dir()/practice-layout``.

    A folder that already holds a finished export (its ``train.csv`` lists the same training
    labels) is returned as it is; an empty or missing one is exported into.
    """
    folder = Path(folder).expanduser().absolute() if folder is not None else cache_dir(PRACTICE_LAYOUT)
    train_csv = folder / "train.csv"
    if train_csv.is_file() and (folder / "test").is_dir():
        try:
            labels = pd.read_csv(train_csv)["label"].to_numpy()
        except (pd.errors.ParserError, pd.errors.EmptyDataError, KeyError, UnicodeDecodeError):
            labels = None
        if labels is not None and np.array_equal(labels, data.train_labels):
            return folder
    return export_layout(data, folder, progress=progress)


# --- reading ---------------------------------------------------------------------------------


def _read_csv(folder: Path, name: str, columns: list[str]) -> tuple[bytes, pd.DataFrame]:
    """The raw bytes of ``folder/name`` and its validated table (integer columns, exactly ``columns``)."""
    path = folder / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{folder} has no {name}: point to a folder made by export_layout") from None
    try:
        table = pd.read_csv(io.BytesIO(raw))
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as e:
        raise DataError(f"{name} in {folder} is not a readable CSV ({str(e).splitlines()[0]}): re-export the layout") from None
    if list(table.columns) != columns:
        raise DataError(
            f"{name} in {folder} has columns {','.join(map(str, table.columns))}; expected exactly "
            f"{','.join(columns)}: fix its header or re-export the layout"
        )
    if table.empty:
        raise DataError(f"{name} in {folder} has no rows: re-export the layout")
    for column in columns:
        if not pd.api.types.is_integer_dtype(table[column]):
            raise DataError(f"column {column} of {name} in {folder} holds non-integer or missing values: re-export the layout")
    ids = table["id"].to_numpy()
    unique, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        dup = unique[counts > 1]
        raise DataError(f"{name} in {folder} lists id {dup[0]} more than once ({len(dup)} duplicated ids): each image needs one row")
    if "label" in columns:
        labels = table["label"].to_numpy()
        bad = (labels < 0) | (labels >= NUM_CLASSES)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(f"{name} in {folder} gives id {ids[i]} the label {labels[i]}; labels must be 0-{NUM_CLASSES - 1}: fix that row")
    return raw, table


def _png_stats(folder: Path, split: str, ids: np.ndarray) -> list[str]:
    """``name:size:mtime_ns`` of each listed PNG (one scandir, no reading): a cheap content fingerprint."""
    try:
        entries = {e.name: e for e in os.scandir(folder / split)}
    except (FileNotFoundError, NotADirectoryError):
        raise DataError(f"{folder} has no {split}/ folder of PNGs: point to a folder made by export_layout") from None
    stats = []
    for id_ in ids:
        entry = entries.get(f"{id_}.png")
        if entry is None:
            raise DataError(f"id {id_} is listed in {split}.csv but {split}/{id_}.png is missing in {folder}: add it or remove the row")
        st = entry.stat()
        stats.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return stats


def _read_png(folder: Path, split: str, id_: int) -> np.ndarray:
    """One PNG's pixels (what the tutorial's imread gives); it must be 28x28 8-bit grayscale."""
    path = folder / split / f"{id_}.png"
    try:
        with Image.open(path) as im:
            im.load()
            mode, size = im.mode, im.size
            image = np.asarray(im) if mode == "L" and size == (IMAGE_SIZE, IMAGE_SIZE) else None
    except Exception as e:  # noqa: BLE001 - Pillow raises many types for a broken file
        raise DataError(f"{split}/{id_}.png in {folder} cannot be read as an image ({type(e).__name__}): replace it") from None
    if image is None:
        raise DataError(
            f"{split}/{id_}.png in {folder} is not a 28x28 8-bit grayscale PNG (mode {mode}, {size[0]} wide x {size[1]} high): "
            f"replace it with one, e.g. by exporting the layout again"
        )
    return image


def _cache_path(folder: Path) -> Path:
    return cache_dir(LAYOUTS, f"{hashlib.sha256(str(folder).encode()).hexdigest()[:16]}.npz")


def _load_cache(path: Path, fingerprint: str, n_train: int, n_test: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The cached uint8 images if ``path`` holds a sound cache for ``fingerprint``; otherwise None."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["fingerprint"]) != fingerprint:
                return None
            train, test = z["train_images"], z["test_images"]
    except Exception:  # noqa: BLE001 - missing, truncated or foreign: a cache is only ever a shortcut
        return None
    if train.dtype != np.uint8 or test.dtype != np.uint8 or train.shape != (n_train, IMAGE_SIZE, IMAGE_SIZE) or test.shape != (n_test, IMAGE_SIZE, IMAGE_SIZE):
        return None
    return train, test


def read_layout(folder: str | os.PathLike[str], *, progress: bool = True, cache: bool = True) -> Layout:
    """Read and validate a practice layout; images come back float32 in [0, 1], exactly IDX / 255.

    The pixels are cached (uint8, in ``cache_dir()``) under the folder's absolute path with a
    fingerprint of the CSV bytes and each listed PNG's size and mtime, so an unchanged layout
    loads fast and any change is read afresh.
    """
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder: point to a folder made by export_layout")
    train_raw, train = _read_csv(folder, "train.csv", ["id", "label"])
    test_raw, test = _read_csv(folder, "test.csv", ["id"])
    train_ids = train["id"].to_numpy(dtype=np.int64)
    test_ids = test["id"].to_numpy(dtype=np.int64)

    h = hashlib.sha256(_CACHE_VERSION)
    for raw in (train_raw, test_raw):
        h.update(len(raw).to_bytes(8, "big") + raw)
    h.update("\n".join(_png_stats(folder, "train", train_ids) + _png_stats(folder, "test", test_ids)).encode())
    fingerprint = h.hexdigest()

    path = _cache_path(folder)
    cached = _load_cache(path, fingerprint, len(train_ids), len(test_ids)) if cache else None
    if cached is not None:
        train_u8, test_u8 = cached
    else:
        train_u8 = np.empty((len(train_ids), IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
        test_u8 = np.empty((len(test_ids), IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
        with tqdm(total=len(train_ids) + len(test_ids), desc="Reading PNGs", unit="img", disable=not progress) as bar:
            for split, ids, out in (("train", train_ids, train_u8), ("test", test_ids, test_u8)):
                for i, id_ in enumerate(ids):
                    out[i] = _read_png(folder, split, int(id_))
                    bar.update()
        if cache:
            with contextlib.suppress(OSError), atomic_write(path, "wb") as f:
                np.savez(f, fingerprint=np.array(fingerprint), train_images=train_u8, test_images=test_u8)

    return Layout(
        folder=folder,
        train_ids=train_ids,
        train_labels=train["label"].to_numpy(dtype=np.int64),
        train_images=_scaled(train_u8),
        test_ids=test_ids,
        test_images=_scaled(test_u8),
    )


def _scaled(images: np.ndarray) -> np.ndarray:
    """uint8 pixels as float32 in [0, 1], computed exactly as ``images.astype(np.float32) / 255``."""
    out = images.astype(np.float32)
    out /= np.float32(255)
    return out
