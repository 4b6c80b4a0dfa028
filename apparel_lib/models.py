"""The book's networks, built by name: the first part's plain network and the tutorial's CNN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import torch
from torch import nn

from .errors import ApparelError

__all__ = ["PlainNet", "ArticleCNN", "MODELS", "build_model", "count_parameters"]


class PlainNet(nn.Module):
    """The tutorial's first-part network: 784 flattened pixels -> ``hidden`` ReLU units -> 10 scores."""

    name: ClassVar[str] = "ann"

    def __init__(self, hidden: int = 500, num_classes: int = 10) -> None:
        super().__init__()
        self.options: dict[str, Any] = {"hidden": hidden, "num_classes": num_classes}
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(28 * 28, hidden)
        self.relu = nn.ReLU()
        self.output = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.relu(self.hidden(self.flatten(x))))


class ArticleCNN(nn.Module):
    """The tutorial's CNN, layer for layer: two conv blocks of ``filters`` channels, one linear layer.

    Each block is Conv2d(3x3, stride 1, padding 1) -> BatchNorm2d -> ReLU -> MaxPool2d(2), so a
    28x28 image becomes ``filters`` maps of 7x7 that the linear layer turns into 10 scores.
    The attribute names follow the tutorial (``cnn_layers``, ``linear_layers``).
    """

    name: ClassVar[str] = "article-cnn"

    def __init__(self, filters: int = 4, num_classes: int = 10) -> None:
        super().__init__()
        self.options: dict[str, Any] = {"filters": filters, "num_classes": num_classes}
        self.cnn_layers = nn.Sequential(
            nn.Conv2d(1, filters, kernel_size=3, stride=1, padding=1),
            nn.BatchNorm2d(filters),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(filters, filters, kernel_size=3, stride=1, padding=1),
            nn.BatchNorm2d(filters),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.linear_layers = nn.Sequential(nn.Linear(filters * 7 * 7, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.cnn_layers(x)
        return self.linear_layers(x.flatten(1))


MODELS: dict[str, Callable[..., nn.Module]] = {cls.name: cls for cls in (PlainNet, ArticleCNN)}


def build_model(name: str, *, seed: int = 0, **options: Any) -> nn.Module:
    """Build the model registered as ``name`` with freshly seeded weights (global RNG untouched)."""
    if name not in MODELS:
        raise ApparelError(f"unknown model {name!r}: choose one of {', '.join(MODELS)}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return MODELS[name](**options)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
