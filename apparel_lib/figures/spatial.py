"""Flattening versus spatial structure: moving pixels around.

A plain network sees an image as a row of 784 numbers and has no idea which positions were
neighbours; a convolution slides one small kernel over the 2-D grid. These helpers make the first
point visible (what the layers cost is :mod:`apparel_lib.models.parameters`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..data.variants import pixel_permutation, shift_images
from ..errors import ApparelError

__all__ = [
    "TRANSFORMS",
    "transform_picture",
    "flatten_picture",
    "row_similarity",
]


def _shift_right(image: np.ndarray, pixels: int = 3) -> np.ndarray:
    """Moved right with the background filling in, as the rest of the book shifts pictures."""
    return shift_images(torch.from_numpy(np.ascontiguousarray(image)), pixels, 0).numpy()


def _shuffle(image: np.ndarray) -> np.ndarray:
    return np.asarray(image).reshape(-1)[pixel_permutation(0, np.asarray(image).size)].reshape(np.shape(image))


TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "original": lambda im: np.array(im),
    "flipped left-right": lambda im: np.fliplr(im).copy(),
    "flipped upside down": lambda im: np.flipud(im).copy(),
    "rotated 90°": lambda im: np.rot90(im).copy(),
    "shifted 3 pixels right": _shift_right,
    "pixels shuffled (seed 0)": _shuffle,
}


def transform_picture(image: np.ndarray, name: str) -> np.ndarray:
    """Apply the transformation called ``name`` (a key of :data:`TRANSFORMS`) to a 28x28 image."""
    if name not in TRANSFORMS:
        raise ApparelError(f"unknown transformation {name!r}: choose one of {', '.join(TRANSFORMS)}")
    return TRANSFORMS[name](np.asarray(image))


def flatten_picture(image: np.ndarray) -> np.ndarray:
    """The row a plain network sees: the image read row by row, top to bottom."""
    return np.asarray(image).reshape(-1)


def row_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two images as flattened rows (1 = the same direction, 0 = nothing shared)."""
    x, y = flatten_picture(a).astype(np.float64), flatten_picture(b).astype(np.float64)
    denom = np.linalg.norm(x) * np.linalg.norm(y)
    return float(x @ y / denom) if denom else 0.0
