"""How the book weighs a difference between two sets of runs: one rule for every chapter.

Runs of the same seed on both sides are paired (:func:`weigh`); the mean difference gets a
Student-t interval for the number of seeds actually used, and a ``p``. Where one table flags
several rows, the ``p`` values are corrected together with Holm's method (:func:`holm`,
:func:`weigh_rows`). The binomial sampling error of an accuracy measured on N pictures
(:func:`sampling_error`) sets the seed spread against the error that the pictures alone bring
(:func:`spread_against_sampling`). The appendix "How this book compares numbers" teaches it.
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scipy import stats

from ..errors import ApparelError

__all__ = [
    "LEVEL", "Verdict", "Spread", "t_critical", "weigh", "holm", "weigh_rows",
    "sampling_error", "spread_against_sampling",
]

LEVEL = 0.95
"""The confidence of every interval the book shows (a difference is clear below 1 - LEVEL)."""

CLEAR, NOISE = "clear", "within the noise"


@dataclass(frozen=True)
class Verdict:
    """A difference ``b - a`` of two sets of runs, weighed.

    ``difference`` is the mean difference, ``low`` and ``high`` its t-interval at
    :data:`LEVEL`, ``p`` its two-sided p-value and ``adjusted_p`` the p after a Holm correction
    (``p`` itself for a lone comparison); ``test`` says which t-test and how many seeds;
    ``level`` is the interval's confidence."""

    difference: float
    low: float
    high: float
    p: float
    adjusted_p: float
    test: str
    level: float = LEVEL

    @property
    def clear(self) -> bool:
        """The difference is clear: its (adjusted) p is below 1 - ``level``."""
        return self.adjusted_p < 1 - self.level

    @property
    def words(self) -> str:
        """"clear" or "within the noise"."""
        return CLEAR if self.clear else NOISE


@dataclass(frozen=True)
class Spread:
    """Seed spread (standard deviation across seeds, n - 1) of accuracies measured on the same
    ``pictures``, against the binomial sampling error of their mean accuracy on that many."""

    seed_sd: float
    sampling_se: float
    pictures: int

    @property
    def ratio(self) -> float:
        """How many sampling errors the seed spread is."""
        return self.seed_sd / self.sampling_se


def t_critical(df: int, level: float = LEVEL) -> float:
    """The two-sided Student-t critical value for ``df`` degrees of freedom (4.30 for 2 at 95%)."""
    if df < 1:
        raise ApparelError(f"a t-interval needs at least 1 degree of freedom, not {df}: use two seeds or more")
    if not 0 < level < 1:
        raise ApparelError(f"a confidence level lies between 0 and 1, not {level}: 0.95 is the book's")
    return float(stats.t.ppf(0.5 + level / 2, df))


def _values(side: Mapping[int, float] | Sequence[float], name: str) -> dict[int, float] | list[float]:
    """The side's values (by seed where it is a mapping), checked: two or more, all finite."""
    values = list(side.values()) if isinstance(side, Mapping) else list(side)
    if len(values) < 2:
        raise ApparelError(f"{name} has {len(values)} run(s): weigh a difference with two seeds or more on each side")
    if not all(math.isfinite(float(v)) for v in values):
        raise ApparelError(f"{name} holds a value that is not a finite number: pass accuracies")
    return {int(k): float(v) for k, v in side.items()} if isinstance(side, Mapping) else [float(v) for v in values]


def _weighed(result: Any, mean: float, level: float) -> tuple[float, float, float]:
    """(low, high, p) of scipy's t-test ``result`` for the mean difference ``mean``; runs that
    agree exactly (no spread at all) give a point, which scipy leaves undefined."""
    if not math.isfinite(result.statistic):
        return mean, mean, (1.0 if mean == 0 else 0.0)
    interval = result.confidence_interval(level)
    return float(interval.low), float(interval.high), float(result.pvalue)


