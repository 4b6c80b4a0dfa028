"""Ablations of ``best-cnn``: the road from the tutorial's CNN, one change at a time
(:func:`ablation_specs`, a small-budget exercise), and chapter 7's leave-one-out on the full
data (its rows :data:`LEAVE_ONE_OUT`, their runs :func:`leave_one_out_specs` and their table
:func:`leave_one_out_table`).

In the road, each step keeps every change before it and adds one; the last kept step is
``best-cnn`` with the ``best`` recipe. A step marked ``kept=False`` is tried on top of the step
before it and then dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..data.variants import DataVariant
from ..errors import ApparelError
from ..runs.spec import RunResult, RunSpec, run_spec
from .seeds import SEEDS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AblationStep", "ABLATION", "ablation_specs", "ablation_table", "LEAVE_ONE_OUT", "leave_one_out_specs", "leave_one_out_table"]


@dataclass(frozen=True)
class AblationStep:
    """One change: a label, the model options and recipe fields it sets, and whether it is kept."""

    label: str
    options: dict[str, Any] = field(default_factory=dict)
    recipe: dict[str, Any] = field(default_factory=dict)
    kept: bool = True


# The start: the tutorial's two 4-filter blocks (``cnn`` "4|4" is the tutorial's CNN without the
# conv biases that batch norm cancels), trained with plain Adam on mini-batches, nothing else.
START_OPTIONS: dict[str, Any] = {"stages": "4|4", "dropout": 0.0}
START_RECIPE: dict[str, Any] = {
    "optimizer": "adam", "lr": 0.002, "weight_decay": 0.0, "schedule": "constant", "label_smoothing": 0.0,
    "augment_flip": False, "augment_shift": 0, "autocast_bf16": False, "channels_last": False,
}

ABLATION: tuple[AblationStep, ...] = (
    AblationStep("the tutorial's CNN, Adam on mini-batches"),
    AblationStep("bfloat16 and channels-last (speed only)", recipe={"autocast_bf16": True, "channels_last": True}),
    AblationStep("more filters: 32 and 48", options={"stages": "32|48"}),
    AblationStep("a third stage: 96 filters at 7x7", options={"stages": "32|48|96"}),
    AblationStep("a second convolution at 14x14", options={"stages": "32|48,48|96"}),
    AblationStep("dropout 0.2 before the linear layer", options={"dropout": 0.2}),
    AblationStep("AdamW with a one-cycle schedule", recipe={"optimizer": "adamw", "weight_decay": 0.01, "lr": 0.006, "schedule": "onecycle"}),
    AblationStep("label smoothing 0.1", recipe={"label_smoothing": 0.1}),
    AblationStep("random left-right flips", recipe={"augment_flip": True}),
    AblationStep("max-pool before batch norm and ReLU (= best-cnn)", options={"pool_first": True}),
    AblationStep("tried instead: random shifts of up to 2 px", recipe={"augment_flip": False, "augment_shift": 2}, kept=False),
)
"""The steps, in order; applying every kept step to the start gives ``best-cnn`` and ``best``."""


def ablation_specs(
    *, seeds: Sequence[int] = (0,), train_subset: int | None = None, val_subset: int | None = None,
    epochs: int | None = None, steps: Sequence[AblationStep] = ABLATION,
) -> list[tuple[str, RunSpec]]:
    """``(label, spec)`` for every step and seed, cumulative; optionally on stratified training
    and validation subsets and with fewer epochs (the recipe's batch size and the rest stay)."""
    if not seeds:
        raise ApparelError("ablation_specs needs at least one seed")
    data = DataVariant(train_subset=train_subset, val_subset=val_subset)
    changes = {"epochs": epochs} if epochs else {}
    options, recipe = dict(START_OPTIONS), dict(START_RECIPE)
    out = []
    for step in steps:
        step_options, step_recipe = {**options, **step.options}, {**recipe, **step.recipe}
        if step.kept:
            options, recipe = step_options, step_recipe
        for seed in seeds:
            out.append((step.label, run_spec("cnn", "best", seed=seed, data=data, options=step_options, **step_recipe, **changes)))
    return out


def ablation_table(labelled: Sequence[tuple[str, RunResult]], steps: Sequence[AblationStep] = ABLATION) -> pd.DataFrame:
    """One row per step, in order: parameters, validation accuracy (mean, and lowest and highest
    over the seeds), seeds, mean training seconds, and the ``gain`` in mean validation accuracy
    over the last kept step before it; ``clear`` says whether that gain is larger than the
    seed-to-seed range of either row (always False with one seed): see
    :func:`~apparel_lib.runs.compare.step_table`."""
    from ..runs.compare import step_table

    if not labelled:
        raise ApparelError("no ablation results: pass the (label, result) pairs of ablation_specs, trained")
    return step_table(labelled, {step.label: step.kept for step in steps}, name="change")


LEAVE_ONE_OUT: tuple[tuple[str, dict, dict], ...] = (
    ("best-cnn (nothing removed)", {}, {}),
    ("half the filters (16, 24, 48)", {"stages": "16|24,24|48"}, {}),
    ("no second convolution at 14x14", {"stages": "32|48|96"}, {}),
    ("no third stage", {"stages": "32|48,48"}, {}),
    ("no dropout", {"dropout": 0.0}, {}),
    ("pool after batch norm and ReLU", {"pool_first": False}, {}),
    ("Adam at a constant rate, no weight decay", {}, {"optimizer": "adam", "lr": 0.002, "weight_decay": 0.0, "schedule": "constant"}),
    ("no label smoothing", {}, {"label_smoothing": 0.0}),
    ("no flips", {}, {"augment_flip": False}),
)
"""Chapter 7's ablation on the full data: best-cnn, then each ingredient taken out in turn
(label, model options changed, recipe fields changed)."""


def leave_one_out_specs(seeds: Sequence[int] = SEEDS) -> list[tuple[str, RunSpec]]:
    """``(label, spec)`` for every row of :data:`LEAVE_ONE_OUT` and seed: ``best-cnn`` with the
    ``best`` recipe, one ingredient removed (bfloat16 and channels-last stay: they change speed only)."""
    return [(label, run_spec("best-cnn", "best", options=options, seed=seed, **recipe))
            for label, options, recipe in LEAVE_ONE_OUT for seed in seeds]


def leave_one_out_table(labelled: Sequence[tuple[str, RunResult]]) -> pd.DataFrame:
    """One row per label, in order, the first being the full model: :func:`~apparel_lib.runs.compare.seed_comparison`
    against it (parameters, mean and standard deviation of validation accuracy over the seeds,
    mean training seconds, ``change``, ``noise`` and ``clear``)."""
    from ..runs.compare import seed_comparison

    if not labelled:
        raise ApparelError("no leave-one-out results: pass the (label, result) pairs of leave_one_out_specs, trained")
    return seed_comparison(labelled, name="removed")
