"""Facts about Fashion-MNIST that every module shares: picture size and the ten class names."""

from __future__ import annotations

__all__ = ["IMAGE_SIZE", "PIXELS", "CLASSES", "NUM_CLASSES"]

IMAGE_SIZE: int = 28
"""Pictures are IMAGE_SIZE x IMAGE_SIZE gray values."""

PIXELS: int = IMAGE_SIZE * IMAGE_SIZE
"""784: the length of a picture read as one row."""

CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
"""The class names, in label order (label 0 is T-shirt/top)."""

NUM_CLASSES: int = len(CLASSES)
