"""Looking inside a network: the shape after every layer, how far each layer sees, and its feature maps."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..errors import ApparelError
from .modes import in_mode

__all__ = ["conv_output_size", "shape_trace", "receptive_fields", "receptive_box", "activation_layers", "capture_maps"]


def _pair(value: int | tuple[int, ...]) -> int:
    return int(value[0] if isinstance(value, tuple) else value)


def conv_output_size(n: int, kernel: int, *, stride: int = 1, padding: int = 0) -> int:
    """Output side of a convolution or pooling window: floor((n + 2p - k) / s) + 1."""
    if kernel > n + 2 * padding:
        raise ApparelError(f"a {kernel}-wide window does not fit a {n}-wide input with padding {padding}")
    return (n + 2 * padding - kernel) // stride + 1


def _run_hooked(model: nn.Module, x: torch.Tensor, hooks: list[tuple[nn.Module, Any]]) -> None:
    """Run ``model`` once on ``x`` in evaluation mode with forward ``hooks`` attached; restore its
    mode and remove the hooks afterwards, whatever happens."""
    handles = [module.register_forward_hook(fn) for module, fn in hooks]
    try:
        with in_mode(model):
            model(x)
    finally:
        for h in handles:
            h.remove()


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

    _run_hooked(model, x, [(m, hook(name)) for name, m in leaves])
    return rows


_ACTIVATIONS = (nn.ReLU, nn.GELU, nn.SiLU, nn.LeakyReLU, nn.ELU, nn.Tanh)


def receptive_fields(model: nn.Module) -> list[dict[str, Any]]:
    """How many input pixels (per side) one output value of each conv/pool layer depends on.

    Walks the convolution and pooling layers in order: a k-wide window adds (k - 1) times the
    current jump (the input pixels between neighbouring outputs); a stride multiplies the jump;
    padding p moves the first window p jumps before the picture's edge (``start``: the input
    pixel where output 0's window begins, negative when it hangs over the edge).
    """
    field, jump, start, rows = 1, 1, 0, []
    for name, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            k, s, p = _pair(m.kernel_size), _pair(m.stride), _pair(m.padding)
            start -= p * jump
            field += (k - 1) * jump
            jump *= s
            rows.append({"layer": name, "type": type(m).__name__, "kernel": k, "stride": s,
                         "receptive field": field, "jump": jump, "start": start})
    if not rows:
        raise ApparelError("the model has no convolution or pooling layer")
    return rows


def receptive_box(model: nn.Module, layer: str, row: int, col: int, *, side: int = 28,
                  clip: bool = True) -> tuple[int, int, int, int]:
    """The input pixels output ``(row, col)`` of ``layer`` depends on, as ``(top, left, bottom,
    right)`` (bottom and right exclusive), clipped to a ``side`` x ``side`` picture; with
    ``clip=False``, the whole receptive field, which may reach over the edge onto the padding.

    ``layer`` is a convolution or pooling layer, or a batch norm or activation: those keep the
    size and see what the convolution or pooling layer before them sees.
    """
    rows = {r["layer"]: r for r in receptive_fields(model)}
    if layer not in rows:
        order = [name for name, _ in model.named_modules()]
        module = dict(model.named_modules()).get(layer)
        before = [name for name in order[: order.index(layer)] if name in rows] if module is not None else []
        if not isinstance(module, (nn.BatchNorm2d, *_ACTIVATIONS)) or not before:
            raise ApparelError(
                f"{layer!r} is not a convolution, pooling, batch norm or activation layer of the model "
                f"after a convolution: use one of {', '.join(rows)}"
            )
        layer = before[-1]
    r = rows[layer]
    top, left = r["start"] + row * r["jump"], r["start"] + col * r["jump"]
    bottom, right = top + r["receptive field"], left + r["receptive field"]
    if not clip:
        return top, left, bottom, right
    return max(top, 0), max(left, 0), min(bottom, side), min(right, side)


def activation_layers(model: nn.Module) -> dict[str, str]:
    """The activation after each convolution, named for the reader: ``{"conv 1": "features.2", ...}``.

    Each activation is the one that follows a convolution (through batch norm, if any), in order.
    """
    found: dict[str, str] = {}
    waiting = False
    for name, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            waiting = True
        elif waiting and isinstance(m, _ACTIVATIONS):
            found[f"conv {len(found) + 1}"] = name
            waiting = False
    if not found:
        raise ApparelError("the model has no convolution followed by an activation")
    return found


@torch.no_grad()
def capture_maps(model: nn.Module, x: torch.Tensor, layers: list[str] | None = None) -> dict[str, torch.Tensor]:
    """The outputs of the named sub-modules (default: :func:`activation_layers`) for input ``x``.

    Forward hooks COPY each output (``detach().clone()``) the moment it is made: an in-place
    activation that runs later (``ReLU(inplace=True)`` after a conv or batch norm) would otherwise
    rewrite the stored tensor. The model runs once in evaluation mode (its mode is restored).
    """
    modules = dict(model.named_modules())
    names = list(activation_layers(model).values()) if layers is None else list(layers)
    unknown = [n for n in names if n not in modules]
    if unknown:
        raise ApparelError(f"the model has no layer {unknown[0]!r}: use names from model.named_modules()")
    maps: dict[str, torch.Tensor] = {}

    def hook(name: str):
        def keep(module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
            maps[name] = output.detach().clone()
        return keep

    _run_hooked(model, x, [(modules[n], hook(n)) for n in names])
    return {n: maps[n] for n in names}
