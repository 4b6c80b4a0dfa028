"""Chapter 10's study, computed once and shipped: an Optuna journal in the results ledger.

``apparel results make --chapter 10`` runs the chapter's study (its space, training subset, TPE
seed and pruner, all defined here) into ``studies/chapter10.journal`` of the ledger folder, until
it has :data:`TRIALS` finished trials: an interrupted make resumes it, ``--force`` starts it
again. The journal is the study's record: every trial with its knobs, the validation accuracy
after each epoch, its seconds and when it ran; the study's user attribute ``computed`` says on
which machine, with which library and commit, each session of trials was computed. The ledger
entries of the chapter (its winner trained on all the data, and ``best-cnn``) name the winner
by :func:`tuned_params`, read from that journal.

Trials train through a temporary results store, so every trial in the journal was trained by
the session that recorded it; none reads the test set.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import StoreError
from ..extras import require
from ..provenance import commit, machine
from ..runs.ledger import Ledger, default_ledger
from ..runs.spec import RunSpec
from ..runs.store import RunStore
from ..tuning.objective import FINISHED
from ..tuning.space import SearchSpace
from ..tuning.storage import open_storage
from ..tuning.sweep import open_study, run_study

if TYPE_CHECKING:
    import optuna
else:
    optuna = require("optuna")

__all__ = [
    "STUDY", "SPACE", "SUBSET", "TRIALS", "SAMPLER_SEED", "STARTUP_TRIALS", "study_journal", "make_sampler",
    "open_chapter_study", "finished_trials", "make_study", "shipped_study", "tuned_params", "tuned_specs",
]

STUDY = "chapter10"
"""The study's name in its journal."""

SPACE = SearchSpace(filters=(8, 16), epochs=(1, 3), batch_size=(64, 128, 256))
"""Chapter 10's search space: the default one with at most 16 filters in the first stage, at most
3 epochs and batches of at least 64."""

SUBSET = 2000
"""Training pictures per trial (a stratified subset); every trial is measured on all of validation."""

TRIALS = 100
"""Finished trials (complete or pruned) in the shipped study."""

SAMPLER_SEED, STARTUP_TRIALS = 0, 5
"""TPE's seed, and how many trials it draws at random before it models the earlier ones."""


def study_journal(ledger: Ledger | None = None) -> Path:
    """Where the shipped study lives: ``studies/chapter10.journal`` in the ledger folder."""
    ledger = ledger if ledger is not None else default_ledger()
    if ledger is None:
        raise StoreError("no results ledger here, so no shipped study: run from the book's repository, or set APPAREL_LEDGER")
    return ledger.root / "studies" / f"{STUDY}.journal"


def make_sampler() -> optuna.samplers.TPESampler:
    """The chapter's sampler: TPE with seed :data:`SAMPLER_SEED`, random for the first :data:`STARTUP_TRIALS` trials."""
    return optuna.samplers.TPESampler(seed=SAMPLER_SEED, n_startup_trials=STARTUP_TRIALS)


def open_chapter_study(journal: str | Path) -> optuna.Study:
    """The chapter's study in the journal file ``journal`` (created if new), with its sampler
    and the default pruner of :func:`~apparel_lib.tuning.sweep.open_study`."""
    return open_study(STUDY, journal, sampler=make_sampler())


def finished_trials(study: optuna.Study) -> int:
    """How many of the study's trials finished (complete or pruned)."""
    return len(study.get_trials(deepcopy=False, states=FINISHED))


def make_study(
    *, ledger: Ledger | None = None, trials: int = TRIALS, force: bool = False, device: str | None = None,
    report: Callable[[str], None] | None = None,
) -> optuna.Study:
    """Bring the shipped study to ``trials`` finished trials (resuming it; with ``force``,
    starting it again) and return it. Each session that adds trials is recorded in the study's
    user attribute ``computed`` (machine, library, commit, date, trials, wall seconds)."""
    journal = study_journal(ledger)
    if force:
        journal.unlink(missing_ok=True)
    if journal.is_file():  # read it first: opening it to add trials writes to the journal
        study = shipped_study(ledger)
        if finished_trials(study) >= trials:
            return study
    study = open_chapter_study(journal)
    before = finished_trials(study)
    if report is not None:
        report(f"study {STUDY}: {before} finished trials in {journal}, running until {trials}")
    first = len(study.trials)
    start = time.perf_counter()
    store = Path(tempfile.mkdtemp(prefix="apparel-study-"))
    try:
        run_study(study, total=trials, subset=SUBSET, space=SPACE, device=device, store=RunStore(store))
    finally:
        shutil.rmtree(store, ignore_errors=True)
    session = {**machine(), "library": __version__, "commit": commit(journal.parent), "date": datetime.date.today().isoformat(),
               "trials": [first, len(study.trials) - 1], "seconds": round(time.perf_counter() - start, 1)}
    study.set_user_attr("computed", [*study.user_attrs.get("computed", []), session])
    if report is not None:
        report(f"study {STUDY}: {finished_trials(study)} finished trials, best validation accuracy "
               f"{study.best_value:.4f} (trial {study.best_trial.number}), in {session['seconds']:.0f} s")
    return study


def shipped_study(ledger: Ledger | None = None) -> optuna.Study:
    """The shipped study, read from its journal (which must exist: see :func:`make_study`).

    Read it, don't add to it: to watch it grow, copy the journal and open the copy with
    :func:`open_chapter_study`."""
    journal = study_journal(ledger)
    if not journal.is_file():
        raise StoreError(f"chapter 10's study is not in the ledger ({journal} is missing): make it with `apparel results make --chapter 10`")
    return optuna.load_study(study_name=STUDY, storage=open_storage(journal))


def tuned_params(ledger: Ledger | None = None) -> dict[str, Any]:
    """The knobs of the shipped study's best trial."""
    return shipped_study(ledger).best_params


def tuned_specs(seeds: Sequence[int], ledger: Ledger | None = None) -> list[RunSpec]:
    """The shipped study's winner trained on all the training data, once per seed."""
    params = tuned_params(ledger)
    return [SearchSpace.spec(params, seed=seed) for seed in seeds]
