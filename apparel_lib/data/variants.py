"""Data variants for experiments: shuffled pixel positions, shifted pictures, a smaller training set.

A :class:`DataVariant` is plain data (part of a run spec); :func:`apply_variant` turns the
standard splits into the variant's. The same permutation or shift is applied to the training,
validation and test pictures alike.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..constants import NUM_CLASSES, PIXELS
from ..errors import DataError
from .dataset import Splits

__all__ = ["DataVariant", "apply_variant", "stratified_subset", "pixel_permutation", "permute_pixels", "shift_images"]


def pixel_permutation(seed: int = 0, size: int = PIXELS) -> np.ndarray:
    """One fixed, seeded shuffle of the pixel positions (the same for every image)."""
    return np.random.default_rng(seed).permutation(size)


def permute_pixels(x: torch.Tensor, permutation: np.ndarray) -> torch.Tensor:
    """Every picture in ``x`` (N, 1, H, W) with its pixels moved to the positions ``permutation`` gives."""
    flat = x.reshape(len(x), -1)
    if flat.shape[1] != len(permutation):
        raise DataError(f"a permutation of {len(permutation)} positions does not fit pictures of {flat.shape[1]} pixels")
    return flat[:, torch.as_tensor(permutation)].reshape(x.shape)


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Pictures (N, C, H, W) moved ``dx`` pixels right and ``dy`` down (negative: left, up); the
    uncovered border is background (0) and what moves past the edge is lost."""
    height, width = x.shape[-2:]
    out = torch.zeros_like(x)
    if abs(dx) >= width or abs(dy) >= height:
        return out
    src_y, dst_y = slice(max(0, -dy), height - max(0, dy)), slice(max(0, dy), height - max(0, -dy))
    src_x, dst_x = slice(max(0, -dx), width - max(0, dx)), slice(max(0, dx), width - max(0, -dx))
    out[..., dst_y, dst_x] = x[..., src_y, src_x]
    return out


@dataclass(frozen=True)
class DataVariant:
    """Which data a run sees. The default is the standard data, unchanged.

    ``permutation_seed``: shuffle the 784 pixel positions with :func:`pixel_permutation`.
    ``shift``: move every picture by ``(dx, dy)`` pixels, see :func:`shift_images`.
    ``train_subset``: train on exactly this many pictures (the same share of every class, seeded).
    ``val_subset``: validate on this many of the validation pictures, chosen the same way (for
    quick comparisons whose per-epoch validation would otherwise cost more than training); the
    test set always stays whole.
    """

    permutation_seed: int | None = None
    shift: tuple[int, int] = (0, 0)
    train_subset: int | None = None
    val_subset: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shift", tuple(int(v) for v in self.shift))
        if len(self.shift) != 2:
            raise DataError(f"shift must be two numbers (dx, dy), not {self.shift!r}")
        if self.train_subset is not None and self.train_subset < NUM_CLASSES:
            raise DataError(f"train_subset must be at least {NUM_CLASSES} pictures (one per class), not {self.train_subset}")
        if self.val_subset is not None and self.val_subset < NUM_CLASSES:
            raise DataError(f"val_subset must be at least {NUM_CLASSES} pictures (one per class), not {self.val_subset}")

    @property
    def is_standard(self) -> bool:
        return self == DataVariant()

    def describe(self) -> str:
        """A short human description, e.g. ``"pixels shuffled (seed 0)"``."""
        parts = []
        if self.permutation_seed is not None:
            parts.append(f"pixels shuffled (seed {self.permutation_seed})")
        if self.shift != (0, 0):
            parts.append(f"shifted by {self.shift}")
        if self.train_subset is not None:
            parts.append(f"{self.train_subset:,} training pictures")
        if self.val_subset is not None:
            parts.append(f"{self.val_subset:,} validation pictures")
        return ", ".join(parts) or "standard"

    def to_dict(self) -> dict[str, Any]:
        values = {**dataclasses.asdict(self), "shift": list(self.shift)}
        if values["val_subset"] is None:  # runs stored before this field existed keep their keys
            del values["val_subset"]
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DataVariant:
        return cls(**{**values, "shift": tuple(values.get("shift", (0, 0)))})


def stratified_subset(labels: np.ndarray, size: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of exactly ``size`` items, each class keeping its share (largest remainders round up)."""
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * size / len(labels)
    take = np.floor(exact).astype(int)
    take[np.argsort(exact - take)[::-1][: size - take.sum()]] += 1
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(labels == c), size=k, replace=False) for c, k in zip(classes, take)]
    return np.sort(np.concatenate(chosen))


def apply_variant(splits: Splits, variant: DataVariant) -> Splits:
    """The splits as ``variant`` sees them (the same object when the variant is standard)."""
    if variant.is_standard:
        return splits
    x_train, y_train, train_index = splits.x_train, splits.y_train, splits.train_index
    if variant.train_subset is not None and variant.train_subset < len(y_train):
        keep = stratified_subset(y_train.numpy(), variant.train_subset)
        x_train, y_train, train_index = x_train[keep], y_train[keep], train_index[keep]
    x_val, y_val, val_index = splits.x_val, splits.y_val, splits.val_index
    if variant.val_subset is not None and variant.val_subset < len(y_val):
        keep = stratified_subset(y_val.numpy(), variant.val_subset)
        x_val, y_val, val_index = x_val[keep], y_val[keep], val_index[keep]

    def change(x: torch.Tensor) -> torch.Tensor:
        if variant.shift != (0, 0):
            x = shift_images(x, *variant.shift)
        if variant.permutation_seed is not None:
            x = permute_pixels(x, pixel_permutation(variant.permutation_seed, x[0].numel()))
        return x

    return dataclasses.replace(
        splits,
        x_train=change(x_train),
        y_train=y_train,
        x_val=change(x_val),
        y_val=y_val,
        x_test=change(splits.x_test),
        train_index=train_index,
        val_index=val_index,
    )
