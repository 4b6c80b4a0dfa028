"""A CNN described by a short string, and ``best-cnn``, the book's design built from it.

``stages="32|64,64|128"`` reads: a stage of one 32-filter convolution, a stage of two 64-filter
convolutions, a stage of one 128-filter convolution. Every convolution is 3x3 with padding 1,
no bias (batch norm right after it has its own), then batch norm and ReLU; every stage ends in a
2x2 max-pool, so 28 -> 14 -> 7 -> 3 pixels. With ``pool_first`` the last convolution of each
stage is pooled *before* its batch norm and ReLU: both are increasing functions when batch norm's
scale is positive, and the maximum of increasing values is taken either way, so the network
computes the same kind of function on a quarter of the values (batch norm's statistics are
those of the pooled maps). The maps are flattened, dropped out with
probability ``dropout``, passed through ``dense_layers`` hidden layers of ``hidden`` ReLU units,
and a linear layer gives the 10 scores. ``"4|4"`` is the tutorial's CNN (without the bias that
batch norm cancels), so one class spans the ablation from the tutorial to ``best-cnn`` and the
tuner's search space.
"""

from __future__ import annotations

import torch
from torch import nn

from ..constants import IMAGE_SIZE, NUM_CLASSES
from ..errors import ApparelError

__all__ = ["parse_stages", "ConvNet", "BestCNN"]


def parse_stages(stages: str) -> list[list[int]]:
    """``"32|64,64|128"`` -> ``[[32], [64, 64], [128]]``, checked: 1 to 4 stages of positive widths."""
    try:
        parsed = [[int(w) for w in stage.split(",")] for stage in stages.split("|")]
    except (AttributeError, ValueError):
        parsed = []
    if not 1 <= len(parsed) <= 4 or any(not stage or min(stage) < 1 for stage in parsed):
        raise ApparelError(
            f"stages {stages!r} is not a CNN description: write 1 to 4 stages separated by '|', "
            f"each a comma-separated list of filter counts, e.g. '32|64,64|128'"
        )
    return parsed


class ConvNet(nn.Module):
    """Stages of 3x3 conv -> batch norm -> ReLU, a max-pool after each stage (before the stage's
    last batch norm and ReLU with ``pool_first``), then a dense head."""

    def __init__(
        self, stages: str = "32|64", dropout: float = 0.0, dense_layers: int = 0, hidden: int = 128,
        pool_first: bool = False,
    ) -> None:
        super().__init__()
        if not 0 <= dropout < 1:
            raise ApparelError(f"dropout must be in [0, 1), not {dropout!r}")
        if dense_layers < 0 or hidden < 1:
            raise ApparelError(f"dense_layers must be >= 0 and hidden >= 1, not {dense_layers!r} and {hidden!r}")
        layers: list[nn.Module] = []
        channels, side = 1, IMAGE_SIZE
        for stage in parse_stages(stages):
            for width in stage:
                layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
                channels = width
            if pool_first:
                layers.insert(len(layers) - 2, nn.MaxPool2d(2))
            else:
                layers.append(nn.MaxPool2d(2))
            side //= 2
        self.features = nn.Sequential(*layers)
        head: list[nn.Module] = [nn.Flatten(), nn.Dropout(dropout)]
        width = channels * side * side
        for _ in range(dense_layers):
            head += [nn.Linear(width, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout)]
            width = hidden
        head.append(nn.Linear(width, NUM_CLASSES))
        self.head = nn.Sequential(*head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class BestCNN(ConvNet):
    """The book's CNN (chapter 7): four convolutions in three stages (32, 48 and 48, 96 filters),
    each stage pooled before its last batch norm and ReLU, dropout 0.2, one linear layer.

    The widths are chosen for accuracy per second on a 2-core CPU: the wider ``"32|64,64|128"``
    trained markedly longer for a small gain in validation accuracy (chapter 7 measures the
    choices; ``python -m benchmarks`` times the model).
    """

    def __init__(
        self, stages: str = "32|48,48|96", dropout: float = 0.2, dense_layers: int = 0, hidden: int = 128,
        pool_first: bool = True,
    ) -> None:
        super().__init__(stages=stages, dropout=dropout, dense_layers=dense_layers, hidden=hidden, pool_first=pool_first)
