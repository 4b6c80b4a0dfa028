"""``speedrun-cnn``: a small four-stage CNN for a short run, which also looks at each picture's mirror image when judging it.

It is a :class:`~apparel_lib.models.convnet.ConvNet` with one convolution per stage and four
stages of 16, 32, 64 and 128 filters (at 28, 14, 7 and 3 pixels a side, each pooled before its
batch norm and ReLU, the last down to one pixel), and no dropout, which a short run does not
need; other designs are options (``stages``). Most of its filters work on the small maps, where
they cost little arithmetic. In evaluation mode, with ``test_flip``, it scores each picture and
its left-right mirror image and returns the log of their mean class probabilities, so every
caller (accuracy, predictions, probabilities) sees the two views' consensus; in training mode
it is a plain ConvNet. Chapter 11 shows the path to this design and what each choice buys.
"""

from __future__ import annotations

import math

import torch

from .convnet import ConvNet

__all__ = ["SpeedrunCNN"]


class SpeedrunCNN(ConvNet):
    """Four one-convolution stages (16, 32, 64, 128 filters), pooled first, no dropout; mirror views when judging."""

    def __init__(self, stages: str = "16|32|64|128", dropout: float = 0.0, pool_first: bool = True, test_flip: bool = True) -> None:
        super().__init__(stages=stages, dropout=dropout, pool_first=pool_first)
        self.test_flip = test_flip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training or not self.test_flip:
            return super().forward(x)
        views = torch.stack([super().forward(x).log_softmax(1), super().forward(x.flip(-1)).log_softmax(1)])
        return torch.logsumexp(views, dim=0) - math.log(len(views))
