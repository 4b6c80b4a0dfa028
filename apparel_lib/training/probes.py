"""Probing a trained model with moved pictures: its accuracy on pictures shifted by a few pixels
(:func:`shift_accuracy`, with :func:`~apparel_lib.data.variants.shift_images`) and on mirrored or
upside-down ones (:func:`flip_accuracy`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from ..data.variants import shift_images
from ..errors import ApparelError
from .evaluate import accuracy

__all__ = ["SHIFT_DIRECTIONS", "shift_accuracy", "flip_accuracy"]

SHIFT_DIRECTIONS: tuple[tuple[int, int], ...] = ((1, 0), (-1, 0), (0, 1), (0, -1))
"""Right, left, down, up: the moves :func:`shift_accuracy` averages over."""


def shift_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, shifts: Sequence[int] = range(5)) -> pd.Series:
    """Accuracy of ``model`` on the pictures ``x`` moved by each of ``shifts`` pixels, averaged over
    the four directions (right, left, down, up); the uncovered border is background."""
    values = {}
    for k in shifts:
        if k < 0:
            raise ApparelError(f"shifts are distances in pixels and must be 0 or more, not {k}")
        moves = [(0, 0)] if k == 0 else [(dx * k, dy * k) for dx, dy in SHIFT_DIRECTIONS]
        values[int(k)] = float(np.mean([accuracy(model, shift_images(x, dx, dy), y) for dx, dy in moves]))
    return pd.Series(values, name="accuracy").rename_axis("shift (pixels)")


def flip_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> pd.Series:
    """Accuracy of ``model`` on the pictures ``x`` as they are, mirrored left-right, and upside down."""
    return pd.Series(
        {
            "as they are": accuracy(model, x, y),
            "mirrored left-right": accuracy(model, x.flip(-1), y),
            "upside down": accuracy(model, x.flip(-2), y),
        },
        name="accuracy",
    )
