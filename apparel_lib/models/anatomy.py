"""Looking inside a network: the shape after every layer and how far each layer sees."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..errors import ApparelError

__all__ = ["conv_output_size", "shape_trace", "receptive_fields"]


def _pair(value: int | tuple[int, ...]) -> int:
    return int(value[0] if isinstance(value, tuple) else value)


def conv_output_size(n: int, kernel: int, *, stride: int = 1, padding: int = 0) -> int:
    """Output side of a convolution or pooling window: floor((n + 2p - k) / s) + 1."""
    if kernel > n + 2 * padding:
        raise ApparelError(f"a {kernel}-wide window does not fit a {n}-wide input with padding {padding}")
    return (n + 2 * padding - kernel) // stride + 1


@torch.no_grad()
def shape_trace(model: nn.Module, x: torch.Tensor) -> list[dict[str, Any]]:
    """One row per layer that runs on ``x``: its name, type, input and output shape, parameters.

    The model runs once in evaluation mode (its mode is restored afterwards).
    """
    rows: list[dict[str, Any]] = []
    leaves = [(name, m) for name, m in model.named_modules() if not list(m.children())]

    def hook(name: str):
        def record(module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
            rows.append({
                "layer": name,
                "type": type(module).__name__,
                "input": tuple(inputs[0].shape),
                "output": tuple(output.shape),
                "parameters": sum(p.numel() for p in module.parameters()),
            })
        return record

    handles = [m.register_forward_hook(hook(name)) for name, m in leaves]
    was_training = model.training
    try:
        model.eval()
        model(x)
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return rows


def receptive_fields(model: nn.Module) -> list[dict[str, Any]]:
    """How many input pixels (per side) one output value of each conv/pool layer depends on.

    Walks the convolution and pooling layers in order: a k-wide window adds (k - 1) times the
    current jump (the input pixels between neighbouring outputs); a stride multiplies the jump.
    """
    field, jump, rows = 1, 1, []
    for name, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            k, s = _pair(m.kernel_size), _pair(m.stride)
            field += (k - 1) * jump
            jump *= s
            rows.append({"layer": name, "type": type(m).__name__, "kernel": k, "stride": s,
                         "receptive field": field, "jump": jump})
    if not rows:
        raise ApparelError("the model has no convolution or pooling layer")
    return rows
