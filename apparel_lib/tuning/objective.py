"""One Optuna trial: a point of the search space trained through the results store.

:class:`Objective` lets Optuna prune a trial after any epoch and returns its validation accuracy
(the test set plays no part: training never scores it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..extras import require
from ..models.registry import build_model, count_parameters
from ..runs.store import RunStore
from ..training.history import History
from .space import SearchSpace

if TYPE_CHECKING:
    import optuna
else:
    optuna = require("optuna")
TrialState = require("optuna.trial").TrialState

__all__ = ["FINISHED", "SurplusTrial", "Objective"]

FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
"""The states that count towards a study's number of trials."""


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

        # Never from the ledger: a study is a search, so its trials are trained (or read back
        # from this machine's store, replayed below for the pruner).
        result = self.store.get_or_run(spec, device=self.device, progress=False, on_epoch=on_epoch, ledger=False)
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
