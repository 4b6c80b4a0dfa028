"""Tuning with Optuna: open a study (:func:`open_study`) and work on it (:func:`run_study`).

A study searches a :class:`~apparel_lib.tuning.space.SearchSpace`; each trial is an
:class:`~apparel_lib.tuning.objective.Objective` call; studies live where
:func:`~apparel_lib.tuning.storage.open_storage` says, and
:mod:`apparel_lib.tuning.report` reads them. :func:`run_study` is one worker; start as
many as there are cores, laptops or GPUs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ApparelError
from ..extras import require
from ..interrupts import stop_requested
from ..runs.store import RunStore
from .objective import FINISHED, Objective, SurplusTrial
from .space import SearchSpace
from .storage import open_storage

if TYPE_CHECKING:
    import optuna
else:
    optuna = require("optuna")

__all__ = ["open_study", "finished", "run_study"]


def open_study(
    name: str,
    storage: str | Path | optuna.storages.BaseStorage | None = None,
    *,
    sampler: optuna.samplers.BaseSampler | None = None,
    pruner: optuna.pruners.BasePruner | None = None,
) -> optuna.Study:
    """The study ``name`` in ``storage`` (see :func:`open_storage`), created on first use, resumed after.

    It maximizes validation accuracy; the default pruner stops a trial whose accuracy after an
    epoch is below the median of earlier trials' at that epoch (once three trials have finished).
    """
    if not name or not name.strip():
        raise ApparelError("a study needs a name, e.g. --study demo")
    if not isinstance(storage, optuna.storages.BaseStorage):
        storage = open_storage(storage)
    return optuna.create_study(
        study_name=name, storage=storage, direction="maximize", load_if_exists=True,
        sampler=sampler, pruner=pruner or optuna.pruners.MedianPruner(n_startup_trials=3),
    )


def finished(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    """The study's complete and pruned trials."""
    return study.get_trials(deepcopy=False, states=FINISHED)


def _stop_when_asked(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
    """After a trial: start no other one once Ctrl-C asked to stop (see interrupts.stop_safely)."""
    if stop_requested():
        study.stop()


def run_study(
    study: optuna.Study,
    n_trials: int | None = None,
    *,
    total: int | None = None,
    timeout: float | None = None,
    subset: int | None = None,
    space: SearchSpace | None = None,
    device: str | None = None,
    seed: int = 0,
    store: RunStore | None = None,
) -> int:
    """One worker: add ``n_trials`` trials to ``study``, or work until it has ``total`` finished
    trials in all (counting other workers' and earlier runs'; several workers started with the
    same ``total`` finish exactly that many together), or until ``timeout`` seconds pass.
    Return how many trials it finished (complete or pruned).

    Each trial trains on ``subset`` training pictures (all when None) with weight seed ``seed``.
    """
    for name, value in (("number of trials", n_trials), ("total", total)):
        if value is not None and value < 1:
            raise ApparelError(f"the {name} must be at least 1, not {value}")
    if n_trials is None and total is None and timeout is None:
        raise ApparelError("say when to stop: a number of trials, a total or a timeout")
    if timeout is not None and timeout <= 0:
        raise ApparelError(f"the timeout must be a positive number of seconds, not {timeout}")
    from ..training.devices import pick_device

    device = str(pick_device(device))  # a one-line error for a device that is not there, before any trial
    mine: list[int] = []

    def count(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if trial.state in FINISHED:
            mine.append(trial.number)

    if total is None or len(finished(study)) < total:
        objective = Objective(space, subset=subset, seed=seed, device=device, store=store, n_trials=total)
        callbacks = [count, _stop_when_asked] + (
            [optuna.study.MaxTrialsCallback(total, states=FINISHED)] if total is not None else [])
        study.optimize(objective, n_trials=n_trials, timeout=timeout, catch=(SurplusTrial,), callbacks=callbacks)
    return len(mine)