def weigh(a: Mapping[int, float] | Sequence[float], b: Mapping[int, float] | Sequence[float], *,
          paired: bool | None = None, level: float = LEVEL) -> Verdict:
    """The difference ``b - a``, weighed.

    ``a`` and ``b`` map seeds to values (or are plain sequences, unpaired). With ``paired=None``
    the runs of the seeds both sides have are paired (scipy's paired t over those seeds, the
    others left out) when there are two or more; otherwise Welch's t over all runs.
    ``paired=True`` demands the same seeds on both sides; ``paired=False`` always uses Welch."""
    t_critical(1, level)  # checks the level
    xs, ys = _values(a, "the first side"), _values(b, "the second side")
    both = isinstance(xs, dict) and isinstance(ys, dict)
    common = sorted(set(xs) & set(ys)) if both else []
    if paired and (not both or set(xs) != set(ys)):
        raise ApparelError("paired runs need the same seeds on both sides: pass seed -> value mappings of the same seeds, or paired=None")
    if paired is not False and len(common) >= 2:
        after, before = [ys[s] for s in common], [xs[s] for s in common]
        n, left = len(common), len(xs) + len(ys) - 2 * len(common)
        mean = statistics.fmean(after) - statistics.fmean(before)
        with warnings.catch_warnings():  # identical runs: scipy warns, _weighed answers
            warnings.simplefilter("ignore", RuntimeWarning)
            low, high, p = _weighed(stats.ttest_rel(after, before), mean, level)
        return Verdict(mean, low, high, p, p, f"paired t over {n} seeds" + (f" ({left} unpaired runs left out)" if left else ""), level)
    xv = list(xs.values()) if isinstance(xs, dict) else xs
    yv = list(ys.values()) if isinstance(ys, dict) else ys
    mean = statistics.fmean(yv) - statistics.fmean(xv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high, p = _weighed(stats.ttest_ind(yv, xv, equal_var=False), mean, level)
    return Verdict(mean, low, high, p, p, f"Welch t, {len(xv)} against {len(yv)} seeds (unpaired)", level)


def holm(ps: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of the p-values ``ps`` (same order), for flagging several at once."""
    if any(not 0 <= p <= 1 for p in ps):
        raise ApparelError("Holm's correction takes p-values between 0 and 1")
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    adjusted, running = [0.0] * len(ps), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(ps) - rank) * ps[i]))
        adjusted[i] = running
    return adjusted


def weigh_rows(rows: Mapping[str, tuple[Mapping[int, float] | Sequence[float], Mapping[int, float] | Sequence[float]]],
               *, paired: bool | None = None, level: float = LEVEL) -> dict[str, Verdict]:
    """Each row's ``(a, b)`` weighed as by :func:`weigh`, their p-values Holm-corrected together."""
    if not rows:
        raise ApparelError("no rows to weigh: pass label -> (a, b) pairs")
    verdicts = {label: weigh(a, b, paired=paired, level=level) for label, (a, b) in rows.items()}
    adjusted = holm([v.p for v in verdicts.values()])
    return {label: replace(v, adjusted_p=q) for (label, v), q in zip(verdicts.items(), adjusted, strict=True)}


def sampling_error(accuracy: float, pictures: int) -> float:
    """The binomial standard error of an accuracy measured on ``pictures`` pictures."""
    if not 0 <= accuracy <= 1:
        raise ApparelError(f"an accuracy lies between 0 and 1, not {accuracy}: pass a fraction, not a percentage")
    if pictures < 1:
        raise ApparelError(f"an accuracy needs at least one picture, not {pictures}")
    return math.sqrt(accuracy * (1 - accuracy) / pictures)


def spread_against_sampling(accuracies: Sequence[float], pictures: int) -> Spread:
    """The seed spread of ``accuracies`` (each on the same ``pictures``) and the sampling error
    of their mean accuracy on that many pictures."""
    values = _values(list(accuracies), "the accuracies")
    mean = sum(values) / len(values)
    return Spread(statistics.stdev(values), sampling_error(mean, pictures), pictures)
