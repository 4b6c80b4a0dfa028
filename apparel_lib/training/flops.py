"""How much arithmetic a training run costs: floating-point operations, the same on every machine.

Seconds depend on the processor, its other work and the hour; the FLOPs of a run depend only on
the model, the recipe and the number of pictures. They are counted by PyTorch's own
``torch.utils.flop_counter.FlopCounterMode`` on one real step, in the convention of the
literature: a multiply-add is 2 operations, and only convolutions and matrix products count
(batch norm, ReLU, pooling and the optimiser are a few per cent and are left out).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

from ..constants import IMAGE_SIZE
from ..errors import ApparelError
from .recipes import Recipe

__all__ = ["RunFlops", "step_flops", "run_flops"]


@dataclass(frozen=True)
class RunFlops:
    """The FLOPs of one training run: ``training`` (forward and backward over every training
    picture of every epoch) and ``evaluation`` (the validation pass after each epoch)."""

    training: float
    evaluation: float

    @property
    def total(self) -> float:
        return self.training + self.evaluation

    def __str__(self) -> str:
        """E.g. ``23.4 TFLOPs (22.9 training, 0.5 validation)``."""
        return f"{self.total / 1e12:.1f} TFLOPs ({self.training / 1e12:.1f} training, {self.evaluation / 1e12:.1f} validation)"


def step_flops(model: nn.Module, *, batch_size: int = 64, train_mode: bool = True) -> float:
    """FLOPs per picture of one step on ``model``: forward and backward in training mode, or the
    forward pass alone in evaluation mode (``train_mode=False``), counted on a copy of the model
    so its weights and batch-norm statistics are untouched."""
    if batch_size < 1:
        raise ApparelError(f"batch_size must be at least 1, not {batch_size!r}")
    twin = copy.deepcopy(model).cpu().train(train_mode)
    x = torch.rand(batch_size, 1, IMAGE_SIZE, IMAGE_SIZE, generator=torch.Generator().manual_seed(0))
    y = torch.arange(batch_size) % 10
    with FlopCounterMode(display=False) as counter:
        if train_mode:
            F.cross_entropy(twin(x), y).backward()
        else:
            with torch.no_grad():
                twin(x)
    return counter.get_total_flops() / batch_size


def run_flops(model: nn.Module, recipe: Recipe, *, train_size: int, val_size: int, epochs: int | None = None) -> RunFlops:
    """The FLOPs of training ``model`` with ``recipe`` on ``train_size`` pictures, validating on
    ``val_size`` after each of ``epochs`` epochs (the recipe's by default)."""
    epochs = recipe.epochs if epochs is None else epochs
    if train_size < 1 or val_size < 0 or epochs < 1:
        raise ApparelError(f"a run needs training pictures and epochs: got train_size={train_size}, val_size={val_size}, epochs={epochs}")
    per_train = step_flops(model, train_mode=True)
    per_eval = step_flops(model, train_mode=False)
    return RunFlops(training=per_train * train_size * epochs, evaluation=per_eval * val_size * epochs)
