"""Flattening versus spatial structure: moving pixels around, and what dense layers cost.

A plain network sees an image as a row of 784 numbers and has no idea which positions were
neighbours; a convolution slides one small kernel over the 2-D grid. These helpers make both
points measurable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import torch

from ..data.variants import pixel_permutation, shift_images
from ..errors import ApparelError

__all__ = [
    "TRANSFORMS",
    "transform_picture",
    "flatten_picture",
    "row_similarity",
    "dense_parameters",
    "conv_parameters",
    "parameter_table",
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


def dense_parameters(inputs: int, hidden: int) -> int:
    """Weights and biases of one fully connected layer from ``inputs`` values to ``hidden`` units."""
    return inputs * hidden + hidden


def conv_parameters(in_channels: int, out_channels: int, kernel: int = 3) -> int:
    """Weights and biases of one convolution: independent of the image size."""
    return in_channels * out_channels * kernel * kernel + out_channels


def parameter_table(sizes: Sequence[tuple[int, int, int]], hidden: int = 500, filters: int = 4) -> pd.DataFrame:
    """For each (height, width, channels): flattened inputs, a dense layer's and a 3x3 conv layer's parameters."""
    rows = []
    for h, w, c in sizes:
        inputs = h * w * c
        rows.append(
            {
                "image": f"{h}×{w}×{c}",
                "flattened inputs": inputs,
                f"dense layer, {hidden} units": dense_parameters(inputs, hidden),
                f"3×3 conv, {filters} filters": conv_parameters(c, filters),
            }
        )
    return pd.DataFrame(rows).set_index("image")
