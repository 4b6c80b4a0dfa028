"""Class probabilities for prepared pictures, and the few most likely classes in words."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from torch import nn

from ..constants import CLASSES
from ..data.dataset import to_tensor
from .evaluate import probabilities

__all__ = ["class_probabilities", "top_classes", "describe_top"]


def class_probabilities(model: nn.Module, images: np.ndarray) -> np.ndarray:
    """Softmax probabilities, shape ``(N, 10)``, for 28x28 pictures in [0, 1] (shape ``(N, 28, 28)``)."""
    return probabilities(model, to_tensor(np.asarray(images))).numpy()


def top_classes(probabilities: np.ndarray, k: int = 3, *, classes: Sequence[str] = CLASSES) -> list[tuple[str, float]]:
    """The ``k`` most likely classes of one picture with their probabilities, most likely first."""
    p = np.asarray(probabilities, dtype=float)
    order = np.argsort(-p, kind="stable")[:k]
    return [(classes[int(c)], float(p[c])) for c in order]


def describe_top(probabilities: np.ndarray, k: int = 3, *, classes: Sequence[str] = CLASSES) -> str:
    """``"Sneaker (97.1%); then Sandal 2.0%, Ankle boot 0.6%"``: one line for one picture."""
    top = top_classes(probabilities, k, classes=classes)
    first, rest = top[0], top[1:]
    line = f"{first[0]} ({first[1]:.1%})"
    if rest:
        line += "; then " + ", ".join(f"{name} {p:.1%}" for name, p in rest)
    return line
