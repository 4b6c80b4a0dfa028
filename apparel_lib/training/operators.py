"""Where a training step's time goes, by operator: a ``torch.profiler`` trace of real steps,
each operator's own time summed into a few groups (convolution, normalisation and activation,
pooling, optimiser, data, other).

The steps are the loop's (:func:`~apparel_lib.training.step.train_step` on batches fetched as
:func:`~apparel_lib.training.timing.training_batches` fetches them), so they compute as
training does: the recipe's batch size, memory format and the machine's bfloat16 policy.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile, record_function

from ..errors import ApparelError
from .devices import autocasts_bf16
from .memory import training_memory
from .recipes import Recipe
from .step import make_optimizer, train_step
from .timing import training_batches


class _TrainSplit(Protocol):
    x_train: torch.Tensor
    y_train: torch.Tensor


__all__ = ["GROUPS", "OP_GROUPS", "SCOPES", "DATA_SCOPE", "op_group", "StepProfile", "profile_steps"]

GROUPS: tuple[str, ...] = ("convolution", "normalisation and activation", "pooling", "optimiser", "data", "other")
"""The groups a step's time is split into, in the order they are shown."""

DATA_SCOPE = "apparel::fetch_batch"
"""The label of the profiled span that fetches and augments a batch."""

SCOPES: dict[str, str] = {
    DATA_SCOPE: "data",
    "enumerate(DataLoader)#": "data",
    "Optimizer.step#": "optimiser",
    "Optimizer.zero_grad#": "optimiser",
}
"""Spans by the start of their label: every operator inside one belongs to its group, whatever its name."""

OP_GROUPS: dict[str, str] = {
    **dict.fromkeys((
        "aten::conv2d", "aten::convolution", "aten::_convolution", "aten::mkldnn_convolution",
        "aten::_slow_conv2d_forward", "aten::_slow_conv2d_backward", "aten::convolution_backward",
        "aten::linear", "aten::addmm", "aten::mm", "aten::matmul", "aten::bmm",
    ), "convolution"),  # the layers whose multiply-adds FLOPs count: convolutions and the linear head
    **dict.fromkeys((
        "aten::batch_norm", "aten::_batch_norm_impl_index", "aten::native_batch_norm",
        "aten::_native_batch_norm_legit", "aten::_native_batch_norm_legit_no_training",
        "aten::native_batch_norm_backward", "aten::relu", "aten::relu_", "aten::threshold_backward",
        "aten::gelu", "aten::gelu_backward", "aten::silu", "aten::silu_backward",
        "aten::dropout", "aten::native_dropout", "aten::native_dropout_backward",
    ), "normalisation and activation"),
    **dict.fromkeys((
        "aten::max_pool2d", "aten::max_pool2d_with_indices", "aten::max_pool2d_with_indices_backward",
        "aten::avg_pool2d", "aten::avg_pool2d_backward", "aten::adaptive_avg_pool2d",
        "aten::_adaptive_avg_pool2d", "aten::_adaptive_avg_pool2d_backward",
        "aten::adaptive_max_pool2d", "aten::adaptive_max_pool2d_backward",
    ), "pooling"),
}
"""Operators by name: the innermost named one an operator runs in decides its group (a
backward node's kernels go with the backward operator, e.g. ``aten::convolution_backward``)."""


def op_group(names: Iterable[str]) -> str:
    """The group of an operator, given the names from the outermost span it runs in down to its
    own: the outermost span in :data:`SCOPES`, else the innermost name in :data:`OP_GROUPS`,
    else ``other``."""
    names = list(names)
    for name in names:
        for start, group in SCOPES.items():
            if name.startswith(start):
                return group
    for name in reversed(names):
        if name in OP_GROUPS:
            return OP_GROUPS[name]
    return "other"


@dataclass(frozen=True)
class StepProfile:
    """Seconds per training step in each of :data:`GROUPS` (each operator's own time, without
    the operators it calls), and ``seconds``, the wall time of a whole profiled step: what the
    groups leave of it is Python between the operators (:attr:`between`)."""

    groups: dict[str, float]
    seconds: float
    steps: int

    @property
    def between(self) -> float:
        """Seconds per step outside every operator (the Python that calls them, the profiler's own)."""
        return max(0.0, self.seconds - sum(self.groups.values()))

    def parts(self) -> dict[str, float]:
        """Seconds per step of each group, then ``between operators``: together, the whole step."""
        return {**self.groups, "between operators": self.between}

    def shares(self) -> dict[str, float]:
        """Each of :meth:`parts` as a fraction of the step's wall time."""
        return {part: seconds / self.seconds for part, seconds in self.parts().items()}


def _group_times(events: Any) -> dict[str, float]:
    """Seconds of own CPU time per group, summed over the profiler's ``events``."""
    totals = dict.fromkeys(GROUPS, 0.0)
    for event in events:
        names, parent = [event.name], event.cpu_parent
        while parent is not None:
            names.append(parent.name)
            parent = parent.cpu_parent
        totals[op_group(reversed(names))] += event.self_cpu_time_total / 1e6
    return totals


def profile_steps(model: nn.Module, splits: _TrainSplit, recipe: Recipe, *, steps: int = 5, warmup: int = 2, seed: int = 0) -> StepProfile:
    """Profile ``steps`` training steps of ``model`` with ``recipe`` on the CPU (after ``warmup``
    unprofiled ones), batches fetched and augmented as the loop does; return the mean step's time
    by group. The model's weights change."""
    if steps < 1 or warmup < 0:
        raise ApparelError(f"profile_steps needs steps of at least 1 and warmup of at least 0: got {steps}, {warmup}")
    cpu = torch.device("cpu")
    layout = torch.channels_last if recipe.channels_last else torch.contiguous_format
    model.to(cpu, memory_format=layout).train()
    optimizer, bf16 = make_optimizer(model, recipe), autocasts_bf16(recipe, cpu)
    batches = training_batches(splits, recipe, seed=seed)

    def step() -> None:
        with record_function(DATA_SCOPE):
            xb, yb = next(batches)
        train_step(model, optimizer, xb, yb, bf16=bf16, label_smoothing=recipe.label_smoothing)

    with training_memory(on_cpu=True, full_batch=recipe.batch_size is None):
        for _ in range(warmup):
            step()
        # Kineto, the profiler's engine, writes its own progress lines ("profiler_start" ...)
        # straight to the process's stderr, into a notebook's output; level 6 keeps it quiet.
        os.environ.setdefault("KINETO_LOG_LEVEL", "6")
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            start = time.perf_counter()
            for _ in range(steps):
                step()
            seconds = time.perf_counter() - start
    model.to(memory_format=torch.contiguous_format)
    totals = _group_times(prof.events())
    return StepProfile({g: s / steps for g, s in totals.items()}, seconds / steps, steps)
