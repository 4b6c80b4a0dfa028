"""One training step: the optimiser a recipe names, then forward, loss, backward, optimiser step.
The loop, the step timing and the benchmark all train through it, so they compute alike."""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.nn import functional as F

from .recipes import Recipe

__all__ = ["make_optimizer", "train_step"]


def make_optimizer(model: nn.Module, recipe: Recipe) -> torch.optim.Optimizer:
    """The optimiser a recipe names, over the model's parameters."""
    params, lr, wd = model.parameters(), recipe.lr, recipe.weight_decay
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=recipe.momentum, weight_decay=wd)
    if recipe.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    return torch.optim.Adam(params, lr=lr, weight_decay=wd)


def train_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, *,
    bf16: bool = False, label_smoothing: float = 0.0, marks: list[float] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step on the batch ``x`` with labels ``y`` (both already on the model's device and in
    its memory format): the gradients are cleared, the loss (cross-entropy, in float32) computed
    under bfloat16 autocast where ``bf16``, and the optimiser steps once. Returns the loss and the
    model's output, for the caller's running totals. With ``marks``, the clock
    (``time.perf_counter``, after the device has finished) is appended after the forward pass,
    the backward pass and the optimiser's step, for timing each phase."""
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=bf16):
        out = model(x)
        loss = F.cross_entropy(out.float(), y, label_smoothing=label_smoothing)
    _mark(marks, x.device)
    loss.backward()
    _mark(marks, x.device)
    optimizer.step()
    _mark(marks, x.device)
    return loss, out


def _mark(marks: list[float] | None, device: torch.device) -> None:
    if marks is not None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        marks.append(time.perf_counter())
