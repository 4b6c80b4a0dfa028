"""Parameter arithmetic: what a dense layer and a convolution cost, counted from their sizes
(a built model's own count is :func:`~apparel_lib.models.registry.count_parameters`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["dense_parameters", "conv_parameters", "parameter_table"]


def dense_parameters(inputs: int, hidden: int) -> int:
    """Weights and biases of one fully connected layer from ``inputs`` values to ``hidden`` units."""
    return inputs * hidden + hidden


def conv_parameters(in_channels: int, out_channels: int, kernel: int = 3) -> int:
    """Weights and biases of one convolution: independent of the image size."""
    return in_channels * out_channels * kernel * kernel + out_channels


def parameter_table(sizes: Sequence[tuple[int, int, int]], hidden: int = 500, filters: int = 4) -> pd.DataFrame:
    """For each (height, width, channels): flattened inputs, a dense layer's and a 3x3 conv layer's parameters."""
    import pandas as pd

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
