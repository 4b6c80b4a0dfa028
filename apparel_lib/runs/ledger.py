"""The results ledger: the chapters' converged runs, computed once, shipped in the repository.

``ledger/runs/<key>.json`` holds one run: its spec and data fingerprint, the per-epoch history,
the validation accuracy (and the test accuracy where a chapter scores the test set), parameters,
training seconds, the numeric path, and where it was computed (processor, threads, torch,
library version, commit and date). ``ledger/models/<key>.pt`` ships the trained model of the few
small runs that later chapters need.

An entry's key is made of what was run, the spec and the data, and not of the numeric path or the
library version that key the local store (see :mod:`~apparel_lib.runs.store`): every
machine finds it. A change of the training code therefore leaves the entries in place, with the
version and commit that made them; ``apparel results verify`` retrains entries and fails where a
result moved beyond its tolerance (:func:`tolerance`), and ``apparel results make --force``
recomputes them.

The caller says where the ledger is: an argument, ``APPAREL_LEDGER`` (``off``: none, so
everything trains), or the project's ``pyproject.toml`` (the book's names its ``ledger/``; see
:func:`apparel_lib.settings.ledger_folder`). An entry's provenance records the commit of the
ledger's own repository, and none outside one.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import random
import shutil
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data.dataset import FashionMNIST
from ..errors import StoreError
from ..files import atomic_write
from ..provenance import commit, machine
from ..settings import ledger_folder
from ..training.devices import numeric_path
from .runner import train_spec
from .spec import RunResult, RunSpec, digest, file_digest

__all__ = [
    "Ledger", "LedgerEntry", "Check", "live_check", "default_ledger", "the_ledger", "verify_ledger", "trains_as_recorded", "tolerance", "spread_without", "provenance_table",
    "MIN_TOLERANCE",
]

FORMAT = "apparel-ledger/1"
MIN_TOLERANCE = 0.005
"""The smallest tolerance a check allows: half a point of accuracy."""


@dataclass(frozen=True)
class LedgerEntry:
    """One run in the ledger: its key, the chapters whose evidence it is, and its result (whose
    ``provenance`` says where it was computed; ``checkpoint`` is the shipped model, if any)."""

    key: str
    chapters: tuple[int, ...]
    result: RunResult

    @property
    def test_scored(self) -> bool:
        return self.result.test_acc is not None


@dataclass(frozen=True)
class Check:
    """One entry retrained by ``verify``: the two validation accuracies and the tolerance."""

    key: str
    run: str
    ledger: float
    retrained: float
    tolerance: float

    @property
    def difference(self) -> float:
        return self.retrained - self.ledger

    @property
    def ok(self) -> bool:
        return abs(self.difference) <= self.tolerance

    def __str__(self) -> str:
        verdict = "within" if self.ok else "OUTSIDE"
        return (f"ledger {self.ledger:.2%}, trained now {self.retrained:.2%}: "
                f"{100 * abs(self.difference):.2f} points apart, {verdict} the tolerance of "
                f"{100 * self.tolerance:.2f} points")


def _without_seed(spec: RunSpec) -> str:
    values = spec.to_dict()
    values.pop("seed")
    return json.dumps(values, sort_keys=True)


class Ledger:
    """The runs kept in ``root`` (``runs/`` and ``models/``)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"Ledger({str(self.root)!r})"

    @staticmethod
    def key(spec: RunSpec, fingerprint: str) -> str:
        """The entry's name: a digest of the spec and the data, nothing else."""
        return digest({"spec": spec.to_dict(), "data": fingerprint})

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.root / "runs" / f"{key}.json", self.root / "models" / f"{key}.pt"

    def _read(self, path: Path) -> LedgerEntry:
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise StoreError(f"ledger entry {path.name} is unreadable ({type(err).__name__}): restore it with git or `apparel results make`") from None
        if not isinstance(values, dict) or values.get("format") != FORMAT:
            raise StoreError(f"{path} is not a ledger entry")
        key = path.stem
        _, model = self._paths(key)
        shipped = values.get("model_sha256")
        checkpoint = None
        if shipped:
            if not model.is_file() or file_digest(model) != shipped:
                raise StoreError(f"ledger model {model.name} is missing or does not match its entry: restore it with git or `apparel results make`")
            checkpoint = str(model)
        try:
            result = RunResult.from_dict({**values["result"], "key": key, "checkpoint": checkpoint, "provenance": values["provenance"]})
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(f"ledger entry {path.name} is incomplete ({type(err).__name__}: {err})") from None
        if self.key(result.spec, result.fingerprint) != key:
            raise StoreError(f"ledger entry {path.name} holds another run (its spec gives another key)")
        return LedgerEntry(key, tuple(values.get("chapters", ())), result)

    def get(self, spec: RunSpec, fingerprint: str) -> LedgerEntry | None:
        """The entry for ``spec`` on the data ``fingerprint``, or None."""
        path, _ = self._paths(self.key(spec, fingerprint))
        return self._read(path) if path.is_file() else None

    def entries(self) -> list[LedgerEntry]:
        """Every entry, in the order of their keys."""
        folder = self.root / "runs"
        return [self._read(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []

    def put(self, result: RunResult, *, chapters: Sequence[int], ship_model: bool = False) -> LedgerEntry:
        """Write ``result`` (trained on this machine) as an entry, replacing any old one (and
        keeping the chapters it listed); with ``ship_model``, copy its checkpoint beside it. Each file is written whole or not at all."""
        key = self.key(result.spec, result.fingerprint)
        path, model = self._paths(key)
        values = result.to_dict()
        for name in ("key", "checkpoint", "provenance"):
            values.pop(name, None)
        try:
            old = self.get(result.spec, result.fingerprint) if path.is_file() else None
        except StoreError:  # a damaged entry: replaced whole below
            old = None
        chapters = set(chapters) | set(old.chapters if old is not None else ())
        record: dict[str, Any] = {"format": FORMAT, "chapters": sorted(chapters), "result": values}
        if old is not None and old.result.provenance and old.result.seconds == result.seconds:
            record["provenance"] = old.result.provenance  # the same run again (say, its test now scored)
        else:
            record["provenance"] = {**machine(), "library": result.library_version, "commit": commit(self.root),
                                    "date": datetime.date.today().isoformat()}
        if ship_model:
            if result.checkpoint is None:
                raise StoreError(f"run {result.spec.describe()} has no checkpoint to ship: train it through the store")
            with atomic_write(model) as f, open(result.checkpoint, "rb") as src:
                shutil.copyfileobj(src, f)
            record["model_sha256"] = file_digest(model)
        with atomic_write(path, "w") as f:
            f.write(json.dumps(record, indent=1) + "\n")
        return self._read(path)

    def seed_values(self) -> dict[str, dict[str, float]]:
        """The validation accuracy of every entry, by configuration (a spec without its seed),
        then by the entry's key."""
        groups: dict[str, dict[str, float]] = {}
        for entry in self.entries():
            groups.setdefault(_without_seed(entry.result.spec), {})[entry.key] = entry.result.val_acc
        return groups


    def verify(
        self, retrain: Callable[[RunSpec], RunResult], *, sample: int | None = None, seed: int | None = None,
        max_seconds: float | None = None, report: Callable[[Check], None] | None = None,
        keep: Callable[[LedgerEntry], bool] | None = None,
    ) -> list[Check]:
        """Retrain entries with ``retrain`` and compare validation accuracies within :func:`tolerance`.

        ``sample`` picks that many entries at random (``seed``; by default, today's date, so a
        daily test rotates through the ledger), among those that trained in at most
        ``max_seconds`` if given and that ``keep`` keeps; None checks them all.
        """
        entries = [e for e in self.entries() if keep is None or keep(e)]
        if max_seconds is not None:
            entries = [e for e in entries if e.result.seconds <= max_seconds]
        if not entries:
            raise StoreError(f"no ledger entries to verify in {self.root}" + (f" under {max_seconds:g} s" if max_seconds else "") + ": make them with `apparel results make`")
        if sample is not None and sample < len(entries):
            rng = random.Random(seed if seed is not None else datetime.date.today().toordinal())
            entries = rng.sample(entries, sample)
        seeds = self.seed_values()
        checks = []
        for entry in entries:
            fresh = retrain(entry.result.spec)
            check = Check(entry.key, entry.result.spec.describe(), entry.result.val_acc, fresh.val_acc,
                          tolerance(spread_without(seeds[_without_seed(entry.result.spec)], entry.key)))
            checks.append(check)
            if report is not None:
                report(check)
        return checks


def spread_without(values: dict[str, float], key: str) -> float | None:
    """The standard deviation of ``values`` (validation accuracies by entry key) leaving out the
    entry ``key``, the one under test, so that a falsified entry cannot widen its own tolerance;
    None where fewer than two others remain."""
    others = [value for name, value in values.items() if name != key]
    return statistics.stdev(others) if len(others) > 1 else None

def tolerance(seed_sd: float | None) -> float:
    """How far a retrained run may land from its entry: three standard deviations of the
    difference of two runs, ``3 * sqrt(2) * seed_sd`` (on another processor, or another number
    of threads, a run's rounding differs and its path may drift as far as another seed's), and at
    least :data:`MIN_TOLERANCE`."""
    return max(MIN_TOLERANCE, 3 * math.sqrt(2) * seed_sd) if seed_sd is not None else MIN_TOLERANCE


def live_check(live: RunResult, seeds: Sequence[RunResult]) -> Check:
    """Compare a run trained now (``live``) with its ledger entry among ``seeds``, the ledger's
    results for the same configuration with every seed; the tolerance is :func:`tolerance` of
    the other seeds' spread (how a chapter shows the ledger reproducing)."""
    same = [r for r in seeds if r.spec == live.spec]
    if not same:
        raise StoreError(f"no ledger result among the given ones is the run {live.spec.describe()}")
    spread = spread_without({r.key: r.val_acc for r in seeds}, same[0].key)
    return Check(same[0].key, live.spec.describe(), same[0].val_acc, live.val_acc, tolerance(spread))


def default_ledger() -> Ledger | None:
    """The ledger the caller named (:func:`apparel_lib.settings.ledger_folder`), or None where there is none."""
    root = ledger_folder()
    return Ledger(root) if root is not None else None


def the_ledger(ledger: Ledger | None = None) -> Ledger:
    """``ledger``, else the one the caller named; a one-line error where there is none."""
    found = ledger if ledger is not None else default_ledger()
    if found is None:
        raise StoreError("no results ledger here: run from the book's repository, or set APPAREL_LEDGER to its ledger/ folder")
    return found


def verify_ledger(
    *, ledger: Ledger | None = None, sample: int | None = 3, seed: int | None = None, max_seconds: float | None = None,
    device: str | None = None, data: FashionMNIST | None = None, report: Callable[[Check], None] | None = None,
    same_path: bool = False,
) -> list[Check]:
    """Retrain ``sample`` entries (None: all) from scratch, outside every store, and compare them
    with the ledger (see :meth:`Ledger.verify`). ``same_path``: only entries that training on
    ``device`` here would compute on their recorded numeric path (so that their recorded
    seconds say roughly what retraining them costs: a bfloat16 entry retrained where bfloat16
    is not native runs in float32, several times slower)."""

    def retrain(spec: RunSpec) -> RunResult:
        return train_spec(spec, data=data, device=device, progress=False)

    return the_ledger(ledger).verify(retrain, sample=sample, seed=seed, max_seconds=max_seconds, report=report,
                                     keep=(lambda entry: trains_as_recorded(entry, device)) if same_path else None)


def trains_as_recorded(entry: LedgerEntry, device: str | None = None) -> bool:
    """Whether training ``entry``'s spec on ``device`` here would compute in the precision its
    result records (False where it records none)."""
    recorded = entry.result.numeric_path
    return recorded is not None and recorded.precision == numeric_path(entry.result.spec.recipe, device).precision


def provenance_table(results: Sequence[RunResult]):  # -> pandas.DataFrame
    """Where the given results were computed: one row per distinct origin (processor, threads,
    numeric path, torch, library, commit, date) with the number of runs; runs trained here are
    counted as ``this machine, now``."""
    import pandas as pd

    rows = []
    for r in results:
        p = r.provenance
        if p is None:
            rows.append({"computed": "this machine, now", "processor": "-", "threads": "-", "numeric path": str(r.numeric_path) if r.numeric_path else "-",
                         "library": r.library_version, "commit": "-", "date": "-"})
        else:
            rows.append({"computed": "ledger", "processor": p.get("gpu") or p.get("processor"), "threads": p.get("threads"),
                         "numeric path": str(r.numeric_path) if r.numeric_path else "-", "library": p.get("library"),
                         "commit": p.get("commit") or "-", "date": p.get("date")})
    table = pd.DataFrame(rows)
    return table.groupby(list(table.columns), sort=False, dropna=False).size().rename("runs").reset_index()
