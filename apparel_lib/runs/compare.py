"""Comparison statistics over runs: mean and spread over seeds (:func:`summarize`), and rows
of labelled runs measured against one of them or against the step before (:func:`seed_comparison`,
:func:`step_table`), each difference weighed against the seed-to-seed noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..errors import ApparelError
from .spec import RunResult

__all__ = ["summarize", "group_by_label", "seed_comparison", "step_table"]


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


def step_table(labelled: Sequence[tuple[str, RunResult]], kept: Mapping[str, bool] | None = None, *, name: str = "change") -> pd.DataFrame:
    """One row per label, in order, for runs that change one thing at a time: parameters,
    validation accuracy (mean, and lowest and highest over the seeds), seeds, mean training
    seconds, and the ``gain`` in mean validation accuracy over the last kept row before it (a
    label that ``kept`` marks False is tried and dropped); ``clear`` says whether that gain is
    larger than the seed-to-seed range of either row (always False with one seed)."""
    if not labelled:
        raise ApparelError("no results to compare step by step: pass (label, result) pairs, trained")
    table = group_by_label(labelled, name).agg(
        parameters=("parameters", "first"), val_acc=("val_acc", "mean"), val_low=("val_acc", "min"),
        val_high=("val_acc", "max"), seeds=("seed", "nunique"), seconds=("seconds", "mean"),
    )
    gains, clear, before = [], [], None
    for label, row in table.iterrows():
        if before is None:
            gains.append(float("nan"))
            clear.append(False)
        else:
            gains.append(row["val_acc"] - before["val_acc"])
            spread = max(row["val_high"] - row["val_low"], before["val_high"] - before["val_low"])
            clear.append(bool(row["seeds"] > 1 and abs(gains[-1]) > spread))
        if (kept or {}).get(label, True):
            before = row
    return table.assign(gain=gains, clear=clear)
