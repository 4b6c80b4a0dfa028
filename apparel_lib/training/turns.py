"""Timing training steps of several models in turns, each with bfloat16 autocast on or off as
the caller says (no policy here: :mod:`~apparel_lib.training.timing` applies the machine's, and
:mod:`~apparel_lib.training.precision` times both ways to decide it).

The models take turns, a few steps each, so that a machine whose speed drifts (this book's
2-core machine varied by 2x within an hour) slows them alike; each model's median is reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping

import torch
from torch import nn

from ..constants import IMAGE_SIZE, NUM_CLASSES
from ..errors import ApparelError
from .memory import training_memory
from .recipes import Recipe
from .step import make_optimizer, train_step

__all__ = ["steps_in_turns"]


def steps_in_turns(
    models: Mapping[str, nn.Module], recipe: Recipe, casts: Mapping[str, bool], *, batch_size: int = 256,
    steps: int = 5, rounds: int = 10, seed: int = 0,
) -> dict[str, float]:
    """Median seconds of one training step of each model on the CPU, computed as ``recipe``
    computes (channels-last where it says) and under bfloat16 autocast where ``casts[name]``, on
    a batch of ``batch_size`` random pictures: ``rounds`` turns of ``steps`` steps after one
    warm-up turn each. The models' weights change."""
    if not models or batch_size < 1 or steps < 1 or rounds < 1:
        raise ApparelError("step_seconds needs models, and a batch size, steps and rounds of at least 1: pass them")
    cpu = torch.device("cpu")
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
