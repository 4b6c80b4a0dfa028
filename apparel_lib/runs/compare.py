"""Comparison statistics over runs: mean and spread over seeds (:func:`summarize`), and rows
of labelled runs measured against one of them or against the step before (:func:`seed_comparison`,
:func:`step_table`), each difference weighed the book's one way (:mod:`~apparel_lib.runs.weigh`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

import pandas as pd

from ..errors import ApparelError
from .spec import RunResult
from .weigh import Verdict, weigh_rows

__all__ = ["summarize", "group_by_label", "seeds_by_label", "seed_comparison", "step_table"]


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


def seeds_by_label(labelled: Sequence[tuple[Hashable, RunResult]],
                   value: Callable[[RunResult], float] = lambda r: r.val_acc) -> dict[Hashable, dict[int, float]]:
    """Each label's ``value`` (validation accuracy by default) by seed, labels in their order,
    ready for :func:`~apparel_lib.runs.weigh.weigh`; a seed twice under one label is an error."""
    out: dict[Hashable, dict[int, float]] = {}
    for label, r in labelled:
        runs = out.setdefault(label, {})
        if r.spec.seed in runs:
            raise ApparelError(f"{label!r} has seed {r.spec.seed} twice: pass each run once")
        runs[r.spec.seed] = value(r)
    return out


def _weighed(verdicts: Mapping[str, Verdict], labels: Sequence[str]) -> dict[str, list]:
    """The columns of weighed rows (``low``, ``high``, ``p``, ``p_holm``, ``verdict``, ``test``,
    ``clear``) for ``labels``; a label with no verdict gets NaN, an empty verdict and not clear."""
    nan = float("nan")
    rows = [verdicts.get(label) for label in labels]
    return {
        "low": [v.low if v else nan for v in rows], "high": [v.high if v else nan for v in rows],
        "p": [v.p if v else nan for v in rows], "p_holm": [v.adjusted_p if v else nan for v in rows],
        "verdict": [v.words if v else "" for v in rows], "test": [v.test if v else "" for v in rows],
        "clear": [bool(v and v.clear) for v in rows],
    }


def seed_comparison(labelled: Sequence[tuple[str, RunResult]], *, against: str | None = None, name: str = "run") -> pd.DataFrame:
    """One row per label, in order: parameters, mean and standard deviation of validation accuracy
    over the seeds, seeds, mean training seconds, and the ``change`` of the mean against the row
    ``against`` (the first by default), weighed by :func:`~apparel_lib.runs.weigh.weigh_rows`:
    its interval ``low`` to ``high``, ``p``, ``p_holm`` (Holm over the table's rows),
    ``verdict`` ("clear" or "within the noise"), ``test`` and ``clear``."""
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
    base = table.index[0] if against is None else against
    runs = seeds_by_label(labelled)
    verdicts = weigh_rows({label: (runs[base], runs[label]) for label in table.index if label != base})
    change = table["val_acc"] - table.loc[base, "val_acc"]
    return table.assign(change=change, **_weighed(verdicts, list(table.index)))


def step_table(labelled: Sequence[tuple[str, RunResult]], kept: Mapping[str, bool] | None = None, *, name: str = "change") -> pd.DataFrame:
    """One row per label, in order, for runs that change one thing at a time: parameters,
    validation accuracy (mean, and lowest and highest over the seeds), seeds, mean training
    seconds, and the ``gain`` in mean validation accuracy over the last kept row before it (a
    label that ``kept`` marks False is tried and dropped), weighed as in :func:`seed_comparison`
    (Holm over the steps). A step with one seed on either side is not weighed (never clear)."""
    if not labelled:
        raise ApparelError("no results to compare step by step: pass (label, result) pairs, trained")
    table = group_by_label(labelled, name).agg(
        parameters=("parameters", "first"), val_acc=("val_acc", "mean"), val_low=("val_acc", "min"),
        val_high=("val_acc", "max"), seeds=("seed", "nunique"), seconds=("seconds", "mean"),
    )
    runs = seeds_by_label(labelled)
    gains, pairs, before = [], {}, None
    for label, row in table.iterrows():
        gains.append(float("nan") if before is None else row["val_acc"] - table.loc[before, "val_acc"])
        if before is not None and min(len(runs[label]), len(runs[before])) > 1:
            pairs[label] = (runs[before], runs[label])
        if (kept or {}).get(label, True):
            before = label
    verdicts = weigh_rows(pairs) if pairs else {}
    return table.assign(gain=gains, **_weighed(verdicts, list(table.index)))
