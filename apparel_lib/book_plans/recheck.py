"""Checking the shipped results that are not ledger entries: chapter 10's study and the speedrun's path.

``apparel results verify --study N`` retrains ``N`` of the study's completed trials, chosen at
random, with the same knobs, training subset and seed (as the trial's recorded description
says), and compares each validation accuracy with the journal's. ``apparel results verify
--speedrun-attempt NAME`` retrains one attempt of the speedrun record (chapter 11's path, made
by ``python -m benchmarks.speedrun_attempts``) from its recorded spec. Each says how long the
full check would take: the sum of the recorded training seconds.

The shipped journal is never opened for writing: it is copied to a temporary folder and read
from the copy (opening a journal through its storage may write to it).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import random
import shutil
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data.dataset import FashionMNIST
from ..errors import StoreError
from ..extras import require
from ..runs.ledger import Check, Ledger, tolerance
from ..runs.runner import train_spec
from ..runs.spec import RunResult, RunSpec
from ..tuning.storage import open_storage
from .study import SPACE, STUDY, SUBSET, study_journal

__all__ = ["STUDY_TOLERANCE", "Recheck", "completed_trials", "recheck_study", "recheck_attempt"]

STUDY_TOLERANCE = 0.02
"""How far a retrained trial may land from the journal's value by default: two points (a trial
trains on 2,000 pictures for a few epochs, so its rounding on another processor moves it more
than a converged run's)."""

Train = Callable[[RunSpec], RunResult]


@dataclass(frozen=True)
class Recheck:
    """The checks made, and the recorded training seconds of everything that could be checked
    (what the full check would take)."""

    checks: list[Check]
    full_seconds: float
    what: str

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def completed_trials(journal: str | os.PathLike[str]) -> list[Any]:
    """The completed trials of chapter 10's study in ``journal``, read from a temporary copy."""
    optuna = require("optuna")
    journal = Path(journal)
    if not journal.is_file():
        raise StoreError(f"no study journal at {journal}: make it with `apparel results make --chapter 10`")
    with tempfile.TemporaryDirectory(prefix="apparel-recheck-") as folder:
        copy = Path(folder) / journal.name
        shutil.copyfile(journal, copy)
        study = optuna.load_study(study_name=STUDY, storage=open_storage(copy))
        trials = study.get_trials(deepcopy=True, states=(optuna.trial.TrialState.COMPLETE,))
    if not trials:
        raise StoreError(f"the study in {journal} has no completed trial to check")
    return trials


def _without_seed(spec: RunSpec) -> RunSpec:
    return dataclasses.replace(spec, seed=0)


def _trainer(data: FashionMNIST | None, device: str | None) -> Train:
    return lambda spec: train_spec(spec, data=data, device=device, progress=False)


def recheck_study(
    sample: int, *, ledger: Ledger | None = None, journal: str | os.PathLike[str] | None = None, seed: int | None = None,
    tolerance_points: float = STUDY_TOLERANCE, device: str | None = None, data: FashionMNIST | None = None,
    train: Train | None = None, report: Callable[[Check], None] | None = None,
) -> Recheck:
    """Retrain ``sample`` completed trials of chapter 10's study (chosen with ``seed``; by default
    today's date, so that repeated checks rotate) and compare each with the journal within
    ``tolerance_points`` (a fraction: 0.02 is two points)."""
    trials = completed_trials(journal if journal is not None else study_journal(ledger))
    chosen = random.Random(seed if seed is not None else datetime.date.today().toordinal()).sample(trials, min(sample, len(trials)))
    train = train or _trainer(data, device)
    checks = []
    for trial in sorted(chosen, key=lambda t: t.number):
        spec = SPACE.spec(trial.params, subset=SUBSET, seed=0)
        recorded = trial.user_attrs.get("spec")
        if recorded is not None and recorded != spec.describe():
            raise StoreError(f"trial {trial.number} of the study was trained as {recorded!r}, which the library now builds as "
                             f"{spec.describe()!r}: the search space changed; remake the study with `apparel results make --chapter 10 --force`")
        check = Check(f"trial {trial.number}", spec.describe(), float(trial.value), train(spec).val_acc, tolerance_points)
        checks.append(check)
        if report is not None:
            report(check)
    full = sum(float(t.user_attrs.get("seconds", 0.0)) for t in trials)
    return Recheck(checks, full, f"{len(checks)} of the study's {len(trials)} completed trials")


def speedrun_attempts(record: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The attempts of the speedrun record at ``record`` (one dict each: name, spec, val_acc, seconds, ...)."""
    try:
        attempts = json.loads(Path(record).read_text(encoding="utf-8"))["attempts"]
        assert all({"name", "spec", "val_acc", "seconds"} <= a.keys() for a in attempts)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AssertionError, AttributeError):
        raise StoreError(f"{record} is not a speedrun record: make it with `python -m benchmarks.speedrun_attempts`") from None
    return attempts


def _attempt_tolerance(spec: RunSpec, ledger: Ledger | None) -> float:
    """:func:`~apparel_lib.runs.ledger.tolerance` of the ledger's seed spread for ``spec``'s
    configuration (none shipped: the smallest tolerance)."""
    if ledger is None:
        return tolerance(None)
    same = [e.result.val_acc for e in ledger.entries() if _without_seed(e.result.spec) == _without_seed(spec)]
    return tolerance(statistics.stdev(same) if len(same) > 1 else None)


def recheck_attempt(
    name: str, record: str | os.PathLike[str], *, ledger: Ledger | None = None, device: str | None = None,
    data: FashionMNIST | None = None, train: Train | None = None, report: Callable[[Check], None] | None = None,
) -> Recheck:
    """Retrain the attempt ``name`` of the speedrun record ``record`` from its spec and compare its
    validation accuracy within the tolerance of its configuration's seeds in ``ledger`` (where it
    ships them)."""
    attempts = speedrun_attempts(record)
    found = [a for a in attempts if a["name"] == name]
    if not found:
        names = ", ".join(repr(a["name"]) for a in attempts)
        raise StoreError(f"the speedrun record has no attempt {name!r}: choose one of {names}")
    attempt = found[0]
    spec = RunSpec.from_dict(attempt["spec"])
    fresh = (train or _trainer(data, device))(spec)
    check = Check(name, spec.describe(), float(attempt["val_acc"]), fresh.val_acc, _attempt_tolerance(spec, ledger))
    if report is not None:
        report(check)
    return Recheck([check], sum(float(a["seconds"]) for a in attempts), f"attempt {name!r} of {len(attempts)}")
