"""Tuning with Optuna: the tutorial's knobs as a search space, each trial a run spec, studies in a shared storage.

The tutorial ends by inviting its reader to try more conv layers, filters, epochs, dense layers
and hidden units. :class:`SearchSpace` turns those knobs (plus learning rate and batch size) into
a run spec of the registered ``cnn`` model; :class:`Objective` trains it through the results
store, lets Optuna prune it after any epoch, and returns its validation accuracy (the test
accuracy that every stored run records plays no part). :func:`open_storage` opens where a study
lives: by default a journal file in the cache folder, which Optuna documents as safe for
several processes on one machine; a database URL (``postgresql://...``, ``sqlite:///...``)
shares one study between machines, with heartbeats so that a worker killed mid-trial leaves a
failed trial rather than one running forever.
:func:`run_study` is one worker; start as many as there are cores, laptops or GPUs.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data.sources import cache_dir
from ..data.variants import DataVariant
from ..errors import ApparelError
from ..extras import require
from ..interrupts import stop_requested
from ..models.registry import build_model, count_parameters
from ..training.history import History
from .defaults import HEARTBEAT, TRIAL_EPOCHS
from .spec import RunSpec, run_spec
from .store import RunStore

if TYPE_CHECKING:
    import optuna
    import pandas as pd
else:
    optuna = require("optuna")
TrialState = require("optuna.trial").TrialState

__all__ = [
    "SearchSpace", "Objective", "SurplusTrial", "default_journal", "open_storage", "open_study",
    "run_study", "study_summary", "trial_table",
]

FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
"""The states that count towards a study's number of trials."""


_RANGES = ("blocks", "convs", "dense_layers", "dropout", "epochs", "lr")
_CHOICES = ("filters", "hidden", "batch_size")
_LIMITS = {"dropout": "use values from 0 to below 1", "dense_layers": "use 0 or more"}


def default_journal() -> Path:
    """The default study storage: ``optuna/studies.journal`` in the library's cache folder (``APPAREL_CACHE``)."""
    return cache_dir() / "optuna" / "studies.journal"


