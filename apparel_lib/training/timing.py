"""How long one training step takes, for models timed side by side under the machine's
bfloat16 policy, and where an epoch's time goes (data, forward, backward, optimiser)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Mapping
from typing import Protocol

import torch
from torch import nn

from ..data.dataset import make_loader
from ..errors import ApparelError
from .augment import augment_batch
from .devices import autocasts_bf16
from .memory import training_memory
from .recipes import Recipe
from .step import make_optimizer, train_step
from .turns import steps_in_turns


class _TrainSplit(Protocol):
    x_train: torch.Tensor
    y_train: torch.Tensor

__all__ = ["PHASES", "step_seconds", "phase_seconds", "steps_per_epoch", "training_batches"]

PHASES: tuple[str, ...] = ("data", "forward", "backward", "optimiser")
"""The phases of a training step that :func:`phase_seconds` times."""


def step_seconds(
    models: Mapping[str, nn.Module], recipe: Recipe, *, batch_size: int = 256, steps: int = 5,
    rounds: int = 10, seed: int = 0, bf16: Mapping[str, bool] | None = None,
) -> dict[str, float]:
    """Median seconds of one training step (forward, loss, backward, optimiser) of each model on
    the CPU, computed as ``recipe`` computes (bfloat16 where the machine's policy allows it,
    channels-last) on a batch of ``batch_size`` random pictures, the models taking turns (see
    :func:`~apparel_lib.training.turns.steps_in_turns`): ``rounds`` turns of ``steps`` steps after
    one warm-up turn each. ``bf16`` switches bfloat16 autocast on or off per model name, whatever
    the recipe and the machine's policy say (to time one design both ways). Their weights change:
    pass models built for the purpose."""
    cpu = torch.device("cpu")
    casts = {name: bf16[name] if bf16 and name in bf16 else autocasts_bf16(recipe, cpu) for name in models}
    return steps_in_turns(models, recipe, casts, batch_size=batch_size, steps=steps, rounds=rounds, seed=seed)


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
    batches, times = training_batches(splits, recipe, seed=seed), {phase: [] for phase in PHASES}
    with training_memory(on_cpu=True, full_batch=recipe.batch_size is None):
        for i in range(steps + 2):
            start = time.perf_counter()
            xb, yb = next(batches)
            marks = [start, time.perf_counter()]
            train_step(model, optimizer, xb, yb, bf16=bf16, label_smoothing=recipe.label_smoothing, marks=marks)
            if i >= 2:
                for phase, begin, end in zip(PHASES, marks, marks[1:]):
                    times[phase].append(end - begin)
    model.to(memory_format=torch.contiguous_format)
    return {phase: statistics.median(t) * steps_per_epoch(splits, recipe) for phase, t in times.items()}


def steps_per_epoch(splits: _TrainSplit, recipe: Recipe) -> int:
    """How many steps one epoch of ``recipe`` makes over ``splits.x_train``."""
    return 1 if recipe.batch_size is None else -(-len(splits.x_train) // recipe.batch_size)


def training_batches(splits: _TrainSplit, recipe: Recipe, *, seed: int = 0) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Endless training batches of ``recipe`` on the CPU, as the loop fetches them: shuffled
    mini-batches (epoch after epoch), augmented as the recipe says, in its memory format."""
    layout = torch.channels_last if recipe.channels_last else torch.contiguous_format
    loader = make_loader(splits.x_train, splits.y_train, batch_size=recipe.batch_size, shuffle=recipe.batch_size is not None, seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)
    while True:
        for xb, yb in loader:
            if recipe.augment_shift or recipe.augment_flip:
                xb = augment_batch(xb, shift=recipe.augment_shift, flip=recipe.augment_flip, generator=generator)
            yield xb.contiguous(memory_format=layout), yb
