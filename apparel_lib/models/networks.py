"""The book's networks: a linear model, the plain network and the tutorial's CNN.

Each takes its options as keyword arguments with defaults; the registry (``registry``) builds
them by name and records the options used.
"""

from __future__ import annotations

import torch
from torch import nn

from ..constants import IMAGE_SIZE, NUM_CLASSES, PIXELS

__all__ = ["LinearNet", "PlainNet", "TutorialCNN"]


class LinearNet(nn.Module):
    """Softmax regression: 784 flattened pixels -> 10 scores, nothing in between."""

    def __init__(self) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.output = nn.Linear(PIXELS, NUM_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.flatten(x))


class PlainNet(nn.Module):
    """The plain network: 784 flattened pixels -> ``hidden`` ReLU units -> 10 scores."""

    def __init__(self, hidden: int = 500) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(PIXELS, hidden)
        self.relu = nn.ReLU()
        self.output = nn.Linear(hidden, NUM_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.relu(self.hidden(self.flatten(x))))


class TutorialCNN(nn.Module):
    """The tutorial's CNN, layer for layer: two conv blocks, one linear layer.

    Each block is Conv2d(3x3, stride 1, padding 1) -> BatchNorm2d -> ReLU ->
    MaxPool2d(2), so a 28x28 image becomes ``filters`` maps of 7x7 that the linear
    layer turns into 10 scores. Attribute names follow the tutorial.
    """

    def __init__(self, filters: int = 4) -> None:
        super().__init__()
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
        side = IMAGE_SIZE // 4
        self.linear_layers = nn.Sequential(
            nn.Linear(filters * side * side, NUM_CLASSES),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.cnn_layers(x)
        return self.linear_layers(x.flatten(1))
