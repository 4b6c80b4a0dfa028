"""How long one training step takes, for models timed side by side.

The models take turns, a few steps each, so that a machine whose speed drifts (this book's
2-core machine varied by 2x within an hour) slows them alike; each model's median is reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping
from typing import Protocol

import torch
from torch import nn

from ..constants import IMAGE_SIZE, NUM_CLASSES
from ..data.dataset import make_loader
from ..errors import ApparelError
from .augment import augment_batch
from .devices import autocasts_bf16
from .loop import make_optimizer
from .memory import training_memory
from .recipes import Recipe
from .step import train_step


class _TrainSplit(Protocol):
    x_train: torch.Tensor
    y_train: torch.Tensor

__all__ = ["PHASES", "step_seconds", "phase_seconds"]

PHASES: tuple[str, ...] = ("data", "forward", "backward", "optimiser")
"""The phases of a training step that :func:`phase_seconds` times."""


def step_seconds(
    models: Mapping[str, nn.Module], recipe: Recipe, *, batch_size: int = 256, steps: int = 5,
    rounds: int = 10, seed: int = 0, bf16: Mapping[str, bool] | None = None,
) -> dict[str, float]:
    """Median seconds of one training step (forward, loss, backward, optimiser) of each model on
    the CPU, computed as ``recipe`` computes (bfloat16 where native, channels-last) on a batch of
    ``batch_size`` random pictures. The models take ``rounds`` turns of ``steps`` steps after one
    warm-up turn each. ``bf16`` switches bfloat16 autocast on or off per model name, whatever the
    recipe and the machine's policy say (to time one design both ways). Their weights change:
    pass models built for the purpose."""
    if not models or batch_size < 1 or steps < 1 or rounds < 1:
        raise ApparelError("step_seconds needs models, and a batch size, steps and rounds of at least 1: pass them")
    cpu = torch.device("cpu")
    casts = {name: bf16[name] if bf16 and name in bf16 else autocasts_bf16(recipe, cpu) for name in models}
    layout = torch.channels_last if recipe.channels_last else torch.contiguous_format
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(batch_size, 1, IMAGE_SIZE, IMAGE_SIZE, generator=generator).contiguous(memory_format=layout)
    y = torch.randint(0, NUM_CLASSES, (batch_size,), generator=generator)
    optimizers = {name: make_optimizer(m.to(cpu, memory_format=layout).train(), recipe) for name, m in models.items()}

    def turn(name: str) -> list[float]:
        model, optimizer, times = models[name], optimizers[name], []
        for _ in range(steps):
            start = time.perf_counter()
            train_step(model, optimizer, x, y, bf16=casts[name])
            times.append(time.perf_counter() - start)
        return times

    with training_memory(on_cpu=True, full_batch=False):
        for name in models:
            turn(name)  # warm-up: the first steps choose kernels and allocate
        times: dict[str, list[float]] = {name: [] for name in models}
        for _ in range(rounds):
            for name in models:
                times[name] += turn(name)
    for model in models.values():
        model.to(memory_format=torch.contiguous_format)
    return {name: statistics.median(t) for name, t in times.items()}


def phase_seconds(model: nn.Module, splits: _TrainSplit, recipe: Recipe, *, steps: int = 20, seed: int = 0) -> dict[str, float]:
    """Seconds per epoch that training ``model`` with ``recipe`` on the CPU spends in each of
    :data:`PHASES`: fetching and augmenting a batch, the forward pass with the loss, the
    backward pass and the optimiser's step. The medians of ``steps`` real steps (after two to
    warm up), times the recipe's steps per epoch; the model's weights change."""
    if steps < 1:
        raise ApparelError(f"steps must be at least 1, not {steps!r}")
    cpu = torch.device("cpu")
    layout = torch.channels_last if recipe.channels_last else torch.contiguous_format
    model.to(cpu, memory_format=layout).train()
    optimizer, bf16 = make_optimizer(model, recipe), autocasts_bf16(recipe, cpu)
    loader = make_loader(splits.x_train, splits.y_train, batch_size=recipe.batch_size, shuffle=recipe.batch_size is not None, seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)
    batches, times = iter(loader), {phase: [] for phase in PHASES}
    with training_memory(on_cpu=True, full_batch=recipe.batch_size is None):
        for i in range(steps + 2):
            start = time.perf_counter()
            try:
                xb, yb = next(batches)
            except StopIteration:
                batches = iter(loader)
                xb, yb = next(batches)
            if recipe.augment_shift or recipe.augment_flip:
                xb = augment_batch(xb, shift=recipe.augment_shift, flip=recipe.augment_flip, generator=generator)
            marks = [start, time.perf_counter()]
            train_step(model, optimizer, xb.contiguous(memory_format=layout), yb, bf16=bf16,
                       label_smoothing=recipe.label_smoothing, marks=marks)
            if i >= 2:
                for phase, begin, end in zip(PHASES, marks, marks[1:]):
                    times[phase].append(end - begin)
    model.to(memory_format=torch.contiguous_format)
    return {phase: statistics.median(t) * len(loader) for phase, t in times.items()}
