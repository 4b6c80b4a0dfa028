"""Reading many runs at once and probing trained models: mean and spread over seeds, differences
larger than that spread, accuracy on shifted or flipped pictures, and a plain network rewired to
read shuffled pixels.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from ..data.variants import shift_images
from ..errors import ApparelError
from ..training.evaluate import accuracy
from .spec import RunResult

__all__ = ["summarize", "group_by_label", "seed_comparison", "shift_accuracy", "flip_accuracy", "permute_input_weights"]

SHIFT_DIRECTIONS: tuple[tuple[int, int], ...] = ((1, 0), (-1, 0), (0, 1), (0, -1))


def summarize(results: Sequence[RunResult], by: Sequence[str] = ("model",)) -> pd.DataFrame:
    """One row per group of runs (the columns ``by`` of :meth:`RunResult.row`): parameters, seeds,
    mean seconds per epoch, and the mean and standard deviation (n - 1) of validation and test
    accuracy over the group's seeds (the deviation is NaN for a single seed)."""
    if not results:
        raise ApparelError("no results to summarize: pass the runs returned by get_or_run")
    rows = pd.DataFrame([{**r.row(), "s_per_epoch": r.seconds / r.history.epochs} for r in results])
    missing = [c for c in by if c not in rows.columns]
    if missing:
        raise ApparelError(f"results have no column {', '.join(map(repr, missing))}: use columns of RunResult.row()")
    grouped = rows.groupby(list(by), sort=False, dropna=False)
    return grouped.agg(
        parameters=("parameters", "first"),
        seeds=("seed", "nunique"),
        s_per_epoch=("s_per_epoch", "mean"),
        val_acc=("val_acc", "mean"),
        val_sd=("val_acc", "std"),
        test_acc=("test_acc", "mean"),
        test_sd=("test_acc", "std"),
    ).reset_index()


def group_by_label(labelled: Sequence[tuple[str, RunResult]], name: str) -> pd.core.groupby.DataFrameGroupBy:
    """The runs as rows (label in column ``name``, parameters, val_acc, seconds, seed), grouped
    by label in their order."""
    rows = pd.DataFrame([{name: label, "parameters": r.parameters, "val_acc": r.val_acc,
                          "seconds": r.seconds, "seed": r.spec.seed} for label, r in labelled])
    return rows.groupby(name, sort=False)


def seed_comparison(labelled: Sequence[tuple[str, RunResult]], *, against: str | None = None, name: str = "run") -> pd.DataFrame:
    """One row per label, in order: parameters, mean and standard deviation of validation accuracy
    over the seeds, seeds, mean training seconds, the ``change`` of the mean against the row
    ``against`` (the first by default), its ``noise`` (two standard errors of a difference of two
    means) and ``clear`` (the change is larger than its noise)."""
    if not labelled:
        raise ApparelError("no runs to compare: pass (label, result) pairs, several seeds per label")
    table = group_by_label(labelled, name).agg(
        parameters=("parameters", "first"), val_acc=("val_acc", "mean"), val_sd=("val_acc", "std"),
        seeds=("seed", "nunique"), seconds=("seconds", "mean"),
    )
    if (table["seeds"] < 2).any():
        raise ApparelError("a row has fewer than two seeds: its spread, and so its noise, is unknown")
    if against is not None and against not in table.index:
        raise ApparelError(f"no row {against!r} to compare against: the rows are {', '.join(map(repr, table.index))}")
    base = table.iloc[0] if against is None else table.loc[against]
    change = table["val_acc"] - base["val_acc"]
    noise = 2 * (table["val_sd"] ** 2 / table["seeds"] + base["val_sd"] ** 2 / base["seeds"]) ** 0.5
    return table.assign(change=change, noise=noise, clear=change.abs() > noise)


def shift_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, shifts: Sequence[int] = range(5)) -> pd.Series:
    """Accuracy of ``model`` on the pictures ``x`` moved by each of ``shifts`` pixels, averaged over
    the four directions (right, left, down, up); the uncovered border is background."""
    values = {}
    for k in shifts:
        if k < 0:
            raise ApparelError(f"shifts are distances in pixels and must be 0 or more, not {k}")
        moves = [(0, 0)] if k == 0 else [(dx * k, dy * k) for dx, dy in SHIFT_DIRECTIONS]
        values[int(k)] = float(np.mean([accuracy(model, shift_images(x, dx, dy), y) for dx, dy in moves]))
    return pd.Series(values, name="accuracy").rename_axis("shift (pixels)")


def flip_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> pd.Series:
    """Accuracy of ``model`` on the pictures ``x`` as they are, mirrored left-right, and upside down."""
    return pd.Series(
        {
            "as they are": accuracy(model, x, y),
            "mirrored left-right": accuracy(model, x.flip(-1), y),
            "upside down": accuracy(model, x.flip(-2), y),
        },
        name="accuracy",
    )


def _first_layer(model: nn.Module) -> nn.Module | None:
    """The first module that owns parameters (the layer that reads the pixels)."""
    return next((m for m in model.modules() if any(True for _ in m.parameters(recurse=False))), None)


def permute_input_weights(model: nn.Module, permutation: np.ndarray) -> nn.Module:
    """A copy of a plain network whose first layer reads pixels shuffled by ``permutation`` (as
    :func:`~apparel_lib.data.variants.permute_pixels` shuffles them) exactly as the original reads
    the unshuffled pictures: column ``j`` of the new first layer is column ``permutation[j]`` of
    the old one."""
    first = _first_layer(model)
    if not isinstance(first, nn.Linear) or first.in_features != len(permutation):
        raise ApparelError(
            f"the model needs a first Linear layer with {len(permutation)} inputs "
            "(a plain network such as 'linear' or 'plain', not a CNN)"
        )
    if sorted(np.asarray(permutation).tolist()) != list(range(len(permutation))):
        raise ApparelError("permutation must hold every position 0..N-1 exactly once: use pixel_permutation(seed)")
    rewired = copy.deepcopy(model)
    layer = _first_layer(rewired)
    with torch.no_grad():
        layer.weight.copy_(layer.weight[:, torch.as_tensor(permutation)])
    return rewired.eval()
