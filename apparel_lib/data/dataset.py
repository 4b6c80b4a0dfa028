"""The Fashion-MNIST dataset object, a seeded stratified validation split, tensors and loaders."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader, Sampler, TensorDataset

from ..constants import CLASSES, IMAGE_SIZE, NUM_CLASSES
from ..errors import DataError
from .sources import FILES, Source, load_arrays

__all__ = [
    "CLASSES",
    "FashionMNIST",
    "Splits",
    "load_data",
    "stratified_split",
    "to_tensor",
    "make_splits",
    "make_loader",
]



@dataclass(frozen=True, eq=False)  # holds arrays: == means identity
class FashionMNIST:
    """The real data: uint8 (N, 28, 28) images, int64 labels 0-9, and where they came from.

    ``fingerprint`` is the first 16 hex digits of the SHA-256 over the four content hashes
    (hex, in ``FILES`` order): it names exactly which data a result was computed on.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: Source
    fingerprint: str

    def class_counts(self, split: str) -> dict[str, int]:
        """How many images of each class the ``"train"`` or ``"test"`` split holds."""
        if split not in ("train", "test"):
            raise DataError(f"unknown split {split!r}: use 'train' or 'test'")
        labels = self.train_labels if split == "train" else self.test_labels
        counts = np.bincount(labels, minlength=NUM_CLASSES)
        return {name: int(n) for name, n in zip(CLASSES, counts)}


def _fingerprint(hashes: dict[str, str]) -> str:
    return hashlib.sha256("".join(hashes[stem] for stem in FILES).encode()).hexdigest()[:16]


def _labels(array: np.ndarray, name: str) -> np.ndarray:
    if array.size and (array.min() < 0 or array.max() >= NUM_CLASSES):
        raise DataError(f"{name} holds labels outside 0-9 ({int(array.min())}..{int(array.max())}): use the Fashion-MNIST files")
    return array.astype(np.int64)


def load_data(path: str | os.PathLike[str] | None = None, *, download: bool = True, progress: bool = True) -> FashionMNIST:
    """Load the verified Fashion-MNIST (see :func:`apparel_lib.data.sources.load_arrays` for where from)."""
    arrays, source = load_arrays(path, download=download, progress=progress)
    return FashionMNIST(
        train_images=arrays["train-images-idx3-ubyte"],
        train_labels=_labels(arrays["train-labels-idx1-ubyte"], "train-labels-idx1-ubyte"),
        test_images=arrays["t10k-images-idx3-ubyte"],
        test_labels=_labels(arrays["t10k-labels-idx1-ubyte"], "t10k-labels-idx1-ubyte"),
        source=source,
        fingerprint=_fingerprint(source.hashes),
    )


def stratified_split(labels: np.ndarray, *, val_fraction: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sorted train and validation indices, with ``val_fraction`` of every class (rounded) in validation."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"labels must be a 1-D integer array, got {labels.dtype} with shape {labels.shape}")
    if not 0.0 < val_fraction < 1.0:
        raise DataError(f"val_fraction must be between 0 and 1 (exclusive), got {val_fraction}")
    rng = np.random.default_rng(seed)
    val = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        n_val = int(round(len(members) * val_fraction))
        val.append(rng.choice(members, size=n_val, replace=False))
    val_index = np.sort(np.concatenate(val)) if val else np.zeros(0, dtype=np.int64)
    is_val = np.zeros(len(labels), dtype=bool)
    is_val[val_index] = True
    return np.flatnonzero(~is_val), val_index


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """Images (N, 28, 28) as a float32 tensor (N, 1, 28, 28) in [0, 1]: uint8 is divided by 255, floats kept."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise DataError(f"images must have shape (N, 28, 28), got {images.shape}: pass a stack of 28x28 images")
    if images.dtype == np.uint8:
        scaled = images.astype(np.float32) / np.float32(255)
    elif np.issubdtype(images.dtype, np.floating):
        if images.size and not (images.min() >= 0.0 and images.max() <= 1.0):
            raise DataError("float images must lie in [0, 1]: divide 0-255 pixels by 255 first")
        scaled = images.astype(np.float32)
    else:
        raise DataError(f"images must be uint8 (0-255) or float in [0, 1], got {images.dtype}")
    return torch.from_numpy(np.ascontiguousarray(scaled)).unsqueeze(1)


@dataclass(frozen=True, eq=False)  # holds arrays: == means identity
class Splits:
    """Train/validation/test tensors (float32 (N, 1, 28, 28) images, int64 labels) and the split indices."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    train_index: np.ndarray
    val_index: np.ndarray
    fingerprint: str


def make_splits(data: FashionMNIST, *, val_fraction: float = 0.1, seed: int = 0) -> Splits:
    """Split the training set into train and validation (stratified, seeded) and make tensors."""
    train_index, val_index = stratified_split(data.train_labels, val_fraction=val_fraction, seed=seed)
    return Splits(
        x_train=to_tensor(data.train_images[train_index]),
        y_train=torch.from_numpy(data.train_labels[train_index].astype(np.int64)),
        x_val=to_tensor(data.train_images[val_index]),
        y_val=torch.from_numpy(data.train_labels[val_index].astype(np.int64)),
        x_test=to_tensor(data.test_images),
        y_test=torch.from_numpy(data.test_labels.astype(np.int64)),
        train_index=train_index,
        val_index=val_index,
        fingerprint=data.fingerprint,
    )


def make_loader(x: torch.Tensor, y: torch.Tensor, *, batch_size: int | None, shuffle: bool, seed: int = 0) -> DataLoader:
    """A DataLoader over ``(x, y)`` that fetches whole batches by index (one call per batch, not per image).

    ``batch_size=None`` gives the whole set as one batch. With ``shuffle`` the order comes from
    a generator seeded with ``seed``: each epoch is a fresh shuffle, and the sequence of epochs
    is the same for the same seed. The global torch RNG is not touched.
    """
    if len(x) != len(y):
        raise DataError(f"x has {len(x)} samples but y has {len(y)}: pass matching images and labels")
    if len(x) == 0:
        raise DataError("cannot make a loader over an empty set: check the split")
    if batch_size is None:
        batch_size = len(x)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise DataError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    generator = torch.Generator().manual_seed(seed)
    # Each sampler item is a whole batch of indices and TensorDataset gathers it with one tensor
    # index (DataLoader batch_size=None: no per-image calls, no collate). The loader gets its own
    # generator too, so iterating never touches the global torch RNG.
    return DataLoader(
        TensorDataset(x, y),
        sampler=_IndexBatches(len(x), batch_size, generator if shuffle else None),
        batch_size=None,
        num_workers=0,
        generator=torch.Generator().manual_seed(seed),
    )


class _IndexBatches(Sampler[torch.Tensor]):
    """Index tensors of ``batch_size`` (the last may be shorter): in order, or shuffled afresh each epoch."""

    def __init__(self, n: int, batch_size: int, generator: torch.Generator | None) -> None:
        self.n, self.batch_size, self.generator = n, batch_size, generator

    def __iter__(self) -> Iterator[torch.Tensor]:
        order = torch.arange(self.n) if self.generator is None else torch.randperm(self.n, generator=self.generator)
        yield from order.split(self.batch_size)

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)