@dataclass(frozen=True)
class SearchSpace:
    """The knobs a study may turn, as ranges (low, high) or choices.

    A CNN of ``blocks`` stages, the first with ``filters`` filters and each next one twice as
    many, ``convs`` convolutions per stage; ``dense_layers`` hidden layers of ``hidden`` units
    before the output; ``dropout``; trained with the ``minibatch`` recipe (Adam) for ``epochs``
    epochs at learning rate ``lr`` (sampled on a log scale) with batches of ``batch_size``.
    """

    blocks: tuple[int, int] = (1, 3)
    filters: tuple[int, ...] = (8, 16, 32)
    convs: tuple[int, int] = (1, 2)
    dense_layers: tuple[int, int] = (0, 1)
    hidden: tuple[int, ...] = (64, 128, 256)
    dropout: tuple[float, float] = (0.0, 0.4)
    epochs: tuple[int, int] = (1, TRIAL_EPOCHS)
    lr: tuple[float, float] = (3e-4, 1e-2)
    batch_size: tuple[int, ...] = (32, 64, 128, 256)

    def __post_init__(self) -> None:
        if not 1 <= self.blocks[0] <= self.blocks[1] <= 4:
            raise ApparelError(f"blocks must be a range within 1 to 4 stages, not {self.blocks!r}")
        if self.epochs[0] < 1 or self.epochs[0] > self.epochs[1]:
            raise ApparelError(f"epochs must be a range of at least 1, not {self.epochs!r}")
        for knob in _RANGES:
            low, high = getattr(self, knob)
            if not low <= high:
                raise ApparelError(f"{knob} must be a range (low, high) with low <= high, not {(low, high)!r}")
        for knob in (*_RANGES, *_CHOICES):
            values = getattr(self, knob)
            least = 0 if knob in ("dropout", "dense_layers") else 1e-12
            if not values or min(values) < least or (knob == "dropout" and max(values) >= 1):
                raise ApparelError(f"{knob} cannot take {values!r}: {_LIMITS.get(knob, 'use positive values')}")

    def narrowed(self, settings: Sequence[str]) -> SearchSpace:
        """A copy with knobs narrowed by ``knob=values`` strings (the command line's ``--space``):
        a range takes ``low,high`` or one value, a choice the values it may take; for example
        ``["blocks=1,2", "filters=8", "lr=0.001,0.003"]``."""
        changes: dict[str, tuple] = {}
        for setting in settings:
            knob, sep, text = setting.partition("=")
            if knob not in (*_RANGES, *_CHOICES) or not sep:
                raise ApparelError(
                    f"cannot narrow the space with {setting!r}: write knob=values with a knob from "
                    f"{', '.join(sorted((*_RANGES, *_CHOICES)))}, e.g. filters=8,16"
                )
            kind = type(getattr(self, knob)[0])
            try:
                values = tuple(kind(v) for v in text.split(","))
            except ValueError:
                raise ApparelError(f"{knob} takes {kind.__name__} values separated by commas, not {text!r}") from None
            if knob in _RANGES and len(values) not in (1, 2):
                raise ApparelError(f"{knob} is a range: give low,high or one value, not {text!r}")
            changes[knob] = (values[0], values[-1]) if knob in _RANGES else values
        return replace(self, **changes)

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Ask ``trial`` for one value of every knob; return them by name."""
        p: dict[str, Any] = {
            "blocks": trial.suggest_int("blocks", *self.blocks),
            "filters": trial.suggest_categorical("filters", list(self.filters)),
            "convs": trial.suggest_int("convs", *self.convs),
            "dense_layers": trial.suggest_int("dense_layers", *self.dense_layers),
        }
        if p["dense_layers"]:  # hidden units only matter when there is a hidden layer
            p["hidden"] = trial.suggest_categorical("hidden", list(self.hidden))
        p["dropout"] = trial.suggest_float("dropout", *self.dropout, step=0.1)
        p["epochs"] = trial.suggest_int("epochs", *self.epochs)
        p["lr"] = trial.suggest_float("lr", *self.lr, log=True)
        p["batch_size"] = trial.suggest_categorical("batch_size", list(self.batch_size))
        return p

    @staticmethod
    def spec(params: dict[str, Any], *, subset: int | None = None, seed: int = 0) -> RunSpec:
        """The run spec of one point of the space (e.g. a study's ``best_params``)."""
        stages = "|".join(",".join([str(params["filters"] * 2**b)] * params["convs"]) for b in range(params["blocks"]))
        options = {
            "stages": stages,
            "dense_layers": params["dense_layers"],
            "hidden": params.get("hidden", 128),
            "dropout": round(params["dropout"], 2),
        }
        data = DataVariant(train_subset=subset) if subset else None
        return run_spec(
            "cnn", "minibatch", options=options, seed=seed, data=data,
            epochs=params["epochs"], lr=params["lr"], batch_size=params["batch_size"],
        )


class SurplusTrial(RuntimeError):
    """A trial started after the study already had all the trials asked for (it ends failed, unused)."""


class Objective:
    """One trial: suggest a run spec, train it through the results store, return its validation accuracy.

    After every epoch the validation accuracy is reported to Optuna, which may prune the trial
    there. Kept as user attributes: ``spec`` (described), ``key`` (in the results store),
    ``parameters``, ``seconds`` (training), ``val_acc`` (evaluation mode), ``epochs`` run and
    ``from_store`` (read from the results store rather than trained).
    With ``n_trials``, a trial that starts when ``n_trials`` others are already running or
    finished stops the study and ends failed as a :class:`SurplusTrial`, so that several workers
    together finish exactly ``n_trials``.
    """

    def __init__(
        self,
        space: SearchSpace | None = None,
        *,
        subset: int | None = None,
        seed: int = 0,
        device: str | None = None,
        store: RunStore | None = None,
        n_trials: int | None = None,
    ) -> None:
        self.space = space or SearchSpace()
        self.subset, self.seed, self.device = subset, seed, device
        self.store = store or RunStore()
        self.n_trials = n_trials

    def _check_needed(self, trial: optuna.Trial) -> None:
        if self.n_trials is None:
            return
        states = (*FINISHED, TrialState.RUNNING)
        earlier = [t for t in trial.study.get_trials(deepcopy=False, states=states) if t.number < trial.number]
        if len(earlier) >= self.n_trials:
            trial.study.stop()
            raise SurplusTrial(f"the study already has {self.n_trials} trials running or finished")

    def __call__(self, trial: optuna.Trial) -> float:
        self._check_needed(trial)
        params = self.space.suggest(trial)
        spec = self.space.spec(params, subset=self.subset, seed=self.seed)
        trial.set_user_attr("spec", spec.describe())
        trial.set_user_attr("parameters", count_parameters(build_model(spec.model, seed=0, **spec.options)))
        reported = 0

        def on_epoch(history: History) -> bool:
            nonlocal reported
            reported = history.epochs
            trial.report(history.val_acc[-1], history.epochs)
            if history.epochs < spec.recipe.epochs and trial.should_prune():
                trial.set_user_attr("seconds", sum(history.seconds))
                trial.set_user_attr("epochs", history.epochs)
                raise optuna.TrialPruned(f"after epoch {history.epochs} at validation accuracy {history.val_acc[-1]:.4f}")
            return False

        result = self.store.get_or_run(spec, device=self.device, progress=False, on_epoch=on_epoch)
        if reported == 0:  # read from the store: replay its epochs so the pruner decides as if it had trained
            replay = History()
            for i in range(result.history.epochs):
                for name in ("train_loss", "train_acc", "val_loss", "val_acc", "seconds"):
                    getattr(replay, name).append(getattr(result.history, name)[i])
                on_epoch(replay)
        trial.set_user_attr("key", result.key)
        trial.set_user_attr("from_store", reported == 0 or result.model is None)
        trial.set_user_attr("seconds", result.seconds)
        trial.set_user_attr("epochs", result.history.epochs)
        trial.set_user_attr("val_acc", result.val_acc)
        return result.val_acc


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _with_driver(url: str) -> str:
    """``postgresql://`` with the driver that is installed: SQLAlchemy 2.1 assumes psycopg 3, the
    book installs psycopg2 (``postgres://``, Heroku's spelling, is accepted too)."""
    scheme, _, rest = url.partition("://")
    if scheme not in ("postgresql", "postgres"):
        return url
    import importlib.util

    driver = "psycopg" if importlib.util.find_spec("psycopg") else "psycopg2"
    if driver == "psycopg2":
        require("psycopg2")  # a one-line error naming the extra, not SQLAlchemy's ModuleNotFoundError
    return f"postgresql+{driver}://{rest}"


def open_storage(storage: str | Path | None = None, *, heartbeat: int = HEARTBEAT) -> optuna.storages.BaseStorage:
    """Where studies live: None for the default journal file, a file path for another journal file,
    or a database URL (``postgresql://user:password@host:5432/db``, ``sqlite:///file.db``).

    A database storage records a heartbeat every ``heartbeat`` seconds while a trial runs; a trial
    silent for twice that is marked failed by the next worker that starts a trial. A URL that is
    wrong or a database that cannot be reached is a one-line :class:`ApparelError`.
    """
    text = str(storage) if storage is not None else None
    if text is None or "://" not in text:
        path = Path(text) if text is not None else default_journal()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            backend = optuna.storages.journal.JournalFileBackend(str(path))
        except OSError as err:
            raise ApparelError(f"cannot use {path} as a study journal: {err.strerror or err}") from None
        return optuna.storages.JournalStorage(backend)
    engine: dict[str, Any] = {}
    url = _with_driver(text)
    if url.startswith("postgresql"):
        engine["connect_args"] = {"connect_timeout": 10}
    import sqlalchemy.exc

    for attempt in range(3):
        try:
            with warnings.catch_warnings():  # heartbeats are marked experimental
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return optuna.storages.RDBStorage(
                    url, engine_kwargs=engine, heartbeat_interval=heartbeat, grace_period=2 * heartbeat,
                )
        except Exception as err:  # noqa: BLE001 - sqlalchemy, a driver or the server: one line says which
            if isinstance(err, (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError)) and attempt < 2:
                # Workers starting together on an empty database race to create its tables: the
                # loser finds them half made. A moment later they are there.
                time.sleep(1 + attempt)
                continue
            reason = " ".join(str(err).split("\n")[0].split()) or type(err).__name__
            raise ApparelError(
                f"cannot open the study storage {_hide_password(text)} ({type(err).__name__}: {reason[:200]}); "
                f"check the URL, e.g. postgresql://user:password@host:5432/database or sqlite:///studies.db, "
                f"and that the database is running"
            ) from None
    raise AssertionError("not reached")


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


def trial_table(study: optuna.Study) -> pd.DataFrame:
    """One row per trial: number, state, validation accuracy, the knobs, parameters, epochs, seconds."""
    import pandas as pd

    rows = []
    for t in study.get_trials(deepcopy=False):
        rows.append({
            "trial": t.number, "state": t.state.name.lower(),
            "val_acc": t.user_attrs.get("val_acc", t.value if t.state == TrialState.COMPLETE else None),
            **t.params,
            "parameters": t.user_attrs.get("parameters"),
            "epochs_run": t.user_attrs.get("epochs"),
            "seconds": t.user_attrs.get("seconds"),
        })
    return pd.DataFrame(rows).set_index("trial") if rows else pd.DataFrame()


def study_summary(study: optuna.Study) -> str:
    """A few lines: trials by state and the best trial (value, knobs, parameters)."""
    counts: dict[str, int] = {}
    for t in study.get_trials(deepcopy=False):
        counts[t.state.name.lower()] = counts.get(t.state.name.lower(), 0) + 1
    lines = [f"study {study.study_name!r}: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no trials")]
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if complete:
        best = study.best_trial
        knobs = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in best.params.items())
        lines.append(f"best: trial {best.number}, validation accuracy {best.value:.4f}, "
                     f"{best.user_attrs.get('parameters', 0):,} parameters")
        lines.append(f"      {knobs}")
    return "\n".join(lines)
