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

Three options serve the teaching page's exercises and change none of the above at their
defaults: ``kernel_size`` (5 or 7 instead of 3), ``downsample="stride"`` (a stride of 2 in each
stage's last convolution instead of the max-pool) and ``batch_norm=False`` (convolutions with
biases and no batch norm).
"""

from __future__ import annotations

import torch
from torch import nn

from ..constants import IMAGE_SIZE, NUM_CLASSES
from ..errors import ApparelError
from .anatomy import conv_output_size

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
    """Stages of conv -> batch norm -> ReLU, each stage made smaller by a max-pool after it (before
    the stage's last batch norm and ReLU with ``pool_first``) or by a stride of 2 in its last
    convolution, then a dense head.

    ``kernel_size`` (odd) is the side of every convolution's kernel, padded by ``kernel_size // 2``
    so a stride-1 convolution keeps the map's size. ``downsample="stride"`` replaces each max-pool
    by a stride of 2 in the stage's last convolution (28 -> 14 -> 7 -> 4 pixels). Without
    ``batch_norm`` the convolutions keep their biases (nothing cancels them then). The defaults
    build exactly the network this class built before these three options existed.
    """

    LATER_OPTIONS = {"kernel_size": 3, "downsample": "pool", "batch_norm": True}
    """Options added after runs were stored, with their defaults: the registry leaves them out of
    a model's full options while they are at these values, so those runs keep their keys."""

    def __init__(
        self, stages: str = "32|64", dropout: float = 0.0, dense_layers: int = 0, hidden: int = 128,
        pool_first: bool = False, kernel_size: int = 3, downsample: str = "pool", batch_norm: bool = True,
    ) -> None:
        super().__init__()
        if not 0 <= dropout < 1:
            raise ApparelError(f"dropout must be in [0, 1), not {dropout!r}")
        if dense_layers < 0 or hidden < 1:
            raise ApparelError(f"dense_layers must be >= 0 and hidden >= 1, not {dense_layers!r} and {hidden!r}")
        if not isinstance(kernel_size, int) or kernel_size < 1 or kernel_size % 2 == 0:
            raise ApparelError(f"kernel_size must be an odd positive whole number (1, 3, 5, 7, ...), not {kernel_size!r}")
        if downsample not in ("pool", "stride"):
            raise ApparelError(f"downsample must be 'pool' (a 2x2 max-pool) or 'stride' (a stride of 2), not {downsample!r}")
        if downsample == "stride" and pool_first:
            raise ApparelError("pool_first places a max-pool, and downsample='stride' has none: pass pool_first=False with it")
        layers: list[nn.Module] = []
        channels, side, padding = 1, IMAGE_SIZE, kernel_size // 2
        for stage in parse_stages(stages):
            for i, width in enumerate(stage):
                stride = 2 if downsample == "stride" and i == len(stage) - 1 else 1
                layers.append(nn.Conv2d(channels, width, kernel_size, stride=stride, padding=padding, bias=not batch_norm))
                after: list[nn.Module] = [nn.BatchNorm2d(width)] if batch_norm else []
                layers += after + [nn.ReLU(inplace=True)]
                channels = width
                side = conv_output_size(side, kernel_size, stride=stride, padding=padding)
            if downsample == "pool":
                layers.insert(len(layers) - len(after) - 1 if pool_first else len(layers), nn.MaxPool2d(2))
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
        pool_first: bool = True, kernel_size: int = 3, downsample: str = "pool", batch_norm: bool = True,
    ) -> None:
        super().__init__(
            stages=stages, dropout=dropout, dense_layers=dense_layers, hidden=hidden, pool_first=pool_first,
            kernel_size=kernel_size, downsample=downsample, batch_norm=batch_norm,
        )
